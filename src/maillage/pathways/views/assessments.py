"""Multidimensional assessments: record one, compare them over time."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    refusals_on,
)
from maillage.pathways import access, actions, queries, reads
from maillage.pathways.forms import (
    AssessmentForm,
)
from maillage.pathways.views._common import (
    visible_pathway,
)


def assessment_new(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_contribute(request.user, pathway):
        raise Denied("assessment.create", obj=pathway)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            actions.assessment_record(
                actor=request.user,
                pathway=pathway,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(request, _("Évaluation enregistrée."))
            return redirect("pathways:assessments", public_id=public_id)
    return render(
        request,
        "pathways/assessment_new.html",
        {"pathway": pathway, "form": form},
        status=400 if form.errors else 200,
    )


def assessments(request, public_id):
    """The assessments side by side, newest first: how the situation changes."""
    pathway = visible_pathway(request, public_id)
    found = queries.assessments_of(pathway)
    reads.assessments_record_read(
        pathway=pathway, assessments=found, acting=audit.Actor.of(request)
    )
    return render(
        request,
        "pathways/assessments.html",
        {
            "pathway": pathway,
            "assessments": found,
            "rows": queries.assessment_table(found),
            "can_assess": access.can_contribute(request.user, pathway),
        },
    )
