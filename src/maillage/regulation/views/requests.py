"""Place requests: the list, writing one, its page (state, history, proposals, the moves
the reader may make), « pourquoi pas moi ? », and the 115's call and night."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.inputs import is_uuid
from maillage.core.pipeline import Denied, Missing, refusal_returns_to, refusals_on, require
from maillage.pathways.queries import pathway_for
from maillage.regulation import access, actions, explain, presenters, queries, reads
from maillage.regulation.enums import Mode, PlaceRequestState
from maillage.regulation.forms import (
    ApplicationAnswerForm,
    ApplicationsForm,
    DocumentsForm,
    EmergencyCallForm,
    MedicalForm,
    NightForm,
    PhysicianForm,
    PlaceRequestForm,
    PlaceRequestUpdateForm,
    RequestMoveForm,
)
from maillage.regulation.views._common import acting, visible_request


def request_list(request):
    user = request.user
    if not access.can_use_regulation(user):
        raise Denied("place_request.read")
    state = request.GET.get("etat", "")
    state = state if state in PlaceRequestState.values else ""
    found = queries.requests_listed(user, state)
    reads.requests_listed_read(requests=found, acting=acting(request))
    return render(
        request,
        "regulation/request_list.html",
        {"requests": found, "state": state, "states": PlaceRequestState.choices},
    )


def request_new(request):
    user = request.user
    require(access.can_request_places(user), "place_request.create")
    regulators = list(queries.regulators())
    initial = {"regulator": str(regulators[0].public_id) if len(regulators) == 1 else ""}
    from_pathway = request.GET.get("parcours", "")
    pathway = pathway_for(user, from_pathway) if is_uuid(from_pathway) else None
    if pathway is not None:
        person = pathway.person
        initial.update(
            {
                "pathway": pathway.public_id,
                "member_1_first_name": person.first_name,
                "member_1_last_name": person.last_name,
                "member_1_birth_date": person.birth_date,
                "member_1_sex": person.sex,
            }
        )
    form = PlaceRequestForm(initial=initial, regulators=regulators)
    status = 200
    if request.method == "POST":
        form = PlaceRequestForm(request.POST, regulators=regulators)
        if form.is_valid():
            with refusals_on(form) as submitted:
                created = actions.place_request_create(
                    actor=user, data=form.to_input(), acting=acting(request)
                )
            if submitted.done:
                messages.success(
                    request, _("Demande enregistrée en brouillon : relisez-la, puis envoyez-la.")
                )
                return redirect("regulation:request", public_id=created.public_id)
        status = 400
    return render(
        request, "regulation/request_form.html", {"form": form, "pathway": pathway}, status=status
    )


def _request_page(
    request,
    place_request,
    status=200,
    move_form=None,
    night_form=None,
    apply_form=None,
    documents_form=None,
    physician_form=None,
):
    user = request.user
    reads.request_record_read(place_request=place_request, acting=acting(request))
    side = access.side_on_request(user, place_request)
    view = presenters.request_out(place_request, events=queries.events_of(place_request), side=side)
    applications = queries.applications_of(place_request)
    tonight = []
    if (
        place_request.emergency
        and place_request.state == PlaceRequestState.WAITING
        and access.can_take_calls(user)
    ):
        places = queries.tonight_places([place_request.regulator_id], timezone.localdate())
        tonight = explain.tonight_matches(place_request, places)
    targets = (
        queries.application_targets(place_request)
        if place_request.mode == Mode.APPLICATIONS and place_request.prescriber_id == user.pk
        else []
    )
    return render(
        request,
        "regulation/request_detail.html",
        {
            "place_request": place_request,
            "view": view,
            "editable": access.can_edit_request(user, place_request),
            "regulates": access.can_regulate_request(user, place_request),
            "move_form": move_form
            or (
                RequestMoveForm(moves=view["moves"], initial={"version": place_request.version})
                if view["moves"]
                else None
            ),
            "proposals": access.proposals_shown(
                user, place_request, queries.proposals_of(place_request)
            ),
            "applications": applications,
            # Whether a link to the medical part is offered: its content is read (and the
            # reading audited) on its own page only.
            "medical": access.can_read_medical(user, place_request, applications),
            "writes_medical": access.can_write_medical(user, place_request),
            "physician": queries.physician_of(place_request),
            "physician_form": physician_form
            or (
                PhysicianForm(initial={"email": queries.circle_gp_email(place_request)})
                if place_request.mode == Mode.APPLICATIONS
                and access.can_name_physician(user, place_request)
                else None
            ),
            "duplicates": queries.possible_duplicates(place_request)
            if access.can_regulate_request(user, place_request)
            else [],
            "tonight": tonight,
            "night_form": night_form
            or (NightForm(places=[p for p in tonight if p["fits"]]) if tonight else None),
            "apply_form": apply_form or (ApplicationsForm(targets=targets) if targets else None),
            "documents": queries.documents_of(place_request),
            "documents_form": documents_form
            or (DocumentsForm() if access.can_edit_request(user, place_request) else None),
            "why_not_places": queries.open_vacancies([place_request.regulator_id])
            if access.can_regulate_request(user, place_request) and place_request.regulator_id
            else [],
        },
        status=status,
    )


def request_detail(request, public_id):
    return _request_page(request, visible_request(request, public_id))


def request_edit(request, public_id):
    place_request = visible_request(request, public_id)
    require(
        access.can_edit_request(request.user, place_request),
        "place_request.update",
        obj=place_request,
    )
    regulators = list(queries.regulators())
    view = presenters.request_out(place_request)
    initial = {**PlaceRequestForm.initial_of(view), "version": place_request.version}
    form = PlaceRequestUpdateForm(initial=initial, regulators=regulators)
    status = 200
    if request.method == "POST":
        form = PlaceRequestUpdateForm(request.POST, regulators=regulators)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.place_request_update(
                    actor=request.user,
                    place_request=place_request,
                    data=form.to_input(),
                    acting=acting(request),
                )
            if submitted.done:
                messages.success(request, _("Demande mise à jour."))
                return redirect("regulation:request", public_id=public_id)
        status = submitted.status if form.is_valid() else 400
    reads.request_record_read(place_request=place_request, acting=acting(request))
    return render(
        request,
        "regulation/request_form.html",
        {"form": form, "place_request": place_request},
        status=status,
    )


@require_POST
def request_move(request, public_id):
    place_request = visible_request(request, public_id)
    side = access.side_on_request(request.user, place_request)
    require(side is not None, "place_request.move", obj=place_request)
    view = presenters.request_out(place_request, side=side)
    form = RequestMoveForm(request.POST, moves=view["moves"])
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.place_request_move(
                actor=request.user,
                place_request=place_request,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("La demande a avancé."))
            return redirect("regulation:request", public_id=public_id)
    return _request_page(request, place_request, status=400, move_form=form)


def why_not(request, public_id, vacancy_id):
    """« Pourquoi pas moi ? » — this request and this place, for the regulator."""
    place_request = visible_request(request, public_id)
    vacancy, answer = reads.why_not(
        place_request=place_request, vacancy_id=vacancy_id, acting=acting(request)
    )
    return render(
        request,
        "regulation/why_not.html",
        {"place_request": place_request, "vacancy": vacancy, "answer": answer},
    )


@require_POST
@refusal_returns_to("regulation:request", "public_id")
def request_sign(request, public_id):
    place_request = visible_request(request, public_id)
    actions.place_request_sign(
        actor=request.user, place_request=place_request, acting=acting(request)
    )
    messages.success(request, _("Signature du volet administratif enregistrée."))
    return redirect("regulation:request", public_id=public_id)


@require_POST
def physician_name(request, public_id):
    """The prescriber names the physician who writes the medical part."""
    place_request = visible_request(request, public_id)
    require(
        access.can_name_physician(request.user, place_request), "medical.name", obj=place_request
    )
    form = PhysicianForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.physician_name(
                actor=request.user,
                place_request=place_request,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(
                request, _("Le médecin est désigné : il peut remplir le volet médical.")
            )
            return redirect("regulation:request", public_id=public_id)
    return _request_page(request, place_request, status=400, physician_form=form)


@require_POST
def applications_send(request, public_id):
    place_request = visible_request(request, public_id)
    require(place_request.prescriber_id == request.user.pk, "application.send", obj=place_request)
    form = ApplicationsForm(request.POST, targets=queries.application_targets(place_request))
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.applications_send(
                actor=request.user,
                place_request=place_request,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("Dossier envoyé aux établissements choisis."))
            return redirect("regulation:request", public_id=public_id)
    return _request_page(request, place_request, status=400, apply_form=form)


def emergency(request):
    """The 115: a call taken in under a minute; the household's page then shows tonight's
    places that fit."""
    user = request.user
    siaos = access.answering_calls(user)
    require(bool(siaos), "emergency.call")
    regulators = list(queries.regulators().filter(pk__in=siaos))
    form = EmergencyCallForm(regulators=regulators)
    status = 200
    if request.method == "POST":
        form = EmergencyCallForm(request.POST, regulators=regulators)
        if form.is_valid():
            with refusals_on(form) as submitted:
                created = actions.emergency_call(
                    actor=user, data=form.to_input(), acting=acting(request)
                )
            if submitted.done:
                return redirect("regulation:request", public_id=created.public_id)
        status = 400
    return render(
        request,
        "regulation/emergency.html",
        {"form": form, "places": queries.tonight_places(siaos, timezone.localdate())},
        status=status,
    )


@require_POST
def emergency_night(request, public_id):
    place_request = visible_request(request, public_id)
    require(access.can_take_calls(request.user), "emergency.shelter", obj=place_request)
    places = queries.tonight_places([place_request.regulator_id], timezone.localdate())
    fitting = [p for p in explain.tonight_matches(place_request, places) if p["fits"]]
    form = NightForm(request.POST, places=fitting)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.emergency_night(
                actor=request.user,
                place_request=place_request,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("La nuit est enregistrée."))
            return redirect("regulation:request", public_id=public_id)
    return _request_page(request, place_request, status=400, night_form=form)


def medical(request, public_id):
    """The medical part: the GP writes it; the establishments' coordinating physicians read
    it (each reading audited); nobody else sees it."""
    place_request = visible_request(request, public_id)
    user = request.user
    applications = queries.applications_of(place_request)
    writes = access.can_write_medical(user, place_request)
    shown = reads.medical_read(
        place_request=place_request, applications=applications, acting=acting(request)
    )
    if not writes and shown is None:
        raise Missing("medical.read", obj=place_request)
    current = queries.medical_of(place_request)
    initial = {}
    if current is not None:
        initial = {
            "gir": current.gir,
            "diagnoses": current.diagnoses,
            "treatments": current.treatments,
            "care_needs": current.care_needs,
            "complete": current.completed_at is not None,
        }
    form = MedicalForm(initial=initial) if writes else None
    status = 200
    if request.method == "POST":
        require(writes, "medical.save", obj=place_request)
        form = MedicalForm(request.POST)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.medical_save(
                    actor=user,
                    place_request=place_request,
                    data=form.to_input(),
                    acting=acting(request),
                )
            if submitted.done:
                messages.success(request, _("Volet médical enregistré."))
                return redirect("regulation:request", public_id=public_id)
        status = 400
    return render(
        request,
        "regulation/medical.html",
        {"place_request": place_request, "form": form, "medical": shown},
        status=status,
    )


def application(request, public_id):
    """A dossier received by an establishment, and its answer."""
    found = reads.visible_application(public_id=public_id, acting=acting(request))
    answers = access.can_answer_application(request.user, found)
    form = ApplicationAnswerForm(initial={"version": found.version}) if answers else None
    status = 200
    if request.method == "POST":
        require(answers, "application.answer", obj=found)
        form = ApplicationAnswerForm(request.POST)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.application_answer(
                    actor=request.user,
                    application=found,
                    data=form.to_input(),
                    acting=acting(request),
                )
            if submitted.done:
                messages.success(request, _("Réponse enregistrée : le prescripteur est prévenu."))
                return redirect("regulation:application", public_id=public_id)
        status = 400
    place_request = found.request
    view = presenters.request_out(place_request, events=queries.events_of(place_request))
    applications = queries.applications_of(place_request)
    return render(
        request,
        "regulation/application.html",
        {
            "application": found,
            "view": view,
            "form": form if found.state in ("sent", "waitlisted") else None,
            "medical": reads.medical_read(
                place_request=place_request, applications=applications, acting=acting(request)
            ),
        },
        status=status,
    )


@require_POST
def documents_add(request, public_id):
    place_request = visible_request(request, public_id)
    require(
        access.can_edit_request(request.user, place_request),
        "place_request.document_add",
        obj=place_request,
    )
    form = DocumentsForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.documents_add(
                actor=request.user,
                place_request=place_request,
                uploads=form.cleaned_data["documents"],
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("Documents joints à la demande."))
            return redirect("regulation:request", public_id=public_id)
    return _request_page(request, place_request, status=400, documents_form=form)


def document(request, public_id, document_id):
    place_request = visible_request(request, public_id)
    found = reads.document_read(
        place_request=place_request, public_id=document_id, acting=acting(request)
    )
    return FileResponse(
        open(found.path, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )
