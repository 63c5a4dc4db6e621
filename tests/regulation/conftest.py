"""A small territory of places: the SIAO (its regulator and its 115 operator), a shelter
association with an emergency programme and a CHRS, an EHPAD with its coordinating
physician, a prescriber, and the policy in force."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from maillage.accounts.enums import OrganisationKind
from maillage.core.roles import Role
from maillage.core.versions import current_version
from maillage.regulation import actions, inputs, priority
from maillage.regulation.enums import (
    MemberRole,
    MemberSex,
    PlaceRequestState,
    ProgrammeKind,
    UnitType,
)
from maillage.regulation.models import Proposal
from tests.factories import OrganisationFactory, StructureFactory, member


@dataclass
class World:
    siao: object
    regulator: object
    operator: object
    shelter_org: object
    shelter_admin: object
    shelter: object
    emergency: object
    chrs: object
    ehpad_org: object
    physician: object
    ehpad: object
    prescriber: object
    gp: object
    stranger: object


@pytest.fixture
def world(cast, territories) -> World:
    return build_world(cast.professional, cast.outsider)


def build_world(prescriber, stranger) -> World:
    siao = OrganisationFactory(name="SIAO test", kind=OrganisationKind.SIAO)
    regulator = member(Role.REGULATOR, siao, full_name="Régulatrice")
    operator = member(Role.EMERGENCY_OPERATOR, siao, full_name="Écoutant 115")
    shelter_org = OrganisationFactory(name="Association hébergement")
    shelter_admin = member(Role.ORGANISATION_ADMIN, shelter_org, full_name="Responsable CHRS")
    shelter = StructureFactory(name="Foyer test", organisation=shelter_org)
    emergency = actions.programme_create(
        actor=regulator,
        data=inputs.ProgrammeIn(
            structure=shelter.public_id,
            kind=ProgrammeKind.EMERGENCY,
            name="HU test",
            regulator=siao.public_id,
        ),
    )
    chrs = actions.programme_create(
        actor=regulator,
        data=inputs.ProgrammeIn(
            structure=shelter.public_id,
            kind=ProgrammeKind.CHRS,
            name="CHRS test",
            regulator=siao.public_id,
        ),
    )
    ehpad_org = OrganisationFactory(name="EHPAD test", kind=OrganisationKind.EHPAD)
    physician = member(Role.COORDINATING_PHYSICIAN, ehpad_org, full_name="Médecin co")
    ehpad_structure = StructureFactory(name="EHPAD annuaire", organisation=ehpad_org)
    ehpad = actions.programme_create(
        actor=regulator,
        data=inputs.ProgrammeIn(
            structure=ehpad_structure.public_id, kind=ProgrammeKind.EHPAD, name="EHPAD test"
        ),
    )
    policy = actions.policy_create(
        actor=regulator,
        regulator=siao,
        data=inputs.PolicyIn(name="En vigueur", **priority.DEFAULT_POLICY.as_data()),
    )
    actions.policy_publish(actor=regulator, policy=policy)
    return World(
        siao=siao,
        regulator=regulator,
        operator=operator,
        shelter_org=shelter_org,
        shelter_admin=shelter_admin,
        shelter=shelter,
        emergency=emergency,
        chrs=chrs,
        ehpad_org=ehpad_org,
        physician=physician,
        ehpad=ehpad,
        prescriber=prescriber,
        gp=member(Role.PROFESSIONAL, OrganisationFactory(name="Cabinet"), full_name="Dr Traitant"),
        stranger=stranger,
    )


def dossier_with_gp(world, cast, **fields):
    """An EHPAD dossier written by the prescriber for a person followed in a pathway whose
    care circle has `world.gp` as GP."""
    from maillage.pathways import actions as pathway_actions
    from maillage.pathways import inputs as pathway_inputs
    from tests.factories import opened_pathway

    pathway = opened_pathway(cast)
    pathway_actions.circle_propose(
        actor=cast.coordinator,
        pathway=pathway,
        data=pathway_inputs.CircleMemberIn(email=world.gp.email, role="gp", person_informed=True),
    )
    return actions.place_request_create(
        actor=world.prescriber,
        data=inputs.PlaceRequestIn(
            members=household(born=dt.date(1938, 3, 1)),
            recommended_kinds=["ehpad"],
            consent=True,
            pathway=pathway.public_id,
            **fields,
        ),
    )


def add_units(
    world, programme, *, label="Place", persons=1, count=1, free=0, accessible=True, tonight=False
):
    units = actions.unit_add(
        actor=world.regulator,
        programme=programme,
        data=inputs.UnitIn(
            label=label,
            unit_type=UnitType.ROOM,
            persons=persons,
            accessible=accessible,
            count=count,
        ),
    )
    vacancies = [
        actions.vacancy_declare(
            actor=world.shelter_admin,
            programme=programme,
            data=inputs.VacancyIn(
                unit=u.public_id, available_from=timezone.localdate(), tonight=tonight
            ),
        )
        for u in units[:free]
    ]
    return units, vacancies


def household(
    first="Awa", last="Diallo", born=dt.date(1990, 1, 1), sex=MemberSex.FEMALE, others=()
):
    members = [
        inputs.MemberIn(
            role=MemberRole.APPLICANT, first_name=first, last_name=last, birth_date=born, sex=sex
        )
    ]
    members += [
        inputs.MemberIn(role=r, first_name=f, last_name=last, birth_date=b, sex=s)
        for r, f, b, s in others
    ]
    return members


def waiting_request(
    world, *, members=None, kinds=(ProgrammeKind.CHRS,), waited=30, urgency=0, dalo=False, **fields
):
    """A request written by the prescriber, sent, checked and waiting (through the actions)."""
    created = actions.place_request_create(
        actor=world.prescriber,
        data=inputs.PlaceRequestIn(
            members=members or household(),
            regulator=world.siao.public_id,
            recommended_kinds=list(kinds),
            first_requested_on=timezone.localdate() - dt.timedelta(days=waited),
            urgency=urgency,
            dalo=dalo,
            consent=True,
            **fields,
        ),
    )
    move(world.prescriber, created, PlaceRequestState.SENT)
    move(world.regulator, created, PlaceRequestState.CHECKED)
    move(world.regulator, created, PlaceRequestState.WAITING)
    created.refresh_from_db()
    return created


def move(actor, place_request, state, note=""):
    return actions.place_request_move(
        actor=actor,
        place_request=place_request,
        data=inputs.RequestMoveIn(
            to_state=state, note=note, version=current_version(place_request)
        ),
    )


def sent_proposal(world, session=None):
    """A place proposed by the optimum and approved by the commission: sent to the structure."""
    add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    session = session or actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(held_on=timezone.localdate() + dt.timedelta(days=1)),
    )
    actions.match_run(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.MatchRunIn(session=session.public_id),
    )
    proposal = Proposal.objects.get(request=request)
    actions.commission_decide(
        actor=world.regulator,
        session=session,
        data=inputs.CommissionDecisionIn(
            proposal=proposal.public_id,
            decision="approved",
            reason="fits",
            version=current_version(proposal),
        ),
    )
    proposal.refresh_from_db()
    return request, proposal
