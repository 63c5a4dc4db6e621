"""Who may do what in regulation, in plain words.

- A regulator (SIAO officer) regulates the places and the requests of her organisation.
- A 115 operator takes emergency calls for the SIAO she works for, and sees those requests.
- A prescriber (a professional, a coordinator) writes requests and follows her own.
- A structure (its team) manages its programmes and places, declares its vacancies, and sees
  the requests proposed to it or applied to it — nothing else.
- The prescriber names the physician (the person's GP) who writes the medical part; that
  physician and the coordinating physicians of the establishments the dossier was sent to
  read it — nobody else, not the prescriber.
- Commission members see the proposals on their session's agenda.
- Observers see figures only (the observatory).
"""

from __future__ import annotations

from maillage.core.roles import Capability, organisations_with
from maillage.pathways.queries import circle_gps
from maillage.regulation.enums import (
    PRESCRIBER,
    REGULATOR,
    ApplicationState,
    PlaceRequestState,
    ProposalState,
)


def regulating(user) -> list[int]:
    """The organisations (SIAO) where this user regulates places."""
    if not user.is_authenticated:
        return []
    return organisations_with(user, Capability.REGULATE_PLACES)


def answering_calls(user) -> list[int]:
    """The SIAO for which this user takes 115 calls."""
    if not user.is_authenticated:
        return []
    return organisations_with(user, Capability.TAKE_EMERGENCY_CALLS)


def receiving(user) -> list[int]:
    """The organisations whose structures' proposals and applications this user answers."""
    if not user.is_authenticated:
        return []
    return organisations_with(user, Capability.ANSWER_PLACE_PROPOSALS)


def reading_medical(user) -> list[int]:
    """The establishments (organisations) whose received medical parts this user reads."""
    if not user.is_authenticated:
        return []
    return organisations_with(user, Capability.READ_MEDICAL_PARTS)


def can_regulate(user) -> bool:
    return bool(regulating(user))


def can_take_calls(user) -> bool:
    return bool(answering_calls(user))


def can_request_places(user) -> bool:
    return user.is_authenticated and user.has_capability(Capability.REQUEST_PLACES)


def can_use_regulation(user) -> bool:
    """Whether the regulation pages have anything for this user."""
    return bool(
        can_request_places(user) or can_take_calls(user) or regulating(user) or receiving(user)
    )


def can_manage_programme(user, programme) -> bool:
    """The structure's own team, or the SIAO that regulates the programme; for a structure
    that has no team on the platform, any regulator keeps its places on its behalf."""
    organisation = programme.structure.organisation_id
    if organisation is not None and organisation in receiving(user):
        return True
    if programme.regulator_id is not None:
        return programme.regulator_id in regulating(user)
    return organisation is None and can_regulate(user)


def can_set_structure_rules(user, structure) -> bool:
    """A rule for the whole structure binds every one of its programmes: its own team sets
    it, or the SIAO that regulates all of them."""
    if structure.organisation_id is not None and structure.organisation_id in receiving(user):
        return True
    regulators = set(structure.programmes.values_list("regulator_id", flat=True))
    return bool(regulators) and None not in regulators and regulators <= set(regulating(user))


def can_create_programme(user, structure) -> bool:
    return (
        structure.organisation_id is not None and structure.organisation_id in receiving(user)
    ) or (can_regulate(user))


def can_regulate_request(user, place_request) -> bool:
    return place_request.regulator_id is not None and place_request.regulator_id in regulating(user)


CLOSED_STATES = (PlaceRequestState.ADMITTED, PlaceRequestState.REFUSED, PlaceRequestState.CANCELLED)


def can_edit_request(user, place_request) -> bool:
    """The prescriber while the request is hers to complete, and the regulator once it was
    sent; a closed request is kept as it was, and a request with a place proposed keeps the
    household the place was checked for (the proposal is answered or withdrawn first)."""
    if place_request.state in CLOSED_STATES or place_request.state == PlaceRequestState.PROPOSED:
        return False
    if can_regulate_request(user, place_request):
        return place_request.state != PlaceRequestState.DRAFT
    return place_request.prescriber_id == user.pk and place_request.state in (
        PlaceRequestState.DRAFT,
        PlaceRequestState.INCOMPLETE,
        PlaceRequestState.SUSPENDED,
        PlaceRequestState.WAITING,
        PlaceRequestState.SENT,
    )


def side_on_request(user, place_request) -> str | None:
    """The side this user takes on the request's moves (enums.REQUEST_TRANSITIONS)."""
    if can_regulate_request(user, place_request):
        return REGULATOR
    if place_request.prescriber_id == user.pk:
        return PRESCRIBER
    return None


def can_answer_for_structure(user, proposal) -> bool:
    organisation = proposal.vacancy.unit.programme.structure.organisation_id
    return organisation is not None and organisation in receiving(user)


def can_answer_for_person(user, proposal) -> bool:
    """The prescriber records the person's answer with her (or the regulator does, on the
    phone); the answer is the person's, and recorded as hers."""
    request = proposal.request
    return request.prescriber_id == user.pk or can_regulate_request(user, request)


def can_decide_in(user, session) -> bool:
    return session.regulator_id in regulating(user) or any(
        m.pk == user.pk for m in session.members.all()
    )


def can_answer_application(user, application) -> bool:
    organisation = application.programme.structure.organisation_id
    return organisation is not None and organisation in receiving(user)


def can_read_medical(user, place_request, applications) -> bool:
    """The physician named to write it, and the coordinating physicians of the
    establishments the dossier was sent to (`applications`: the request's, already fetched).
    The prescriber does not read it, unless she is the physician named."""
    medical = getattr(place_request, "medical", None)
    if medical is not None and medical.physician_id == user.pk:
        return True
    organisations = set(reading_medical(user))
    return any(
        a.programme.structure.organisation_id in organisations
        and a.state != ApplicationState.CANCELLED
        for a in applications
    )


def may_write_medical_parts(user, place_request) -> bool:
    """Whether this account may be named the physician of this dossier's medical part: the
    GP of the person's care circle (the pathway the request comes from), or a physician's
    account (Capability.WRITE_MEDICAL_PARTS). Being the prescriber is not enough."""
    if not user.is_active:
        return False
    if user.has_capability(Capability.WRITE_MEDICAL_PARTS):
        return True
    return place_request.pathway_id is not None and is_circle_gp(user, place_request.pathway_id)


def is_circle_gp(user, pathway_id) -> bool:
    return circle_gps(pathway_id).filter(user=user).exists()


def can_name_physician(user, place_request) -> bool:
    """The prescriber names the physician (the person's GP, or herself if she is the GP)
    while the dossier is being put together."""
    return place_request.prescriber_id == user.pk and place_request.state in (
        PlaceRequestState.DRAFT,
        PlaceRequestState.INCOMPLETE,
    )


def can_write_medical(user, place_request) -> bool:
    """The physician the prescriber named, and nobody else; the part is locked once the
    dossier is sent."""
    if place_request.state not in (PlaceRequestState.DRAFT, PlaceRequestState.INCOMPLETE):
        return False
    medical = getattr(place_request, "medical", None)
    return medical is not None and medical.physician_id == user.pk


def proposals_shown(user, place_request, proposals) -> list:
    """The proposals of a request this user may read: all of them for its regulator; for
    the prescriber and a structure, those the commission sent — and a structure only its
    own."""
    if can_regulate_request(user, place_request):
        return list(proposals)
    shown = []
    for proposal in proposals:
        if not structure_may_see(proposal):
            continue
        if place_request.prescriber_id == user.pk or can_answer_for_structure(user, proposal):
            shown.append(proposal)
    return shown


def structure_may_see(proposal) -> bool:
    """A structure sees a proposal once the commission sent it."""
    return proposal.state not in (ProposalState.DRAFT, ProposalState.APPROVED)
