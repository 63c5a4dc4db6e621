"""Writes on accounts, organisations, memberships and invitations.

Each function is atomic and writes its audit row in the same transaction.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts import access
from maillage.accounts.emails import circle_invitation_email, invitation_email
from maillage.accounts.models import (
    ApiToken,
    Invitation,
    LoginFailure,
    Membership,
    Organisation,
    User,
)
from maillage.accounts.signals import invitation_accepted
from maillage.core import audit
from maillage.core.models import AuditEvent
from maillage.core.notify import absolute_url
from maillage.core.roles import PORTAL_ROLES, Role

logger = logging.getLogger(__name__)


# -- login and throttling -----------------------------------------------------------------
@dataclass(frozen=True)
class LoginResult:
    user: User | None
    retry_after: int = 0  # seconds to wait when throttled
    device_cookie: str | None = None  # a new device cookie for the browser, after a login


def throttle_delay(failures: int, *, threshold: int, max_delay: int) -> int:
    """Seconds a client must wait after `failures` recent failures (doubling past threshold)."""
    if failures < threshold:
        return 0
    return min(max_delay, 2 ** min(failures - threshold, 30))


def _recent_failures(scope: Q, since) -> tuple[int, object]:
    recent = LoginFailure.objects.filter(scope, occurred_at__gte=since).aggregate(
        last=Max("occurred_at"), failures=Count("id")
    )
    return recent["failures"], recent["last"]


def _wait_seconds(failures: int, last, *, threshold: int, now) -> float:
    delay = throttle_delay(failures, threshold=threshold, max_delay=settings.LOGIN_MAX_DELAY)
    if not delay or last is None:
        return 0.0
    return (last + timedelta(seconds=delay) - now).total_seconds()


DEVICE_COOKIE = "maillage_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
_DEVICE_SALT = "maillage.login-device"


def device_of(request, account_key: str) -> str:
    """The id of the browser's device cookie when it was given at a successful login to this
    account (signed by the server: it cannot be made up), else ""."""

    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        data = signing.loads(value, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return ""
    if not isinstance(data, dict) or data.get("account") != account_key:
        return ""
    return str(data.get("device", ""))[:64]


def device_cookie(account_key: str) -> str:
    """A new device cookie's value for this account (set once the login succeeded)."""

    return signing.dumps(
        {"account": account_key, "device": secrets.token_hex(16)}, salt=_DEVICE_SALT
    )


def login_attempt(*, request, email: str, password: str) -> LoginResult:
    """Check a password login, slowing down repeated failures — without letting anyone who
    knows an address lock its owner out (device cookies, as OWASP describes them).

    A browser where this account logged in before holds a device cookie for it: its attempts
    are counted on their own, so the owner's usual browser still gets in with the right
    password while someone else is guessing. Every other client is counted per account and
    address — someone guessing from one address does not hold back the owner on a new
    browser elsewhere — with a higher threshold per account over every address (guesses
    spread over many addresses), and a much higher one per address over every account:
    many users share one hospital NAT address, and one person mistyping must not lock the
    others out. Attempts on one account are serialised so that parallel requests cannot get
    more guesses than the throttle allows. The result's `device_cookie`, when set, is for the
    view to give the browser.
    """
    key = LoginFailure.key_for(email)
    ip = audit.client_ip(request)
    device = device_of(request, key)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        now = timezone.now()
        since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
        scopes = [(Q(account_key=key, device=device, ip=ip), settings.LOGIN_FAILURE_THRESHOLD)]
        if device:
            scopes = [(Q(account_key=key, device=device), settings.LOGIN_FAILURE_THRESHOLD)]
        else:
            scopes.append((Q(account_key=key, device=""), settings.LOGIN_FAILURE_ACCOUNT_THRESHOLD))
            if ip:
                scopes.append((Q(ip=ip, device=""), settings.LOGIN_FAILURE_IP_THRESHOLD))
        wait, account_failures = 0.0, 0
        for number, (scope, threshold) in enumerate(scopes):
            failures, last = _recent_failures(scope, since)
            if number == 0:
                account_failures = failures  # this client's, on this account
            wait = max(wait, _wait_seconds(failures, last, threshold=threshold, now=now))
        if wait > 0:
            logger.warning("login throttled: %s recent failures on the account", account_failures)
            return LoginResult(user=None, retry_after=int(wait) + 1)

        user = authenticate(request, username=email.strip(), password=password)
        if user is None:
            LoginFailure.objects.create(account_key=key, ip=ip, device=device)
            known = User.objects.filter(email__iexact=email.strip()).first()
            actor = audit.Actor(user_id=known.public_id) if known else audit.Actor()
            failures = account_failures + 1
            audit.deny(
                "auth.login_failed",
                request=request,
                actor=actor,
                details={
                    "failures": failures,
                    "known_account": known is not None,
                    "known_device": bool(device),
                },
            )
            if failures == settings.LOGIN_FAILURE_THRESHOLD:
                # Recorded once, when the slowing down starts; further throttled attempts
                # go to the application log only, so a flood cannot bloat the audit trail.
                audit.deny(
                    "auth.login_throttled",
                    request=request,
                    actor=actor,
                    details={"failures": failures, "known_device": bool(device)},
                )
            return LoginResult(user=None)
        # This browser's own failures go; those of other clients stay counted (a guesser's
        # count must not restart each time the owner logs in).
        mine = Q(device=device) if device else Q(device="", ip=ip)
        LoginFailure.objects.filter(Q(account_key=key) & mine).delete()
        audit.record("auth.login", request=request, actor=audit.Actor(user_id=user.public_id))
    return LoginResult(user=user, device_cookie=None if device else device_cookie(key))


def login_failures_forget(*, user: User) -> None:
    """The account's password was just reset (the owner proved she holds its mailbox): the
    failed attempts counted against it no longer matter."""
    LoginFailure.objects.filter(account_key=LoginFailure.key_for(user.email)).delete()


def password_reset_rate_exceeded(*, request) -> bool:
    """More than PASSWORD_RESET_PER_HOUR requests from one address in the last hour."""
    ip = audit.client_ip(request)
    if ip is None:
        return False
    recent = AuditEvent.objects.filter(
        action="auth.password_reset_requested",
        ip=ip,
        occurred_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    return recent >= settings.PASSWORD_RESET_PER_HOUR


# -- organisations and memberships ------------------------------------------------------------
def organisation_create(*, actor: User, acting=None, **fields) -> Organisation:
    if not access.can_manage_any_organisation(actor):
        raise PermissionDenied
    organisation = Organisation(created_by=actor, **fields)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
            audit.record(
                "organisation.create", actor=audit.actor_of(actor, acting), obj=organisation
            )
    except IntegrityError:
        raise ValidationError(
            _("Une structure avec ce SIRET ou ce numéro FINESS existe déjà.")
        ) from None
    return organisation


def membership_grant(
    *, actor: User | None, user: User, organisation: Organisation, role: str, acting=None
) -> Membership:
    """Give `user` a role in `organisation`. `actor=None` is the command line (trusted)."""
    if actor is not None and not access.can_grant_role(actor, organisation, role):
        audit.deny(
            "membership.grant",
            actor=audit.actor_of(actor, acting),
            obj=organisation,
            details={"role": role},
        )
        raise PermissionDenied
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role, defaults={"is_active": True}
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        audit.record(
            "membership.grant",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.membership",
            object_id=str(membership.public_id),
            details={
                "user": str(user.public_id),
                "organisation": str(organisation.public_id),
                "role": role,
            },
        )
    return membership


def membership_revoke(*, actor: User, membership: Membership, acting=None) -> None:
    if not access.can_grant_role(actor, membership.organisation, membership.role):
        audit.deny(
            "membership.revoke",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.membership",
            object_id=str(membership.public_id),
        )
        raise PermissionDenied
    if membership.user_id == actor.pk and membership.role in {
        Role.ORGANISATION_ADMIN,
        Role.PLATFORM_ADMIN,
    }:
        raise ValidationError(_("Vous ne pouvez pas retirer votre propre rôle d'administration."))
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit.record(
            "membership.revoke",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.membership",
            object_id=str(membership.public_id),
            details={
                "user": str(membership.user.public_id),
                "organisation": str(membership.organisation.public_id),
                "role": membership.role,
            },
        )


# -- invitations ------------------------------------------------------------------------------
def invitation_revoke(*, actor: User, invitation: Invitation, acting=None) -> None:
    if not access.can_manage_members(actor, invitation.organisation):
        audit.deny(
            "invitation.revoke",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.invitation",
            object_id=str(invitation.public_id),
        )
        raise PermissionDenied
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            "invitation.revoke",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.invitation",
            object_id=str(invitation.public_id),
        )


def invitation_send(
    *, actor: User, organisation: Organisation, email: str, role: str, acting=None
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token."""
    if not access.can_grant_role(actor, organisation, role):
        audit.deny(
            "invitation.send",
            actor=audit.actor_of(actor, acting),
            obj=organisation,
            details={"role": role},
        )
        raise PermissionDenied
    return _invite(actor=actor, organisation=organisation, email=email, role=role, acting=acting)


def invitation_send_for_circle(
    *, actor: User, organisation: Organisation, email: str, acting=None
) -> tuple[Invitation, str]:
    """Invite a professional without an account into the coordinator's platform, to join a
    care circle (the circle's side is pathways.actions.circle_invite)."""
    if not access.can_invite_circle_professional(actor, organisation):
        audit.deny(
            "invitation.send",
            actor=audit.actor_of(actor, acting),
            obj=organisation,
            details={"role": Role.PROFESSIONAL, "circle": True},
        )
        raise PermissionDenied
    return _invite(
        actor=actor,
        organisation=organisation,
        email=email,
        role=Role.PROFESSIONAL,
        acting=acting,
        wording=circle_invitation_email,
    )


def _invite(*, actor, organisation, email, role, acting, wording=None):
    email = email.strip().lower()
    if email == actor.email.lower():
        raise ValidationError(_("Vous ne pouvez pas vous inviter vous-même."))
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, role=role, is_active=True
    ).exists():
        raise ValidationError(_("Cette personne a déjà ce rôle dans la structure."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(
            email__iexact=email,
            organisation=organisation,
            role=role,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            token_hash=Invitation.hash_token(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        audit.record(
            "invitation.send",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.invitation",
            object_id=str(invitation.public_id),
            details={"organisation": str(organisation.public_id), "role": role},
        )
        link = absolute_url("") + reverse("accounts:invitation_open", kwargs={"token": token})
        if wording is None:
            subject, body = invitation_email(
                inviter=actor, organisation=organisation, role=role, link=link
            )
        else:
            subject, body = wording(inviter=actor, organisation=organisation, link=link)
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, token


def invitation_find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    full_name: str = "",
    password: str = "",
    acting=None,
) -> User:
    """Accept with the logged-in account (same email) or create the account."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise ValidationError(_("Cette invitation a expiré ou a déjà été utilisée."))
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _("Un compte existe déjà pour cette adresse : connectez-vous d'abord.")
                )
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        invitation.email, password=password, full_name=full_name
                    )
            except IntegrityError:
                raise ValidationError(
                    _("Un compte existe déjà pour cette adresse : connectez-vous d'abord.")
                ) from None
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(_("Cette invitation a été envoyée à une autre adresse e-mail."))
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        membership_grant(
            actor=None,
            user=user,
            organisation=invitation.organisation,
            role=invitation.role,
            acting=acting,
        )
        audit.record(
            "invitation.accept",
            actor=audit.Actor(user_id=user.public_id),
            object_type="accounts.invitation",
            object_id=str(invitation.public_id),
        )
        # What the invitation was for besides the role (a care circle): its app's receiver.
        invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user


API_TOKEN_DAYS = 365
_TOKEN_TOUCH_SECONDS = 60


def api_token_create(*, actor: User, name: str, acting=None) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and the raw token, shown once."""
    if not access.can_use_api_tokens(actor):
        audit.deny("api_token.create", actor=audit.actor_of(actor, acting))
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError(_("Donnez un nom au jeton (l'outil qui l'utilise)."))
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            prefix=raw[:12],
            token_hash=ApiToken.hash_token(raw),
            expires_at=timezone.now() + timedelta(days=API_TOKEN_DAYS),
        )
        audit.record(
            "api_token.create",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.apitoken",
            object_id=str(token.public_id),
        )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken, acting=None) -> None:
    if token.user_id != actor.pk:
        audit.deny(
            "api_token.revoke", actor=audit.actor_of(actor, acting), object_id=str(token.public_id)
        )
        raise PermissionDenied
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit.record(
            "api_token.revoke",
            actor=audit.actor_of(actor, acting),
            object_type="accounts.apitoken",
            object_id=str(token.public_id),
        )


def api_token_user(raw: str) -> User | None:
    """The active user a bearer token stands for, or None. Records the last use (at most
    once a minute per token, to keep API calls read-only most of the time)."""
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash_token(raw)).first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    if not access.can_use_api_tokens(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
        _TOKEN_TOUCH_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def portal_account_erase(*, user: User) -> bool:
    """Erase an account that only ever opened a person's space (roles person or caregiver)
    once the record it was for is anonymised: its portal roles end, its name and address
    are replaced, it can no longer log in. An account with any other role is left alone.
    Returns whether it was erased."""

    with transaction.atomic():
        memberships = Membership.objects.select_for_update().filter(user=user, is_active=True)
        if any(m.role not in PORTAL_ROLES for m in memberships):
            return False
        memberships.update(is_active=False)
        Invitation.objects.filter(email__iexact=user.email).delete()
        User.objects.filter(pk=user.pk).update(
            full_name="—",
            email=f"efface-{user.public_id}@invalid",
            is_active=False,
            password=make_password(None),  # unusable
        )
        audit.record(
            "account.erase",
            actor=audit.Actor(),
            object_type="accounts.user",
            object_id=str(user.public_id),
        )
    return True
