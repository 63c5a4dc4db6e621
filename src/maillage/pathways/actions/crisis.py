"""What a crisis campaign writes in the plans it reaches (cooperation's check-call
campaigns): one "call to check" action in each person's plan, carried by a circle member,
and the action done once she was reached. Each plan is saved as any save is (its version,
its snapshot, its timeline, its audit row)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.workflows import check_move
from maillage.pathways.actions.plan import _lock_plan, _saved
from maillage.pathways.enums import (
    ACTION_TRANSITIONS,
    ActionStatus,
    MemberStatus,
    Need,
    ObjectiveStatus,
)
from maillage.pathways.models import CircleMember, Objective, Plan, PlanAction


def crisis_actions_add(
    *, actor, pathways, objective_text: str, action_text: str, due_on, owners=None, acting=None
) -> dict[int, PlanAction]:
    """Pathway id → the action written in her plan: under the open objective of that text
    (made once per plan, on the environment's need), carried by `owners[pathway id]` (a
    circle member's id) or else her referent. Refused whole if one pathway has no plan."""
    owners = owners or {}
    written: dict[int, PlanAction] = {}
    with transaction.atomic():
        plans = {
            p.pathway_id: p
            for p in Plan.objects.select_for_update().filter(
                pathway_id__in=[w.pk for w in pathways]
            )
        }
        missing = [w for w in pathways if w.pk not in plans]
        if missing:
            raise ValidationError(_("Un des parcours n'a pas de plan : aucune action écrite."))
        members = {
            m.pk: m
            for m in CircleMember.objects.filter(pathway_id__in=plans, status=MemberStatus.ACTIVE)
        }
        objectives = {
            o.plan_id: o
            for o in Objective.objects.filter(
                plan__in=plans.values(), text=objective_text, status=ObjectiveStatus.OPEN
            )
        }
        for pathway in pathways:
            plan = _lock_plan(plans[pathway.pk], actor, None)
            objective = objectives.get(plan.pk) or Objective.objects.create(
                plan=plan, need=Need.ENVIRONMENT, text=objective_text
            )
            owner = members.get(
                owners.get(pathway.pk) or getattr(pathway, "referent_member_id", None)
            )
            written[pathway.pk] = PlanAction.objects.create(
                objective=objective,
                text=action_text,
                owner_member=owner if owner and owner.pathway_id == pathway.pk else None,
                due_on=due_on,
            )
            _saved(plan, actor, acting, "plan.action_add")
    return written


def crisis_action_move(*, actor, action, status: str, acting=None) -> PlanAction:
    """The call's outcome on its plan action: done once she was reached, in progress while
    escalated (someone acts on it), unchanged if already there."""
    with transaction.atomic():
        plan = _lock_plan(action.objective.plan, actor, None)
        action = PlanAction.objects.select_for_update().get(pk=action.pk)
        if action.status == status:
            return action
        check_move(ACTION_TRANSITIONS, action.status, status, labels=ActionStatus)
        action.status = status
        action.save(update_fields=["status"])
        _saved(plan, actor, acting, "plan.action_status")
    return action
