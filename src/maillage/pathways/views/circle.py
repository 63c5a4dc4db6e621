"""The care circle: propose, approve, remove members; hand the pathway over."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    posted,
    refusal_returns_to,
    refusals_on,
)
from maillage.pathways import access, actions, inputs, reads
from maillage.pathways.enums import MemberStatus
from maillage.pathways.forms import (
    CircleMemberForm,
)
from maillage.pathways.views._common import (
    pathway_page,
    visible_pathway,
)


@require_POST
def circle_add(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_propose_member(request.user, pathway):
        raise Denied("circle.propose", obj=pathway)
    form = CircleMemberForm(request.POST)
    if form.is_valid():
        data = form.to_input()
        # One step for the referent: someone without an account is invited to create one.
        invite = access.can_manage_circle(request.user, pathway) and actions.needs_invitation(
            data.email
        )
        with refusals_on(form) as submitted:
            if invite:
                actions.circle_invite(
                    actor=request.user, pathway=pathway, data=data, acting=audit.Actor.of(request)
                )
            else:
                member = actions.circle_propose(
                    actor=request.user, pathway=pathway, data=data, acting=audit.Actor.of(request)
                )
        if submitted.done:
            if invite:
                messages.success(
                    request,
                    _(
                        "Invitation envoyée : elle entrera dans le cercle en créant son compte "
                        "avec le lien reçu par e-mail."
                    ),
                )
            elif member.status == MemberStatus.ACTIVE:
                messages.success(request, _("Membre ajouté au cercle de soins."))
            else:
                messages.success(
                    request, _("Proposition envoyée : le ou la référent·e va la valider.")
                )
            return redirect("pathways:pathway", public_id=public_id)
    return pathway_page(request, pathway, form, status=400)


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def circle_approve(request, public_id, member_id):
    pathway = visible_pathway(request, public_id)
    actions.circle_approve(
        actor=request.user,
        member=reads.member_in(pathway, member_id),
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("Membre accepté dans le cercle de soins."))
    return redirect("pathways:pathway", public_id=public_id)


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def circle_remove(request, public_id, member_id):
    pathway = visible_pathway(request, public_id)
    member = reads.member_in(pathway, member_id)
    actions.circle_remove(actor=request.user, member=member, acting=audit.Actor.of(request))
    if member.user_id == request.user.pk and not access.can_manage_circle(request.user, pathway):
        messages.success(request, _("Vous avez quitté le cercle de soins."))
        return redirect("pathways:pathway_list")
    messages.success(request, _("Membre retiré du cercle de soins."))
    return redirect("pathways:pathway", public_id=public_id)


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def pathway_handover(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_manage_circle(request.user, pathway):
        raise Denied("pathway.handover", obj=pathway)
    actions.pathway_handover(
        actor=request.user,
        pathway=pathway,
        data=posted(request, inputs.HandoverIn),
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("Le parcours a changé de référent·e."))
    return redirect("pathways:pathway", public_id=public_id)
