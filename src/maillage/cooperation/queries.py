"""Reads of the cooperation: the conventions a user may see, with what their pages show."""

from django.db.models import Count, Prefetch, Q

from maillage.cooperation import access
from maillage.cooperation.models import Convention, ConventionObligation, ConventionParty


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
        )
        .filter(public_id=public_id)
        .first()
    )
