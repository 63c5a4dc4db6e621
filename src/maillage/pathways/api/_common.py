"""The scoped lookups every pathway endpoint starts with: what the user may not see is a
`Missing` (404, audited), never a hint that it exists."""

from maillage.core import audit
from maillage.core.pipeline import found
from maillage.pathways import queries, reads


def visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=audit.Actor.of(request))


def visible_pathway(request, public_id):
    return reads.visible_pathway(public_id=public_id, acting=audit.Actor.of(request))


def meeting_of(pathway, meeting_id, action="meeting.read"):
    return found(
        queries.meeting_for(pathway, meeting_id), action, "pathways.meeting", meeting_id, "réunion"
    )


def member_of(pathway, member_id, action):
    return found(
        queries.circle_member(pathway, member_id),
        action,
        "pathways.circlemember",
        member_id,
        "membre",
    )


def stay_of(pathway, stay_id, action):
    return found(
        queries.stay_for(pathway, stay_id),
        action,
        "pathways.hospitalstay",
        stay_id,
        "hospitalisation",
    )
