import hashlib
import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from maillage.accounts.enums import OrganisationKind
from maillage.accounts.validators import validate_finess, validate_siret
from maillage.core.models import PublicModel
from maillage.core.roles import (
    ALWAYS_SECOND_FACTOR_ROLES,
    PROFESSIONAL_ROLES,
    Role,
    capabilities_of,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("an account needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """Someone who logs in: professionals, coordinators, the person supported, caregivers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=200)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Reminders (overdue actions, revisions due) by email: one each time (False), or one
    # summary a week (True); the on-site notices come either way.
    weekly_digest = models.BooleanField(
        _("recevoir les rappels en un récapitulatif hebdomadaire"), default=False
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("compte")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    # Roles are held through active memberships; the capability table lives in core.roles.
    def active_memberships(self):
        cache = getattr(self, "_memberships_cache", None)
        if cache is None:
            cache = list(
                self.memberships.filter(is_active=True, organisation__is_active=True)
                .select_related("organisation")
                .order_by("organisation__name", "role")
            )
            self._memberships_cache = cache
        return cache

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.active_memberships())

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_of(self.roles)

    def has_capability(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def is_platform_admin(self) -> bool:
        return Role.PLATFORM_ADMIN in self.roles

    def second_factor_required(self, *, professionals_must: bool) -> bool:
        roles = self.roles
        if roles & ALWAYS_SECOND_FACTOR_ROLES:
            return True
        return professionals_must and bool(roles & PROFESSIONAL_ROLES)


class Organisation(PublicModel):
    """A member structure of the platform (hospital, GP practice, association, CCAS…)."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    finess = models.CharField(
        _("numéro FINESS"), max_length=9, blank=True, validators=[validate_finess]
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("structure membre")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="organisation_siret_unique"
            ),
            models.UniqueConstraint(
                fields=["finess"],
                condition=~models.Q(finess=""),
                name="organisation_finess_unique",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """One role of one person in one organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans une structure")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.organisation}"


class Invitation(models.Model):
    """An emailed, expiring, single-use link to join an organisation with a role.

    Only the SHA-256 of the token is stored: a database leak does not leak usable links.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse e-mail"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class LoginFailure(models.Model):
    """A failed login, kept for throttling. The email is stored hashed, never in clear."""

    account_key = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    # The browser the attempt came from, when it holds a device cookie of this account
    # (accounts.actions.login_attempt); empty for every other client.
    device = models.CharField(max_length=64, blank=True, default="")
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["account_key", "device"], name="login_failure_device")]

    def __str__(self):
        return f"login failure at {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    @staticmethod
    def key_for(email: str) -> str:
        # Keyed with the secret key so that the stored value cannot be matched to an address.
        return salted_hmac("login-failure", email.strip().lower(), algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A personal token for the API (`Authorization: Bearer mlg_…`): it acts as its user,
    with her roles, until it expires or is revoked. Only its SHA-256 is stored; the token is
    shown once, when created."""

    PREFIX = "mlg_"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
