from django.db.models import Count, Q

from maillage.accounts.access import can_manage_any_organisation
from maillage.accounts.models import Invitation, Membership, Organisation


def organisations_visible_to(user):
    """Platform admins see every organisation; others see the ones they belong to."""
    qs = Organisation.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")
    if can_manage_any_organisation(user):
        return qs
    return qs.filter(memberships__user=user, memberships__is_active=True).distinct()


def organisation_members(organisation):
    return (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def pending_invitations(organisation):
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
