"""Closing and reopening a pathway."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    refusal_returns_to,
    refusals_on,
)
from maillage.pathways import access, actions, reads
from maillage.pathways.enums import PathwayState
from maillage.pathways.forms import (
    CloseForm,
)
from maillage.pathways.views._common import (
    visible_pathway,
)


def pathway_close(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_close(request.user, pathway) or pathway.state != PathwayState.OPEN:
        raise Denied("pathway.close", obj=pathway)
    plan = actions.plan_ensure(pathway=pathway)
    objectives = list(plan.objectives.all())
    form = CloseForm(request.POST or None, objectives=objectives)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.pathway_close(
                    actor=request.user,
                    pathway=pathway,
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(request, _("Parcours clos."))
                return redirect("pathways:pathway", public_id=public_id)
        status = 400
    reads.pathway_record_read(pathway=pathway, acting=audit.Actor.of(request))
    return render(
        request,
        "pathways/close.html",
        {"pathway": pathway, "person": pathway.person, "form": form},
        status=status,
    )


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def pathway_reopen(request, public_id):
    pathway = visible_pathway(request, public_id)
    actions.pathway_reopen(actor=request.user, pathway=pathway, acting=audit.Actor.of(request))
    messages.success(request, _("Parcours rouvert."))
    return redirect("pathways:pathway", public_id=public_id)
