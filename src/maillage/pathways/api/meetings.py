"""Concertation meetings: schedule, change, cancel, minutes, decisions."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import actions, presenters, queries, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import DecisionIn, MeetingIn, MeetingUpdateIn, MinutesIn, VersionIn
from maillage.pathways.schemas import ErrorOut, MeetingOut

router = Router(tags=["parcours"])

WRITE = {200: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get(
    "/pathways/{public_id}/meetings",
    response={200: list[MeetingOut], 404: ErrorOut},
    summary="Les réunions de concertation du parcours",
)
def meeting_list(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    meetings = queries.meetings_of(pathway)
    audit.record(
        "meeting.list",
        request=request,
        obj=pathway,
        details={"shown": [str(m.public_id) for m in meetings]},
    )
    return [presenters.meeting_out(m) for m in meetings]


@router.post(
    "/pathways/{public_id}/meetings",
    response={201: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Prévoir une réunion de concertation et inviter des membres du cercle",
)
@acting("meeting.schedule")
def meeting_add(request, public_id: UUID, payload: MeetingIn):
    pathway = visible_pathway(request, public_id)
    meeting = actions.meeting_schedule(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.meeting_out(queries.meeting_for(pathway, meeting.public_id)))


@router.get(
    "/pathways/{public_id}/meetings/{meeting_id}",
    response={200: MeetingOut, 404: ErrorOut},
    summary="Une réunion : ordre du jour, présences, compte rendu, décisions",
)
def meeting_detail(request, public_id: UUID, meeting_id: UUID):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id)
    reads.meeting_record_read(meeting=meeting, acting=audit.Actor.of(request))
    return presenters.meeting_out(meeting)


@router.put(
    "/pathways/{public_id}/meetings/{meeting_id}",
    response=WRITE,
    summary="Modifier une réunion prévue (les invité·es reçoivent la mise à jour)",
)
@acting("meeting.update")
def meeting_update(request, public_id: UUID, meeting_id: UUID, payload: MeetingUpdateIn):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, "meeting.update")
    actions.meeting_reschedule(
        actor=request.user, meeting=meeting, data=payload, acting=audit.Actor.of(request)
    )
    return presenters.meeting_out(queries.meeting_for(pathway, meeting_id))


@router.post(
    "/pathways/{public_id}/meetings/{meeting_id}/cancel",
    response=WRITE,
    summary="Annuler une réunion prévue (les invité·es sont prévenu·es)",
)
@acting("meeting.cancel")
def meeting_cancel(request, public_id: UUID, meeting_id: UUID, payload: VersionIn):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, "meeting.cancel")
    actions.meeting_cancel(
        actor=request.user,
        meeting=meeting,
        expected_version=payload.version,
        acting=audit.Actor.of(request),
    )
    return presenters.meeting_out(queries.meeting_for(pathway, meeting_id))


@router.post(
    "/pathways/{public_id}/meetings/{meeting_id}/minutes",
    response=WRITE,
    summary="Après la réunion : présences et compte rendu",
)
@acting("meeting.record")
def meeting_minutes(request, public_id: UUID, meeting_id: UUID, payload: MinutesIn):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, "meeting.record")
    actions.meeting_record(
        actor=request.user, meeting=meeting, data=payload, acting=audit.Actor.of(request)
    )
    return presenters.meeting_out(queries.meeting_for(pathway, meeting_id))


@router.post(
    "/pathways/{public_id}/meetings/{meeting_id}/decisions",
    response={201: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Une décision de la réunion ; avec un objectif, elle devient une action du plan",
)
@acting("meeting.decide")
def meeting_decision(request, public_id: UUID, meeting_id: UUID, payload: DecisionIn):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, "meeting.decide")
    actions.meeting_decide(
        actor=request.user, meeting=meeting, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.meeting_out(queries.meeting_for(pathway, meeting_id)))
