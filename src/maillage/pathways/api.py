"""Support requests, triage, care circles and plans through the API: the same actions and
queries as the pages, the same access rules (404 for what one may not see)."""

import json
from uuid import UUID

from django.http import HttpResponse
from ninja import Router, Status
from ninja.errors import HttpError

from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Organisation
from maillage.core import audit
from maillage.core.pipeline import acting, found
from maillage.pathways import access, actions, fhir, queries, reads
from maillage.pathways.enums import RequestState
from maillage.pathways.schemas import (
    ActionStatusIn,
    CaregiverIn,
    CaregiverOut,
    CircleMemberIn,
    CircleMemberOut,
    CloseIn,
    DecisionIn,
    DischargeIn,
    ErrorOut,
    MeetingIn,
    MeetingOut,
    MeetingUpdateIn,
    MessageIn,
    MessageOut,
    MinutesIn,
    ObjectiveIn,
    PathwayOut,
    PathwaySummaryOut,
    PlanActionIn,
    PlanIn,
    PlanOut,
    StayIn,
    StayOut,
    SupportRequestIn,
    SupportRequestList,
    SupportRequestOut,
    TriageIn,
    ValidationIn,
    VersionIn,
)
from maillage.territories.models import Commune

router = Router(tags=["parcours"])


def _request_out(r) -> dict:
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


def _api_objective(request, plan, public_id):
    return found(
        plan.objectives.filter(public_id=public_id).first(),
        "plan.objective.read",
        "pathways.objective",
        public_id,
        "objectif",
    )


def _visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=audit.Actor.of(request))


def _visible_pathway(request, public_id):
    return reads.visible_pathway(public_id=public_id, acting=audit.Actor.of(request))


@router.post(
    "/support-requests",
    response={201: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Demander un appui à une plateforme, avec ce que la personne sait et accepte",
)
@acting("support_request.create")
def support_request_create(request, payload: SupportRequestIn):
    platform = Organisation.objects.filter(
        public_id=payload.platform, kind=OrganisationKind.PLATFORM, is_active=True
    ).first()
    if platform is None:
        raise HttpError(404, "plateforme introuvable")
    commune = None
    if payload.person_commune:
        commune = Commune.objects.filter(code=payload.person_commune).first()
        if commune is None:
            raise HttpError(400, f"commune inconnue : {payload.person_commune}")
    fields = payload.dict(exclude={"platform", "person_commune"})
    created = actions.support_request_submit(
        actor=request.user,
        platform=platform,
        person_commune=commune,
        acting=audit.Actor.of(request),
        **fields,
    )
    return Status(201, _request_out(queries.request_for(request.user, created.public_id)))


@router.get(
    "/support-requests",
    response={200: SupportRequestList, 403: ErrorOut},
    summary="Les demandes à trier (coordination) et les miennes",
)
def support_request_list(request):
    triager = access.can_triage(request.user)
    if not (triager or access.can_request_support(request.user)):
        audit.deny("support_request.list", request=request)
        raise HttpError(403, "votre rôle ne permet pas de voir des demandes d'appui")
    queue, mine = reads.support_requests_listed(acting=audit.Actor.of(request), api=True)
    return {"queue": [_request_out(r) for r in queue], "mine": [_request_out(r) for r in mine]}


@router.get(
    "/support-requests/{public_id}",
    response={200: SupportRequestOut, 404: ErrorOut},
    summary="Une demande d'appui (son auteur et la coordination de sa plateforme seulement)",
)
def support_request_detail(request, public_id: UUID):
    found = _visible_request(request, public_id)
    reads.support_request_record_read(support_request=found, acting=audit.Actor.of(request))
    return _request_out(found)


@router.post(
    "/support-requests/{public_id}/triage",
    response={200: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Trier une demande : information, appui au professionnel ou parcours complexe",
)
@acting("support_request.triage")
def support_request_triage(request, public_id: UUID, payload: TriageIn):
    found = _visible_request(request, public_id)
    referent = None
    if payload.referent:
        referent = queries.platform_coordinator(found.platform, payload.referent)
        if referent is None:
            raise HttpError(400, "le ou la référent·e doit être coordinateur·rice de la plateforme")
    (
        actions.support_request_triage(
            actor=request.user,
            support_request=found,
            answers=payload.answers,
            outcome=payload.outcome,
            referent=referent,
            comment=payload.comment,
            expected_version=payload.version,
            acting=audit.Actor.of(request),
        )
    )
    return _request_out(queries.request_for(request.user, public_id))


@router.post(
    "/pathways/{public_id}/circle",
    response={201: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Proposer (ou, référent·e, ajouter) un membre au cercle de soins",
)
@acting("circle.propose")
def circle_add(request, public_id: UUID, payload: CircleMemberIn):
    pathway = _visible_pathway(request, public_id)
    member = actions.circle_propose(
        actor=request.user,
        pathway=pathway,
        user=queries.professional_by_email(payload.email),
        role=payload.role,
        person_informed=payload.person_informed,
        acting=audit.Actor.of(request),
    )
    return Status(201, _member_out(member))


def _plan_out(plan) -> dict:
    objectives, _versions = queries.plan_page(plan)
    return {
        "version": plan.version,
        "problems": plan.problems,
        "person_project": plan.person_project,
        "alert_procedure": plan.alert_procedure,
        "revision_on": plan.revision_on,
        "objectives": [
            {
                "id": o.public_id,
                "need": o.need,
                "text": o.text,
                "criteria": o.criteria,
                "no_resource": o.no_resource,
                "status": o.status,
                "actions": [
                    {
                        "id": a.public_id,
                        "text": a.text,
                        "owner": "person"
                        if a.owner_is_person
                        else str(a.owner_member.public_id)
                        if a.owner_member
                        else "",
                        "due_on": a.due_on,
                        "status": a.status,
                    }
                    for a in o.actions.all()
                ],
            }
            for o in objectives
        ],
    }


@router.get(
    "/pathways/{public_id}/plan",
    response={200: PlanOut, 404: ErrorOut},
    summary="Le plan personnalisé (PPCS) d'un parcours",
)
def plan_detail(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    reads.plan_record_read(plan=plan, acting=audit.Actor.of(request))
    return _plan_out(plan)


@router.put(
    "/pathways/{public_id}/plan",
    response={200: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Enregistrer les parties écrites du plan (409 si quelqu'un l'a modifié entre-temps)",
)
@acting("plan.save")
def plan_update(request, public_id: UUID, payload: PlanIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    saved = actions.plan_save(
        actor=request.user,
        plan=plan,
        expected_version=payload.version,
        problems=payload.problems,
        person_project=payload.person_project,
        alert_procedure=payload.alert_procedure,
        revision_on=payload.revision_on,
        acting=audit.Actor.of(request),
    )
    return _plan_out(saved)


@router.post(
    "/pathways/{public_id}/plan/objectives",
    response={201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Ajouter un objectif partagé au plan",
)
@acting("plan.objective_add")
def plan_objective_add(request, public_id: UUID, payload: ObjectiveIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    (
        actions.objective_add(
            actor=request.user,
            plan=plan,
            need=payload.need,
            text=payload.text,
            criteria=payload.criteria,
            no_resource=payload.no_resource,
            expected_version=payload.version,
            acting=audit.Actor.of(request),
        )
    )
    plan.refresh_from_db()
    return Status(201, _plan_out(plan))


@router.post(
    "/pathways/{public_id}/plan/actions",
    response={201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Ajouter une action à un objectif du plan",
)
@acting("plan.action_add")
def plan_action_add(request, public_id: UUID, payload: PlanActionIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    objective = _api_objective(request, plan, payload.objective)
    (
        actions.plan_action_add(
            actor=request.user,
            objective=objective,
            text=payload.text,
            owner=payload.owner,
            due_on=payload.due_on,
            expected_version=payload.version,
            acting=audit.Actor.of(request),
        )
    )
    plan.refresh_from_db()
    return Status(201, _plan_out(plan))


@router.get(
    "/pathways/{public_id}/fhir",
    response={200: dict, 404: ErrorOut},
    summary="Le parcours en Bundle FHIR R4 (Patient, CareTeam, CarePlan, Goal, Task, Consent…)",
    openapi_extra={"x-media-types": {200: ["application/fhir+json"]}},
)
def pathway_fhir(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    audit.record("pathway.export_fhir", request=request, obj=pathway)
    return HttpResponse(
        json.dumps(fhir.bundle(pathway), ensure_ascii=False),
        content_type="application/fhir+json",
    )


# --- pathways, follow-up, meetings, closure ---------------------------------------------------


@router.get(
    "/pathways",
    response={200: list[PathwaySummaryOut], 403: ErrorOut},
    summary="Les parcours que je suis : actions en retard, révision due, nouveaux messages",
)
@acting("pathway.list")
def pathway_list(request):
    pathways = reads.pathways_listed(acting=audit.Actor.of(request))
    return [
        {
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
        for p in pathways
    ]


@router.get(
    "/pathways/{public_id}",
    response={200: PathwayOut, 404: ErrorOut},
    summary="Un parcours : état, référent·e, cercle de soins, clôture",
)
def pathway_detail(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    reads.pathway_record_read(pathway=pathway, acting=audit.Actor.of(request))
    return _pathway_out(pathway)


def _pathway_out(pathway) -> dict:
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
        "circle": [
            {"id": m.public_id, "name": m.user.full_name, "role": m.role, "status": m.status}
            for m in queries.circle_of(pathway)
        ],
    }


def _message_out(m) -> dict:
    return {
        "id": m.public_id,
        "author": m.created_by.full_name if m.created_by else "",
        "created_at": m.created_at,
        "body": m.body,
        "attachments": [a.name for a in m.attachments.all() if a.removed_at is None],
    }


@router.get(
    "/pathways/{public_id}/messages",
    response={200: list[MessageOut], 404: ErrorOut},
    summary="Le cahier de liaison du parcours, du plus récent au plus ancien",
)
def message_list(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    notebook = queries.notebook_of(pathway)
    reads.notebook_record_read(pathway=pathway, messages=notebook, acting=audit.Actor.of(request))
    return [_message_out(m) for m in notebook]


@router.post(
    "/pathways/{public_id}/messages",
    response={201: MessageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Écrire au cercle de soins dans le cahier de liaison",
)
@acting("notebook.post")
def message_add(request, public_id: UUID, payload: MessageIn):
    pathway = _visible_pathway(request, public_id)
    message = actions.message_post(
        actor=request.user, pathway=pathway, body=payload.body, acting=audit.Actor.of(request)
    )
    return Status(201, _message_out(message))


def _stay_out(stay) -> dict:
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


@router.get(
    "/pathways/{public_id}/stays",
    response={200: list[StayOut], 404: ErrorOut},
    summary="Les hospitalisations et leur liste de préparation de la sortie",
)
def stay_list(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    stays = queries.stays_of(pathway)
    reads.stays_record_read(pathway=pathway, stays=stays, acting=audit.Actor.of(request))
    return [_stay_out(s) for s in stays]


@router.post(
    "/pathways/{public_id}/stays",
    response={201: StayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Signaler une hospitalisation : le cercle est prévenu, la liste de sortie s'ouvre",
)
@acting("stay.admit")
def stay_add(request, public_id: UUID, payload: StayIn):
    pathway = _visible_pathway(request, public_id)
    stay = actions.stay_admit(
        actor=request.user,
        pathway=pathway,
        facility=payload.facility,
        admitted_on=payload.admitted_on,
        expected_discharge_on=payload.expected_discharge_on,
        acting=audit.Actor.of(request),
    )
    return Status(201, _stay_out(stay))


@router.post(
    "/pathways/{public_id}/stays/{stay_id}/discharge",
    response={200: StayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Enregistrer la sortie d'hospitalisation",
)
@acting("stay.discharge")
def stay_discharge(request, public_id: UUID, stay_id: UUID, payload: DischargeIn):
    pathway = _visible_pathway(request, public_id)
    stay = found(
        queries.stay_for(pathway, stay_id),
        "stay.discharge",
        "pathways.hospitalstay",
        stay_id,
        "hospitalisation",
    )
    stay = actions.stay_discharge(
        actor=request.user,
        stay=stay,
        discharged_on=payload.discharged_on,
        destination=payload.destination,
        acting=audit.Actor.of(request),
    )
    return _stay_out(stay)


def _meeting_out(meeting) -> dict:
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


def _api_meeting(request, pathway, meeting_id, action="meeting.read"):
    return found(
        queries.meeting_for(pathway, meeting_id),
        action,
        "pathways.meeting",
        meeting_id,
        "réunion",
    )


@router.get(
    "/pathways/{public_id}/meetings",
    response={200: list[MeetingOut], 404: ErrorOut},
    summary="Les réunions de concertation du parcours",
)
def meeting_list(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    meetings = queries.meetings_of(pathway)
    audit.record(
        "meeting.list",
        request=request,
        obj=pathway,
        details={"shown": [str(m.public_id) for m in meetings]},
    )
    return [_meeting_out(m) for m in meetings]


@router.post(
    "/pathways/{public_id}/meetings",
    response={201: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Prévoir une réunion de concertation et inviter des membres du cercle",
)
@acting("meeting.schedule")
def meeting_add(request, public_id: UUID, payload: MeetingIn):
    pathway = _visible_pathway(request, public_id)
    meeting = actions.meeting_schedule(
        actor=request.user,
        pathway=pathway,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
        agenda=payload.agenda,
        invitee_ids=[str(i) for i in payload.invitees],
        acting=audit.Actor.of(request),
    )
    return Status(201, _meeting_out(queries.meeting_for(pathway, meeting.public_id)))


@router.get(
    "/pathways/{public_id}/meetings/{meeting_id}",
    response={200: MeetingOut, 404: ErrorOut},
    summary="Une réunion : ordre du jour, présences, compte rendu, décisions",
)
def meeting_detail(request, public_id: UUID, meeting_id: UUID):
    pathway = _visible_pathway(request, public_id)
    meeting = _api_meeting(request, pathway, meeting_id)
    reads.meeting_record_read(meeting=meeting, acting=audit.Actor.of(request))
    return _meeting_out(meeting)


@router.put(
    "/pathways/{public_id}/meetings/{meeting_id}",
    response={200: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Modifier une réunion prévue (les invité·es reçoivent la mise à jour)",
)
@acting("meeting.update")
def meeting_update(request, public_id: UUID, meeting_id: UUID, payload: MeetingUpdateIn):
    pathway = _visible_pathway(request, public_id)
    meeting = _api_meeting(request, pathway, meeting_id, "meeting.update")
    (
        actions.meeting_reschedule(
            actor=request.user,
            meeting=meeting,
            expected_version=payload.version,
            starts_at=payload.starts_at,
            duration_minutes=payload.duration_minutes,
            location=payload.location,
            agenda=payload.agenda,
            acting=audit.Actor.of(request),
        )
    )
    return _meeting_out(queries.meeting_for(pathway, meeting_id))


@router.post(
    "/pathways/{public_id}/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Annuler une réunion prévue (les invité·es sont prévenu·es)",
)
@acting("meeting.cancel")
def meeting_cancel(request, public_id: UUID, meeting_id: UUID, payload: VersionIn):
    pathway = _visible_pathway(request, public_id)
    meeting = _api_meeting(request, pathway, meeting_id, "meeting.cancel")
    (
        actions.meeting_cancel(
            actor=request.user,
            meeting=meeting,
            expected_version=payload.version,
            acting=audit.Actor.of(request),
        )
    )
    return _meeting_out(queries.meeting_for(pathway, meeting_id))


@router.post(
    "/pathways/{public_id}/meetings/{meeting_id}/minutes",
    response={200: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Après la réunion : présences et compte rendu",
)
@acting("meeting.record")
def meeting_minutes(request, public_id: UUID, meeting_id: UUID, payload: MinutesIn):
    pathway = _visible_pathway(request, public_id)
    meeting = _api_meeting(request, pathway, meeting_id, "meeting.record")
    (
        actions.meeting_record(
            actor=request.user,
            meeting=meeting,
            expected_version=payload.version,
            attendance=payload.attendance,
            minutes=payload.minutes,
            acting=audit.Actor.of(request),
        )
    )
    return _meeting_out(queries.meeting_for(pathway, meeting_id))


@router.post(
    "/pathways/{public_id}/meetings/{meeting_id}/decisions",
    response={201: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Une décision de la réunion ; avec un objectif, elle devient une action du plan",
)
@acting("meeting.decide")
def meeting_decision(request, public_id: UUID, meeting_id: UUID, payload: DecisionIn):
    pathway = _visible_pathway(request, public_id)
    meeting = _api_meeting(request, pathway, meeting_id, "meeting.decide")
    objective = None
    if payload.objective is not None:
        if payload.plan_version is None:
            raise HttpError(400, "plan_version est requis pour ajouter l'action au plan")
        plan = actions.plan_ensure(pathway=pathway)
        objective = _api_objective(request, plan, payload.objective)
    (
        actions.meeting_decide(
            actor=request.user,
            meeting=meeting,
            text=payload.text,
            objective=objective,
            owner=payload.owner,
            due_on=payload.due_on,
            expected_plan_version=payload.plan_version,
            acting=audit.Actor.of(request),
        )
    )
    return Status(201, _meeting_out(queries.meeting_for(pathway, meeting_id)))


@router.post(
    "/pathways/{public_id}/close",
    response={200: PathwayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Clore le parcours : raison, bilan, issue de chaque objectif, satisfaction",
)
@acting("pathway.close")
def pathway_close(request, public_id: UUID, payload: CloseIn):
    pathway = _visible_pathway(request, public_id)
    closed = actions.pathway_close(
        actor=request.user,
        pathway=pathway,
        reason=payload.reason,
        outcome=payload.outcome,
        objective_statuses=payload.objectives,
        satisfaction=payload.satisfaction,
        satisfaction_comment=payload.satisfaction_comment,
        acting=audit.Actor.of(request),
    )
    return _pathway_out(closed)


@router.post(
    "/pathways/{public_id}/reopen",
    response={200: PathwayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Rouvrir un parcours clos (pas encore archivé)",
)
@acting("pathway.reopen")
def pathway_reopen(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    reopened = actions.pathway_reopen(
        actor=request.user, pathway=pathway, acting=audit.Actor.of(request)
    )
    return _pathway_out(reopened)


def _api_member(request, pathway, member_id, action):
    return found(
        queries.circle_member(pathway, member_id),
        action,
        "pathways.circlemember",
        member_id,
        "membre",
    )


def _member_out(member) -> dict:
    return {
        "id": member.public_id,
        "name": member.user.full_name,
        "role": member.role,
        "status": member.status,
    }


@router.post(
    "/pathways/{public_id}/circle/{member_id}/approve",
    response={200: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Accepter un membre proposé (coordination de la plateforme)",
)
@acting("circle.approve")
def circle_approve(request, public_id: UUID, member_id: UUID):
    pathway = _visible_pathway(request, public_id)
    member = _api_member(request, pathway, member_id, "circle.approve")
    member = actions.circle_approve(
        actor=request.user, member=member, acting=audit.Actor.of(request)
    )
    return _member_out(member)


@router.post(
    "/pathways/{public_id}/circle/{member_id}/remove",
    response={200: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Retirer un membre du cercle, ou le quitter soi-même : l'accès cesse aussitôt",
)
@acting("circle.remove")
def circle_remove(request, public_id: UUID, member_id: UUID):
    pathway = _visible_pathway(request, public_id)
    member = _api_member(request, pathway, member_id, "circle.remove")
    member = actions.circle_remove(
        actor=request.user, member=member, acting=audit.Actor.of(request)
    )
    return _member_out(member)


@router.post(
    "/pathways/{public_id}/plan/actions/{action_id}/status",
    response={200: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Changer l'état d'une action du plan",
)
@acting("plan.action_status")
def plan_action_status(request, public_id: UUID, action_id: UUID, payload: ActionStatusIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    action = found(
        queries.plan_action(plan, action_id),
        "plan.action_status",
        "pathways.planaction",
        action_id,
        "action",
    )
    (
        actions.plan_action_set_status(
            actor=request.user,
            action=action,
            status=payload.status,
            expected_version=payload.version,
            acting=audit.Actor.of(request),
        )
    )
    plan.refresh_from_db()
    return _plan_out(plan)


@router.post(
    "/pathways/{public_id}/plan/validations",
    response={201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Noter que la personne ou son médecin traitant a validé la version lue",
)
@acting("plan.validate")
def plan_validation_add(request, public_id: UUID, payload: ValidationIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    (
        actions.plan_validate(
            actor=request.user,
            plan=plan,
            validator=payload.validator,
            validated_on=payload.validated_on,
            expected_version=payload.version,
            acting=audit.Actor.of(request),
        )
    )
    plan.refresh_from_db()
    return Status(201, _plan_out(plan))


@router.post(
    "/pathways/{public_id}/caregivers",
    response={201: CaregiverOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Ajouter un·e aidant·e au cercle, avec l'accord de la personne",
)
@acting("caregiver.add")
def caregiver_add(request, public_id: UUID, payload: CaregiverIn):
    pathway = _visible_pathway(request, public_id)
    caregiver = actions.caregiver_add(
        actor=request.user,
        pathway=pathway,
        name=payload.name,
        relationship=payload.relationship,
        phone=payload.phone,
        email=payload.email,
        is_main=payload.is_main,
        person_agreed=payload.person_agreed,
        acting=audit.Actor.of(request),
    )
    return Status(
        201,
        {
            "id": caregiver.public_id,
            "name": caregiver.name,
            "relationship": caregiver.relationship,
            "is_main": caregiver.is_main,
        },
    )
