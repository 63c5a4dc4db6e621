"""The personalised plan (PPCS): its written parts, objectives, actions, validations, print."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    found,
    posted,
    refusal_returns_to,
    refusals_on,
)
from maillage.pathways import access, actions, inputs, presenters, queries, reads
from maillage.pathways.forms import (
    ObjectiveForm,
    PlanActionForm,
    PlanForm,
    PlanValidationForm,
)
from maillage.pathways.views._common import (
    service_candidates,
    visible_pathway,
)


def _plan_context(request, pathway, plan, **forms_given):
    reads.plan_record_read(plan=plan, acting=audit.Actor.of(request))
    view = presenters.plan_view(plan)
    objectives = [(o.id, o.text) for o in view.objectives]  # the action form's choices
    versions = queries.plan_versions(plan)
    members = queries.circle_of(pathway)
    editable = access.can_contribute(request.user, pathway)
    initial = {"version": plan.version}
    context = {
        "pathway": pathway,
        "person": pathway.person,
        "plan": plan,
        "plan_view": view,
        "versions": versions,
        "members": members,
        "editable": editable,
        "person_notes": list(pathway.person_notes.select_related("created_by")[:20]),
    }
    if editable:
        context.update(
            plan_form=forms_given.get("plan_form")
            or PlanForm(
                initial={
                    "problems": plan.problems,
                    "person_project": plan.person_project,
                    "alert_procedure": plan.alert_procedure,
                    "revision_on": plan.revision_on,
                    **initial,
                }
            ),
            objective_form=forms_given.get("objective_form") or ObjectiveForm(initial=initial),
            action_form=forms_given.get("action_form")
            or PlanActionForm(objectives=objectives, members=members, initial=initial),
            validation_form=forms_given.get("validation_form")
            or PlanValidationForm(initial={**initial, "validated_on": timezone.localdate()}),
        )
    return context


def plan(request, public_id):
    pathway = visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    status = 200
    forms_given = {}
    if request.method == "POST":
        form = PlanForm(request.POST)
        forms_given["plan_form"] = form
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.plan_save(
                    actor=request.user,
                    plan=plan,
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(request, _("Plan enregistré."))
                return redirect("pathways:plan", public_id=public_id)
            status = submitted.status
        else:
            status = 400
        plan.refresh_from_db()
    return render(
        request,
        "pathways/plan.html",
        _plan_context(request, pathway, plan, **forms_given),
        status=status,
    )


def _plan_change(request, public_id, form_class, key, apply, form_kwargs):
    """A POST that changes the plan (objective, action, validation): the change, or the
    page again with the form's errors (409 when someone saved in between)."""
    pathway = visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    if not access.can_contribute(request.user, pathway):
        raise Denied("plan.save", obj=plan)
    form = form_class(request.POST, **form_kwargs(plan, pathway))
    status = 400
    if form.is_valid():
        with refusals_on(form) as submitted:
            apply(plan, form)
        if submitted.done:
            return redirect("pathways:plan", public_id=public_id)
        status = submitted.status
    plan.refresh_from_db()
    return render(
        request,
        "pathways/plan.html",
        _plan_context(request, pathway, plan, **{key: form}),
        status=status,
    )


@require_POST
def plan_objective_add(request, public_id):
    def apply(plan, form):
        actions.objective_add(
            actor=request.user, plan=plan, data=form.to_input(), acting=audit.Actor.of(request)
        )

    return _plan_change(request, public_id, ObjectiveForm, "objective_form", apply, lambda p, w: {})


@require_POST
def plan_action_add(request, public_id):
    def apply(plan, form):
        added = actions.plan_action_add(
            actor=request.user, plan=plan, data=form.to_input(), acting=audit.Actor.of(request)
        )
        service = added.service
        if service is not None:
            messages.success(
                request,
                _("Action ajoutée : l'orientation est envoyée à « %(name)s ».")
                % {"name": service.name},
            )

    return _plan_change(
        request,
        public_id,
        PlanActionForm,
        "action_form",
        apply,
        lambda plan, pathway: {
            "objectives": plan.objectives.values_list("public_id", "text"),
            "members": queries.circle_of(pathway),
            "candidates": service_candidates(request, pathway),
        },
    )


@require_POST
def plan_validate(request, public_id):
    def apply(plan, form):
        actions.plan_validate(
            actor=request.user, plan=plan, data=form.to_input(), acting=audit.Actor.of(request)
        )

    return _plan_change(
        request, public_id, PlanValidationForm, "validation_form", apply, lambda p, w: {}
    )


@require_POST
@refusal_returns_to("pathways:plan", "public_id")
def plan_action_status(request, public_id, action_id):
    pathway = visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    action = found(
        queries.plan_action(plan, action_id),
        "plan.action_status",
        "pathways.planaction",
        action_id,
    )
    actions.plan_action_set_status(
        actor=request.user,
        action=action,
        data=posted(request, inputs.ActionStatusIn),
        acting=audit.Actor.of(request),
    )
    return redirect("pathways:plan", public_id=public_id)


def plan_print(request, public_id):
    """The plan for the person, on paper, in plain French."""
    pathway = visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)
    reads.plan_record_read(plan=plan, acting=audit.Actor.of(request))
    versions = queries.plan_versions(plan)
    return render(
        request,
        "pathways/plan_print.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "plan": plan,
            "plan_view": presenters.plan_view(plan),
            "members": queries.circle_of(pathway),
            "validations": versions[0].validations.all() if versions else [],
        },
    )
