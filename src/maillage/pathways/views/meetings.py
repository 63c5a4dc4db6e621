"""Concertation meetings: schedule, change, cancel, minutes, decisions, calendar file."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    posted_version,
    refusal_returns_to,
    refusals_on,
)
from maillage.pathways import access, actions, queries, reads
from maillage.pathways.enums import MEETING_TRANSITIONS, MeetingState, MemberStatus
from maillage.pathways.forms import (
    DecisionForm,
    MeetingEditForm,
    MeetingForm,
    MeetingRecordForm,
)
from maillage.pathways.ical import meeting_ics as ics
from maillage.pathways.views._common import (
    visible_pathway,
)


def meetings(request, public_id):
    pathway = visible_pathway(request, public_id)
    pathway_meetings = queries.meetings_of(pathway)
    audit.record(
        "meeting.list",
        request=request,
        obj=pathway,
        details={"shown": [str(m.public_id) for m in pathway_meetings]},
    )
    return render(
        request,
        "pathways/meetings.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "meetings": pathway_meetings,
            "writable": access.can_contribute(request.user, pathway),
        },
    )


def meeting_new(request, public_id):
    pathway = visible_pathway(request, public_id)
    if not access.can_contribute(request.user, pathway):
        raise Denied("meeting.schedule", obj=pathway)
    members = queries.circle_of(pathway)
    spaces = queries.portal_accesses_of(pathway)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, members=members, spaces=spaces)
        if form.is_valid():
            with refusals_on(form) as submitted:
                meeting = actions.meeting_schedule(
                    actor=request.user,
                    pathway=pathway,
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(request, _("Réunion prévue : les invitations sont envoyées."))
                return redirect(
                    "pathways:meeting", public_id=public_id, meeting_id=meeting.public_id
                )
        status = 400
    else:
        # The agenda drawn from the plan shows its objectives and late actions: a plan read.
        audit.record("plan.read", request=request, obj=actions.plan_ensure(pathway=pathway))
        form = MeetingForm(
            members=members,
            spaces=spaces,
            initial={
                "agenda": queries.agenda_from_plan(pathway),
                "invitees": [
                    str(m.user.public_id) for m in members if m.status == MemberStatus.ACTIVE
                ],
                "duration_minutes": 60,
            },
        )
    return render(
        request,
        "pathways/meeting_new.html",
        {"pathway": pathway, "person": pathway.person, "form": form},
        status=status,
    )


def _meeting_page(request, pathway, meeting, status=200, **forms_given):
    reads.meeting_record_read(meeting=meeting, acting=audit.Actor.of(request))
    writable = access.can_contribute(request.user, pathway)
    attendees = list(meeting.attendees.all())
    context = {
        "pathway": pathway,
        "person": pathway.person,
        "meeting": meeting,
        "attendees": attendees,
        "decisions": list(meeting.decisions.all()),
        "writable": writable,
        # A meeting still planned is moved or changed (planned → planned in the table).
        "reschedulable": writable
        and MeetingState.PLANNED in MEETING_TRANSITIONS.get(meeting.state, frozenset()),
    }
    if writable and meeting.state != MeetingState.CANCELLED:
        plan = actions.plan_ensure(pathway=pathway)
        members = queries.circle_of(pathway)
        started = meeting.starts_at <= timezone.now()
        context.update(
            started=started,
            record_form=forms_given.get("record_form")
            or MeetingRecordForm(
                attendees=attendees,
                initial={"minutes": meeting.minutes, "version": meeting.version},
            ),
            decision_form=forms_given.get("decision_form")
            or DecisionForm(
                objectives=list(plan.objectives.all()),
                members=members,
                initial={"plan_version": plan.version},
            ),
            edit_form=forms_given.get("edit_form")
            or MeetingEditForm(
                members=[],
                initial={
                    "starts_at": timezone.localtime(meeting.starts_at),
                    "duration_minutes": meeting.duration_minutes,
                    "location": meeting.location,
                    "agenda": meeting.agenda,
                    "version": meeting.version,
                },
            ),
        )
    return render(request, "pathways/meeting_detail.html", context, status=status)


def meeting_detail(request, public_id, meeting_id):
    pathway = visible_pathway(request, public_id)
    return _meeting_page(request, pathway, reads.meeting_in(pathway, meeting_id))


def meeting_ics(request, public_id, meeting_id):
    """The meeting for one's calendar."""

    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id)
    reads.meeting_record_read(meeting=meeting, acting=audit.Actor.of(request))
    response = HttpResponse(
        ics(meeting, [a.user for a in meeting.attendees.all()]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="reunion.ics"'
    return response


def _meeting_write(request, public_id, meeting_id, action, form_class, key, apply, **form_kwargs):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, action)
    if not access.can_contribute(request.user, pathway):
        raise Denied(action, obj=meeting)
    kwargs = form_kwargs.get("make", lambda: {})()
    form = form_class(request.POST, **kwargs)
    status = 400
    if form.is_valid():
        with refusals_on(form) as submitted:
            apply(meeting, form)
        if submitted.done:
            return redirect("pathways:meeting", public_id=public_id, meeting_id=meeting_id)
        status = submitted.status
    meeting = reads.meeting_in(pathway, meeting_id, action)
    return _meeting_page(request, pathway, meeting, status=status, **{key: form})


@require_POST
def meeting_edit(request, public_id, meeting_id):
    def apply(meeting, form):
        actions.meeting_reschedule(
            actor=request.user,
            meeting=meeting,
            data=form.to_input(),
            acting=audit.Actor.of(request),
        )
        messages.success(request, _("Réunion modifiée : les invité·es sont prévenu·es."))

    return _meeting_write(
        request,
        public_id,
        meeting_id,
        "meeting.update",
        MeetingEditForm,
        "edit_form",
        apply,
        make=lambda: {"members": []},
    )


@require_POST
@refusal_returns_to("pathways:meeting", "public_id", "meeting_id")
def meeting_cancel(request, public_id, meeting_id):
    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, "meeting.cancel")
    if not access.can_contribute(request.user, pathway):
        raise Denied("meeting.cancel", obj=meeting)
    actions.meeting_cancel(
        actor=request.user,
        meeting=meeting,
        expected_version=posted_version(request),
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("Réunion annulée : les invité·es sont prévenu·es."))
    return redirect("pathways:meeting", public_id=public_id, meeting_id=meeting_id)


@require_POST
def meeting_minutes(request, public_id, meeting_id):
    def apply(meeting, form):
        actions.meeting_record(
            actor=request.user,
            meeting=meeting,
            data=form.to_input(),
            acting=audit.Actor.of(request),
        )
        messages.success(request, _("Compte rendu enregistré."))

    pathway = visible_pathway(request, public_id)
    meeting = reads.meeting_in(pathway, meeting_id, "meeting.record")
    return _meeting_write(
        request,
        public_id,
        meeting_id,
        "meeting.record",
        MeetingRecordForm,
        "record_form",
        apply,
        make=lambda: {"attendees": list(meeting.attendees.all())},
    )


@require_POST
def meeting_decision(request, public_id, meeting_id):
    pathway = visible_pathway(request, public_id)
    plan = actions.plan_ensure(pathway=pathway)

    def apply(meeting, form):
        decision = actions.meeting_decide(
            actor=request.user,
            meeting=meeting,
            data=form.to_input(),
            acting=audit.Actor.of(request),
        )
        if decision.plan_action_id is not None:
            messages.success(request, _("Décision enregistrée et ajoutée au plan."))
        else:
            messages.success(request, _("Décision enregistrée."))

    return _meeting_write(
        request,
        public_id,
        meeting_id,
        "meeting.decide",
        DecisionForm,
        "decision_form",
        apply,
        make=lambda: {
            "objectives": list(plan.objectives.all()),
            "members": queries.circle_of(pathway),
        },
    )
