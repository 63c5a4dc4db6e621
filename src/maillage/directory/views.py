import copy
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from maillage.core import audit, sms
from maillage.core.attachments import private_file_response
from maillage.core.models import PlatformSettings
from maillage.core.pipeline import Denied, Missing, refusal_returns_to, refusals_on
from maillage.directory import access, actions, health, hours, queries
from maillage.directory.enums import (
    FeeSector,
    MobilisablePar,
    ModeAccueil,
    ModeMobilisation,
    OrientationState,
    Public,
    Thematique,
    language_name,
)
from maillage.directory.forms import (
    FACET_LABELS,
    OrientationForm,
    OrientationMoveForm,
    RejectForm,
    SearchForm,
    ServiceForm,
    SheetSendForm,
    StatisticsForm,
    StructureForm,
)
from maillage.directory.models import OrientationLink
from maillage.territories.queries import commune_names_around, zone_names


@login_not_required
def search(request):
    """One page for finding and orienting: filters in the URL (bookmarkable), results as a
    list with distances; htmx swaps only the results. Public, as DORA's and Soliguide's:
    published services are public information; orienting someone needs an account."""
    form = SearchForm(request.GET or None)
    results = None
    place_problem = ""
    unmet_recorded = False
    if request.GET and form.is_valid():
        commune = form.cleaned_data.get("commune") or queries.resolve_place(
            form.cleaned_data.get("lieu", "")
        )
        if form.cleaned_data.get("lieu", "").strip() and commune is None:
            place_problem = _("Commune introuvable : vérifiez l'orthographe ou le code postal.")
        else:
            params = form.params(commune)
            results = queries.search_services(params)
            unmet_recorded = actions.record_unmet_search(
                params=params, results=results, channel="page"
            )
            for service in results.services:
                service.theme_names = [
                    *map(health.label, service.health_offers),
                    *_labels(Thematique, service.thematiques),
                ]
    page = (form.cleaned_data.get("page") or 1) if form.is_bound and form.is_valid() else 1
    markers = [
        {
            "name": s.name,
            "url": reverse("directory:service", kwargs={"public_id": s.public_id}),
            "lat": s.geo_latitude,
            "lon": s.geo_longitude,
        }
        for s in (results.services if results else [])
        if s.geo_latitude is not None
    ]
    context = {
        "form": form,
        "commune_names": commune_names_around(PlatformSettings.current().competence_territory),
        "results": results,
        "place_problem": place_problem,
        "unmet_recorded": unmet_recorded,
        "query_string": _without_page(request),
        "previous_page": page - 1 if results and page > 1 else None,
        "next_page": page + 1 if results and page * 20 < results.total else None,
        "map": {
            "markers": markers,
            "center": [results.place.latitude, results.place.longitude]
            if results and results.place
            else None,
            "center_label": results.place.name if results and results.place else "",
            "tiles": settings.MAP_TILES_URL,
            "attribution": settings.MAP_ATTRIBUTION,
        },
    }
    template = "directory/_results.html" if request.htmx else "directory/search.html"
    return render(request, template, context)


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _published_service(request, public_id):
    service = queries.published_service(public_id)
    if service is None:
        raise Http404
    return service


@login_not_required
def service_detail(request, public_id):
    """A published service, public; the « orienter » button only for those who orient."""
    service = _published_service(request, public_id)
    back = _search_criteria(request.GET.get("recherche", ""))
    send_form = SheetSendForm(service=service) if access.can_orient(request.user) else None
    return render(
        request,
        "directory/service_detail.html",
        {**_service_context(service), "back": back, "send_form": send_form},
    )


def _search_criteria(text: str) -> str:
    """« Retour à la recherche » keeps the criteria (a search's, never a person's data): only
    the search form's own fields, re-encoded."""
    criteria = QueryDict(text[:2000])
    back = QueryDict(mutable=True)
    for name in SearchForm.base_fields:
        if name in criteria:
            back.setlist(name, criteria.getlist(name)[:20])
    return back.urlencode()


@require_POST
def sheet_send(request, public_id):
    """Send the service's sheet to the person, by SMS or e-mail (for those who orient)."""
    if not access.can_orient(request.user):
        raise Denied("directory.sheet.send")
    service = _published_service(request, public_id)
    back = _search_criteria(request.POST.get("recherche", ""))
    form = SheetSendForm(request.POST, service=service)
    status = 400
    if form.is_valid():
        with refusals_on(form) as submitted:
            sending = actions.sheet_send(
                actor=request.user, data=form.to_input(), acting=audit.Actor.of(request)
            )
        if submitted.done:
            if sending.channel == "sms":
                done = _("Fiche envoyée par SMS au %(number)s.") % {
                    "number": sms.masked(sending.recipient)
                }
            else:
                done = _("Fiche envoyée par courriel.")
            messages.success(request, done)
            url = reverse("directory:service", kwargs={"public_id": service.public_id})
            if back:
                url += "?" + urlencode({"recherche": back})
            return redirect(url)
        status = submitted.status
    return render(
        request,
        "directory/service_detail.html",
        {**_service_context(service), "back": back, "send_form": form, "send_open": True},
        status=status,
    )


@login_not_required
def service_sheet(request, public_id):
    """A one-page printable sheet to hand to the person (public, as the service page)."""
    service = _published_service(request, public_id)
    return render(request, "directory/service_sheet.html", _service_context(service))


def _service_context(service) -> dict:
    expression = service.opening_hours or service.structure.opening_hours
    try:
        week = hours.week(expression) if expression else []
    except hours.HoursError:
        week = []
    return {
        "service": service,
        "structure": service.structure,
        "week": week,
        "open_now": hours.is_open(expression) if expression else None,
        "hours_raw": expression,
        "themes": _labels(Thematique, service.thematiques),
        "offers": [health.label(value) for value in service.health_offers],
        "publics": _labels(Public, service.publics),
        # The sector is shown with the cost.
        "facets": [
            label
            for name, label in FACET_LABELS.items()
            if name != "sector_1" and getattr(service, name)
        ],
        "fee_sectors": _labels(FeeSector, service.fee_sectors),
        "languages": [language_name(code) for code in service.languages],
        "reception_modes": _labels(ModeAccueil, service.reception_modes),
        "mobilisation_modes": _labels(ModeMobilisation, service.mobilisation_modes),
        "mobilisable_by": _labels(MobilisablePar, service.mobilisable_by),
        "zone": zone_names(service.eligibility_zone),
        "legal_form": service.structure.get_legal_form_display(),
    }


@login_not_required
def health_taxonomy(request):
    """The health and medico-social offer's reference: each offer with the data·inclusion
    themes and publics it stands for and the FINESS categories offering it (public)."""
    themes, publics = dict(Thematique.choices), dict(Public.choices)
    families = [
        {
            "family": family,
            "offers": [
                {
                    "offer": offer,
                    "themes": [str(themes.get(t, t)) for t in offer.themes],
                    "publics": [str(publics.get(p, p)) for p in offer.publics],
                    "categories": [(c, health.FINESS_CATEGORIES.get(c, c)) for c in offer.finess],
                }
                for offer in family.offers
            ],
        }
        for family in health.FAMILIES
    ]
    return render(
        request,
        "directory/health_taxonomy.html",
        {"families": families, "version": health.TAXONOMY_VERSION},
    )


def _labels(choices, values: list[str]) -> list[str]:
    """The labels of an enumeration's values (an unknown value as it is)."""
    labels = dict(choices.choices)
    return [str(labels.get(value, value)) for value in values]


# --- Orientation ------------------------------------------------------------------------------


def orientation_new(request, public_id):
    """Orient a person to this service: who she is (the minimum), why, her agreement."""
    if not access.can_orient(request.user):
        raise Denied("orientation.send")
    service = _published_service(request, public_id)
    form = OrientationForm(request.POST or None, request.FILES or None, service=service)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            orientation = actions.orientation_create(
                actor=request.user,
                data=form.to_input(),
                attachments=form.cleaned_data["attachments"],
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(
                request,
                _("Orientation envoyée. Vous serez prévenu·e de la réponse du service."),
            )
            return redirect("directory:orientation", public_id=orientation.public_id)
    return render(
        request,
        "directory/orientation_new.html",
        {
            "form": form,
            "service": service,
            "structure": service.structure,
            "reachable": bool(queries.receivers_of(service) or queries.receiver_email_for(service)),
        },
    )


def orientation_list(request):
    """Orientations sent by me, and received by my structures, filterable by state."""
    box = request.GET.get("boite", "")
    receives = bool(access.receiving_organisation_ids(request.user))
    sends = access.can_orient(request.user)
    if not sends and not receives:
        raise Denied("orientation.list")
    if box not in ("envoyees", "recues"):
        box = "envoyees" if sends else "recues"
    state = request.GET.get("etat", "")
    if state not in OrientationState.values:
        state = ""
    qs = queries.orientations_for(
        request.user, box="sent" if box == "envoyees" else "received", state=state
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    audit.record(
        "orientation.list",
        request=request,
        # The list names people: which orientations were shown is traced, one by one.
        details={"box": box, "orientations": [str(o.public_id) for o in page.object_list]},
    )
    return render(
        request,
        "directory/orientation_list.html",
        {
            "page": page,
            "box": box,
            "state": state,
            "states": OrientationState.choices,
            "sends": sends,
            "receives": receives,
        },
    )


def _visible_orientation(request, public_id):
    orientation = queries.orientation_for(request.user, public_id)
    if orientation is None:
        raise Missing(
            "orientation.read", object_type="directory.orientation", object_id=str(public_id)
        )
    return orientation


def orientation_detail(request, public_id):
    orientation = _visible_orientation(request, public_id)
    moves = access.allowed_moves(access.orientation_sides(request.user, orientation), orientation)
    return _orientation_page(request, orientation, OrientationMoveForm(moves=moves))


def _orientation_page(request, orientation, move_form, status=200):
    """The orientation, with the decisions this user may take (none: no form). Every page
    showing it is a read of the person's data, and is audited as one."""
    actions.orientation_record_read(orientation=orientation, acting=audit.Actor.of(request))
    return render(
        request,
        "directory/orientation_detail.html",
        {
            "orientation": orientation,
            "move_form": move_form if move_form.fields["to_state"].choices else None,
        },
        status=status,
    )


@require_POST
def orientation_move(request, public_id):
    orientation = _visible_orientation(request, public_id)
    moves = access.allowed_moves(access.orientation_sides(request.user, orientation), orientation)
    form = OrientationMoveForm(request.POST, moves=moves)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.orientation_answer(
                actor=request.user,
                orientation=orientation,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(request, _("C'est noté : l'orientation a été mise à jour."))
            return redirect("directory:orientation", public_id=orientation.public_id)
    return _orientation_page(request, orientation, form, status=400)


def _attachment_response(orientation, attachment_id):
    attachment = next(
        (a for a in orientation.attachments.all() if str(a.public_id) == str(attachment_id)),
        None,
    )
    if attachment is None or attachment.removed_at is not None or not attachment.path.exists():
        raise Http404
    return attachment, private_file_response(attachment)


def orientation_attachment(request, public_id, attachment_id):
    orientation = _visible_orientation(request, public_id)
    attachment, response = _attachment_response(orientation, attachment_id)
    audit.record(
        "orientation.attachment.read",
        request=request,
        obj=orientation,
        details={"attachment": str(attachment.public_id)},
    )
    return response


def _link_or_gone(request, token):
    link = actions.orientation_find_link(token)
    if link is None:
        audit.deny("orientation.link.open", request=request, details={"reason": "unusable"})
    return link


@login_not_required
@never_cache
def orientation_answer(request, token):
    """A structure without an account answers through the emailed single-use link."""
    link = _link_or_gone(request, token)
    if link is None:
        return render(request, "directory/orientation_link_gone.html", status=410)
    orientation = link.orientation
    form = OrientationMoveForm(request.POST or None, moves=access.link_moves(link))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            actions.orientation_move(
                orientation=orientation,
                to_state=form.cleaned_data["to_state"],
                link=link,
                refusal_reason=form.cleaned_data["refusal_reason"],
                comment=form.cleaned_data["comment"],
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            orientation.refresh_from_db()
            return render(
                request, "directory/orientation_link_done.html", {"orientation": orientation}
            )
    actions.orientation_record_read(
        orientation=orientation, acting=audit.Actor.of(request), link=link
    )
    return render(
        request,
        "directory/orientation_answer.html",
        {
            "orientation": orientation,
            "move_form": form,
            "token": token,
        },
    )


@login_not_required
@never_cache
def orientation_answer_attachment(request, token, attachment_id):
    link = _link_or_gone(request, token)
    if link is None or link.purpose != OrientationLink.ANSWER:
        raise Http404
    attachment, response = _attachment_response(link.orientation, attachment_id)
    audit.record(
        "orientation.attachment.read",
        request=request,
        actor=audit.Actor(),
        obj=link.orientation,
        details={"attachment": str(attachment.public_id), "via_link": True},
    )
    return response


def orientation_statistics(request):
    """Orientations per service and per need, for the observatory: counts, never a person."""
    if not access.can_view_orientation_statistics(request.user):
        raise Denied("orientation.statistics")
    form = StatisticsForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["depuis"], form.cleaned_data["jusqu_au"]
    return render(
        request,
        "directory/orientation_statistics.html",
        {
            "form": form,
            "by_theme": queries.orientation_statistics(by="theme", since=since, until=until),
            "by_service": queries.orientation_statistics(by="service", since=since, until=until),
        },
    )


# --- Editing by the organisation, moderation -------------------------------------------------


def _require_editor(request):
    if not access.managed_organisation_ids(request.user):
        raise Denied("directory.entry.edit")


def my_entries(request):
    """The organisation admin's structures and services: state, freshness, what to do."""
    _require_editor(request)
    structures = list(queries.managed_structures(request.user))
    organisations = [
        m.organisation
        for m in request.user.active_memberships()
        if m.organisation_id in access.managed_organisation_ids(request.user)
    ]
    return render(
        request,
        "directory/my_entries.html",
        {"structures": structures, "organisations": organisations},
    )


def _entry_form_page(request, form, *, entry, title, structure=None):
    return render(
        request,
        "directory/entry_form.html",
        {"form": form, "entry": entry, "title": title, "structure": structure},
    )


def structure_new(request, organisation_id):
    _require_editor(request)
    organisation = next(
        (
            m.organisation
            for m in request.user.active_memberships()
            if str(m.organisation.public_id) == str(organisation_id)
            and m.organisation_id in access.managed_organisation_ids(request.user)
        ),
        None,
    )
    if organisation is None:
        raise Http404
    form = StructureForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "siret": organisation.siret,
            "finess": organisation.finess,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            actions.entry_create(
                actor=request.user,
                organisation=organisation,
                values=form.proposed(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(request, _("Brouillon enregistré. Soumettez-le quand il est prêt."))
            return redirect("directory:my_entries")
    return _entry_form_page(request, form, entry=None, title=_("Nouvelle fiche de structure"))


def structure_edit(request, public_id):
    _require_editor(request)
    structure = queries.managed_structure(request.user, public_id)
    if structure is None:
        raise Http404
    form = StructureForm(request.POST or None, instance=_detached(structure))
    return _save_entry(request, form, structure, _("Modifier la structure"))


def service_new(request, public_id):
    _require_editor(request)
    structure = queries.managed_structure(request.user, public_id)
    if structure is None:
        raise Http404
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            actions.entry_create(
                actor=request.user,
                structure=structure,
                values=form.proposed(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(request, _("Brouillon enregistré. Soumettez-le quand il est prêt."))
            return redirect("directory:my_entries")
    return _entry_form_page(
        request, form, entry=None, title=_("Nouveau service"), structure=structure
    )


def service_edit(request, public_id):
    _require_editor(request)
    service = queries.managed_service(request.user, public_id)
    if service is None:
        raise Http404
    form = ServiceForm(request.POST or None, instance=_detached(service))
    return _save_entry(request, form, service, _("Modifier le service"))


def _detached(entry):
    """A copy for the form to write into: the entry itself changes only through actions."""

    return copy.copy(entry)


def _save_entry(request, form, entry, title):
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            change = actions.entry_update(
                actor=request.user,
                entry=entry,
                values=form.proposed(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            if change is not None:
                messages.success(
                    request,
                    _(
                        "Modification envoyée à la modération : la fiche publiée reste "
                        "inchangée jusqu'à sa validation."
                    ),
                )
            else:
                messages.success(request, _("Fiche enregistrée."))
            return redirect("directory:my_entries")
    return _entry_form_page(request, form, entry=entry, title=title)


ENTRY_ACTIONS = {
    "soumettre": (actions.entry_submit, _("Fiche envoyée à la modération.")),
    "archiver": (actions.entry_archive, _("Fiche archivée : elle n'apparaît plus.")),
}


@require_POST
@refusal_returns_to("directory:my_entries")
def entry_action(request, kind, public_id, verb):
    _require_editor(request)
    entry = (
        queries.managed_structure(request.user, public_id)
        if kind == "structure"
        else queries.managed_service(request.user, public_id)
    )
    if entry is None or (verb not in ENTRY_ACTIONS and verb != "a-jour"):
        raise Http404
    if verb == "a-jour":
        if kind != "service":
            raise Http404
        actions.entry_confirm_fresh(
            actor=request.user, service=entry, acting=audit.Actor.of(request)
        )
        messages.success(request, _("Merci : la fiche est marquée à jour aujourd'hui."))
    else:
        action, done = ENTRY_ACTIONS[verb]
        action(actor=request.user, entry=entry, acting=audit.Actor.of(request))
        messages.success(request, done)
    return redirect("directory:my_entries")


def moderation(request):
    """Entries asking for first publication and changes to published ones, oldest first."""
    if not access.can_moderate(request.user):
        raise Denied("directory.moderation")
    queue = queries.moderation_queue()
    for change in queue["changes"]:
        change.rows = _change_rows(change)
    return render(request, "directory/moderation.html", {**queue, "reject_form": RejectForm()})


# How the moderator reads a proposed change's values: names, not codes or Python lists.
_CHANGE_LABELS = {
    "thematiques": lambda v: _labels(Thematique, v),
    "publics": lambda v: _labels(Public, v),
    "reception_modes": lambda v: _labels(ModeAccueil, v),
    "mobilisation_modes": lambda v: _labels(ModeMobilisation, v),
    "mobilisable_by": lambda v: _labels(MobilisablePar, v),
    "fee_sectors": lambda v: _labels(FeeSector, v),
    "languages": lambda v: [language_name(code) for code in v],
    "health_offers": lambda v: [health.label(value) for value in v],
}


def _shown(name: str, value):
    if isinstance(value, list):
        labelled = _CHANGE_LABELS.get(name)
        return ", ".join(str(v) for v in (labelled(value) if labelled else value)) or "—"
    if name == "opening_hours" and value:
        try:
            return hours.in_words(value)
        except hours.HoursError:
            return value
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return "—" if value in (None, "") else value


def _change_rows(change) -> list[tuple[str, object, object]]:
    entry = change.entry
    rows = []
    for name, value in sorted(change.changes.items()):
        field_name = "commune" if name == "commune_id" else name
        field = entry._meta.get_field(field_name)
        rows.append(
            (str(field.verbose_name), _shown(name, getattr(entry, name)), _shown(name, value))
        )
    return rows


@require_POST
@refusal_returns_to("directory:moderation")
def moderation_decide(request, kind, public_id):
    if not access.can_moderate(request.user):
        raise Denied("directory.moderation")
    target = queries.moderation_target(kind, public_id)
    if target is None:
        raise Http404
    decision = request.POST.get("decision")
    reject_form = RejectForm(request.POST)
    if decision == "approve":
        actions.moderation_approve(actor=request.user, acting=audit.Actor.of(request), **target)
        messages.success(request, _("Validé et publié."))
    elif decision == "reject" and reject_form.is_valid():
        actions.moderation_reject(
            actor=request.user,
            reason=reject_form.cleaned_data["reason"],
            acting=audit.Actor.of(request),
            **target,
        )
        messages.success(request, _("Refusé : la structure est prévenue du motif."))
    else:
        messages.error(request, _("Pour refuser, dites ce qu'il faut corriger."))
    return redirect("directory:moderation")


def duplicates(request):
    """Structures that look like the same place, from different sources, to merge or not."""
    if not access.can_moderate(request.user):
        raise Denied("directory.duplicates")
    page = Paginator(queries.suspected_duplicates(), DUPLICATES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    pairs = list(page.object_list)
    counts = queries.service_counts([s.pk for pair in pairs for s in pair.structures])
    for pair in pairs:
        pair.first.service_count = counts.get(pair.first.pk, 0)
        pair.second.service_count = counts.get(pair.second.pk, 0)
    return render(request, "directory/duplicates.html", {"pairs": pairs, "page": page})


DUPLICATES_PER_PAGE = 25


@require_POST
@refusal_returns_to("directory:duplicates")
def duplicate_decide(request, first_id, second_id):
    if not access.can_moderate(request.user):
        raise Denied("directory.duplicates")
    pair = queries.structure_pair(first_id, second_id)
    if pair is None:
        raise Http404
    first, second = pair
    decision = request.POST.get("decision")
    if decision == "keep-first":
        actions.structure_merge(
            actor=request.user, keep=first, absorb=second, acting=audit.Actor.of(request)
        )
        messages.success(
            request, _("Fusion faite : « %(name)s » est gardée.") % {"name": first.name}
        )
    elif decision == "keep-second":
        actions.structure_merge(
            actor=request.user, keep=second, absorb=first, acting=audit.Actor.of(request)
        )
        messages.success(
            request, _("Fusion faite : « %(name)s » est gardée.") % {"name": second.name}
        )
    elif decision == "different":
        actions.duplicate_dismiss(
            actor=request.user, first=first, second=second, acting=audit.Actor.of(request)
        )
        messages.success(request, _("Noté : ces deux structures ne seront plus proposées."))
    else:
        raise Http404
    return redirect("directory:duplicates")
