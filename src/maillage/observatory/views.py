from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.observatory import access, actions, queries
from maillage.observatory.forms import WhatIfForm
from maillage.territories.models import Commune, Departement


def _require(request, allowed: bool, action: str):
    if not allowed:
        audit.deny(action, request=request)
        raise PermissionDenied


def accessibility(request):
    """The index per commune of a département, the population under the threshold, and
    what-ifs: practitioners added or removed at communes, side by side with today."""
    _require(request, access.can_view_observatory(request.user), "observatory.read")
    code = request.GET.get("departement") or queries.default_departement()
    departement = Departement.objects.filter(code=code).first()
    run = queries.latest_run()
    context = {
        "departements": Departement.objects.order_by("code"),
        "departement": departement,
        "run": run,
        "can_compute": access.can_compute(request.user),
    }
    if run is None or departement is None:
        return render(request, "observatory/accessibility.html", context)
    codes = list(
        Commune.objects.filter(departement=departement, latitude__isnull=False).values_list(
            "code", flat=True
        )
    )
    rows = list(queries.run_rows(run, codes).order_by("index", "commune_id"))
    population = sum(r.population for r in rows)
    under = sum(r.population for r in rows if r.under_served)
    form = WhatIfForm(request.POST or None, codes=frozenset(codes))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            context["what_if"] = queries.what_if_comparison(run, rows, form.cleaned_data["changes"])
        else:
            status = 400
    context.update(
        rows=rows,
        population=population,
        under=under,
        form=form,
        classes=queries.map_classes(run.threshold),
        map=queries.map_data(rows, run.threshold),
    )
    return render(request, "observatory/accessibility.html", context, status=status)


@require_POST
def accessibility_compute(request):
    _require(request, access.can_compute(request.user), "accessibility.compute")
    run = actions.accessibility_compute(actor=request.user)
    messages.success(
        request,
        _("Indice calculé pour %(n)s communes en %(s).1f s.")
        % {"n": run.communes, "s": run.seconds},
    )
    return redirect("observatory:accessibility")
