"""Caregivers, and the person's own space: opening it, her pages, her notes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    found,
    refusal_returns_to,
    refusals_on,
)
from maillage.pathways import access, actions, presenters, queries, reads
from maillage.pathways.enums import MemberStatus, PathwayState
from maillage.pathways.forms import (
    CaregiverForm,
    PersonNoteForm,
    PortalInviteForm,
)
from maillage.pathways.views._common import (
    pathway_page,
    visible_pathway,
)


@require_POST
def caregiver_add(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_contribute(request.user, pathway):
        raise Denied("caregiver.add", obj=pathway)
    form = CaregiverForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.caregiver_add(
                actor=request.user,
                pathway=pathway,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(request, _("Aidant·e ajouté·e au cercle."))
            return redirect("pathways:pathway", public_id=public_id)
    return pathway_page(request, pathway, caregiver_form=form, status=400)


@require_POST
def portal_invite(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_manage_circle(request.user, pathway):
        raise Denied("portal.open", obj=pathway)
    caregivers = queries.caregivers_of(pathway)
    form = PortalInviteForm(request.POST, caregivers=caregivers)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.portal_invite(
                actor=request.user,
                pathway=pathway,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(
                request, _("Accès à l'espace personnel ouvert : l'invitation est partie.")
            )
            return redirect("pathways:pathway", public_id=public_id)
    return pathway_page(request, pathway, portal_form=form, status=400)


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def portal_revoke(request, public_id, access_id):
    pathway = visible_pathway(request, public_id)
    portal = found(
        queries.portal_access_of(pathway, access_id),
        "portal.close",
        "pathways.portalaccess",
        access_id,
    )
    actions.portal_revoke(actor=request.user, portal=portal, acting=audit.Actor.of(request))
    messages.success(request, _("Accès fermé."))
    return redirect("pathways:pathway", public_id=public_id)


def _portal_pathway(request, public_id):
    actions.portal_link(request.user, acting=audit.Actor.of(request))
    return found(
        queries.portal_pathway(request.user, public_id),
        "portal.read",
        "pathways.pathway",
        public_id,
    )


def portal(request):
    """The person's space: her pathway (or those of the people she helps), and the spaces
    offered to her account, to accept."""
    actions.portal_link(request.user, acting=audit.Actor.of(request))
    pathways = list(queries.portal_pathways(request.user))
    offers = queries.portal_offers(request.user)
    if len(pathways) == 1 and not offers:
        return redirect("pathways:portal_pathway", public_id=pathways[0].public_id)
    if pathways:
        audit.record(
            "portal.list",
            request=request,
            object_type="pathways.pathway",
            details={"shown": [str(p.public_id) for p in pathways]},
        )
    return render(request, "pathways/portal.html", {"pathways": pathways, "offers": offers})


@require_POST
@refusal_returns_to("pathways:portal")
def portal_accept(request, access_id):
    offer = found(
        next(
            (o for o in queries.portal_offers(request.user) if str(o.public_id) == str(access_id)),
            None,
        ),
        "portal.accept",
        "pathways.portalaccess",
        access_id,
    )
    actions.portal_accept(user=request.user, portal=offer, acting=audit.Actor.of(request))
    return redirect("pathways:portal_pathway", public_id=offer.pathway.public_id)


def portal_pathway(request, public_id):
    pathway = _portal_pathway(request, public_id)
    form = PersonNoteForm()
    status = 200
    if request.method == "POST":
        form = PersonNoteForm(request.POST)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.person_note_add(
                    actor=request.user,
                    pathway=pathway,
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(
                    request, _("Merci. Votre coordinatrice ou coordinateur va le lire.")
                )
                return redirect("pathways:portal_pathway", public_id=public_id)
        status = 400
    reads.portal_record_read(pathway=pathway, acting=audit.Actor.of(request))
    plan = getattr(pathway, "plan", None)
    referent = pathway.referent if pathway.referent_id else None
    return render(
        request,
        "pathways/portal_pathway.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "plan": plan,
            "plan_view": presenters.plan_view(plan) if plan is not None else None,
            "members": [m for m in queries.circle_of(pathway) if m.status == MemberStatus.ACTIVE],
            "caregivers": queries.caregivers_of(pathway),
            "meetings": queries.upcoming_meetings(pathway),
            "notes": list(pathway.person_notes.all()[:20]),
            "form": form if pathway.state == PathwayState.OPEN else None,
            # The page speaks to whoever reads it: « mon plan », or « le plan de Marie »
            # for her caregiver.
            "own": pathway.person.account_id == request.user.pk,
            "referent": referent,
            "platform": pathway.platform,
            "stay": queries.current_stay(pathway),
        },
        status=status,
    )


def portal_accesses(request, public_id):
    """The person sees who accessed her record, as the law lets her ask."""
    pathway = _portal_pathway(request, public_id)
    accesses = queries.record_accesses(pathway)
    reads.portal_record_read(
        pathway=pathway, acting=audit.Actor.of(request), what="portal.accesses.read"
    )
    # Her own visits apart: what she wants to know is who else looked.
    own = [a for a in accesses if a["actor_id"] == request.user.public_id]
    return render(
        request,
        "pathways/accesses.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "accesses": [a for a in accesses if a["actor_id"] != request.user.public_id],
            "own_accesses": own,
            "portal": True,
            "own": pathway.person.account_id == request.user.pk,
        },
    )
