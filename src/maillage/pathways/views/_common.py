"""What several pathway pages share: the scoped lookups (a record the user may not see is a
`Missing`: 404, audited), the pathway page shown again with a form's errors, and the
directory services offered to orient to."""

from django.shortcuts import render

from maillage.core import audit
from maillage.core.inputs import is_uuid
from maillage.directory.queries import SearchParams, published_service, search_services
from maillage.pathways import access, queries, reads
from maillage.pathways.enums import PATHWAY_TRANSITIONS, PathwayState
from maillage.pathways.forms import (
    CaregiverForm,
    CircleMemberForm,
    PortalInviteForm,
)


def visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=audit.Actor.of(request))


def visible_pathway(request, public_id):
    return reads.visible_pathway(public_id=public_id, acting=audit.Actor.of(request))


def pathway_page(
    request, pathway, member_form=None, status=200, caregiver_form=None, portal_form=None
):
    reads.pathway_record_read(pathway=pathway, acting=audit.Actor.of(request))
    manages = access.can_manage_circle(request.user, pathway)
    proposes = access.can_propose_member(request.user, pathway)
    contributes = access.can_contribute(request.user, pathway)
    caregivers = queries.caregivers_of(pathway)
    opens_portal = manages and pathway.state == PathwayState.OPEN
    circle = queries.circle_of(pathway)
    for member in circle:  # what this user may do to each member, said by access
        member.approvable = access.can_approve_member(request.user, member, manages=manages)
        member.removable = access.can_remove_member(request.user, member, manages=manages)
    can_close = access.can_close(request.user, pathway)
    moves = PATHWAY_TRANSITIONS.get(pathway.state, frozenset()) if can_close else frozenset()
    return render(
        request,
        "pathways/pathway_detail.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "circle": circle,
            "caregivers": caregivers,
            "events": queries.timeline_of(pathway),
            "manages": manages,
            "closable": PathwayState.CLOSED in moves,
            "reopenable": PathwayState.OPEN in moves,
            "member_form": (member_form or CircleMemberForm()) if proposes else None,
            "caregiver_form": (caregiver_form or CaregiverForm()) if contributes else None,
            "portal_accesses": queries.portal_accesses_of(pathway) if manages else [],
            "circle_invitations": queries.circle_invitations_of(pathway) if manages else [],
            "portal_form": (portal_form or PortalInviteForm(caregivers=caregivers))
            if opens_portal
            else None,
            "coordinators": queries.coordinators_of(pathway.platform) if manages else [],
        },
        status=status,
    )


def service_candidates(request, pathway=None, commune_id=None) -> list:
    """Directory services to orient to: those matching the words typed, near the person's
    commune, and the one already chosen."""

    found = []
    chosen = request.POST.get("service", "")
    if chosen and is_uuid(chosen):
        service = published_service(chosen)
        if service is not None:
            found.append(service)
    text = request.POST.get("service_search", "").strip()
    if text:
        commune = pathway.person.commune_id if pathway is not None else commune_id
        results = search_services(SearchParams(text=text, commune=commune, limit=10))
        found += [s for s in results.services + results.remote if s not in found]
    return found[:15]
