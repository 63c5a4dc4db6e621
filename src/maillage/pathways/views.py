from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.inputs import is_uuid
from maillage.core.pipeline import (
    Denied,
    found,
    posted,
    posted_version,
    refusal_returns_to,
    refusals_on,
    require,
)
from maillage.pathways import access, actions, inputs, presenters, queries, reads, scores
from maillage.pathways.enums import ConsentMode, Need, TriageOutcome
from maillage.pathways.forms import (
    AssessmentForm,
    CaregiverForm,
    CircleMemberForm,
    CloseForm,
    DecisionForm,
    MeetingEditForm,
    MeetingForm,
    MeetingRecordForm,
    MessageForm,
    ObjectiveForm,
    PersonNoteForm,
    PlanActionForm,
    PlanForm,
    PlanValidationForm,
    PortalInviteForm,
    RequestOrientForm,
    StayAdmitForm,
    StayDischargeForm,
    SupportRequestForm,
    TriageForm,
)


def request_new(request):
    """Ask the platform for support for a person: who, why, how urgent, her agreement."""
    require(access.can_request_support(request.user), "support_request.create")
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            support_request = actions.support_request_submit(
                actor=request.user, data=form.to_input(), acting=audit.Actor.of(request)
            )
        if submitted.done:
            messages.success(
                request,
                _("Demande envoyée. Un·e coordinateur·rice la lit et vous répond."),
            )
            return redirect("pathways:request", public_id=support_request.public_id)
    return render(request, "pathways/request_new.html", {"form": form})


def request_list(request):
    """The coordinator's triage queue, and the requests one has made."""
    triager = access.can_triage(request.user)
    require(
        triager or access.can_request_support(request.user),
        "support_request.list",
    )
    queue, mine = reads.support_requests_listed(acting=audit.Actor.of(request))
    return render(
        request,
        "pathways/request_list.html",
        {"queue": queue, "mine": mine, "triager": triager},
    )


def _visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=audit.Actor.of(request))


def _request_page(request, support_request, triage_form=None, status=200, orient_form=None):
    sides = access.request_sides(request.user, support_request)
    moves = access.request_moves(sides, support_request)
    questions = queries.screening_questions()
    can_triage = bool(set(moves) - {"withdrawn"}) and "coordinator" in sides
    if can_triage and triage_form is None:
        triage_form = TriageForm(
            questions=questions,
            referents=queries.coordinators_of(support_request.platform),
            initial={
                "version": support_request.version,
                "outcome": scores.suggested_outcome(0),  # nothing checked yet
            },
        )
    duplicates = queries.possible_duplicates(support_request) if "coordinator" in sides else []
    reads.support_request_record_read(
        support_request=support_request, acting=audit.Actor.of(request), duplicates=duplicates
    )
    orients = "coordinator" in sides and support_request.state not in ("withdrawn", "pathway")
    return render(
        request,
        "pathways/request_detail.html",
        {
            "r": support_request,
            "orientations": list(support_request.orientations.select_related("service__structure")),
            "orient_form": (orient_form or RequestOrientForm()) if orients else None,
            "triage_form": triage_form if can_triage else None,
            "can_withdraw": "withdrawn" in moves,
            "duplicates": duplicates,
            "awaiting_information": support_request.consent_mode == ConsentMode.CANNOT_EXPRESS
            and support_request.informed_afterwards_at is None,
            "pathway": getattr(support_request, "pathway", None),
            "questions": questions,
            "need_labels": [Need(n).label for n in support_request.needs if n in Need.values],
        },
        status=status,
    )


@require_POST
def request_orient(request, public_id):
    support_request = _visible_request(request, public_id)
    if "coordinator" not in access.request_sides(request.user, support_request):
        raise Denied("support_request.orient", obj=support_request)
    candidates = _service_candidates(request, commune_id=support_request.person.commune_id)
    form = RequestOrientForm(request.POST, candidates=candidates)
    if form.is_valid():
        with refusals_on(form) as submitted:
            orientation = actions.request_orient(
                actor=request.user,
                support_request=support_request,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(
                request,
                _("Orientation envoyée à « %(name)s ».") % {"name": orientation.service.name},
            )
            return redirect("pathways:request", public_id=public_id)
    return _request_page(request, support_request, status=400, orient_form=form)


def request_detail(request, public_id):
    return _request_page(request, _visible_request(request, public_id))


@require_POST
def request_triage(request, public_id):
    support_request = _visible_request(request, public_id)
    if "coordinator" not in access.request_sides(request.user, support_request):
        raise Denied("support_request.triage", obj=support_request)
    form = TriageForm(
        request.POST,
        questions=queries.screening_questions(),
        referents=queries.coordinators_of(support_request.platform),
    )
    if form.is_valid():
        data = form.cleaned_data
        with refusals_on(form) as submitted:
            actions.support_request_triage(
                actor=request.user,
                support_request=support_request,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        support_request.refresh_from_db()
        if submitted.done:
            if data["outcome"] == TriageOutcome.PATHWAY:
                messages.success(request, _("Parcours ouvert."))
                return redirect("pathways:pathway", public_id=support_request.pathway.public_id)
            messages.success(request, _("Demande triée."))
            return redirect("pathways:request", public_id=support_request.public_id)
        return _request_page(request, support_request, form, status=submitted.status)
    return _request_page(request, support_request, form, status=400)


@require_POST
@refusal_returns_to("pathways:request", "public_id")
def request_withdraw(request, public_id):
    support_request = _visible_request(request, public_id)
    actions.support_request_withdraw(
        actor=request.user, support_request=support_request, acting=audit.Actor.of(request)
    )
    messages.success(request, _("Demande retirée."))
    return redirect("pathways:request_list")


@require_POST
@refusal_returns_to("pathways:request", "public_id")
def request_person_informed(request, public_id):
    support_request = _visible_request(request, public_id)
    actions.person_informed(
        actor=request.user, support_request=support_request, acting=audit.Actor.of(request)
    )
    messages.success(request, _("C'est noté : la personne a été informée."))
    return redirect("pathways:request", public_id=public_id)


def pathway_list(request):
    """The pathways one follows: as referent, circle member or platform coordinator."""
    pathways = reads.pathways_listed(acting=audit.Actor.of(request))
    return render(request, "pathways/pathway_list.html", {"pathways": pathways})


def _visible_pathway(request, public_id):
    return reads.visible_pathway(public_id=public_id, acting=audit.Actor.of(request))


def _pathway_page(
    request, pathway, member_form=None, status=200, caregiver_form=None, portal_form=None
):
    reads.pathway_record_read(pathway=pathway, acting=audit.Actor.of(request))
    manages = access.can_manage_circle(request.user, pathway)
    proposes = access.can_propose_member(request.user, pathway)
    contributes = access.can_contribute(request.user, pathway)
    caregivers = queries.caregivers_of(pathway)
    opens_portal = manages and pathway.state == "open"
    return render(
        request,
        "pathways/pathway_detail.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "circle": queries.circle_of(pathway),
            "caregivers": caregivers,
            "events": queries.timeline_of(pathway),
            "manages": manages,
            "can_close": access.can_close(request.user, pathway),
            "member_form": (member_form or CircleMemberForm()) if proposes else None,
            "caregiver_form": (caregiver_form or CaregiverForm()) if contributes else None,
            "portal_accesses": queries.portal_accesses_of(pathway) if manages else [],
            "portal_form": (portal_form or PortalInviteForm(caregivers=caregivers))
            if opens_portal
            else None,
            "coordinators": queries.coordinators_of(pathway.platform) if manages else [],
        },
        status=status,
    )


def pathway_detail(request, public_id):
    return _pathway_page(request, _visible_pathway(request, public_id))


@require_POST
def circle_add(request, public_id):
    pathway = _visible_pathway(request, public_id)
    if not access.can_propose_member(request.user, pathway):
        raise Denied("circle.propose", obj=pathway)
    form = CircleMemberForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            member = actions.circle_propose(
                actor=request.user,
                pathway=pathway,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            if member.status == "active":
                messages.success(request, _("Membre ajouté au cercle de soins."))
            else:
                messages.success(
                    request, _("Proposition envoyée : le ou la référent·e va la valider.")
                )
            return redirect("pathways:pathway", public_id=public_id)
    return _pathway_page(request, pathway, form, status=400)


def _member(request, pathway, member_id):
    return found(
        queries.circle_member(pathway, member_id),
        "circle.read",
        "pathways.circlemember",
        member_id,
    )


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def circle_approve(request, public_id, member_id):
    pathway = _visible_pathway(request, public_id)
    actions.circle_approve(
        actor=request.user,
        member=_member(request, pathway, member_id),
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("Membre accepté dans le cercle de soins."))
    return redirect("pathways:pathway", public_id=public_id)


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def circle_remove(request, public_id, member_id):
    pathway = _visible_pathway(request, public_id)
    member = _member(request, pathway, member_id)
    actions.circle_remove(actor=request.user, member=member, acting=audit.Actor.of(request))
    if member.user_id == request.user.pk and not access.can_manage_circle(request.user, pathway):
        messages.success(request, _("Vous avez quitté le cercle de soins."))
        return redirect("pathways:pathway_list")
    messages.success(request, _("Membre retiré du cercle de soins."))
    return redirect("pathways:pathway", public_id=public_id)


def assessment_new(request, public_id):
    pathway = _visible_pathway(request, public_id)
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
    pathway = _visible_pathway(request, public_id)
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


def _plan_context(request, pathway, plan, **forms_given):
    reads.plan_record_read(plan=plan, acting=audit.Actor.of(request))
    view = presenters.plan_view(plan)
    objectives = list(plan.objectives.all())  # the choices of the action form
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
    pathway = _visible_pathway(request, public_id)
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
    pathway = _visible_pathway(request, public_id)
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


def _service_candidates(request, pathway=None, commune_id=None) -> list:
    """Directory services to orient to: those matching the words typed, near the person's
    commune, and the one already chosen."""
    from maillage.directory.queries import SearchParams, published_service, search_services

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
            "objectives": list(plan.objectives.all()),
            "members": queries.circle_of(pathway),
            "candidates": _service_candidates(request, pathway),
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
    pathway = _visible_pathway(request, public_id)
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
    pathway = _visible_pathway(request, public_id)
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


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def pathway_handover(request, public_id):
    pathway = _visible_pathway(request, public_id)
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


# --- the liaison notebook ---------------------------------------------------------------------


def notebook(request, public_id):
    """The liaison notebook: the circle's messages, and a form to write one."""
    pathway = _visible_pathway(request, public_id)
    writable = access.can_contribute(request.user, pathway)
    form = MessageForm() if writable else None
    status = 200
    if request.method == "POST":
        if not writable:
            raise Denied("notebook.post", obj=pathway)
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.message_post(
                    actor=request.user,
                    pathway=pathway,
                    attachments=form.cleaned_data["attachments"],
                    data=form.to_input(),
                    acting=audit.Actor.of(request),
                )
            if submitted.done:
                messages.success(request, _("Message envoyé au cercle de soins."))
                return redirect("pathways:notebook", public_id=public_id)
        status = 400
    notebook_messages = queries.notebook_of(pathway)
    reads.notebook_record_read(
        pathway=pathway, messages=notebook_messages, acting=audit.Actor.of(request)
    )
    return render(
        request,
        "pathways/notebook.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "notebook": notebook_messages,
            "form": form,
        },
        status=status,
    )


def notebook_attachment(request, public_id, attachment_id):
    pathway = _visible_pathway(request, public_id)
    attachment = queries.message_attachment(pathway, attachment_id)
    attachment = found(
        attachment if attachment is not None and attachment.path.exists() else None,
        "notebook.attachment.read",
        "pathways.messageattachment",
        attachment_id,
    )
    reads.message_attachment_record_read(attachment=attachment, acting=audit.Actor.of(request))
    return FileResponse(
        open(attachment.path, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# --- hospital stays ---------------------------------------------------------------------------


def stays(request, public_id):
    """Hospital stays and their discharge checklists; a form to tell an admission."""
    pathway = _visible_pathway(request, public_id)
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


def _stay(request, pathway, stay_id, action):
    return found(queries.stay_for(pathway, stay_id), action, "pathways.hospitalstay", stay_id)


@require_POST
@refusal_returns_to("pathways:stays", "public_id")
def stay_check(request, public_id, stay_id):
    pathway = _visible_pathway(request, public_id)
    stay = _stay(request, pathway, stay_id, "stay.check")
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
    pathway = _visible_pathway(request, public_id)
    stay = _stay(request, pathway, stay_id, "stay.discharge")
    form = StayDischargeForm(request.POST)
    if form.is_valid():
        actions.stay_discharge(
            actor=request.user, stay=stay, data=form.to_input(), acting=audit.Actor.of(request)
        )
        messages.success(request, _("Sortie enregistrée : le cercle de soins est prévenu."))
    else:
        messages.error(request, _("Indiquez la date de sortie."))
    return redirect("pathways:stays", public_id=public_id)


# --- concertation meetings --------------------------------------------------------------------


def meetings(request, public_id):
    pathway = _visible_pathway(request, public_id)
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
    pathway = _visible_pathway(request, public_id)
    if not access.can_contribute(request.user, pathway):
        raise Denied("meeting.schedule", obj=pathway)
    members = queries.circle_of(pathway)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, members=members)
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
            initial={
                "agenda": queries.agenda_from_plan(pathway),
                "invitees": [str(m.user.public_id) for m in members if m.status == "active"],
                "duration_minutes": 60,
            },
        )
    return render(
        request,
        "pathways/meeting_new.html",
        {"pathway": pathway, "person": pathway.person, "form": form},
        status=status,
    )


def _meeting(request, pathway, meeting_id, action="meeting.read"):
    return found(queries.meeting_for(pathway, meeting_id), action, "pathways.meeting", meeting_id)


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
    }
    if writable and meeting.state != "cancelled":
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
    pathway = _visible_pathway(request, public_id)
    return _meeting_page(request, pathway, _meeting(request, pathway, meeting_id))


def meeting_ics(request, public_id, meeting_id):
    """The meeting for one's calendar."""
    from maillage.pathways.ical import meeting_ics as ics

    pathway = _visible_pathway(request, public_id)
    meeting = _meeting(request, pathway, meeting_id)
    reads.meeting_record_read(meeting=meeting, acting=audit.Actor.of(request))
    response = HttpResponse(
        ics(meeting, [a.user for a in meeting.attendees.all()]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="reunion.ics"'
    return response


def _meeting_write(request, public_id, meeting_id, action, form_class, key, apply, **form_kwargs):
    pathway = _visible_pathway(request, public_id)
    meeting = _meeting(request, pathway, meeting_id, action)
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
    meeting = _meeting(request, pathway, meeting_id, action)
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
    pathway = _visible_pathway(request, public_id)
    meeting = _meeting(request, pathway, meeting_id, "meeting.cancel")
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

    pathway = _visible_pathway(request, public_id)
    meeting = _meeting(request, pathway, meeting_id, "meeting.record")
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
    pathway = _visible_pathway(request, public_id)
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


# --- closure ----------------------------------------------------------------------------------


def pathway_close(request, public_id):
    pathway = _visible_pathway(request, public_id)
    if not access.can_close(request.user, pathway) or pathway.state != "open":
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
    pathway = _visible_pathway(request, public_id)
    actions.pathway_reopen(actor=request.user, pathway=pathway, acting=audit.Actor.of(request))
    messages.success(request, _("Parcours rouvert."))
    return redirect("pathways:pathway", public_id=public_id)


# --- caregivers, the person's space, the accesses to the record -------------------------------


@require_POST
def caregiver_add(request, public_id):
    pathway = _visible_pathway(request, public_id)
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
    return _pathway_page(request, pathway, caregiver_form=form, status=400)


@require_POST
def portal_invite(request, public_id):
    pathway = _visible_pathway(request, public_id)
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
    return _pathway_page(request, pathway, portal_form=form, status=400)


@require_POST
@refusal_returns_to("pathways:pathway", "public_id")
def portal_revoke(request, public_id, access_id):
    pathway = _visible_pathway(request, public_id)
    portal = found(
        queries.portal_access_of(pathway, access_id),
        "portal.close",
        "pathways.portalaccess",
        access_id,
    )
    actions.portal_revoke(actor=request.user, portal=portal, acting=audit.Actor.of(request))
    messages.success(request, _("Accès fermé."))
    return redirect("pathways:pathway", public_id=public_id)


def record_accesses(request, public_id):
    """Who accessed the record: for the referent and the platform's coordinators."""
    pathway = _visible_pathway(request, public_id)
    if not access.can_manage_circle(request.user, pathway):
        raise Denied("record.accesses.read", obj=pathway)
    accesses = queries.record_accesses(pathway)
    reads.portal_record_read(
        pathway=pathway, acting=audit.Actor.of(request), what="record.accesses.read"
    )
    return render(
        request,
        "pathways/accesses.html",
        {"pathway": pathway, "person": pathway.person, "accesses": accesses, "portal": False},
    )


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
    return render(
        request,
        "pathways/portal_pathway.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "plan": plan,
            "plan_view": presenters.plan_view(plan) if plan is not None else None,
            "members": [m for m in queries.circle_of(pathway) if m.status == "active"],
            "caregivers": queries.caregivers_of(pathway),
            "meetings": queries.upcoming_meetings(pathway),
            "notes": list(pathway.person_notes.all()[:20]),
            "form": form if pathway.state == "open" else None,
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
    return render(
        request,
        "pathways/accesses.html",
        {"pathway": pathway, "person": pathway.person, "accesses": accesses, "portal": True},
    )
