"""Writing and verifying the audit trail.

`record()` is called inside the transaction of the change it describes (DESIGN habit 5),
as its last write. Rows are chained: hash = HMAC-SHA-256(key, previous hash + canonical
content), the key coming from MAILLAGE_AUDIT_KEY (else the secret key), never the database.
A transaction-scoped advisory lock serialises writers so the chain has one order, the order
of ids.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib
import ipaddress
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext_lazy as _

from maillage.core.models import AuditEvent, Outcome
from maillage.core.roles import Role


class AuditAction(models.TextChoices):
    """What the audit trail records for the platform itself. Each app declares its own
    `AuditAction` in its `enums` module, in the words the list of accesses to a record shows
    (« a consulté le plan personnalisé »); `record()` refuses a name no app declares."""

    ACCESS_DENIED = "access.denied", _("s'est vu refuser l'accès")
    ACCOUNT_REMINDER_PREFERENCE = (
        "account.reminder_preference",
        _("a changé ses préférences de rappel"),
    )
    API_DENIED = "api.denied", _("s'est vu refuser une opération de l'API")
    API_NOT_FOUND = "api.not_found", _("a demandé par l'API un élément introuvable")
    AUDIT_VIEW = "audit.view", _("a consulté le journal d'audit")
    PLATFORM_SETTINGS = "platform.settings", _("a ouvert les réglages de la plateforme")
    PLATFORM_SETTINGS_UPDATE = (
        "platform.settings_update",
        _("a modifié les réglages de la plateforme"),
    )


class UnknownAuditAction(ValueError):
    """An audit name no app declares: a programming error, caught by the tests."""


@functools.cache
def declared() -> dict[str, str]:
    """Every audit name, with its words: core's, and each installed app's
    `enums.AuditAction` (found through the app registry, as Django finds admin modules)."""
    names = {member.value: member.label for member in AuditAction}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.enums")
        except ModuleNotFoundError:
            continue
        for member in getattr(module, "AuditAction", ()):
            if member.value in names:
                raise ImproperlyConfigured(f"audit name declared twice: {member.value}")
            names[member.value] = member.label
    return names


@functools.cache
def _declared_by_app() -> list[tuple[str, str, list]]:
    """The audit names grouped by the app that declares them, with their lazy words (put in
    the reader's language when shown, never frozen in the first reader's)."""
    groups = [("core", apps.get_app_config("core").verbose_name, list(AuditAction))]
    for config in apps.get_app_configs():
        if config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.enums")
        except ModuleNotFoundError:
            continue
        members = list(getattr(module, "AuditAction", ()))
        if members:
            groups.append((config.label, config.verbose_name, members))
    return groups


def declared_by_app() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For the journal's filter: (app label, app name, [(name, words)…]) in the language of
    the request, the words in alphabetical order — core's first."""
    return [
        (
            label,
            str(name),
            sorted(((m.value, str(m.label)) for m in members), key=lambda item: item[1]),
        )
        for label, name, members in _declared_by_app()
    ]


def readable(events) -> list[dict]:
    """Audit events as a person reads them: the action in words, who (her name), her role
    and structure in words, the object's kind in words. Two queries for a whole page."""
    names = dict(
        get_user_model()
        .objects.filter(public_id__in={e.actor_id for e in events if e.actor_id})
        .values_list("public_id", "full_name")
    )
    organisations = dict(
        apps.get_model("accounts", "Organisation")
        .objects.filter(public_id__in={e.organisation_id for e in events if e.organisation_id})
        .values_list("public_id", "name")
    )

    def kind(object_type: str) -> str:
        try:
            return str(apps.get_model(object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return object_type

    return [
        {
            "event": e,
            "what": label_of(e.action),
            "who": names.get(e.actor_id, "") if e.actor_id else "",
            "role": str(Role(e.actor_role).label) if e.actor_role in Role.values else e.actor_role,
            "organisation": organisations.get(e.organisation_id, ""),
            "object": kind(e.object_type) if e.object_type else "",
        }
        for e in events
    ]


def label_of(action: str) -> str:
    """The action in words, for the list of accesses to a record."""
    return str(declared().get(action, action))


def _check(action: str) -> None:
    if action in declared():
        return
    if getattr(settings, "MAILLAGE_AUDIT_STRICT", False):
        raise UnknownAuditAction(action)
    logger.error("audit name not declared in any AuditAction: %s", action)


logger = logging.getLogger(__name__)

GENESIS = "0" * 64
_LOCK_KEY = 0x4D41494C  # "MAIL": one advisory lock for the chain


@dataclass(frozen=True)
class Actor:
    """Who acts: the user, the membership she acts under, the address she acts from.

    Built once per request (`Actor.of(request)`) and handed to actions and audited reads in
    place of the HTTP request, so that they run the same from a page, the API, a command or
    a job (`Actor()` is the platform itself; `Actor.for_user(user)` a user acting outside a
    request). The audit trail records its ids; `user` and `membership` are the objects."""

    user_id: object = None
    role: str = ""
    organisation_id: object = None
    ip: str | None = None
    user: object = field(default=None, compare=False, repr=False)
    membership: object = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, request) -> Actor:
        """This request's actor, built once (again only if the user or the membership in use
        changed during the request: a login, a switch of role)."""
        user = getattr(request, "user", None)
        membership = getattr(request, "active_membership", None)
        key = (getattr(user, "pk", None), getattr(membership, "pk", None))
        cached = getattr(request, "_maillage_actor", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        actor = cls._from_request(request)
        request._maillage_actor = (key, actor)
        return actor

    @classmethod
    def _from_request(cls, request) -> Actor:
        ip = client_ip(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return cls(ip=ip)
        membership = getattr(request, "active_membership", None)
        if membership is None:
            return cls(user_id=user.public_id, ip=ip, user=user)
        return cls(
            user_id=user.public_id,
            role=membership.role,
            organisation_id=membership.organisation.public_id,
            ip=ip,
            user=user,
            membership=membership,
        )

    @classmethod
    def for_user(cls, user) -> Actor:
        """A user acting outside any request (a command, a job acting in her name)."""
        return cls(user_id=user.public_id, user=user) if user is not None else cls()


def actor_of(user, acting: Actor | None) -> Actor:
    """Who acts, for `record`: the request's actor when there is one, else the user given,
    else nobody (the platform itself, a periodic job)."""
    if acting is not None:
        return acting
    return Actor.for_user(user)


def client_ip(request) -> str | None:
    """The client's address, as PostgreSQL's inet type will give it back.

    Behind MAILLAGE_TRUSTED_PROXY_COUNT proxies, it is the X-Forwarded-For entry the first
    trusted proxy appended; anything further left could be forged by the client.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address) if address else None
    except ValueError:
        return None
    if parsed is None:
        return None
    # Django stores IPv6 in its own canonical text (IPv4-mapped kept dotted), which is what
    # the database returns and what `verify` hashes: hash the same text on the way in.
    return clean_ipv6_address(str(parsed)) if parsed.version == 6 else str(parsed)


def canonical(event: AuditEvent) -> str:
    occurred = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        occurred,
        str(event.actor_id or ""),
        event.actor_role,
        str(event.organisation_id or ""),
        event.action,
        event.object_type,
        event.object_id,
        event.outcome,
        event.ip or "",
        event.details,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def digest(prev_hash: str, event: AuditEvent) -> str:
    # Keyed with a secret that lives outside the database: someone who can write to the
    # table cannot forge a consistent chain after altering or removing rows.
    message = (prev_hash + canonical(event)).encode()
    return hmac.new(_chain_key(), message, hashlib.sha256).hexdigest()


def _chain_key() -> bytes:
    return hashlib.sha256(b"maillage.audit-chain:" + settings.AUDIT_CHAIN_KEY.encode()).digest()


def record(
    action: str,
    *,
    actor: Actor | None = None,
    request=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.ALLOWED,
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit row. `details` must hold identifiers and codes, never personal content."""
    _check(action)
    if actor is None:
        actor = Actor.of(request) if request is not None else Actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.public_id)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor.user_id,
        actor_role=actor.role or "",
        organisation_id=actor.organisation_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        outcome=str(outcome),
        ip=actor.ip if request is None else client_ip(request),
        details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = previous or GENESIS
        event.hash = digest(event.prev_hash, event)
        event.save(force_insert=True)
    return event


def deny(action: str, *, request=None, actor: Actor | None = None, **kwargs) -> AuditEvent:
    """Record a refusal. The refusal handlers (pages and API) write one for a `Denied`,
    `Missing` or PermissionDenied only when none was written in this request
    (`denial_recorded`), so a refusal an action or a read recorded itself is not counted
    twice."""
    event = record(action, request=request, actor=actor, outcome=Outcome.DENIED, **kwargs)
    _denial_written.set(event.pk)
    return event


# The denial last written in this context (a request, a job); reset for each request by
# core.middleware.RefusalAuditMiddleware.
_denial_written: ContextVar[int | None] = ContextVar("maillage_denial_written", default=None)


def new_request() -> None:
    _denial_written.set(None)


def denial_recorded() -> bool:
    """Whether a refusal was written in this request and is still there (one written inside
    a transaction that was then rolled back is gone: the handler writes it again)."""
    pk = _denial_written.get()
    return pk is not None and AuditEvent.objects.filter(pk=pk).exists()


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def verify(batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the chain in id order; return (rows checked, problems found)."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    checked = 0
    for event in _iterate(batch_size):
        checked += 1
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.id, "le lien avec la ligne précédente est rompu"))
        if digest(event.prev_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, "le contenu de la ligne a été modifié"))
        expected_prev = event.hash
    return checked, problems


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
