"""Reads on the directory: published services, duplicates, orientations, statistics,
editing and moderation. The search engine lives in `directory.search` (re-exported here for
the callers that read it as `queries.search_services`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Count,
    Exists,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
)
from django.db.models.expressions import RawSQL

from maillage.accounts.models import User
from maillage.directory.access import managed_organisation_ids, receiving_organisation_ids
from maillage.directory.enums import RECEIVING_ROLES, PublicationState, RefusalReason, Thematique
from maillage.directory.enums import OrientationState as S
from maillage.directory.models import (
    ChangeState,
    DuplicateCandidate,
    DuplicateDismissal,
    Orientation,
    ProposedChange,
    Service,
    Structure,
)
from maillage.directory.search import (  # noqa: F401 (search names re-exported)
    BOOLEAN_FACETS,
    COUNT_CAP,
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    SearchParams,
    SearchResults,
    corrected_words,
    resolve_place,
    search_cache_key,
    search_services,
    stale_sql,
)


def published_service(public_id):
    return (
        Service.objects.filter(
            public_id=public_id,
            state=PublicationState.PUBLISHED,
            structure__state=PublicationState.PUBLISHED,
        )
        .select_related("structure", "geo_commune", "structure__commune")
        .annotate(is_stale=stale_sql())
        .first()
    )


def suspected_duplicates():
    """The suspected pairs (directory.duplicates keeps them), those a moderator said were
    different left out, by name; slice it to read a page."""
    dismissed = DuplicateDismissal.objects.filter(
        first_id=OuterRef("first_id"), second_id=OuterRef("second_id")
    )
    return (
        DuplicateCandidate.objects.filter(~Exists(dismissed))
        .select_related("first__commune", "second__commune")
        .order_by("first__name", "second__name", "pk")
    )


# --- Orientation ------------------------------------------------------------------------------


def receivers_of(service) -> list:
    """The accounts that answer for this service: professional members of its structure's
    organisation."""

    organisation_id = service.structure.organisation_id
    if organisation_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__organisation__is_active=True,
            memberships__is_active=True,
            memberships__role__in=RECEIVING_ROLES,
        ).distinct()
    )


def receiver_email_for(service) -> str:
    """Where a structure without an account receives its answer link."""
    return service.email or service.structure.email


def orientations_for(user, *, box: str, state: str = ""):
    """The orientations a user sent ("sent") or her structures received ("received"),
    newest first, with what the list shows in one query."""

    qs = Orientation.objects.select_related(
        "service__structure", "sender", "sender_organisation"
    ).order_by("-created_at")
    if box == "sent":
        qs = qs.filter(sender=user)
    else:
        qs = qs.filter(service__structure__organisation_id__in=receiving_organisation_ids(user))
    if state:
        qs = qs.filter(state=state)
    return qs


def orientation_for(user, public_id):
    """One orientation, if this user may see it; None otherwise (the view answers 404)."""

    return (
        Orientation.objects.visible_to(user)
        .select_related("service__structure", "sender", "sender_organisation")
        .prefetch_related("transitions__by", "attachments")
        .filter(public_id=public_id)
        .first()
    )


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class OrientationStats:
    key: str
    label: str
    sent: int
    accepted: int
    refused: int
    expired: int
    completed: int
    not_honoured: int
    cancelled: int
    open: int
    median_answer_hours: float | None
    refusals: dict[str, int]


def orientation_statistics(
    *, by: str, since: dt.date | None = None, until: dt.date | None = None, communes=None
) -> list[OrientationStats]:
    """Counts per service ("service") or per need ("theme") over orientations sent in
    [since, until], optionally for services located in the given communes. No person in it.

    accepted counts every orientation that was accepted, whatever came next (completed,
    not honoured); the delay to answer is the median time from sending to accept or refuse.
    """

    qs = Orientation.objects.all()
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    if communes is not None:
        qs = qs.filter(service__geo_commune__in=communes)
    keys = ["service__public_id", "service__name"] if by == "service" else ["need_theme"]
    was_accepted = Q(state__in=[S.ACCEPTED, S.COMPLETED, S.NOT_HONOURED]) | Q(
        state=S.CANCELLED, answered_at__isnull=False
    )
    rows = (
        qs.values(*keys)
        .annotate(
            sent=Count("id"),
            accepted=Count("id", filter=was_accepted),
            refused=Count("id", filter=Q(state=S.REFUSED)),
            expired=Count("id", filter=Q(state=S.EXPIRED)),
            completed=Count("id", filter=Q(state=S.COMPLETED)),
            not_honoured=Count("id", filter=Q(state=S.NOT_HONOURED)),
            cancelled=Count("id", filter=Q(state=S.CANCELLED)),
            open=Count("id", filter=Q(state__in=[S.SENT, S.ACCEPTED])),
            median_answer=_Median(
                RawSQL("extract(epoch from answered_at - directory_orientation.created_at)", []),
                filter=Q(answered_at__isnull=False),
            ),
        )
        .order_by("-sent", *keys)
    )
    refusals: dict[tuple, dict[str, int]] = {}
    for row in qs.filter(state=S.REFUSED).values(*keys, "refusal_reason").annotate(n=Count("id")):
        key = tuple(row[k] for k in keys)
        refusals.setdefault(key, {})[row["refusal_reason"]] = row["n"]
    theme_labels = dict(Thematique.choices)
    reason_labels = dict(RefusalReason.choices)
    result = []
    for row in rows:
        key = tuple(row[k] for k in keys)
        if by == "service":
            identifier, label = str(row["service__public_id"]), row["service__name"]
        else:
            identifier = row["need_theme"]
            label = str(theme_labels.get(identifier, identifier or "—"))
        median = row["median_answer"]
        result.append(
            OrientationStats(
                key=identifier,
                label=label,
                sent=row["sent"],
                accepted=row["accepted"],
                refused=row["refused"],
                expired=row["expired"],
                completed=row["completed"],
                not_honoured=row["not_honoured"],
                cancelled=row["cancelled"],
                open=row["open"],
                median_answer_hours=round(median / 3600, 1) if median is not None else None,
                refusals={
                    str(reason_labels.get(code, code)): n
                    for code, n in sorted(refusals.get(key, {}).items())
                },
            )
        )
    return result


# --- Editing, moderation ----------------------------------------------------------------------


def managed_structures(user):
    """The structures this organisation admin keeps up to date, with their services and
    pending changes, in a fixed number of queries."""

    pending = ProposedChange.objects.filter(state=ChangeState.PENDING)
    services = (
        Service.objects.annotate(is_stale=stale_sql())
        .prefetch_related(Prefetch("changes", queryset=pending, to_attr="pending_changes"))
        .order_by("name")
    )
    return (
        Structure.objects.filter(organisation_id__in=managed_organisation_ids(user))
        .exclude(state=PublicationState.ARCHIVED)
        .select_related("organisation", "commune")
        .prefetch_related(
            Prefetch("services", queryset=services),
            Prefetch("changes", queryset=pending, to_attr="pending_changes"),
        )
        .order_by("name")
    )


def managed_structure(user, public_id):
    return managed_structures(user).filter(public_id=public_id).first()


def managed_service(user, public_id):

    return (
        Service.objects.filter(
            public_id=public_id, structure__organisation_id__in=managed_organisation_ids(user)
        )
        .select_related("structure", "commune")
        .first()
    )


def moderation_queue():
    """What waits for a moderator: entries asking for first publication, and changes."""

    return {
        "structures": list(
            Structure.objects.filter(state=PublicationState.PENDING)
            .select_related("organisation", "commune")
            .order_by("updated_at")
        ),
        "services": list(
            Service.objects.filter(state=PublicationState.PENDING)
            .select_related("structure", "commune")
            .order_by("updated_at")
        ),
        "changes": list(
            ProposedChange.objects.filter(state=ChangeState.PENDING)
            .select_related("structure", "service__structure", "proposed_by")
            .order_by("proposed_at")
        ),
    }


def moderation_target(kind: str, public_id) -> dict | None:
    """What a moderator decides on: an entry asking for publication or a proposed change."""

    model = {"structure": Structure, "service": Service, "modification": ProposedChange}.get(kind)
    obj = model.objects.filter(public_id=public_id).first() if model else None
    if obj is None:
        return None
    return {"change": obj} if kind == "modification" else {"entry": obj}


def structure_pair(first_id, second_id):
    """Two structures named by their public ids, in that order, or None."""
    found = Structure.objects.in_bulk([first_id, second_id], field_name="public_id")
    if len(found) != 2:
        return None
    return found[first_id], found[second_id]


def service_counts(structure_ids: list[int]) -> dict[int, int]:

    return dict(
        Service.objects.filter(structure_id__in=structure_ids)
        .values("structure_id")
        .annotate(n=Count("id"))
        .values_list("structure_id", "n")
    )


def structure_by_identifier(identifier: str):
    """The directory structure with this SIRET or FINESS (spaces aside), archived ones
    left out; None when none has it. For the parties of a convention, say."""
    identifier = identifier.replace(" ", "")
    if not identifier:
        return None
    return (
        Structure.objects.filter(Q(siret=identifier) | Q(finess=identifier))
        .exclude(state=PublicationState.ARCHIVED)
        .order_by("pk")
        .first()
    )
