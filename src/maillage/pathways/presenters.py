"""How each aggregate of pathways reads, once: the API's answers, the plan's version
snapshots, the FHIR export and the templates all take it from here.

The plan is the aggregate read in most places. `plan_view(plan)` builds it in a fixed
number of queries, as plain values (what the owner of an action is, in words and as the
API's `owner`; what may follow its state; whether it still counts), so that no caller
restates a rule: the person's space shows `person_actions` and `live_actions`, the pages
`next_statuses`, the API `plan_out(view)`, the version history `plan_snapshot(view)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch
from django.utils import timezone

from maillage.pathways import queries
from maillage.pathways.enums import (
    ActionStatus,
    MemberStatus,
    Need,
    ObjectiveStatus,
    RequestState,
)
from maillage.pathways.models import PlanAction

# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrientationView:
    id: UUID
    state: str
    state_label: str
    created_at: dt.datetime
    sender_user_id: int | None
    sender_id: UUID | None


@dataclass(frozen=True)
class ActionView:
    id: UUID
    text: str
    status: str
    status_label: str
    # "person", "service", a circle member's public id, or "" (her member left, anonymised)
    owner: str
    owner_name: str  # a member's name or a service's; "" for the person herself
    owner_active_user_id: UUID | None  # the account carrying it, while she is in the circle
    service_id: UUID | None
    service_name: str
    orientation: OrientationView | None
    due_on: dt.date | None
    created_at: dt.datetime
    next_statuses: tuple[tuple[str, str], ...]
    overdue: bool

    @property
    def owner_is_person(self) -> bool:
        return self.owner == "person"

    @property
    def live(self) -> bool:
        """Still part of the plan the person is shown (not cancelled)."""
        return self.status != ActionStatus.CANCELLED


@dataclass(frozen=True)
class ObjectiveView:
    id: UUID
    need: str
    need_label: str
    text: str
    criteria: str
    no_resource: bool
    status: str
    status_label: str
    actions: tuple[ActionView, ...]

    @property
    def live_actions(self) -> list[ActionView]:
        return [a for a in self.actions if a.live]

    @property
    def still_open(self) -> bool:
        """Not reached yet: in progress, or closed as not reached."""
        return self.status in (ObjectiveStatus.OPEN, ObjectiveStatus.NOT_REACHED)


@dataclass(frozen=True)
class PlanView:
    id: UUID
    version: int
    problems: str
    person_project: str
    alert_procedure: str
    revision_on: dt.date | None
    created_at: dt.datetime
    objectives: tuple[ObjectiveView, ...]

    @property
    def person_actions(self) -> list[ActionView]:
        """What the person does herself, as her space shows it."""
        return [a for o in self.objectives for a in o.actions if a.owner_is_person and a.live]

    @property
    def still_open(self) -> list[ObjectiveView]:
        return [o for o in self.objectives if o.still_open]


def _action_view(action: PlanAction, today: dt.date) -> ActionView:
    member = action.owner_member
    if action.owner_is_person:
        owner, owner_name = "person", ""
    elif member is not None:
        owner, owner_name = str(member.public_id), member.user.full_name
    elif action.service_id is not None:
        owner, owner_name = "service", action.service.name
    else:
        owner, owner_name = "", ""
    orientation = action.orientation
    return ActionView(
        id=action.public_id,
        text=action.text,
        status=action.status,
        status_label=str(ActionStatus(action.status).label),
        owner=owner,
        owner_name=owner_name,
        owner_active_user_id=member.user.public_id
        if member is not None and member.status == MemberStatus.ACTIVE
        else None,
        service_id=action.service.public_id if action.service_id else None,
        service_name=action.service.name if action.service_id else "",
        orientation=OrientationView(
            id=orientation.public_id,
            state=orientation.state,
            state_label=orientation.get_state_display(),
            created_at=orientation.created_at,
            sender_user_id=orientation.sender_id,
            sender_id=orientation.sender.public_id if orientation.sender_id else None,
        )
        if orientation is not None
        else None,
        due_on=action.due_on,
        created_at=action.created_at,
        next_statuses=tuple(action.next_statuses),
        overdue=action.is_overdue(today),
    )


def plan_view(plan, today: dt.date | None = None) -> PlanView:
    """The plan with its objectives, their actions, owners and orientations: four queries
    whatever their number."""

    today = today or timezone.localdate()
    objectives = plan.objectives.prefetch_related(
        Prefetch(
            "actions",
            queryset=PlanAction.objects.select_related(
                "owner_member__user", "service", "orientation__sender"
            ),
        )
    )
    return PlanView(
        id=plan.public_id,
        version=plan.version,
        problems=plan.problems,
        person_project=plan.person_project,
        alert_procedure=plan.alert_procedure,
        revision_on=plan.revision_on,
        created_at=plan.created_at,
        objectives=tuple(
            ObjectiveView(
                id=o.public_id,
                need=o.need,
                need_label=str(Need(o.need).label),
                text=o.text,
                criteria=o.criteria,
                no_resource=o.no_resource,
                status=o.status,
                status_label=str(ObjectiveStatus(o.status).label),
                actions=tuple(_action_view(a, today) for a in o.actions.all()),
            )
            for o in objectives
        ),
    )


def plan_out(view: PlanView) -> dict:
    """The plan as the API answers it (schemas.PlanOut)."""
    return {
        "id": view.id,
        "version": view.version,
        "problems": view.problems,
        "person_project": view.person_project,
        "alert_procedure": view.alert_procedure,
        "revision_on": view.revision_on,
        "objectives": [
            {
                "id": o.id,
                "need": o.need,
                "text": o.text,
                "criteria": o.criteria,
                "no_resource": o.no_resource,
                "status": o.status,
                "actions": [
                    {
                        "id": a.id,
                        "text": a.text,
                        "owner": a.owner,
                        "owner_name": a.owner_name,
                        "service": a.service_id,
                        "orientation": a.orientation.id if a.orientation else None,
                        "orientation_state": a.orientation.state if a.orientation else "",
                        "due_on": a.due_on,
                        "status": a.status,
                        "overdue": a.overdue,
                    }
                    for a in o.actions
                ],
            }
            for o in view.objectives
        ],
    }


def plan_snapshot(view: PlanView) -> dict:
    """The plan as it reads now, for its version history (identifiers and text only)."""
    return {
        "problems": view.problems,
        "person_project": view.person_project,
        "alert_procedure": view.alert_procedure,
        "revision_on": view.revision_on.isoformat() if view.revision_on else None,
        "objectives": [
            {
                "id": str(o.id),
                "need": o.need,
                "text": o.text,
                "criteria": o.criteria,
                "status": o.status,
                "actions": [
                    {
                        "id": str(a.id),
                        "text": a.text,
                        "owner": a.owner_name
                        if a.owner not in ("person", "service")
                        else ("person" if a.owner_is_person else ""),
                        "service": a.service_name,
                        "due_on": a.due_on.isoformat() if a.due_on else None,
                        "status": a.status,
                    }
                    for a in o.actions
                ],
            }
            for o in view.objectives
        ],
    }


# --- requests, pathways, circle ---------------------------------------------------------------


def request_out(r) -> dict:
    pathway = getattr(r, "pathway", None)
    return {
        "id": r.public_id,
        "state": r.state,
        "state_label": str(RequestState(r.state).label),
        "urgency": r.urgency,
        "received_at": r.received_at,
        "person_first_name": r.person.first_name,
        "person_last_name": r.person.last_name,
        "person_birth_date": r.person.birth_date,
        "reason": r.reason,
        "needs": r.needs,
        "requester": r.requester.full_name,
        "consent_mode": r.consent_mode,
        "information_items": r.information_items,
        "recipients": r.recipients,
        "screening_score": r.screening_score,
        "triage_outcome": r.triage_outcome,
        "pathway_id": pathway.public_id if pathway else None,
        "version": r.version,
    }


def member_out(member) -> dict:
    return {
        "id": member.public_id,
        "user": member.user.public_id,
        "name": member.user.full_name,
        "role": member.role,
        "status": member.status,
    }


def pathway_out(pathway) -> dict:
    return {
        "id": pathway.public_id,
        "state": pathway.state,
        "person_first_name": pathway.person.first_name,
        "person_last_name": pathway.person.last_name,
        "referent": pathway.referent.full_name,
        "opened_at": pathway.opened_at,
        "closed_at": pathway.closed_at,
        "closure_reason": pathway.closure_reason,
        "closure_outcome": pathway.closure_outcome,
        "satisfaction": pathway.satisfaction,
        "circle": [member_out(m) for m in queries.circle_of(pathway)],
    }


def pathway_summary_out(p) -> dict:
    """A row of the list of pathways one follows (annotated by reads.pathways_listed)."""
    return {
        "id": p.public_id,
        "state": p.state,
        "person_first_name": p.person.first_name,
        "person_last_name": p.person.last_name,
        "referent": p.referent.full_name,
        "opened_at": p.opened_at,
        "closed_at": p.closed_at,
        "overdue_actions": p.overdue,
        "revision_due": p.revision_due,
        "new_messages": p.new_messages,
        "in_hospital": p.in_hospital,
    }


def caregiver_out(caregiver) -> dict:
    return {
        "id": caregiver.public_id,
        "name": caregiver.name,
        "relationship": caregiver.relationship,
        "is_main": caregiver.is_main,
    }


def portal_access_out(portal) -> dict:
    return {
        "id": portal.public_id,
        "caregiver": portal.caregiver.public_id if portal.caregiver_id else None,
        "email": portal.email,
        "invited_at": portal.created_at,
        "accepted": portal.user_id is not None,
        "revoked_at": portal.revoked_at,
    }


# --- assessments ------------------------------------------------------------------------------


def assessment_out(assessment) -> dict:
    return {
        "id": assessment.public_id,
        "assessed_on": assessment.assessed_on,
        "assessor": assessment.assessor.full_name if assessment.assessor_id else "",
        "person_words": assessment.person_words,
        "domains": {
            d.domain: {"level": d.level, "notes": d.notes, "sources": d.sources}
            for d in assessment.domains.all()
        },
        "gir": assessment.gir,
        "caregiver_burden": assessment.caregiver_burden,
    }


# --- follow-up --------------------------------------------------------------------------------


def message_out(m) -> dict:
    return {
        "id": m.public_id,
        "author": m.created_by.full_name if m.created_by else "",
        "created_at": m.created_at,
        "body": m.body,
        "attachments": [a.name for a in m.attachments.all() if a.removed_at is None],
    }


def stay_out(stay) -> dict:
    return {
        "id": stay.public_id,
        "facility": stay.facility,
        "state": stay.state,
        "admitted_on": stay.admitted_on,
        "expected_discharge_on": stay.expected_discharge_on,
        "discharged_on": stay.discharged_on,
        "discharge_destination": stay.discharge_destination,
        "checklist": [
            {"code": i.code, "label": str(i.label), "done": i.done_at is not None}
            for i in stay.checklist.all()
        ],
    }


def meeting_out(meeting) -> dict:
    return {
        "id": meeting.public_id,
        "state": meeting.state,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "version": meeting.version,
        "attendees": [
            {"user": a.user.public_id, "name": a.user.full_name, "attendance": a.attendance}
            for a in meeting.attendees.all()
        ],
        "decisions": [
            {
                "id": d.public_id,
                "text": d.text,
                "plan_action": d.plan_action.public_id if d.plan_action else None,
            }
            for d in meeting.decisions.all()
        ],
    }
