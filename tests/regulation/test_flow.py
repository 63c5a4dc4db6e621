"""The centralised flow end to end, through the actions: places declared, a request sent,
checked and waiting, proposals computed by both engines, the commission's decision, the
structure's and the person's answers, the admission — and what must never happen."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.core.models import Notification
from maillage.core.versions import StaleVersion, current_version
from maillage.pathways.models import PlanAction, TimelineEvent
from maillage.regulation import actions, inputs
from maillage.regulation.enums import (
    CommissionDecision,
    Criterion,
    DecisionReason,
    Engine,
    MemberRole,
    MemberSex,
    Operator,
    Party,
    PlaceRefusalReason,
    PlaceRequestState,
    ProposalState,
    VacancyState,
)
from maillage.regulation.models import Proposal, Refusal
from tests.factories import opened_pathway
from tests.regulation.conftest import add_units, household, move, waiting_request


def run(world, engine=Engine.OPTIMUM, session=None):
    return actions.match_run(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.MatchRunIn(engine=engine, session=session.public_id if session else None),
    )


def session_of(world):
    return actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(
            held_on=timezone.localdate() + dt.timedelta(days=3), members=[world.regulator.public_id]
        ),
    )


def decide(
    world, session, proposal, decision=CommissionDecision.APPROVED, reason=DecisionReason.FITS
):
    return actions.commission_decide(
        actor=world.regulator,
        session=session,
        data=inputs.CommissionDecisionIn(
            proposal=proposal.public_id,
            decision=decision,
            reason=reason,
            version=current_version(proposal),
        ),
    )


def approved(world):
    """One free place, one waiting request, the proposal approved by the commission."""
    _units, (vacancy,) = add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    session = session_of(world)
    run(world, session=session)
    proposal = Proposal.objects.get(request=request)
    decide(world, session, proposal)
    proposal.refresh_from_db()
    return request, vacancy, proposal


def answer(actor, proposal, side, accept, reason=None, text=""):
    return actions.proposal_answer(
        actor=actor,
        proposal=proposal,
        side=side,
        data=inputs.ProposalAnswerIn(
            accept=accept, reason=reason, text=text, version=current_version(proposal)
        ),
    )


def test_a_request_goes_from_draft_to_admission_and_opens_the_exit_checklist(world, cast):
    pathway = opened_pathway(cast)
    _units, (vacancy,) = add_units(world, world.chrs, free=1)
    request = waiting_request(world, pathway=pathway.public_id)
    session = session_of(world)
    match = run(world, session=session)
    assert match.figures["greedy"]["matched"] == 1 and match.figures["optimum"]["matched"] == 1
    proposal = Proposal.objects.get(request=request)
    assert proposal.state == ProposalState.DRAFT and proposal.session == session
    assert all(rule["passed"] for rule in proposal.explanation["rules"])
    assert proposal.explanation["breakdown"]  # the priority, tier by tier
    request.refresh_from_db()
    vacancy.refresh_from_db()
    assert request.state == PlaceRequestState.PROPOSED and vacancy.state == VacancyState.PROPOSED

    decide(world, session, proposal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SENT and proposal.expires_on is not None
    answer(world.shelter_admin, proposal, "structure", True)
    proposal.refresh_from_db()
    answer(world.prescriber, proposal, "person", True)

    request.refresh_from_db()
    vacancy.refresh_from_db()
    assert request.state == PlaceRequestState.ADMITTED and request.closed_at is not None
    assert vacancy.state == VacancyState.FILLED
    assert TimelineEvent.objects.filter(pathway=pathway, kind="placement").exists()
    assert PlanAction.objects.filter(objective__plan__pathway=pathway).count() == 5
    assert [e.to_state for e in request.events.all()] == [
        "draft",
        "sent",
        "checked",
        "waiting",
        "proposed",
        "admitted",
    ]


def test_a_refused_place_is_never_proposed_again_to_that_household(world):
    request, vacancy, proposal = approved(world)
    answer(world.shelter_admin, proposal, "structure", True)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError):  # a refusal has a reason
        answer(world.prescriber, proposal, "person", False)
    answer(world.prescriber, proposal, "person", False, PlaceRefusalReason.LOCATION)
    request.refresh_from_db()
    vacancy.refresh_from_db()
    assert request.state == PlaceRequestState.WAITING and request.person_refusals == 1
    assert vacancy.state == VacancyState.OPEN
    refusal = Refusal.objects.get(request=request)
    assert refusal.party == Party.PERSON and refusal.unit_id == vacancy.unit_id
    # Computed again: the household is still waiting, the place still free, never paired.
    again = run(world)
    assert again.figures["optimum"]["matched"] == 0
    assert not Proposal.objects.filter(request=request, state=ProposalState.DRAFT).exists()


def test_an_other_refusal_needs_words(world):
    request, _vacancy, proposal = approved(world)
    with pytest.raises(ValidationError):
        answer(world.shelter_admin, proposal, "structure", False, PlaceRefusalReason.OTHER)
    answer(
        world.shelter_admin,
        proposal,
        "structure",
        False,
        PlaceRefusalReason.OTHER,
        "Travaux dans le logement",
    )
    assert Refusal.objects.get(request=request).party == Party.STRUCTURE


def test_two_answers_on_one_proposal_give_one_winner(world):
    _request, _vacancy, proposal = approved(world)
    read = current_version(proposal)
    data = inputs.ProposalAnswerIn(accept=True, version=read)
    actions.proposal_answer(
        actor=world.shelter_admin, proposal=proposal, side="structure", data=data
    )
    refusal = inputs.ProposalAnswerIn(
        accept=False, reason=PlaceRefusalReason.GROUP_BALANCE, version=read
    )
    with pytest.raises(StaleVersion):
        actions.proposal_answer(
            actor=world.shelter_admin, proposal=proposal, side="structure", data=refusal
        )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.STRUCTURE_ACCEPTED


def test_a_structure_answers_only_for_its_own_places_and_the_person_after_it(world, cast):
    _request, _vacancy, proposal = approved(world)
    with pytest.raises(PermissionDenied):
        answer(cast.outsider, proposal, "structure", True)
    with pytest.raises(ValidationError):  # the structure answers first
        answer(world.prescriber, proposal, "person", True)


def test_the_rules_of_a_place_are_obeyed_and_explained(world):
    """A women-only flat is never proposed to a man; a family never to a single bed."""
    units, _ = add_units(world, world.chrs, label="Studio femmes", free=1)
    actions.requirement_add(
        actor=world.regulator,
        programme=world.chrs,
        data=inputs.RequirementIn(
            criterion=Criterion.ADULT_SEX,
            operator=Operator.ONE_OF,
            values=[MemberSex.FEMALE],
            unit=units[0].public_id,
        ),
    )
    man = waiting_request(world, members=household("Marc", "Petit", sex=MemberSex.MALE), waited=400)
    family = waiting_request(
        world,
        members=household(
            "Lina", "Roux", others=[(MemberRole.CHILD, "Noé", dt.date(2019, 1, 1), MemberSex.MALE)]
        ),
        waited=300,
    )
    woman = waiting_request(world, members=household("Emma", "Blanc"), waited=5)
    run(world)
    assert Proposal.objects.get().request == woman
    assert not Proposal.objects.filter(request__in=[man, family]).exists()


def test_the_commission_may_turn_down_a_proposal_and_the_place_is_free_again(world):
    _units, (vacancy,) = add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    session = session_of(world)
    run(world, session=session)
    proposal = Proposal.objects.get(request=request)
    with pytest.raises(ValidationError):  # « autre » needs words
        decide(world, session, proposal, CommissionDecision.REJECTED, DecisionReason.OTHER)
    decide(world, session, proposal, CommissionDecision.REJECTED, DecisionReason.NEEDS_NOT_MET)
    request.refresh_from_db()
    vacancy.refresh_from_db()
    assert request.state == PlaceRequestState.WAITING and vacancy.state == VacancyState.OPEN
    assert Refusal.objects.get(request=request).party == Party.COMMISSION
    told = Notification.objects.filter(user=world.prescriber).first()  # the newest
    assert "n'a pas retenu" in told.message and str(request.public_id) in told.link


def test_an_illegal_move_is_refused_in_french_and_changes_nothing(world):
    request = waiting_request(world)
    with pytest.raises(ValidationError) as error:
        move(world.regulator, request, PlaceRequestState.SENT)
    assert "Impossible de passer" in str(error.value)
    with pytest.raises(ValidationError):  # a cancellation says why
        move(world.prescriber, request, PlaceRequestState.CANCELLED)
    request.refresh_from_db()
    assert request.state == PlaceRequestState.WAITING


def test_a_request_cannot_be_sent_without_the_person_s_consent(world):
    draft = actions.place_request_create(
        actor=world.prescriber,
        data=inputs.PlaceRequestIn(
            members=household(), regulator=world.siao.public_id, recommended_kinds=["chrs"]
        ),
    )
    with pytest.raises(ValidationError, match="accord de la personne"):
        move(world.prescriber, draft, PlaceRequestState.SENT)


def test_a_request_mixing_shelter_and_ehpad_is_refused(world):
    with pytest.raises(ValidationError):
        actions.place_request_create(
            actor=world.prescriber,
            data=inputs.PlaceRequestIn(
                members=household(),
                regulator=world.siao.public_id,
                recommended_kinds=["chrs", "ehpad"],
            ),
        )


def test_the_optimum_serves_more_than_greedy_where_greedy_blocks(world):
    """Two places, two households: greedy gives the hardest place to the best-ranked, who was
    the only one fitting the other place; the optimum serves both."""
    add_units(world, world.chrs, label="Chambre", persons=1, free=1)  # everyone fits
    flat, _ = add_units(world, world.chrs, label="T2", persons=2, free=1)
    actions.requirement_add(
        actor=world.regulator,
        programme=world.chrs,
        data=inputs.RequirementIn(
            criterion=Criterion.PETS, operator=Operator.MUST_NOT, unit=flat[0].public_id
        ),
    )
    waiting_request(world, members=household("Zoé", "Marin"), waited=500)  # fits both
    waiting_request(
        world, members=household("Alain", "Roy", sex=MemberSex.MALE), waited=10, pets=True
    )  # room only
    figures = run(world).figures
    assert figures["optimum"]["matched"] == 2
    assert figures["optimum"]["total"] >= figures["greedy"]["total"]


def test_waiting_requests_are_reminded_then_suspended_never_deleted(world):
    request = waiting_request(world)
    due = request.update_due_on
    assert actions.requests_update_reminders(today=due) == (1, 0)
    assert actions.requests_update_reminders(today=due + dt.timedelta(days=31)) == (0, 1)
    request.refresh_from_db()
    assert request.state == PlaceRequestState.SUSPENDED
    move(world.prescriber, request, PlaceRequestState.WAITING)
    request.refresh_from_db()
    assert (
        request.state == PlaceRequestState.WAITING
        and request.first_requested_on < timezone.localdate()
    )


def test_an_offer_left_unanswered_expires_and_the_siao_is_told(world):
    from maillage.core.models import Notification

    request, _vacancy, proposal = approved(world)
    assert actions.proposals_expire(today=proposal.expires_on + dt.timedelta(days=1)) == 1
    proposal.refresh_from_db()
    request.refresh_from_db()
    assert proposal.state == ProposalState.EXPIRED and request.state == PlaceRequestState.WAITING
    assert Notification.objects.filter(user=world.regulator, message__contains="expiré").exists()


def test_the_update_period_is_a_setting(world, settings):
    settings.REGULATION_UPDATE_EVERY_DAYS = 30
    request = waiting_request(world)
    assert request.update_due_on == timezone.localdate() + dt.timedelta(days=30)


def test_a_vacancy_left_unanswered_past_its_delay_is_flagged_to_the_siao_once(world):
    from maillage.core.models import Notification

    _units, (vacancy,) = add_units(world, world.chrs, free=1)
    due = vacancy.answer_due_on
    assert actions.vacancies_overdue(today=due) == 0  # still within the delay
    assert actions.vacancies_overdue(today=due + dt.timedelta(days=1)) == 1
    told = Notification.objects.filter(user=world.regulator, message__contains="au-delà du délai")
    assert told.count() == 1
    assert actions.vacancies_overdue(today=due + dt.timedelta(days=2)) == 0  # told once
