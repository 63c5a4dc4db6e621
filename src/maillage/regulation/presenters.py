"""How regulation's records read, once: the API's answers and the templates take them from
here (a request's household, state and history; a proposal with why it was made)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.regulation import queries
from maillage.regulation.enums import (
    PROPOSAL_TRANSITIONS,
    REQUEST_TRANSITIONS,
    MemberRole,
    PlaceRequestState,
    PlaceUrgency,
    ProgrammeKind,
    ProposalState,
    Vulnerability,
    moves_from,
)


def _kinds(codes) -> list[str]:
    return [str(ProgrammeKind(k).label) for k in codes if k in ProgrammeKind.values]


def member_out(member, today: dt.date) -> dict:
    return {
        "role": member.role,
        "role_label": str(MemberRole(member.role).label),
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date,
        "age": queries.age_on(member.birth_date, today),
        "sex": member.sex,
    }


def request_out(place_request, *, events=(), side=None, today=None) -> dict:
    """A request as its readers see it: household, evaluation, wishes, state, history, and
    the moves the reader may make."""
    today = today or timezone.localdate()
    members = list(place_request.members.all())
    household = queries.household_of(place_request, members, today)
    return {
        "id": place_request.public_id,
        "state": place_request.state,
        "state_label": str(PlaceRequestState(place_request.state).label),
        "mode": place_request.mode,
        "emergency": place_request.emergency,
        "regulator": place_request.regulator.name if place_request.regulator_id else "",
        "regulator_id": place_request.regulator.public_id if place_request.regulator_id else None,
        "pathway": place_request.pathway.public_id if place_request.pathway_id else None,
        "commune": place_request.commune_id or "",
        "members": [member_out(m, today) for m in members],
        "household_size": household.household_size,
        "children": household.children,
        "urgency": place_request.urgency,
        "urgency_label": str(PlaceUrgency(place_request.urgency).label),
        "dalo": place_request.dalo,
        "first_requested_on": place_request.first_requested_on,
        "waiting_days": max(0, (today - place_request.first_requested_on).days),
        "vulnerabilities": list(place_request.vulnerabilities),
        "vulnerability_labels": [
            str(Vulnerability(v).label)
            for v in place_request.vulnerabilities
            if v in Vulnerability.values
        ],
        "recommended_kinds": list(place_request.recommended_kinds),
        "recommended_labels": _kinds(place_request.recommended_kinds),
        "recommendation": place_request.recommendation,
        "preferred_kinds": list(place_request.preferred_kinds),
        "preferred_labels": _kinds(place_request.preferred_kinds),
        "preferred_communes": list(place_request.preferred_communes),
        "wishes": place_request.wishes,
        "tonight_location": place_request.tonight_location,
        "pets": place_request.pets,
        "reduced_mobility": place_request.reduced_mobility,
        "support_needed": place_request.support_needed,
        "gir": place_request.gir,
        "resources": place_request.resources,
        "rights": place_request.rights,
        "health": place_request.health,
        "housing_history": place_request.housing_history,
        "support_needs": place_request.support_needs,
        "consent": place_request.consent_at is not None,
        "signed": place_request.admin_signed_at is not None,
        "update_due_on": place_request.update_due_on,
        "person_refusals": place_request.person_refusals,
        "version": place_request.version,
        "moves": [
            {"state": s, "label": str(PlaceRequestState(s).label)}
            for s in moves_from(REQUEST_TRANSITIONS, place_request.state, side)
        ],
        "events": [
            {
                "at": e.at,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "label": str(PlaceRequestState(e.to_state).label)
                if e.to_state in PlaceRequestState.values
                else "",
                "note": e.note,
            }
            for e in events
        ],
    }


def proposal_out(proposal, side=None, reveal=True) -> dict:
    """`reveal`: the runners-up and the weight, for the regulator only."""
    unit = proposal.vacancy.unit
    programme = unit.programme
    return {
        "id": proposal.public_id,
        "request": proposal.request.public_id,
        "state": proposal.state,
        "state_label": str(ProposalState(proposal.state).label),
        "engine": proposal.engine,
        "programme": programme.name,
        "kind": programme.kind,
        "structure": programme.structure.name,
        "commune": programme.commune.name if programme.commune_id else "",
        "unit": unit.label,
        "persons": unit.persons,
        "available_from": proposal.vacancy.available_from,
        "weight": proposal.weight if reveal else 0,
        "explanation": proposal.explanation
        if reveal
        else {k: v for k, v in proposal.explanation.items() if k not in ("runners_up", "weight")},
        "decision": proposal.decision,
        "expires_on": proposal.expires_on,
        "version": proposal.version,
        "moves": moves_from(PROPOSAL_TRANSITIONS, proposal.state, side),
    }


def vacancy_out(vacancy) -> dict:
    unit = vacancy.unit
    programme = unit.programme
    return {
        "id": vacancy.public_id,
        "unit": unit.public_id,
        "label": unit.label,
        "programme": programme.name,
        "structure": programme.structure.name,
        "commune": programme.commune.name if programme.commune_id else "",
        "persons": unit.persons,
        "accessible": unit.accessible,
        "available_from": vacancy.available_from,
        "tonight": vacancy.tonight,
        "state": vacancy.state,
        "answer_due_on": vacancy.answer_due_on,
    }


def programme_out(programme, live=None) -> dict:
    live = live or {}
    return {
        "id": programme.public_id,
        "name": programme.name,
        "kind": programme.kind,
        "kind_label": str(ProgrammeKind(programme.kind).label),
        "mode": programme.mode,
        "structure": programme.structure.public_id,
        "structure_name": programme.structure.name,
        "regulator": programme.regulator.public_id if programme.regulator_id else None,
        "commune": programme.commune_id or "",
        "support_included": programme.support_included,
        "answer_within_days": programme.answer_within_days,
        "units": [
            {
                "id": u.public_id,
                "label": u.label,
                "unit_type": u.unit_type,
                "rooms": u.rooms,
                "persons": u.persons,
                "accessible": u.accessible,
                "vacancy": live[u.pk].public_id if u.pk in live else None,
                "vacancy_state": live[u.pk].state if u.pk in live else "",
                "requirements": [r.rule().as_data() for r in u.requirements.all()],
            }
            for u in programme.units.all()
        ],
        "requirements": [r.rule().as_data() for r in programme.requirements.all()],
    }


def policy_out(policy) -> dict:
    return {
        "id": policy.public_id,
        "number": policy.number,
        "name": policy.name,
        "state": policy.state,
        "notes": policy.notes,
        "published_at": policy.published_at,
        **policy.data,
    }


def run_out(run) -> dict:
    return {
        "id": run.public_id,
        "created_at": run.created_at,
        "policy": run.policy.public_id,
        "chosen": run.chosen,
        "figures": run.figures,
    }


def session_out(session, agenda=(), *, reveal: bool = False) -> dict:
    return {
        "id": session.public_id,
        "held_on": session.held_on,
        "state": session.state,
        "minutes": session.minutes,
        "version": session.version,
        "members": [m.public_id for m in session.members.all()],
        # The runners-up and the weights are the SIAO's, not the structures' who sit in.
        "agenda": [proposal_out(p, reveal=reveal) for p in agenda],
    }


def application_out(application) -> dict:
    return {
        "id": application.public_id,
        "request": application.request.public_id,
        "programme": application.programme.public_id,
        "programme_name": application.programme.name,
        "structure": application.programme.structure.name,
        "state": application.state,
        "answered_at": application.answered_at,
        "version": application.version,
    }
