"""A pathway as a FHIR R4 Bundle (type collection): Patient, Practitioner (circle members),
CareTeam (the care circle, roles coded), CarePlan (the PPCS), Goal (objectives), Task
(actions), ServiceRequest (the orientations sent from the plan, each the focus of its Task),
RelatedPerson (the caregivers the person agreed to, also in the CareTeam),
Encounter (concertation meetings, attendees as participants) and Consent (what the person
agreed to share, from the support request). Every resource is validated with
fhir.resources' R4B models (R4B's resources are R4's); references are `urn:uuid:` full URLs
of entries of the same bundle, so they resolve inside it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from django.core.management.base import CommandError
from fhir.resources.R4B.bundle import Bundle

from maillage.core import audit
from maillage.core.fhir import pruned
from maillage.pathways import presenters, queries
from maillage.pathways.enums import (
    CIRCLE_ROLE_CODES,
    ActionStatus,
    CircleRole,
    ConsentMode,
    MeetingState,
    MemberStatus,
    ObjectiveStatus,
    PathwayState,
    Relationship,
)
from maillage.pathways.models import Pathway

CODES = "urn:maillage:codes"  # our own code systems, named under this prefix
GENDER = {"F": "female", "M": "male", "X": "unknown"}
TASK_STATUS = {
    ActionStatus.PLANNED: "requested",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.CANCELLED: "cancelled",
}
ENCOUNTER_STATUS = {
    MeetingState.PLANNED: "planned",
    MeetingState.HELD: "finished",
    MeetingState.CANCELLED: "cancelled",
}
# An orientation's state as the state of the ServiceRequest it is.
SERVICE_REQUEST_STATUS = {
    "sent": "active",
    "accepted": "active",
    "completed": "completed",
    "refused": "revoked",
    "expired": "revoked",
    "not_honoured": "revoked",
    "cancelled": "revoked",
}
GOAL_STATUS = {
    ObjectiveStatus.OPEN: ("active", "in-progress"),
    ObjectiveStatus.REACHED: ("completed", "achieved"),
    ObjectiveStatus.NOT_REACHED: ("completed", "not-achieved"),
    ObjectiveStatus.DROPPED: ("cancelled", "not-achieved"),
}


def _ref(uid) -> dict:
    return {"reference": f"urn:uuid:{uid}"}


def _role(role: str) -> dict:
    system, code = CIRCLE_ROLE_CODES.get(role, (f"{CODES}:circle-role", role))
    return {"coding": [{"system": system, "code": code, "display": str(CircleRole(role).label)}]}


def bundle(pathway) -> dict:
    """The pathway's bundle as a JSON-ready dict, validated."""
    person = pathway.person
    entries: list[tuple[object, dict]] = []

    patient = {
        "resourceType": "Patient",
        "id": str(person.public_id),
        "name": [{"family": person.last_name, "given": [person.first_name]}],
        "gender": GENDER.get(person.sex, "unknown"),
    }
    if person.birth_date:
        patient["birthDate"] = person.birth_date.isoformat()
    if person.commune_id:
        patient["address"] = [
            {"city": person.commune.name, "district": person.commune_id, "country": "FR"}
        ]
    if person.phone:
        patient["telecom"] = [{"system": "phone", "value": person.phone}]
    entries.append((person.public_id, patient))

    members = [m for m in queries.circle_of(pathway) if m.status == MemberStatus.ACTIVE]
    for member in members:
        entries.append(
            (
                member.user.public_id,
                {
                    "resourceType": "Practitioner",
                    "id": str(member.user.public_id),
                    "name": [{"text": member.user.full_name}],
                },
            )
        )
    caregivers = queries.caregivers_of(pathway)
    for caregiver in caregivers:
        related = {
            "resourceType": "RelatedPerson",
            "id": str(caregiver.public_id),
            "active": True,
            "patient": _ref(person.public_id),
            "relationship": [
                {
                    "coding": [
                        {
                            "system": f"{CODES}:relationship"
                            if caregiver.relationship == Relationship.OTHER
                            else "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                            "code": caregiver.relationship,
                            "display": str(Relationship(caregiver.relationship).label),
                        }
                    ]
                }
            ],
            "name": [{"text": caregiver.name}],
        }
        telecom = [
            {"system": system, "value": value}
            for system, value in (("phone", caregiver.phone), ("email", caregiver.email))
            if value
        ]
        if telecom:
            related["telecom"] = telecom
        entries.append((caregiver.public_id, related))
    care_team_id = pathway.public_id
    entries.append(
        (
            care_team_id,
            {
                "resourceType": "CareTeam",
                "id": str(care_team_id),
                "status": "active" if pathway.state == PathwayState.OPEN else "inactive",
                "name": "Cercle de soins",
                "subject": _ref(person.public_id),
                "period": {"start": pathway.opened_at.isoformat()},
                "participant": [
                    {
                        "role": [_role(m.role)],
                        "member": _ref(m.user.public_id),
                        **({"period": {"start": m.joined_at.isoformat()}} if m.joined_at else {}),
                    }
                    for m in members
                ]
                + [
                    {"role": [_role(CircleRole.CAREGIVER)], "member": _ref(c.public_id)}
                    for c in caregivers
                ],
            },
        )
    )

    practitioners = {m.user_id for m in members}
    plan = getattr(pathway, "plan", None)
    goal_ids, task_ids = [], []
    if plan is not None:
        view = presenters.plan_view(plan)
        for objective in view.objectives:
            lifecycle, achievement = GOAL_STATUS[ObjectiveStatus(objective.status)]
            goal = {
                "resourceType": "Goal",
                "id": str(objective.id),
                "lifecycleStatus": lifecycle,
                "achievementStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                            "code": achievement,
                        }
                    ]
                },
                "category": [{"coding": [{"system": f"{CODES}:need", "code": objective.need}]}],
                # Required by FHIR: an anonymised pathway's objective keeps its need only.
                "description": {
                    "text": objective.text
                    or f"{objective.need_label} (texte effacé à l'anonymisation)"
                },
                "subject": _ref(person.public_id),
            }
            if objective.criteria:
                goal["note"] = [{"text": objective.criteria}]
            entries.append((objective.id, goal))
            goal_ids.append(objective.id)
            for action in objective.actions:
                task = {
                    "resourceType": "Task",
                    "id": str(action.id),
                    "status": TASK_STATUS[ActionStatus(action.status)],
                    "intent": "plan",
                    "description": action.text or "Action (texte effacé à l'anonymisation)",
                    "for": _ref(person.public_id),
                    "basedOn": [_ref(plan.public_id)],
                    "authoredOn": action.created_at.isoformat(),
                }
                if action.owner_is_person:
                    task["owner"] = _ref(person.public_id)
                elif action.owner_active_user_id is not None:
                    task["owner"] = _ref(action.owner_active_user_id)
                if action.due_on:
                    task["restriction"] = {"period": {"end": action.due_on.isoformat()}}
                orientation = action.orientation
                if orientation is not None:
                    task["focus"] = _ref(orientation.id)
                    service_request = {
                        "resourceType": "ServiceRequest",
                        "id": str(orientation.id),
                        "status": SERVICE_REQUEST_STATUS.get(orientation.state, "unknown"),
                        "intent": "order",
                        "code": {"text": action.text},
                        "subject": _ref(person.public_id),
                        "basedOn": [_ref(plan.public_id)],
                        "authoredOn": orientation.created_at.isoformat(),
                        "performer": [{"display": action.service_name}],
                    }
                    if orientation.sender_user_id in practitioners:
                        service_request["requester"] = _ref(orientation.sender_id)
                    entries.append((orientation.id, service_request))
                entries.append((action.id, task))
                task_ids.append(action.id)
        care_plan = {
            "resourceType": "CarePlan",
            "id": str(plan.public_id),
            "status": "active" if pathway.state == PathwayState.OPEN else "completed",
            "intent": "plan",
            "title": "Plan personnalisé de coordination en santé",
            "subject": _ref(person.public_id),
            "careTeam": [_ref(care_team_id)],
            "goal": [_ref(i) for i in goal_ids],
            "activity": [{"reference": _ref(i)} for i in task_ids],
            "created": plan.created_at.isoformat(),
        }
        if plan.problems:
            care_plan["description"] = plan.problems
        notes = [text for text in (plan.person_project, plan.alert_procedure) if text]
        if notes:
            care_plan["note"] = [{"text": text} for text in notes]
        if plan.revision_on:
            care_plan["period"] = {"end": plan.revision_on.isoformat()}
        entries.append((plan.public_id, care_plan))

    for meeting in queries.meetings_of(pathway):
        end = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
        encounter = {
            "resourceType": "Encounter",
            "id": str(meeting.public_id),
            "status": ENCOUNTER_STATUS[MeetingState(meeting.state)],
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "AMB",
                "display": "ambulatory",
            },
            "type": [
                {
                    "coding": [{"system": f"{CODES}:encounter-type", "code": "concertation"}],
                    "text": "Réunion de concertation",
                }
            ],
            "subject": _ref(person.public_id),
            "period": {"start": meeting.starts_at.isoformat(), "end": end.isoformat()},
            "participant": [
                {
                    "type": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "v3-ParticipationType",
                                    "code": "ATND" if a.attendance == "present" else "PART",
                                }
                            ]
                        }
                    ],
                    "individual": _ref(a.user.public_id),
                }
                for a in meeting.attendees.all()
                if a.user_id in practitioners
            ],
        }
        if meeting.location:
            encounter["location"] = [{"location": {"display": meeting.location}}]
        entries.append((meeting.public_id, encounter))

    request = pathway.request
    if request is not None:
        entries.append(
            (
                request.public_id,
                {
                    "resourceType": "Consent",
                    "id": str(request.public_id),
                    "status": "active"
                    if request.consent_mode == ConsentMode.CONSENTS
                    or request.informed_afterwards_at
                    else "proposed",
                    "scope": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "patient-privacy",
                            }
                        ]
                    },
                    "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                    "patient": _ref(person.public_id),
                    "dateTime": request.consent_recorded_at.isoformat(),
                    "policyRule": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                "code": "OPTIN",
                            }
                        ]
                    },
                    "provision": {
                        "type": "permit",
                        "class": [
                            {"system": f"{CODES}:shared-information", "code": item}
                            for item in request.information_items
                        ],
                        "actor": [
                            {
                                "role": {
                                    "coding": [{"system": f"{CODES}:recipient", "code": recipient}]
                                },
                                "reference": _ref(care_team_id),
                            }
                            for recipient in request.recipients
                            if recipient == "circle"  # the others are not in the bundle
                        ],
                    },
                },
            )
        )

    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{uid}", "resource": pruned(res)} for uid, res in entries],
    }
    return Bundle.model_validate(document).model_dump(mode="json", exclude_none=True)


def export_command(public_id: str, file: str) -> str:
    """`maillage export fhir-pathway ID FILE`: an operator's export, outside any request,
    traced in the audit log like any read (registered with directory.hooks)."""
    try:
        pathway = Pathway.objects.select_related("person__commune", "request").get(
            public_id=uuid.UUID(public_id)
        )
    except (ValueError, Pathway.DoesNotExist):
        raise CommandError(f"parcours introuvable : {public_id}") from None
    document = bundle(pathway)
    Path(file).write_text(json.dumps(document, ensure_ascii=False, indent=1))
    audit.record("pathway.export_fhir", obj=pathway, details={"channel": "command"})
    return f"{len(document['entry'])} ressources exportées dans {file}"
