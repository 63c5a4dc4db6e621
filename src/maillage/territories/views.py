from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import Denied
from maillage.territories import access, actions, queries
from maillage.territories.forms import PlaceChoiceForm, TerritoryForm


def _require_view(request):
    if not access.can_view_territories(request.user):
        raise Denied("territory.view")


def _territory_or_404(request, public_id):
    territory = queries.territory_by_public_id(public_id)
    if territory is None:
        raise Http404
    return territory


def territory_list(request):
    _require_view(request)
    return render(
        request,
        "territories/territory_list.html",
        {
            "territories": queries.territories_list(),
            "can_create": access.can_define_territories(request.user),
        },
    )


def territory_create(request):
    if not access.can_define_territories(request.user):
        raise Denied("territory.create")
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        territory = actions.territory_create(
            actor=request.user, acting=audit.Actor.of(request), **form.cleaned_data
        )
        messages.success(request, _("Territoire créé : ajoutez maintenant ses communes."))
        return redirect("territories:detail", public_id=territory.public_id)
    return render(request, "territories/territory_form.html", {"form": form})


def territory_detail(request, public_id):
    _require_view(request)
    territory = _territory_or_404(request, public_id)
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "territory": territory,
        "communes": queries.territory_communes(territory),
        "summary": queries.territory_summary(territory),
        "can_edit": access.can_edit_territory(request.user, territory),
        "query": query,
        "hits": queries.search_places(query) if query else None,
    }
    if request.htmx and request.headers.get("HX-Target") == "place-results":
        return render(request, "territories/_place_results.html", context)
    return render(request, "territories/territory_detail.html", context)


@require_POST
def territory_add(request, public_id):
    territory = _territory_or_404(request, public_id)
    form = PlaceChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choix de lieu invalide."))
        return redirect("territories:detail", public_id=territory.public_id)
    try:
        added = actions.territory_add_places(
            actor=request.user,
            territory=territory,
            acting=audit.Actor.of(request),
            **form.cleaned_data,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(count)s commune(s) ajoutée(s) au territoire.") % {"count": added}
        )
    return redirect("territories:detail", public_id=territory.public_id)


@require_POST
def territory_remove(request, public_id, code):
    territory = _territory_or_404(request, public_id)
    actions.territory_remove_commune(
        actor=request.user, territory=territory, code=code, acting=audit.Actor.of(request)
    )
    messages.success(request, _("Commune retirée du territoire."))
    return redirect("territories:detail", public_id=territory.public_id)


@require_POST
def territory_delete(request, public_id):
    territory = _territory_or_404(request, public_id)
    actions.territory_delete(
        actor=request.user, territory=territory, acting=audit.Actor.of(request)
    )
    messages.success(request, _("Territoire supprimé."))
    return redirect("territories:list")
