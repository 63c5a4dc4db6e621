"""Who reads and writes the directory and its orientations.

Published services are not personal data: every professional role searches them; the
people supported will reach them through their plan. An orientation carries a person's
name and need: only its sender and the receiving structure's team see it.
"""

from maillage.core.roles import Capability, organisations_where, organisations_with
from maillage.directory import hooks
from maillage.directory.enums import (
    CIRCLE,
    ORIENTATION_TRANSITIONS,
    RECEIVER,
    RECEIVING_ROLES,
    SENDER,
    OrientationState,
)


def can_search_directory(user) -> bool:
    """Professionals, coordinators, organisation admins and peer workers search the directory."""
    return user.is_authenticated and user.has_capability(Capability.SEARCH_DIRECTORY)


def can_orient(user) -> bool:
    """Professionals and coordinators orient people to services."""
    return user.is_authenticated and user.has_capability(Capability.ORIENT_PEOPLE)


def can_view_orientation_statistics(user) -> bool:
    """The observatory's readers see counts per service and theme, never a person."""
    return user.is_authenticated and user.has_capability(Capability.VIEW_OBSERVATORY)


def receiving_organisation_ids(user) -> list[int]:
    """Organisations whose services' orientations this user receives."""
    return organisations_where(user, RECEIVING_ROLES)


def orientation_sides(user, orientation) -> frozenset[str]:
    """The sides from which this user acts on this orientation: sender, receiver, or none."""
    if not user.is_authenticated:
        return frozenset()
    sides = set()
    # A sender who no longer holds a role that orients (she left, changed jobs) loses access.
    if orientation.sender_id == user.pk and can_orient(user):
        sides.add(SENDER)
    organisation_id = orientation.service.structure.organisation_id
    if organisation_id is not None and organisation_id in receiving_organisation_ids(user):
        sides.add(RECEIVER)
    if not sides and any(
        type(orientation).objects.filter(pk=orientation.pk, pk__in=ids).exists()
        for ids in hooks.orientations_read_by(user)
    ):
        sides.add(CIRCLE)
    return frozenset(sides)


def can_view_orientation(user, orientation) -> bool:
    """The sender, the receiving structure's team, and — reading only — the care circle of
    the pathway whose plan sent it; nobody else."""
    return bool(orientation_sides(user, orientation))


def allowed_moves(sides, orientation) -> list[str]:
    """The states this orientation can move to from these sides."""
    return [
        to_state
        for (from_state, to_state), who in ORIENTATION_TRANSITIONS.items()
        if from_state == orientation.state and who & set(sides)
    ]


def managed_organisation_ids(user) -> list[int]:
    """Organisations whose directory entries this user keeps up to date: those where she is
    organisation admin."""
    if not user.is_authenticated or not user.has_capability(Capability.EDIT_OWN_DIRECTORY_ENTRIES):
        return []
    return organisations_with(user, Capability.EDIT_OWN_DIRECTORY_ENTRIES)


def can_edit_structure(user, structure) -> bool:
    """An organisation admin edits the structures her organisation manages, and their
    services; a published entry's changes wait for a moderator."""
    return (
        structure.organisation_id is not None
        and structure.organisation_id in managed_organisation_ids(user)
    )


def can_moderate(user) -> bool:
    """Platform admins and coordinators validate first publications and changes."""
    return user.is_authenticated and user.has_capability(Capability.MODERATE_DIRECTORY)


def link_moves(link) -> list[str]:
    """What a structure without an account may do through its link: answer (accept or
    refuse) with an answer link, report the outcome with an outcome link."""
    answers = {OrientationState.ACCEPTED, OrientationState.REFUSED}
    answering = link.purpose == link.ANSWER
    return [
        move
        for move in allowed_moves({RECEIVER}, link.orientation)
        if (move in answers) == answering
    ]
