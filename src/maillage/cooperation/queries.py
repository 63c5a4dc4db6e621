"""Reads of the cooperation: the conventions a user may see, with what their pages show."""

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, When

from maillage.accounts.models import Membership
from maillage.cooperation import access
from maillage.cooperation.enums import AlertState, CallState
from maillage.cooperation.models import (
    AlertReceipt,
    AlertUpdate,
    CheckCall,
    CheckCallCampaign,
    Convention,
    ConventionDocument,
    ConventionObligation,
    ConventionParty,
    TerritorialAlert,
)
from maillage.core.roles import Role
from maillage.pathways.queries import in_circle
from maillage.territories.models import Territory


def conventions_visible_to(user):
    """Platform admins see every convention; the members of an organisation see those it
    keeps or is party to (a party by its directory structure counts when the structure is the
    organisation's). Others see none: the register is no public page."""
    if not user.is_authenticated:
        return Convention.objects.none()
    if access.is_platform_admin(user):
        return Convention.objects.all()
    ids = access.party_organisation_ids(user)
    return Convention.objects.filter(
        Q(managed_by_id__in=ids)
        | Q(parties__organisation_id__in=ids, parties__left_on__isnull=True)
        | Q(parties__structure__organisation_id__in=ids, parties__left_on__isnull=True)
    ).distinct()


def convention_list(user):
    """The register: each convention with its keeper and its number of parties, in one query."""
    return list(
        conventions_visible_to(user)
        .select_related("managed_by", "amends")
        .annotate(
            party_count=Count("parties", filter=Q(parties__left_on__isnull=True), distinct=True),
            open_obligations=Count(
                "obligations", filter=Q(obligations__state="todo"), distinct=True
            ),
        )
        .order_by("state", "title", "id")
    )


def convention_for(user, public_id):
    """One convention as its page shows it, or None (not there, or not this user's)."""
    return (
        conventions_visible_to(user)
        .select_related("managed_by", "amends", "administrator")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=ConventionParty.objects.select_related("organisation", "structure"),
            ),
            Prefetch(
                "obligations",
                queryset=ConventionObligation.objects.select_related(
                    "party__organisation", "party__structure"
                ),
            ),
            "amendments",
            Prefetch(
                "documents",
                queryset=ConventionDocument.objects.filter(removed_at__isnull=True).select_related(
                    "uploaded_by"
                ),
            ),
        )
        .filter(public_id=public_id)
        .first()
    )


def alerts_visible_to(user):
    """An alert is read by its recipients and by the coordinators of the platform that
    issued it; nobody else (a 404 for the others)."""
    if not user.is_authenticated:
        return TerritorialAlert.objects.none()
    issuing = [m.organisation_id for m in user.active_memberships() if m.role == Role.COORDINATOR]
    return TerritorialAlert.objects.filter(
        Q(issued_by_organisation_id__in=issuing)
        | Exists(AlertReceipt.objects.filter(alert=OuterRef("pk"), user=user))
    )


def alert_list(user, *, archived: bool = False, limit: int = 100) -> list:
    """Her alerts, the active ones first, each with whether she read it (`read_at`, None for
    a keeper who received nothing) and how many of its recipients did — in one query."""
    mine = AlertReceipt.objects.filter(alert=OuterRef("pk"), user=user)
    alerts = alerts_visible_to(user)
    alerts = (
        alerts.filter(state=AlertState.ARCHIVED)
        if archived
        else alerts.exclude(state=AlertState.ARCHIVED)
    )
    return list(
        alerts.select_related("territory", "issued_by_organisation")
        .annotate(
            recipients=Count("receipts", distinct=True),
            acknowledged=Count(
                "receipts", filter=Q(receipts__read_at__isnull=False), distinct=True
            ),
            received=Exists(mine),
            unread=Exists(mine.filter(read_at__isnull=True)),
        )
        .order_by("state", "-created_at", "-id")[:limit]
    )


def alert_for(user, public_id):
    """One alert as its page shows it (its news, its counts, her receipt), or None."""
    alert = (
        alerts_visible_to(user)
        .select_related("territory", "issued_by_organisation", "created_by")
        .prefetch_related(
            Prefetch("updates", queryset=AlertUpdate.objects.select_related("written_by"))
        )
        .annotate(
            recipients=Count("receipts", distinct=True),
            acknowledged=Count(
                "receipts", filter=Q(receipts__read_at__isnull=False), distinct=True
            ),
        )
        .filter(public_id=public_id)
        .first()
    )
    if alert is not None:
        alert.receipt = AlertReceipt.objects.filter(alert=alert, user=user).first()
    return alert


def alert_audience(territory, roles) -> dict[int, int]:
    """Who an alert of this territory reaches: the active members, in these roles, of the
    organisations whose commune lies in the territory — user id → her organisation's id
    (the first, when she belongs to several)."""
    found: dict[int, int] = {}
    for user_id, organisation_id in (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            role__in=roles,
            organisation__commune__territories=territory,
        )
        .order_by("user_id", "pk")
        .values_list("user_id", "organisation_id")
    ):
        found.setdefault(user_id, organisation_id)
    return found


def alert_territories() -> list:
    """The territories an alert may name, by name."""
    return list(Territory.objects.order_by("name"))


def territory_by_public_id(public_id):
    return Territory.objects.filter(public_id=public_id).first()


def unread_alerts(user):
    """Her receipts of active alerts she has not read yet, the latest first."""
    return (
        AlertReceipt.objects.filter(user=user, read_at__isnull=True, alert__state=AlertState.ACTIVE)
        .select_related("alert")
        .order_by("-alert__created_at", "-id")
    )


BOARD_PAGE = 100


def _circle_of(user):
    """The calls of the people whose circle she is in (an active member, or the referent)."""
    return in_circle(user, "pathway")


def campaigns_visible_to(user):
    """A campaign is seen by the coordinators of its platform and by the circle members of
    the people it calls (each sees only her own people on the board)."""
    if not user.is_authenticated:
        return CheckCallCampaign.objects.none()
    coordinated = [
        m.organisation_id for m in user.active_memberships() if m.role == Role.COORDINATOR
    ]
    mine = CheckCall.objects.filter(campaign=OuterRef("pk")).filter(_circle_of(user))
    return CheckCallCampaign.objects.filter(Q(platform_id__in=coordinated) | Exists(mine))


def campaign_for(user, public_id):
    """The campaign with its counts per state (every call: figures, no names), or None."""
    counts = {
        f"n_{state}": Count("calls", filter=Q(calls__state=state), distinct=True)
        for state in CallState.values
    }
    return (
        campaigns_visible_to(user)
        .select_related("territory", "platform", "alert")
        .annotate(n_calls=Count("calls", distinct=True), **counts)
        .filter(public_id=public_id)
        .first()
    )


def campaign_list(user, limit: int = 50) -> list:
    return list(
        campaigns_visible_to(user)
        .select_related("territory")
        .annotate(
            n_calls=Count("calls", distinct=True),
            n_to_call=Count("calls", filter=Q(calls__state=CallState.TO_CALL), distinct=True),
        )
        .order_by("state", "-created_at", "-id")[:limit]
    )


def campaign_board(user, campaign, *, state: str = "", page: int = 1):
    """A page of the board: the calls of the people whose circle she is in (nobody else's
    name), optionally in one state, with the person, her commune, the caller and the plan
    action — two queries whatever the campaign's size. Returns (calls, whether more)."""
    calls = (
        CheckCall.objects.filter(campaign=campaign)
        .filter(_circle_of(user))
        .select_related("pathway__person__commune", "caller__user", "action")
        .order_by(
            Case(
                When(state=CallState.ESCALATED, then=0),
                When(state=CallState.TO_CALL, then=1),
                default=2,
            ),
            "pathway__person__last_name",
            "id",
        )
    )
    if state:
        calls = calls.filter(state=state)
    start = (max(page, 1) - 1) * BOARD_PAGE
    found = list(calls[start : start + BOARD_PAGE + 1])
    return found[:BOARD_PAGE], len(found) > BOARD_PAGE


def call_for(user, campaign, call_id):
    """One call of the campaign, if she is in the person's circle; else None."""
    return (
        CheckCall.objects.filter(campaign=campaign, public_id=call_id)
        .filter(_circle_of(user))
        .select_related("action__objective__plan", "pathway")
        .first()
    )


def alerts_for_campaigns(user) -> list:
    """The active alerts her platforms issued: a campaign may follow one."""
    return list(
        alerts_visible_to(user)
        .filter(
            state=AlertState.ACTIVE,
            issued_by_organisation__in=[
                m.organisation_id for m in user.active_memberships() if m.role == Role.COORDINATOR
            ],
        )
        .order_by("-created_at")
    )
