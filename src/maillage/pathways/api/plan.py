"""The personalised plan (PPCS): its written parts, objectives, actions, validations."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting, found
from maillage.pathways import actions, presenters, queries, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import ActionStatusIn, ObjectiveIn, PlanActionIn, PlanIn, ValidationIn
from maillage.pathways.schemas import ErrorOut, PlanOut

router = Router(tags=["parcours"])

WRITE = {200: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
ADD = {201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _plan(request, public_id):
    return actions.plan_ensure(pathway=visible_pathway(request, public_id))


def _now(plan) -> dict:
    plan.refresh_from_db()
    return presenters.plan_out(presenters.plan_view(plan))


@router.get(
    "/pathways/{public_id}/plan",
    response={200: PlanOut, 404: ErrorOut},
    summary="Le plan personnalisé (PPCS) d'un parcours",
)
def plan_detail(request, public_id: UUID):
    plan = _plan(request, public_id)
    reads.plan_record_read(plan=plan, acting=audit.Actor.of(request))
    return presenters.plan_out(presenters.plan_view(plan))


@router.put(
    "/pathways/{public_id}/plan",
    response=WRITE,
    summary="Enregistrer les parties écrites du plan (409 si quelqu'un l'a modifié entre-temps)",
)
@acting("plan.save")
def plan_update(request, public_id: UUID, payload: PlanIn):
    plan = _plan(request, public_id)
    saved = actions.plan_save(
        actor=request.user, plan=plan, data=payload, acting=audit.Actor.of(request)
    )
    return _now(saved)


@router.post(
    "/pathways/{public_id}/plan/objectives",
    response=ADD,
    summary="Ajouter un objectif partagé au plan",
)
@acting("plan.objective_add")
def plan_objective_add(request, public_id: UUID, payload: ObjectiveIn):
    plan = _plan(request, public_id)
    actions.objective_add(
        actor=request.user, plan=plan, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _now(plan))


@router.post(
    "/pathways/{public_id}/plan/actions",
    response=ADD,
    summary="Ajouter une action à un objectif du plan, portée par la personne, un membre du "
    "cercle ou un service de l'annuaire (une orientation lui est alors envoyée)",
)
@acting("plan.action_add")
def plan_action_add(request, public_id: UUID, payload: PlanActionIn):
    plan = _plan(request, public_id)
    actions.plan_action_add(
        actor=request.user, plan=plan, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _now(plan))


@router.post(
    "/pathways/{public_id}/plan/actions/{action_id}/status",
    response=WRITE,
    summary="Changer l'état d'une action du plan",
)
@acting("plan.action_status")
def plan_action_status(request, public_id: UUID, action_id: UUID, payload: ActionStatusIn):
    plan = _plan(request, public_id)
    action = found(
        queries.plan_action(plan, action_id),
        "plan.action_status",
        "pathways.planaction",
        action_id,
        "action",
    )
    actions.plan_action_set_status(
        actor=request.user, action=action, data=payload, acting=audit.Actor.of(request)
    )
    return _now(plan)


@router.post(
    "/pathways/{public_id}/plan/validations",
    response=ADD,
    summary="Noter que la personne ou son médecin traitant a validé la version lue",
)
@acting("plan.validate")
def plan_validation_add(request, public_id: UUID, payload: ValidationIn):
    plan = _plan(request, public_id)
    actions.plan_validate(
        actor=request.user, plan=plan, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _now(plan))
