"""Who sees and acts on support requests and pathways, in plain words.

A request is seen by whoever made it and by the coordinators of the platform it was sent
to. A pathway is seen by the active members of its care circle and by the coordinators of
the platform that holds it; everyone else is told it does not exist (404).
"""

from maillage.core.roles import Capability, organisations_with
from maillage.pathways.enums import (
    COORDINATOR,
    REQUEST_TRANSITIONS,
    REQUESTER,
    CircleRole,
    MemberStatus,
    PathwayState,
)
from maillage.pathways.models import CircleMember


def can_request_support(user) -> bool:
    """Professionals, coordinators and peer workers ask the platform for support."""
    return user.is_authenticated and user.has_capability(Capability.REQUEST_SUPPORT)


def coordinated_platform_ids(user) -> list[int]:
    """The platforms (organisations) where this user is an active coordinator."""
    if not user.is_authenticated:
        return []
    return organisations_with(user, Capability.COORDINATE_PATHWAYS)


def can_triage(user) -> bool:
    """Coordinators triage the requests sent to their platform."""
    return bool(coordinated_platform_ids(user)) and user.has_capability(
        Capability.COORDINATE_PATHWAYS
    )


def request_sides(user, support_request) -> frozenset[str]:
    """The sides from which this user acts on a request: requester, coordinator, or none."""
    if not user.is_authenticated:
        return frozenset()
    sides = set()
    if support_request.requester_id == user.pk:
        sides.add(REQUESTER)
    if support_request.platform_id in coordinated_platform_ids(user):
        sides.add(COORDINATOR)
    return frozenset(sides)


def can_view_request(user, support_request) -> bool:
    return bool(request_sides(user, support_request))


def request_moves(sides, support_request) -> list[str]:
    return [
        to_state
        for (from_state, to_state), allowed in REQUEST_TRANSITIONS.items()
        if from_state == support_request.state and sides & allowed
    ]


def is_platform_coordinator(user, pathway) -> bool:
    """A coordinator of the platform that holds the pathway."""
    return pathway.platform_id in coordinated_platform_ids(user)


def is_active_member(user, pathway) -> bool:
    return CircleMember.objects.filter(
        pathway=pathway, user=user, status=MemberStatus.ACTIVE
    ).exists()


def can_manage_circle(user, pathway) -> bool:
    """The platform's coordinators (the referent is one) approve, add and remove members. A
    referent who is no longer a coordinator of the platform has lost that power."""
    return user.is_authenticated and is_platform_coordinator(user, pathway)


def can_propose_member(user, pathway) -> bool:
    """Any active member may propose someone to an open pathway; the referent decides."""
    return pathway.state == PathwayState.OPEN and (
        can_manage_circle(user, pathway) or is_active_member(user, pathway)
    )


def can_contribute(user, pathway) -> bool:
    """The referent, the platform's coordinators and the circle's active members assess,
    plan, write in the notebook, tell a hospital stay and organise meetings — while the
    pathway is open. A closed pathway is read, not written."""
    return pathway.state == PathwayState.OPEN and (
        can_manage_circle(user, pathway) or is_active_member(user, pathway)
    )


def can_close(user, pathway) -> bool:
    """The platform's coordinators (the referent is one) close an open pathway, and reopen
    a closed one that is not archived yet."""
    return can_manage_circle(user, pathway)


def can_approve_member(user, member, *, manages: bool | None = None) -> bool:
    """A proposed member of an open pathway waits for the platform's coordination."""
    if manages is None:
        manages = can_manage_circle(user, member.pathway)
    return (
        manages
        and member.status == MemberStatus.PENDING
        and member.pathway.state == PathwayState.OPEN
    )


def can_remove_member(user, member, *, manages: bool | None = None) -> bool:
    """A member leaves the circle herself, or the coordination removes her; the referent
    stays (she hands over first), and one who left is gone already."""
    if member.role == CircleRole.REFERENT or member.status == MemberStatus.LEFT:
        return False
    if member.user_id == user.pk:
        return True
    return can_manage_circle(user, member.pathway) if manages is None else manages
