import datetime as dt
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import refusal_returns_to, require
from maillage.observatory import (
    access,
    actions,
    exports,
    facts,
    indicators,
    presentation,
    queries,
)
from maillage.observatory import report as report_module
from maillage.observatory.forms import CommentaryForm, IndicatorsForm, WhatIfForm
from maillage.observatory.models import AnnualReport
from maillage.territories.models import Commune, Departement

logger = logging.getLogger(__name__)


def accessibility(request):
    """The index per commune of a département, the population under the threshold, and
    what-ifs: practitioners added or removed at communes, side by side with today."""
    require(access.can_view_observatory(request.user), "observatory.read")
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
        map=queries.map_data(rows, run.threshold),
    )
    return render(request, "observatory/accessibility.html", context, status=status)


@require_POST
def accessibility_compute(request):
    require(access.can_compute(request.user), "accessibility.compute")
    run = actions.accessibility_compute(actor=request.user)
    messages.success(
        request,
        _("Indice calculé pour %(n)s communes en %(s).1f s.")
        % {"n": run.communes, "s": run.seconds},
    )
    return redirect("observatory:accessibility")


# --- Indicators -------------------------------------------------------------------------------


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def _scope_query(scope) -> str:
    """The address's query naming the scope: a shared view, a download of the same figures."""
    return urlencode(
        {"territoire": scope.key, "du": f"{scope.start:%Y-%m}", "au": f"{scope.end:%Y-%m}"}
    )


def _scope(request):
    """(form, scope, status) from the page's address: the territory and months asked, else
    the platform's territory over the last twelve months."""
    form = IndicatorsForm(
        request.GET or None,
        territories=indicators.territory_choices(),
        departements=Departement.objects.order_by("code").values_list("code", "name"),
    )
    this_month = timezone.localdate().replace(day=1)
    key, start, end = indicators.default_territory_key(), None, None
    status = 200
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            if data["code"]:
                key = f"{'epci' if len(data['code']) == 9 else 'com'}-{data['code']}"
            elif data["territoire"]:
                key = data["territoire"]
            start = _month(data["du"]) if data["du"] else None
            end = _month(data["au"]) if data["au"] else None
        else:
            status = 400
    end = end or (indicators.add_months(start, 11) if start else this_month)
    start = start or indicators.add_months(end, -11)
    scope = indicators.make_scope(key, start, end)
    if scope is None:
        form.add_error(
            "code" if request.GET.get("code") else "territoire",
            _("Ce territoire n'existe pas dans le référentiel."),
        )
        status = 400
        scope = indicators.make_scope(indicators.default_territory_key(), start, end)
    if not form.is_bound:
        form.initial = {"territoire": key, "du": f"{start:%Y-%m}", "au": f"{end:%Y-%m}"}
    return form, scope, status


def dashboard(request):
    """The territory's indicators over a period: key figures, charts each with its table,
    a map of the people reached, and every table to download. Exact counts for those who
    follow people; protected ones for the other readers (observatory.presentation)."""
    require(access.can_view_observatory(request.user), "observatory.read")
    form, scope, status = _scope(request)
    shown = presentation.present(
        indicators.compute(scope), exact=access.sees_exact_counts(request.user)
    )
    query = _scope_query(scope)
    context = {
        "form": form,
        "scope": scope,
        "shown": shown,
        "figures": shown.figures,
        "tables": shown.tables,
        "map": queries.reach_map(shown.map_points),
        "refreshed": facts.last_refresh(),
        "query": query,
        "threshold": presentation.THRESHOLD,
    }
    return render(request, "observatory/dashboard.html", context, status=status)


def table_download(request, slug: str, fmt: str):
    require(access.can_view_observatory(request.user), "observatory.read")
    return _download(request, slug, fmt)


@login_not_required
def open_statistics(request):
    """Open statistics, read by anyone: every publishable table of a territory over a period,
    small counts hidden with secondary suppression (exports.open_rows), each to download."""
    form, scope, status = _scope(request)
    tables = [
        {"table": table, "rows": exports.open_rows(table, presentation.THRESHOLD)}
        for table in indicators.compute(scope).tables
        if exports.publishable(table)
    ]
    query = _scope_query(scope)
    context = {
        "form": form,
        "scope": scope,
        "tables": tables,
        "query": query,
        "threshold": presentation.THRESHOLD,
        "refreshed": facts.last_refresh(),
    }
    return render(request, "observatory/open_statistics.html", context, status=status)


@login_not_required
def open_data(request, slug: str, fmt: str):
    """Open statistics: anyone downloads them (no account), small counts suppressed and
    tables of rates not published — nothing personal."""
    return _download(request, slug, fmt)


def _download(request, slug: str, fmt: str):
    form, scope, status = _scope(request)
    if status != 200:
        return HttpResponseBadRequest(
            _("Territoire ou période illisible : %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
            content_type="text/plain; charset=utf-8",
        )
    table = indicators.compute(scope).table(slug)
    if table is None:
        raise Http404
    open_data = request.resolver_match.url_name == "open_data"
    if open_data:
        if not exports.publishable(table):
            raise Http404
        rows = exports.open_rows(table, presentation.THRESHOLD)
    else:
        rows = presentation.table_rows(table, exact=access.sees_exact_counts(request.user))
    # A name one reads: the table, the territory's name, the months.
    name = f"{slug}-{slugify(scope.label) or scope.key}-{scope.start:%Y-%m}-{scope.end:%Y-%m}"
    if open_data:
        name += "-donnees-ouvertes"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(table, scope, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- Annual report ----------------------------------------------------------------------------


def _report_readable(request, year: int):
    """The report of that year, for coordinators and admins always, for the other readers
    of the observatory once published; else 404."""
    require(access.can_view_observatory(request.user), "report.read")
    report = AnnualReport.objects.filter(year=year).first()
    if report is None:
        report = AnnualReport(year=year)
    if report.published_at is None and not access.can_compute(request.user):
        raise Http404
    return report


def report_index(request):
    require(access.can_view_observatory(request.user), "report.read")
    this_year = timezone.localdate().year
    existing = {r.year: r for r in AnnualReport.objects.all()}
    years = sorted({*existing, *range(this_year - 2, this_year + 1)}, reverse=True)
    editor = access.can_compute(request.user)
    reports = [
        {"year": y, "report": existing.get(y)}
        for y in years
        if editor or (existing.get(y) and existing[y].published_at)
    ]
    return render(request, "observatory/report_index.html", {"reports": reports, "editor": editor})


def annual_report(request, year: int):
    report = _report_readable(request, year)
    context = report_module.context(report, report_module.data_for(report))
    context["editor"] = access.can_compute(request.user)
    context["can_publish"] = year < timezone.localdate().year
    return render(request, "observatory/report.html", context)


def annual_report_pdf(request, year: int):
    """A published report's PDF is printed once and kept; a draft's (for its editors) is
    printed on demand."""
    report = _report_readable(request, year)
    pdf = bytes(report.pdf) if report.pdf else None
    if pdf is None and report.pk and report.published_at:
        pdf = actions.report_store_pdf(report)
    if pdf is None and not report.published_at:
        try:
            pdf = report_module.to_pdf(report_module.render_document(report, request=request))
        except report_module.PdfError:
            logger.exception("annual report PDF failed")
    if pdf is None:
        return HttpResponse(
            _("Le PDF n'a pas pu être produit sur ce serveur. La version HTML reste disponible."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-annuel-{year}.pdf"'
    return response


def report_commentary(request, year: int):
    require(access.can_compute(request.user), "report.write")
    report = AnnualReport.objects.filter(year=year).first() or AnnualReport(year=year)
    form = CommentaryForm(
        request.POST or None,
        sections=report_module.SECTIONS,
        initial={"version": report.version, **report.commentary},
    )
    status, current = 200, None
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                actions.report_save(
                    actor=request.user,
                    year=year,
                    commentary=data,
                    expected_version=version,
                    acting=audit.Actor.of(request),
                )
            except actions.ReportConflict as error:
                # Her text stays in the form, now against the version saved meanwhile
                # (shown above it): saving again is a choice made knowing the other text.
                report = AnnualReport.objects.get(year=year)
                posted = request.POST.copy()
                posted["version"] = report.version
                form = CommentaryForm(posted, sections=report_module.SECTIONS)
                form.is_valid()
                form.add_error(None, error)
                status = 409
                current = [
                    (section.title, report.commentary.get(section.key, ""))
                    for section in report_module.SECTIONS
                    if report.commentary.get(section.key)
                ]
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, _("Commentaire enregistré."))
                return redirect("observatory:report", year=year)
        else:
            status = 400
    return render(
        request,
        "observatory/report_commentary.html",
        {"form": form, "report": report, "year": year, "current": current},
        status=status,
    )


@require_POST
@refusal_returns_to("observatory:report", "year")
def report_publish(request, year: int):
    require(access.can_compute(request.user), "report.publish")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Version du rapport manquante."))
    actions.report_publish(
        actor=request.user, year=year, expected_version=version, acting=audit.Actor.of(request)
    )
    messages.success(request, _("Rapport publié : les observateurs peuvent le lire."))
    return redirect("observatory:report", year=year)
