from django.db.models import Count, Q

from maillage.accounts.access import can_manage_any_organisation
from maillage.accounts.models import ApiToken, Invitation, Membership, Organisation
from maillage.core.roles import PORTAL_ROLES


def organisations_visible_to(user):
    """Platform admins see every organisation; others see the ones they work in (portal
    memberships of the person supported and caregivers do not count)."""
    qs = Organisation.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")
    if can_manage_any_organisation(user):
        return qs
    return qs.filter(
        pk__in=Membership.objects.filter(user=user, is_active=True)
        .exclude(role__in=PORTAL_ROLES)
        .values("organisation")
    )


def organisation_members(organisation, *, include_portal: bool):
    """Active memberships; the people supported and caregivers only for those who manage."""
    members = Membership.objects.filter(organisation=organisation, is_active=True)
    if not include_portal:
        members = members.exclude(role__in=PORTAL_ROLES)
    return members.select_related("user").order_by("user__full_name", "role")


def api_tokens_of(user):
    return list(ApiToken.objects.filter(user=user))


def api_token_of(user, public_id):
    """One of the user's own tokens, or None (someone else's token does not exist for her)."""
    return ApiToken.objects.filter(public_id=public_id, user=user).first()


def pending_invitations(organisation):
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
