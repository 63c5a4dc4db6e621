from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.directory import access, actions, hours, queries
from maillage.directory.enums import Public, Thematique
from maillage.directory.forms import FACET_LABELS, SearchForm


def _require_search(request):
    if not access.can_search_directory(request.user):
        audit.deny("directory.search", request=request)
        raise PermissionDenied


def search(request):
    """One page for finding and orienting: filters in the URL (bookmarkable), results as a
    list with distances; htmx swaps only the results."""
    _require_search(request)
    form = SearchForm(request.GET or None)
    results = None
    place_problem = ""
    if request.GET and form.is_valid():
        commune = form.cleaned_data.get("commune") or queries.resolve_place(
            form.cleaned_data.get("lieu", "")
        )
        if form.cleaned_data.get("lieu", "").strip() and commune is None:
            place_problem = _("Commune introuvable : vérifiez l'orthographe ou le code postal.")
        else:
            params = form.params(commune)
            results = queries.search_services(params)
            actions.record_unmet_search(params=params, results=results, channel="page")
            labels = dict(Thematique.choices)
            for service in results.services:
                service.theme_names = [labels.get(t, t) for t in service.thematiques]
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
        "results": results,
        "place_problem": place_problem,
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


def service_detail(request, public_id):
    _require_search(request)
    service = _published_service(request, public_id)
    return render(request, "directory/service_detail.html", _service_context(service))


def service_sheet(request, public_id):
    """A one-page printable sheet to hand to the person."""
    _require_search(request)
    service = _published_service(request, public_id)
    return render(request, "directory/service_sheet.html", _service_context(service))


def _service_context(service) -> dict:
    expression = service.opening_hours or service.structure.opening_hours
    try:
        week = hours.week(expression) if expression else []
    except hours.HoursError:
        week = []
    labels = dict(Thematique.choices)
    publics = dict(Public.choices)
    return {
        "service": service,
        "structure": service.structure,
        "week": week,
        "open_now": hours.is_open(expression) if expression else None,
        "hours_raw": expression,
        "themes": [labels.get(t, t) for t in service.thematiques],
        "publics": [publics.get(p, p) for p in service.publics],
        "facets": [label for name, label in FACET_LABELS.items() if getattr(service, name)],
    }
