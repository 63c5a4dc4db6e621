"""Support requests, triage, care circles and plans through the API: the same actions and
queries as the pages, the same access rules (404 for what one may not see)."""

import json
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import Router, Status
from ninja.errors import HttpError

from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Organisation
from maillage.core import audit
from maillage.pathways import access, actions, fhir, queries
from maillage.pathways.enums import RequestState
from maillage.pathways.schemas import (
    CircleMemberIn,
    CircleMemberOut,
    ErrorOut,
    ObjectiveIn,
    PlanActionIn,
    PlanIn,
    PlanOut,
    SupportRequestIn,
    SupportRequestList,
    SupportRequestOut,
    TriageIn,
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


def _errors(call, request, action: str):
    """Run an action: its refusals become 403 (audited), 409 or 400 with the French message."""
    try:
        return call()
    except PermissionDenied:
        audit.deny(action, request=request)
        raise HttpError(403, "votre rôle ne permet pas cette action") from None
    except actions.StaleVersion as error:
        raise HttpError(409, " ".join(error.messages)) from None
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


def _visible_request(request, public_id):
    found = actions.visible_request(public_id=public_id, request=request)
    if found is None:
        raise HttpError(404, "demande introuvable")
    return found


def _visible_pathway(request, public_id):
    found = actions.visible_pathway(public_id=public_id, request=request)
    if found is None:
        raise HttpError(404, "parcours introuvable")
    return found


@router.post(
    "/support-requests",
    response={201: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Demander un appui à une plateforme, avec ce que la personne sait et accepte",
)
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
    created = _errors(
        lambda: actions.support_request_submit(
            actor=request.user,
            platform=platform,
            person_commune=commune,
            request=request,
            **fields,
        ),
        request,
        "support_request.create",
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
    queue, mine = actions.support_requests_listed(request=request, api=True)
    return {"queue": [_request_out(r) for r in queue], "mine": [_request_out(r) for r in mine]}


@router.get(
    "/support-requests/{public_id}",
    response={200: SupportRequestOut, 404: ErrorOut},
    summary="Une demande d'appui (son auteur et la coordination de sa plateforme seulement)",
)
def support_request_detail(request, public_id: UUID):
    found = _visible_request(request, public_id)
    actions.support_request_record_read(support_request=found, request=request)
    return _request_out(found)


@router.post(
    "/support-requests/{public_id}/triage",
    response={200: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Trier une demande : information, appui au professionnel ou parcours complexe",
)
def support_request_triage(request, public_id: UUID, payload: TriageIn):
    found = _visible_request(request, public_id)
    referent = None
    if payload.referent:
        referent = queries.platform_coordinator(found.platform, payload.referent)
        if referent is None:
            raise HttpError(400, "le ou la référent·e doit être coordinateur·rice de la plateforme")
    _errors(
        lambda: actions.support_request_triage(
            actor=request.user,
            support_request=found,
            answers=payload.answers,
            outcome=payload.outcome,
            referent=referent,
            comment=payload.comment,
            expected_version=payload.version,
            request=request,
        ),
        request,
        "support_request.triage",
    )
    return _request_out(queries.request_for(request.user, public_id))


@router.post(
    "/pathways/{public_id}/circle",
    response={201: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Proposer (ou, référent·e, ajouter) un membre au cercle de soins",
)
def circle_add(request, public_id: UUID, payload: CircleMemberIn):
    pathway = _visible_pathway(request, public_id)
    member = _errors(
        lambda: actions.circle_propose(
            actor=request.user,
            pathway=pathway,
            user=queries.professional_by_email(payload.email),
            role=payload.role,
            person_informed=payload.person_informed,
            request=request,
        ),
        request,
        "circle.propose",
    )
    return Status(
        201,
        {
            "id": member.public_id,
            "name": member.user.full_name,
            "role": member.role,
            "status": member.status,
        },
    )


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
    actions.plan_record_read(plan=plan, request=request)
    return _plan_out(plan)


@router.put(
    "/pathways/{public_id}/plan",
    response={200: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Enregistrer les parties écrites du plan (409 si quelqu'un l'a modifié entre-temps)",
)
def plan_update(request, public_id: UUID, payload: PlanIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    saved = _errors(
        lambda: actions.plan_save(
            actor=request.user,
            plan=plan,
            expected_version=payload.version,
            problems=payload.problems,
            person_project=payload.person_project,
            alert_procedure=payload.alert_procedure,
            revision_on=payload.revision_on,
            request=request,
        ),
        request,
        "plan.save",
    )
    return _plan_out(saved)


@router.post(
    "/pathways/{public_id}/plan/objectives",
    response={201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Ajouter un objectif partagé au plan",
)
def plan_objective_add(request, public_id: UUID, payload: ObjectiveIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    _errors(
        lambda: actions.objective_add(
            actor=request.user,
            plan=plan,
            need=payload.need,
            text=payload.text,
            criteria=payload.criteria,
            expected_version=payload.version,
            request=request,
        ),
        request,
        "plan.objective_add",
    )
    plan.refresh_from_db()
    return Status(201, _plan_out(plan))


@router.post(
    "/pathways/{public_id}/plan/actions",
    response={201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Ajouter une action à un objectif du plan",
)
def plan_action_add(request, public_id: UUID, payload: PlanActionIn):
    pathway = _visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    objective = plan.objectives.filter(public_id=payload.objective).first()
    if objective is None:
        raise HttpError(404, "objectif introuvable")
    _errors(
        lambda: actions.plan_action_add(
            actor=request.user,
            objective=objective,
            text=payload.text,
            owner=payload.owner,
            due_on=payload.due_on,
            expected_version=payload.version,
            request=request,
        ),
        request,
        "plan.action_add",
    )
    plan.refresh_from_db()
    return Status(201, _plan_out(plan))


@router.get(
    "/pathways/{public_id}/fhir",
    response={200: dict, 404: ErrorOut},
    summary="Le parcours en Bundle FHIR R4 (Patient, CareTeam, CarePlan, Goal, Task, Consent…)",
)
def pathway_fhir(request, public_id: UUID):
    pathway = _visible_pathway(request, public_id)
    audit.record("pathway.export_fhir", request=request, obj=pathway)
    return HttpResponse(
        json.dumps(fhir.bundle(pathway), ensure_ascii=False),
        content_type="application/fhir+json",
    )
