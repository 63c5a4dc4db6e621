"""What regulation tells the observatory: requests by mode and admissions, the 115's unmet
requests with their reasons, the time to a place, refusals by party and reason, proposals
that ended in an admission, vacancy-days lost and the places today."""

import datetime as dt

from django.utils import timezone

from maillage.core.versions import current_version
from maillage.observatory import facts, indicators
from maillage.regulation import actions, inputs
from maillage.regulation.enums import MemberRole, MemberSex, PlaceRefusalReason
from maillage.regulation.models import Proposal
from tests.regulation.conftest import add_units, household, waiting_request


def values(table, label):
    return next(v for row, v in table.rows if row == label)


def test_the_observatory_counts_what_regulation_did(world):
    today = timezone.localdate()
    _units, (bed,) = add_units(world, world.emergency, label="Lit", free=1, tonight=True)
    add_units(world, world.chrs, label="Studio", count=2, free=2)
    # The 115: one household sheltered, two without a place (none fitting, unreachable).
    calls = [
        actions.emergency_call(
            actor=world.operator,
            data=inputs.EmergencyCallIn(
                first_name=f"A{n}", last_name="B", tonight_location="Gare", commune="85191"
            ),
        )
        for n in range(3)
    ]
    actions.emergency_night(
        actor=world.operator,
        place_request=calls[0],
        data=inputs.NightIn(outcome="sheltered", vacancy=bed.public_id),
    )
    actions.emergency_night(
        actor=world.operator,
        place_request=calls[1],
        data=inputs.NightIn(outcome="unmet", reason="no_fitting_place"),
    )
    actions.emergency_night(
        actor=world.operator,
        place_request=calls[2],
        data=inputs.NightIn(outcome="unmet", reason="unreachable"),
    )
    # The SIAO: two requests, both proposed; one refused by the person, one admitted.
    first = waiting_request(world, members=household("C", "D"), waited=20, commune="85191")
    second = waiting_request(world, members=household("E", "F"), waited=5, commune="85191")
    session = actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(held_on=today + dt.timedelta(days=1)),
    )
    actions.match_run(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.MatchRunIn(session=session.public_id),
    )
    for request, accept in ((first, True), (second, False)):
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
        actions.proposal_answer(
            actor=world.shelter_admin,
            proposal=proposal,
            side="structure",
            data=inputs.ProposalAnswerIn(accept=True, version=current_version(proposal)),
        )
        proposal.refresh_from_db()
        actions.proposal_answer(
            actor=world.prescriber,
            proposal=proposal,
            side="person",
            data=inputs.ProposalAnswerIn(
                accept=accept,
                reason=None if accept else PlaceRefusalReason.LOCATION,
                version=current_version(proposal),
            ),
        )
    facts.refresh()
    month = today.replace(day=1)
    computed = indicators.compute(indicators.make_scope("dep-85", month, month))
    modes = computed.table("demandes-de-place")
    assert values(modes, "Urgence (115)") == [3, 1]
    assert values(modes, "Hébergement et logement (SIAO)") == [2, 1]
    unmet = computed.table("demandes-non-pourvues")
    # Each outcome with its share of the 115's requests answered (3 this month).
    assert values(unmet, "Mise à l'abri") == [1, 33.3]
    assert values(unmet, "Aucune place adaptée au ménage") == [1, 33.3]
    assert values(unmet, "Personne injoignable") == [1, 33.3]
    assert values(unmet, "Aucune place disponible") == [0, 0.0]
    delays = computed.table("delai-admission")
    assert values(delays, "Hébergement et logement (SIAO)") == [0, 1, 0, 0, 0]  # 20 days
    refusals = computed.table("refus-de-places")
    assert values(refusals, str(PlaceRefusalReason.LOCATION.label)) == [0, 0, 1, 0]  # by the person
    proposals = computed.table("propositions-admissions")
    assert values(proposals, "Propositions (optimum global)") == [2, 1, 50.0]
    stock = computed.table("occupation-des-places")
    # The bed taken by the 115, the studio admitted; the refused studio is vacant again.
    assert values(stock, "CHRS insertion") == [1, 1, 50.0]


def test_a_vacancy_counts_as_lost_only_while_a_household_it_could_take_waits(world):
    add_units(world, world.chrs, label="Studio", persons=1, free=1)
    waiting_request(
        world,
        members=household(
            "Ana",
            "Roy",
            others=[
                (MemberRole.PARTNER, "Léo", dt.date(1988, 1, 1), MemberSex.MALE),
                (MemberRole.CHILD, "Noé", dt.date(2018, 1, 1), MemberSex.MALE),
            ],
        ),
        commune="85191",
    )
    month = timezone.localdate().replace(day=1)

    def lost():
        facts.refresh()
        computed = indicators.compute(indicators.make_scope("dep-85", month, month))
        table = computed.table("journees-vacantes")
        return values(table, "CHRS insertion")[0] if table and not table.is_empty else 0

    assert lost() == 0  # a family of three waits, the studio takes one
    waiting_request(world, members=household("Zoé", "Lenoir"), commune="85191")
    assert lost() == 1
