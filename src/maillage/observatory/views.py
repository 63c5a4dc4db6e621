import numpy as np
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
            context["what_if"] = _what_if(run, rows, form.cleaned_data["changes"])
        else:
            status = 400
    context.update(
        rows=rows,
        population=population,
        under=under,
        form=form,
        classes=_classes(run.threshold),
        map=_map(rows, run.threshold),
    )
    return render(request, "observatory/accessibility.html", context, status=status)


def _classes(threshold: float) -> list[dict]:
    """The map's classes of the index, with colours readable on white and for most colour
    vision deficiencies (a sequential palette, darkest where it is worst)."""
    return [
        {
            "upper": threshold * 0.6,
            "color": "#7f0000",
            "label": _("moins de %(v)s") % {"v": f"{threshold * 0.6:g}"},
        },
        {
            "upper": threshold,
            "color": "#d7301f",
            "label": _("de %(a)s à %(b)s (sous le seuil)")
            % {"a": f"{threshold * 0.6:g}", "b": f"{threshold:g}"},
        },
        {
            "upper": threshold * 1.6,
            "color": "#fdbb84",
            "label": _("de %(a)s à %(b)s") % {"a": f"{threshold:g}", "b": f"{threshold * 1.6:g}"},
        },
        {
            "upper": float("inf"),
            "color": "#fff7ec",
            "label": _("%(a)s ou plus") % {"a": f"{threshold * 1.6:g}"},
        },
    ]


def _map(rows, threshold: float) -> dict:
    from django.conf import settings

    classes = _classes(threshold)
    return {
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "classes": [
            {"upper": c["upper"] if c["upper"] != float("inf") else 1e9, "color": c["color"]}
            for c in classes
        ],
        "communes": [
            {
                "name": r.commune.name,
                "lat": r.commune.latitude,
                "lon": r.commune.longitude,
                "population": r.population,
                "index": round(r.index, 3),
                "label": f"{r.index:.2f}".replace(".", ","),
            }
            for r in rows
            if r.commune.latitude is not None
        ],
    }


def _what_if(run, rows, changes: dict) -> dict:
    model = queries.what_if_model(run)
    activity = run.parameters.get("activity", actions.DEFAULT_ACTIVITY)
    after = model.what_if(
        {model.position[code]: count * activity for code, count in changes.items()}
    )
    before = model.index
    lines = []
    population_before = population_after = 0.0
    for row in rows:
        i = model.position[row.commune_id]
        if before[i] < run.threshold:
            population_before += row.population
        if after[i] < run.threshold:
            population_after += row.population
        if not np.isclose(after[i], before[i], rtol=1e-12, atol=1e-9):
            lines.append(
                {
                    "commune": row.commune,
                    "population": row.population,
                    "before": float(before[i]),
                    "after": float(after[i]),
                    "delta": float(after[i] - before[i]),
                    "crosses": (before[i] < run.threshold) != (after[i] < run.threshold),
                }
            )
    lines.sort(key=lambda line: -abs(line["delta"]))
    return {
        "changes": changes,
        "lines": lines[:60],
        "changed": len(lines),
        "population_before": population_before,
        "population_after": population_after,
    }


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
