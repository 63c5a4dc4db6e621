"""Hospital stays and their discharge checklist."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    posted,
    refusal_returns_to,
    refusals_on,
)
from maillage.pathways import access, actions, inputs, queries, reads
from maillage.pathways.forms import (
    StayAdmitForm,
    StayDischargeForm,
)
from maillage.pathways.views._common import (
    visible_pathway,
)


def stays(request, public_id):
    """Hospital stays and their discharge checklists; a form to tell an admission."""
    pathway = visible_pathway(request, public_id)
    writable = access.can_contribute(request.user, pathway)
    form = StayAdmitForm(initial={"admitted_on": timezone.localdate()}) if writable else None
    status = 200
    if request.method == "POST":
        if not writable:
            raise Denied("stay.admit", obj=pathway)
        form = StayAdmitForm(request.POST)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.stay_admit(
                    actor=request.user,
                    pathway=pathway,
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(
                    request, _("Hospitalisation enregistrée : le cercle de soins est prévenu.")
                )
                return redirect("pathways:stays", public_id=public_id)
        status = 400
    pathway_stays = queries.stays_of(pathway)
    reads.stays_record_read(pathway=pathway, stays=pathway_stays, acting=audit.Actor.of(request))
    return render(
        request,
        "pathways/stays.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "stays": pathway_stays,
            "form": form,
            "writable": writable,
            "discharge_form": StayDischargeForm(initial={"discharged_on": timezone.localdate()}),
        },
        status=status,
    )


@require_POST
@refusal_returns_to("pathways:stays", "public_id")
def stay_check(request, public_id, stay_id):
    pathway = visible_pathway(request, public_id)
    stay = reads.stay_in(pathway, stay_id, "stay.check")
    actions.stay_check(
        actor=request.user,
        stay=stay,
        data=posted(request, inputs.StayCheckIn),
        acting=audit.Actor.of(request),
    )
    return redirect("pathways:stays", public_id=public_id)


@require_POST
@refusal_returns_to("pathways:stays", "public_id")
def stay_discharge(request, public_id, stay_id):
    pathway = visible_pathway(request, public_id)
    stay = reads.stay_in(pathway, stay_id, "stay.discharge")
    form = StayDischargeForm(request.POST)
    if form.is_valid():
        actions.stay_discharge(
            actor=request.user, stay=stay, data=form.to_input(), acting=audit.Actor.of(request)
        )
        messages.success(request, _("Sortie enregistrée : le cercle de soins est prévenu."))
    else:
        messages.error(request, _("Indiquez la date de sortie."))
    return redirect("pathways:stays", public_id=public_id)
