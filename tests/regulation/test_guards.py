"""What must never happen: a request admitted or proposed by hand around its proposal, a
structure reading another's proposals or the runners-up, a place's capacity raising a
programme's limit, a 115 call queued with the SIAO's requests, a night in a place that
does not fit, a proposal left without a commission."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import Notification
from maillage.core.roles import Role
from maillage.core.versions import current_version
from maillage.pathways.models import PortalAccess
from maillage.regulation import actions, explain, inputs, priority, queries
from maillage.regulation.enums import Criterion, MemberRole, MemberSex, Operator, PlaceRequestState
from maillage.regulation.models import PlaceRequest, Proposal
from tests.conftest import login_verified
from tests.factories import OrganisationFactory, StructureFactory, member
from tests.regulation.conftest import (
    add_units,
    dossier_with_gp,
    household,
    move,
    sent_proposal,
    waiting_request,
)


def test_nobody_admits_or_proposes_by_hand(world):
    request, _proposal = sent_proposal(world)
    for target in (PlaceRequestState.ADMITTED, PlaceRequestState.WAITING):
        with pytest.raises(ValidationError):
            move(world.regulator, request, target)
    other = waiting_request(world, members=household("Zoé", "Lenoir"))
    with pytest.raises(ValidationError):
        move(world.regulator, other, PlaceRequestState.PROPOSED)


def test_a_structure_reads_only_its_own_sent_proposals_and_never_the_runners_up(client, world):
    request, proposal = sent_proposal(world)
    client.force_login(world.shelter_admin)
    body = client.get(f"/api/v1/regulation/proposals/{proposal.public_id}").json()
    assert "runners_up" not in body["explanation"] and body["weight"] == 0
    client.force_login(world.regulator)
    assert (
        "runners_up"
        in client.get(f"/api/v1/regulation/proposals/{proposal.public_id}").json()["explanation"]
    )
    # Refused by the structure, then proposed elsewhere: the first structure no longer reads it.
    actions.proposal_answer(
        actor=world.shelter_admin,
        proposal=proposal,
        side="structure",
        data=inputs.ProposalAnswerIn(
            accept=False, reason="group_balance", version=proposal.version
        ),
    )
    other_org_structure = StructureFactory(name="Autre foyer")
    other = actions.programme_create(
        actor=world.regulator,
        data=inputs.ProgrammeIn(
            structure=other_org_structure.public_id,
            kind="chrs",
            name="CHRS secret",
            regulator=world.siao.public_id,
        ),
    )
    (unit,) = actions.unit_add(
        actor=world.regulator, programme=other, data=inputs.UnitIn(label="Studio")
    )
    actions.vacancy_declare(
        actor=world.regulator,
        programme=other,
        data=inputs.VacancyIn(unit=unit.public_id, available_from=timezone.localdate()),
    )
    actions.match_run(actor=world.regulator, regulator=world.siao, data=inputs.MatchRunIn())
    client.force_login(world.shelter_admin)
    page = client.get(reverse("regulation:request", args=[request.public_id])).content.decode()
    assert "CHRS secret" not in page


def test_a_place_s_capacity_never_raises_the_programme_s_limit(world):
    actions.requirement_add(
        actor=world.regulator,
        programme=world.chrs,
        data=inputs.RequirementIn(
            criterion=Criterion.HOUSEHOLD_SIZE, operator=Operator.AT_MOST, number=1
        ),
    )
    add_units(world, world.chrs, label="T3", persons=3, free=1)
    waiting_request(
        world,
        members=household(
            "Ana", "Roy", others=[(MemberRole.PARTNER, "Léo", dt.date(1988, 1, 1), MemberSex.MALE)]
        ),
    )
    run = actions.match_run(actor=world.regulator, regulator=world.siao, data=inputs.MatchRunIn())
    assert run.figures["optimum"]["matched"] == 0


def test_the_115_s_calls_are_not_queued_with_the_siao_s_requests_and_nights_must_fit(client, world):
    _units, (bed,) = add_units(world, world.emergency, label="Lit", persons=1, free=1, tonight=True)
    call = actions.emergency_call(
        actor=world.operator,
        data=inputs.EmergencyCallIn(
            first_name="Léa", last_name="Morin", adults=2, children=3, tonight_location="Gare"
        ),
    )
    with pytest.raises(ValidationError, match="pas plausible"):
        actions.emergency_call(
            actor=world.operator,
            data=inputs.EmergencyCallIn(
                first_name="Léa",
                last_name="Morin",
                birth_date=timezone.localdate() + dt.timedelta(days=1),
                tonight_location="Gare",
            ),
        )
    waiting_request(world)
    ranked = queries.ranked_requests(world.siao.pk, priority.DEFAULT_POLICY)
    assert ranked.total == 1 and call.pk not in [r[1].pk for r in ranked.rows]
    with pytest.raises(ValidationError, match="capacité"):
        actions.emergency_night(
            actor=world.operator,
            place_request=call,
            data=inputs.NightIn(outcome="sheltered", vacancy=bed.public_id),
        )
    client.force_login(world.regulator)
    assert (
        client.get(reverse("regulation:ranking") + "?page=99999999999999999999").status_code == 200
    )


def test_proposals_computed_without_a_commission_go_to_the_next_one(world):
    add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    actions.match_run(actor=world.regulator, regulator=world.siao, data=inputs.MatchRunIn())
    session = actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(held_on=timezone.localdate() + dt.timedelta(days=2)),
    )
    assert Proposal.objects.get(request=request).session == session


def test_why_not_says_a_place_is_no_longer_free(world):
    _units, (vacancy,) = add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    actions.vacancy_withdraw(actor=world.shelter_admin, vacancy=vacancy, data=inputs.NoteIn())
    vacancy = queries.regulated_vacancy(world.siao.pk, vacancy.public_id)
    answer = explain.why_not(request, vacancy, priority.DEFAULT_POLICY)
    assert "cette place n'est plus libre (« Retirée »)" in answer["reasons"]


def _dossier_sent_to_two(world, cast):
    """An EHPAD dossier, its medical part written by the GP named, sent to two EHPAD."""
    other_org = OrganisationFactory(name="EHPAD voisin", kind="ehpad")
    other_team = member(Role.ORGANISATION_ADMIN, other_org, full_name="Direction voisine")
    other = actions.programme_create(
        actor=other_team,
        data=inputs.ProgrammeIn(
            structure=StructureFactory(organisation=other_org).public_id,
            kind="ehpad",
            name="Voisin",
        ),
    )
    dossier = dossier_with_gp(world, cast)
    actions.physician_name(
        actor=world.prescriber, place_request=dossier, data=inputs.PhysicianIn(email=world.gp.email)
    )
    actions.medical_save(
        actor=world.gp,
        place_request=dossier,
        data=inputs.MedicalIn(gir=2, diagnoses="Démence", care_needs="Toilette", complete=True),
    )
    actions.place_request_sign(actor=world.prescriber, place_request=dossier)
    first, second = actions.applications_send(
        actor=world.prescriber,
        place_request=dossier,
        data=inputs.ApplicationsIn(programmes=[world.ehpad.public_id, other.public_id]),
    )
    return dossier, first, second, other_team


def test_a_suspended_dossier_is_not_admitted_and_the_others_learn_of_an_admission(world, cast):
    dossier, first, second, other_team = _dossier_sent_to_two(world, cast)
    PlaceRequest.objects.filter(pk=dossier.pk).update(state=PlaceRequestState.SUSPENDED)
    admit = inputs.ApplicationAnswerIn(state="admitted", version=first.version)
    with pytest.raises(ValidationError, match="Suspendue"):
        actions.application_answer(actor=world.physician, application=first, data=admit)
    first.refresh_from_db()
    assert first.state == "sent"
    PlaceRequest.objects.filter(pk=dossier.pk).update(state=PlaceRequestState.WAITING)
    actions.application_answer(actor=world.physician, application=first, data=admit)
    second.refresh_from_db()
    assert second.state == "cancelled"
    told = Notification.objects.filter(user=other_team).first()  # the newest
    assert "admise ailleurs" in told.message and str(second.public_id) in told.link


def test_only_the_siao_s_team_and_its_structures_sit_in_its_commission(world):
    with pytest.raises(ValidationError, match="ne fait partie"):
        actions.commission_create(
            actor=world.regulator,
            regulator=world.siao,
            data=inputs.CommissionIn(
                held_on=timezone.localdate() + dt.timedelta(days=1),
                members=[world.stranger.public_id, world.regulator.public_id],
            ),
        )
    session = actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(
            held_on=timezone.localdate() + dt.timedelta(days=1),
            members=[world.shelter_admin.public_id, world.regulator.public_id],
        ),
    )
    assert set(session.members.all()) == {world.shelter_admin, world.regulator}


def test_from_the_care_circle_only_the_referent_and_the_gp_follow_a_sent_request(
    client, world, cast
):
    from maillage.pathways import actions as pathway_actions
    from maillage.pathways import inputs as pathway_inputs

    dossier = dossier_with_gp(world, cast)
    home_help = member(Role.PROFESSIONAL, OrganisationFactory(name="SAAD"), full_name="Aide")
    pathway_actions.circle_propose(
        actor=cast.coordinator,
        pathway=dossier.pathway,
        data=pathway_inputs.CircleMemberIn(
            email=home_help.email, role="home_help", person_informed=True
        ),
    )
    url = reverse("regulation:request", args=[dossier.public_id])
    for reader in (cast.coordinator, world.gp, home_help):  # a draft: the prescriber's own
        client.force_login(reader)
        assert client.get(url).status_code == 404
    PlaceRequest.objects.filter(pk=dossier.pk).update(state=PlaceRequestState.WAITING)
    for reader, status in ((cast.coordinator, 200), (world.gp, 200), (home_help, 404)):
        client.force_login(reader)
        assert client.get(url).status_code == status, reader


def test_a_household_with_a_place_proposed_is_not_rewritten(world):
    request, _proposal = sent_proposal(world)
    bigger = household(
        "Awa", "Diallo", others=[(MemberRole.CHILD, "Ali", dt.date(2019, 1, 1), MemberSex.MALE)]
    )
    with pytest.raises(PermissionDenied):
        actions.place_request_update(
            actor=world.regulator,
            place_request=request,
            data=inputs.PlaceRequestUpdateIn(
                members=bigger,
                regulator=world.siao.public_id,
                recommended_kinds=["chrs"],
                consent=True,
                version=current_version(request),
            ),
        )
    assert request.members.count() == 1


def test_a_regulator_declares_places_for_her_own_siao_only(world):
    other_siao = OrganisationFactory(name="SIAO voisin", kind="siao")
    member(Role.REGULATOR, other_siao, full_name="Régulateur voisin")
    with pytest.raises(ValidationError, match="votre SIAO"):
        actions.programme_create(
            actor=world.regulator,
            data=inputs.ProgrammeIn(
                structure=StructureFactory().public_id,
                kind="chrs",
                name="Ailleurs",
                regulator=other_siao.public_id,
            ),
        )


def test_a_dossier_changed_before_it_leaves_is_signed_again_and_cancelling_tells_everyone(
    client, world, cast
):
    dossier, first, _second, other_team = _dossier_sent_to_two(world, cast)
    # The person follows each establishment's answer in her space.
    PortalAccess.objects.create(pathway=dossier.pathway, user=cast.person)
    actions.application_answer(
        actor=world.physician,
        application=first,
        data=inputs.ApplicationAnswerIn(state="waitlisted", version=first.version),
    )
    login_verified(client, cast.person)
    page = client.get(reverse("regulation:portal")).content.decode()
    assert "EHPAD test — Sur liste d&#x27;attente" in page and "Voisin — Envoyée" in page
    # Cancelled, the dossier's establishments are told.
    move(world.prescriber, dossier, PlaceRequestState.CANCELLED, note="Chez sa fille")
    assert Notification.objects.filter(user=other_team, message__contains="demande est close")
    # A draft changed after the signature is signed again.
    draft = dossier_with_gp(world, cast)
    actions.place_request_sign(actor=world.prescriber, place_request=draft)
    actions.place_request_update(
        actor=world.prescriber,
        place_request=draft,
        data=inputs.PlaceRequestUpdateIn(
            members=household(born=dt.date(1938, 3, 1)),
            recommended_kinds=["ehpad"],
            wishes="Près de sa fille",
            consent=True,
            pathway=draft.pathway.public_id,
            version=current_version(draft),
        ),
    )
    draft.refresh_from_db()
    assert draft.admin_signed_at is None


def test_an_update_keeps_the_request_s_pathway(client, world, cast):
    dossier = dossier_with_gp(world, cast)
    client.force_login(world.prescriber)
    form = client.get(reverse("regulation:request_edit", args=[dossier.public_id])).context["form"]
    assert str(form.initial["pathway"]) == str(dossier.pathway.public_id)
    actions.place_request_update(
        actor=world.prescriber,
        place_request=dossier,
        data=inputs.PlaceRequestUpdateIn(
            members=household(born=dt.date(1938, 3, 1)),
            recommended_kinds=["ehpad"],
            wishes="Près de sa fille",
            consent=True,
            version=current_version(dossier),
        ),
    )
    dossier.refresh_from_db()
    assert dossier.pathway_id is not None and dossier.wishes == "Près de sa fille"


def test_structures_in_the_commission_decide_without_the_siao_s_weights(client, world):
    add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    session = actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(
            held_on=timezone.localdate() + dt.timedelta(days=1),
            members=[world.shelter_admin.public_id, world.regulator.public_id],
        ),
    )
    actions.match_run(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.MatchRunIn(session=session.public_id),
    )
    proposal = Proposal.objects.get(request=request)
    client.force_login(world.shelter_admin)
    page = client.get(reverse("regulation:session", args=[session.public_id])).content.decode()
    assert "poids" not in page
    body = client.post(
        f"/api/v1/regulation/sessions/{session.public_id}/decisions",
        {
            "proposal": str(proposal.public_id),
            "decision": "approved",
            "reason": "fits",
            "version": proposal.version,
        },
        content_type="application/json",
    ).json()
    assert "runners_up" not in body["explanation"] and body["weight"] == 0
