import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicModel(models.Model):
    """Base of every record a URL or the API can name: a UUID public id, timestamps, author.

    Sequential primary keys stay inside the database.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class PrivateFile(models.Model):
    """Base of a document people send (orientation, notebook). The file lives under
    PRIVATE_FILES_DIR, outside the web root, at the `path` the concrete model gives; it is
    served only by views that check access and write the audit trail (core.attachments)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("autorisé")
    DENIED = "denied", _("refusé")


class AuditEvent(models.Model):
    """One row of the append-only audit trail.

    A database trigger refuses UPDATE, DELETE and TRUNCATE; each row carries the SHA-256 of
    its content chained to the previous row's hash (see core.audit), so that
    `maillage audit verify` detects a row altered or removed behind the trigger's back.
    Rows hold identifiers, never personal health content.
    """

    occurred_at = models.DateTimeField()
    actor_id = models.UUIDField(null=True, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    organisation_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.TextField(blank=True, help_text="canonical JSON, no personal content")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
            # A person's record's accesses, newest first (her space, the referent's list).
            models.Index(fields=["object_id", "-id"], name="audit_by_object"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.outcome}"


class PlatformSettings(models.Model):
    """The instance's own configuration, edited by a platform admin (one row)."""

    name = models.CharField(_("nom de la plateforme"), max_length=200, default="Maillage")
    competence_territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire de compétence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    require_2fa_for_professionals = models.BooleanField(
        _("double authentification obligatoire pour les professionnel·les"), default=False
    )
    orientation_expiry_days = models.PositiveSmallIntegerField(
        _("délai de réponse à une orientation (jours)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Sans réponse dans ce délai, l'orientation expire et l'envoyeur est prévenu."),
    )
    orientation_reminder_days = models.PositiveSmallIntegerField(
        _("relance avant expiration (jours)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_("La structure qui n'a pas répondu est relancée ce nombre de jours avant."),
    )
    complexity_threshold = models.PositiveSmallIntegerField(
        _("seuil de complexité"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "Au tri d'une demande d'appui, un score de repérage égal ou supérieur suggère "
            "d'ouvrir un parcours complexe ; à partir de la moitié, un appui au professionnel."
        ),
    )
    archive_after_days = models.PositiveIntegerField(
        _("archivage des parcours clos (jours après la clôture)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Un parcours clos depuis ce délai est archivé : il ne se modifie plus et ne "
            "figure plus dans les listes de travail."
        ),
    )
    anonymise_after_days = models.PositiveIntegerField(
        _("anonymisation des parcours archivés (jours après la clôture)"),
        default=5 * 365,
        validators=[MinValueValidator(1), MaxValueValidator(7300)],
        help_text=_(
            "Passé ce délai après la clôture, l'identité de la personne, les textes libres, "
            "les messages et les pièces jointes sont effacés ; seules restent les données "
            "utiles aux statistiques (dates, besoins, niveaux, issues)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.name

    def clean(self):

        if (
            self.archive_after_days
            and self.anonymise_after_days
            and self.anonymise_after_days < self.archive_after_days
        ):
            raise ValidationError(
                {"anonymise_after_days": _("L'anonymisation ne peut pas précéder l'archivage.")}
            )

    @classmethod
    def current(cls) -> "PlatformSettings":
        settings_row = cls.objects.select_related("competence_territory").first()
        if settings_row is None:
            settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class RateLimitBucket(models.Model):
    """Fixed-window request counters, in PostgreSQL so that every app server shares them."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_window")
        ]

    def __str__(self):
        return f"{self.key} {self.window_start:%H:%M} {self.count}"


class Notification(models.Model):
    """An on-site notice for one user ("your orientation was accepted"), with a link to
    the record. The text names the record, never health content."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self):
        return self.message
