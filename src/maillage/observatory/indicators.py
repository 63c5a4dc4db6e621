"""The observatory's indicators for a territory and a period, read from the facts.

A scope is a set of communes (the platform's territory, a département, an EPCI, a commune,
a micro-territory, or everywhere) and a range of months. Every indicator is a `Table`: the
unit the dashboard draws as a chart, prints as an accessible table, and downloads as CSV,
XLSX or open statistics (with small counts suppressed). Nothing in it names a person.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.models import PlatformSettings
from maillage.directory.enums import OrientationState, RefusalReason, Thematique
from maillage.observatory.models import Fact
from maillage.observatory.queries import default_departement
from maillage.pathways.enums import (
    ClosureReason,
    Need,
    RequesterKind,
    Satisfaction,
    Sex,
    TriageOutcome,
    Urgency,
)
from maillage.regulation import enums as regulation
from maillage.territories.models import Commune, Departement, Epci, Territory

MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    out, month = [], start
    while month <= end:
        out.append(month)
        month = add_months(month, 1)
    return out


@dataclass(frozen=True)
class Scope:
    key: str  # how the territory is named in the page's address: "dep-85", "fr"…
    label: str
    communes: tuple[str, ...] | None  # None: everywhere
    population: int
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month

    @property
    def months(self) -> list[dt.date]:
        return months_between(self.start, self.end)

    @property
    def period_label(self) -> str:
        if self.start == self.end:
            return month_label(self.start)
        return _("de %(start)s à %(end)s") % {
            "start": month_label(self.start),
            "end": month_label(self.end),
        }


@dataclass
class Table:
    """Rows of figures under column headings. `counts` says that every cell is a count of
    people or events (so small counts are suppressed in open statistics)."""

    slug: str
    title: str
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)
    chart: str = "bars"  # "bars": the first column as horizontal bars; "series": months
    counts: bool = True
    note: str = ""
    # How the counts add up, for totals and small-count suppression: "both" (a two-way table
    # of one population), "columns" (each column is a distribution over the rows), "none".
    additive: str = "both"
    # Open statistics: the columns published (None: all); those left out are published
    # elsewhere, and two suppressions of the same cells could undo each other.
    open_columns: tuple[int, ...] | None = None
    # In a table of rates, count columns (protected like a distribution) and the columns
    # computed from them, hidden with them.
    masks: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def column(self, index: int) -> list:
        return [values[index] for _label, values in self.rows]

    @property
    def is_empty(self) -> bool:
        return not any(v for _label, values in self.rows for v in values)


def _facts(scope: Scope, family: str, *fields: str, since_start: bool = True):
    qs = Fact.objects.filter(family=family, month__lte=scope.end)
    if since_start:
        qs = qs.filter(month__gte=scope.start)
    if scope.communes is not None:
        qs = qs.filter(commune_id__in=scope.communes)
    return qs.values(*fields).annotate(n_sum=Sum("n"), total_sum=Sum("total")).order_by()


def _counts(scope: Scope, family: str, *fields: str, **kwargs) -> dict:
    """{key tuple (or key): (count, summed measure)}."""
    out = {}
    for row in _facts(scope, family, *fields, **kwargs):
        key = tuple(row[f] for f in fields)
        out[key[0] if len(key) == 1 else key] = (row["n_sum"], row["total_sum"] or 0.0)
    return out


def _rows(scope: Scope, family: str, *fields: str, since_start: bool = True) -> list[tuple]:
    """The family's sums grouped by `fields`: one query, whose rows are then summed in any
    way with `_group` (reading a family once however many tables it feeds)."""
    return [
        (*(row[f] for f in fields), row["n_sum"], row["total_sum"] or 0.0)
        for row in _facts(scope, family, *fields, since_start=since_start)
    ]


def _group(rows: list[tuple], *positions: int, where=None) -> dict:
    """{key (or key tuple) at `positions`: (count, summed measure)} over `rows` from _rows;
    `where` filters on the whole row."""
    out: dict = {}
    for row in rows:
        if where is not None and not where(row):
            continue
        key = row[positions[0]] if len(positions) == 1 else tuple(row[p] for p in positions)
        n, total = out.get(key, (0, 0.0))
        out[key] = (n + row[-2], total + row[-1])
    return out


def _n(counts: dict, key) -> int:
    return counts.get(key, (0, 0))[0]


def _ratio(part, whole, digits=1):
    return round(100 * part / whole, digits) if whole else None


# --- Labels -----------------------------------------------------------------------------------


def _labels():

    return {
        "requester": RequesterKind,
        "urgency": Urgency,
        "need": Need,
        "outcome": TriageOutcome,
        "closure": ClosureReason,
        "satisfaction": Satisfaction,
        "sex": Sex,
        "state": OrientationState,
        "refusal": RefusalReason,
        "theme": dict(Thematique.choices),
    }


# The states of a campaign's check call (cooperation.enums.CallState), in the observatory's
# words: the facts hold the keys, the observatory sits below the cooperation.
CALL_STATES = (
    ("to_call", gettext_lazy("à appeler")),
    ("reached", gettext_lazy("jointes, tout va bien")),
    ("escalated", gettext_lazy("à relayer (injoignables ou inquiétude)")),
    ("closed", gettext_lazy("closes")),
)
HOUR_BANDS = (
    ("d0", gettext_lazy("moins de 24 heures")),
    ("d1_2", gettext_lazy("1 à 2 jours")),
    ("d3_7", gettext_lazy("3 à 7 jours")),
    ("d8", gettext_lazy("plus de 7 jours")),
)
DAY_BANDS = (
    ("m0_3", gettext_lazy("moins de 3 mois")),
    ("m3_6", gettext_lazy("3 à 6 mois")),
    ("m6_12", gettext_lazy("6 à 12 mois")),
    ("m12", gettext_lazy("un an ou plus")),
)
AGE_BANDS = ("0-17", "18-39", "40-59", "60-74", "75-84", "85+")
# Commune types by population (the territory pack has no density grid): the classes INSEE
# long used, rural under 2,000 inhabitants.
COMMUNE_TYPES = (
    (2_000, gettext_lazy("Commune rurale (moins de 2 000 habitants)")),
    (10_000, gettext_lazy("Petite ville (2 000 à 9 999 habitants)")),
    (50_000, gettext_lazy("Ville moyenne (10 000 à 49 999 habitants)")),
    (None, gettext_lazy("Grande ville (50 000 habitants ou plus)")),
)


def commune_type(population: int | None) -> int:
    for index, (upper, _label) in enumerate(COMMUNE_TYPES):
        if upper is None or (population or 0) < upper:
            return index
    return len(COMMUNE_TYPES) - 1


def _theme_parent(code: str) -> str:
    return code.split("--", 1)[0]


def _theme_label(labels, code: str) -> str:
    if not code:
        return _("Besoin non précisé")
    return str(labels["theme"].get(code, code))


# --- The indicators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A key figure. Where it may reveal a small count, it says from what: `cell` (the same
    value in a table: slug, row index or "total", column index or "total"), `count` (it is a
    count itself), `base` (a mean or a rate over that many cases)."""

    label: str
    text: str
    cell: tuple | None = None
    count: int | None = None
    base: int | None = None


@dataclass
class Indicators:
    scope: Scope
    figures: list[Figure]
    tables: list[Table]
    map_points: list[dict]
    # Requests of the period whose person has no known commune: they count for France only.
    unplaced: int = 0

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)

    def figure_texts(self) -> list[tuple[str, str]]:
        return [(f.label, f.text) for f in self.figures]


def _fr(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


@dataclass
class _Reading:
    """What compute() reads once for a scope, shared by the families of indicators; each
    family leaves in `totals` what the key figures need."""

    scope: Scope
    labels: dict
    request_rows: list[tuple]
    opened_rows: list[tuple]
    closed_rows: list[tuple]
    orientation_rows: list[tuple]
    totals: dict = field(default_factory=dict)

    def in_period(self, row) -> bool:
        return row[0] >= self.scope.start


def compute(scope: Scope) -> Indicators:
    # Each family is read once (grouped by month and keys), then summed as each table needs.
    reading = _Reading(
        scope=scope,
        labels=_labels(),
        request_rows=_rows(scope, "request", "month", "key", "key2"),
        opened_rows=_rows(scope, "pathway_opened", "month", since_start=False),
        closed_rows=_rows(scope, "pathway_closed", "month", "key", "key2", since_start=False),
        orientation_rows=_rows(scope, "orientation", "month", "key", "key2"),
    )
    tables = [
        *_activity(reading),
        *_requests(reading),
        *_pathways(reading),
        *_orientations(reading),
        *_unmet(reading),
        *_regulation(reading),
        *_coverage(reading),
        *_people(reading),
    ]
    unplaced = (
        Fact.objects.filter(
            family="request", commune__isnull=True, month__gte=scope.start, month__lte=scope.end
        ).aggregate(n=Sum("n"))["n"]
        or 0
    )
    return Indicators(
        scope=scope,
        figures=_figures(reading),
        tables=tables,
        map_points=reading.totals["map_points"],
        unplaced=unplaced,
    )


def _activity(reading: _Reading) -> list[Table]:
    """Activity per month: requests, pathways opened and closed, orientations sent."""
    scope = reading.scope
    tables: list[Table] = []
    request_rows, opened_rows = reading.request_rows, reading.opened_rows
    closed_rows, orientation_rows = reading.closed_rows, reading.orientation_rows
    in_period = reading.in_period
    # Activity per month.
    requests_month = _group(request_rows, 0)
    opened_month = _group(opened_rows, 0, where=in_period)
    closed_month = _group(closed_rows, 0, where=in_period)
    orientations_month = _group(orientation_rows, 0)
    tables.append(
        Table(
            "activite-mensuelle",
            _("Activité mois par mois"),
            _("Mois"),
            [
                _("Demandes d'appui reçues"),
                _("Parcours ouverts"),
                _("Parcours clos"),
                _("Orientations envoyées"),
            ],
            [
                (
                    month_label(m),
                    [
                        _n(requests_month, m),
                        _n(opened_month, m),
                        _n(closed_month, m),
                        _n(orientations_month, m),
                    ],
                )
                for m in scope.months
            ],
            chart="series",
            additive="columns",
        )
    )
    return tables


def _requests(reading: _Reading) -> list[Table]:
    """Requests by requester and urgency, the needs they name, and triage by delay."""
    scope, labels = reading.scope, reading.labels
    tables: list[Table] = []
    request_rows = reading.request_rows
    # Requests: who asked and how urgent; the needs named.
    requests = _group(request_rows, 1, 2)
    kinds, urgencies = labels["requester"], labels["urgency"]
    tables.append(
        Table(
            "demandes",
            _("Demandes d'appui reçues, selon qui demande et l'urgence"),
            _("Qui demande"),
            [str(label) for label in urgencies.labels],
            [
                (str(kind.label), [_n(requests, (kind.value, u)) for u in urgencies.values])
                for kind in kinds
            ],
        )
    )
    needs = _counts(scope, "request_need", "key")
    tables.append(
        Table(
            "demandes-besoins",
            _("Besoins repérés dans les demandes"),
            _("Besoin"),
            [_("Demandes")],
            [(str(need.label), [_n(needs, need.value)]) for need in labels["need"]],
            additive="columns",
        )
    )

    # Triage: outcome by delay band.
    triage = _counts(scope, "triage", "key", "key2")
    tables.append(
        Table(
            "tri",
            _("Issue du tri, selon le délai entre la demande et le tri"),
            _("Issue du tri"),
            [str(label) for _key, label in HOUR_BANDS],
            [
                (str(o.label), [_n(triage, (o.value, band)) for band, _label in HOUR_BANDS])
                for o in labels["outcome"]
            ],
        )
    )
    triaged = sum(n for n, _t in triage.values())
    triage_hours = sum(t for _n2, t in triage.values())
    reading.totals.update(requests=requests, triaged=triaged, triage_hours=triage_hours)
    return tables


def _pathways(reading: _Reading) -> list[Table]:
    """Pathways open at the start and the end, their closures, the person's satisfaction."""
    scope, labels = reading.scope, reading.labels
    tables: list[Table] = []
    opened_rows, closed_rows = reading.opened_rows, reading.closed_rows
    in_period = reading.in_period
    opened_month = _group(opened_rows, 0, where=in_period)
    closed_month = _group(closed_rows, 0, where=in_period)
    # Pathways: open at the start, opened, closed, open at the end.
    opened_before = sum(row[-2] for row in opened_rows)
    closed_before = sum(row[-2] for row in closed_rows)
    opened = sum(n for n, _t in opened_month.values())
    closed = sum(n for n, _t in closed_month.values())
    open_end = opened_before - closed_before
    open_start = open_end - opened + closed
    tables.append(
        Table(
            "parcours",
            _("Parcours complexes sur la période"),
            _("Parcours"),
            [_("Nombre")],
            [
                (_("En cours au début de la période"), [open_start]),
                (_("Ouverts"), [opened]),
                (_("Clos"), [closed]),
                (_("En cours à la fin de la période"), [open_end]),
            ],
            additive="none",
        )
    )
    closures = _group(closed_rows, 1, 2, where=in_period)
    tables.append(
        Table(
            "parcours-clotures",
            _("Parcours clos, selon la raison de la clôture et la durée"),
            _("Raison de la clôture"),
            [str(label) for _key, label in DAY_BANDS],
            [
                (str(c.label), [_n(closures, (c.value, band)) for band, _label in DAY_BANDS])
                for c in labels["closure"]
            ],
        )
    )
    closed_days = sum(t for _n2, t in closures.values())
    satisfaction = _counts(scope, "satisfaction", "key")
    tables.append(
        Table(
            "satisfaction",
            _("Satisfaction des personnes à la clôture"),
            _("Réponse de la personne"),
            [_("Personnes")],
            [(str(s.label), [_n(satisfaction, s.value)]) for s in labels["satisfaction"]],
            additive="columns",
        )
    )
    # The crisis campaigns' check calls (heat waves, cold spells), by where they stand.
    calls = _counts(scope, "check_call", "key")
    tables.append(
        Table(
            "appels-de-verification",
            _("Appels de vérification des campagnes de crise (canicule, grand froid)"),
            _("Où en est l'appel"),
            [_("Personnes")],
            [(str(label), [_n(calls, key)]) for key, label in CALL_STATES],
            additive="columns",
        )
    )
    reading.totals.update(opened=opened, closed=closed, open_end=open_end, closed_days=closed_days)
    return tables


def _orientations(reading: _Reading) -> list[Table]:
    """Orientations by need and state, the services' answer delays, the refusals."""
    scope, labels = reading.scope, reading.labels
    tables: list[Table] = []
    orientation_rows = reading.orientation_rows
    # Orientations by need (parent theme) and state now.
    states = labels["state"]
    orientations: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (theme, state), (n, _t) in _group(orientation_rows, 1, 2).items():
        orientations[_theme_parent(theme)][state] += n
    answers = _counts(scope, "orientation_answer", "key2")
    theme_rows = sorted(orientations.items(), key=lambda item: -sum(item[1].values()))
    tables.append(
        Table(
            "orientations",
            _("Orientations envoyées, selon le besoin et où elles en sont"),
            _("Besoin"),
            [str(label) for label in states.labels],
            [
                (_theme_label(labels, theme), [by_state[s] for s in states.values])
                for theme, by_state in theme_rows
            ],
        )
    )
    tables.append(
        Table(
            "orientations-delai",
            _("Délai de réponse des structures aux orientations"),
            _("Délai"),
            [_("Orientations")],
            [(str(label), [_n(answers, band)]) for band, label in HOUR_BANDS],
            additive="columns",
        )
    )
    refusals = _counts(scope, "refusal", "key2")
    tables.append(
        Table(
            "orientations-refus",
            _("Orientations refusées, selon le motif"),
            _("Motif du refus"),
            [_("Orientations")],
            [(str(r.label), [_n(refusals, r.value)]) for r in labels["refusal"]],
            additive="columns",
        )
    )
    reading.totals.update(orientations=orientations, answers=answers)
    return tables


def _unmet(reading: _Reading) -> list[Table]:
    """Unmet needs: searches without result, refused or expired orientations, plan needs."""
    scope, labels = reading.scope, reading.labels
    tables: list[Table] = []
    orientations = reading.totals["orientations"]
    # Unmet needs: searches with no result, refused and expired orientations, plan needs.
    unmet: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for theme, (n, _t) in _counts(scope, "unmet_search_theme", "key").items():
        unmet[_theme_parent(theme)][0] += n
    for theme, by_state in orientations.items():
        unmet[theme][1] += by_state.get("refused", 0)
        unmet[theme][2] += by_state.get("expired", 0)
    tables.append(
        Table(
            "besoins-non-couverts",
            _("Besoins non couverts, selon le besoin cherché dans l'annuaire"),
            _("Besoin"),
            [
                _("Recherches sans résultat"),
                _("Orientations refusées"),
                _("Orientations expirées sans réponse"),
            ],
            [
                (_theme_label(labels, theme), values)
                for theme, values in sorted(unmet.items(), key=lambda item: -sum(item[1]))
                if any(values)
            ],
            additive="columns",
            open_columns=(0,),  # refusals and expiries are in "orientations"
        )
    )
    plan_unmet = _counts(scope, "plan_unmet", "key")
    tables.append(
        Table(
            "besoins-sans-ressource",
            _("Besoins des plans personnalisés sans ressource disponible sur le territoire"),
            _("Besoin"),
            [_("Objectifs")],
            [(str(need.label), [_n(plan_unmet, need.value)]) for need in labels["need"]],
            additive="columns",
        )
    )
    searches = _counts(scope, "unmet_search", "key2")
    reading.totals.update(searches=searches)
    return tables


PLACE_MODES = (
    ("emergency", gettext_lazy("Urgence (115)")),
    (regulation.Mode.CENTRALISED.value, gettext_lazy("Hébergement et logement (SIAO)")),
    (regulation.Mode.APPLICATIONS.value, gettext_lazy("Établissements (dossier unique)")),
)
PLACEMENT_BANDS = (
    ("w1", gettext_lazy("moins d'une semaine")),
    ("m1", gettext_lazy("1 semaine à 1 mois")),
    ("m3", gettext_lazy("1 à 3 mois")),
    ("m6", gettext_lazy("3 à 6 mois")),
    ("m6plus", gettext_lazy("plus de 6 mois")),
)
PROPOSAL_SOURCES = (
    (regulation.Engine.OPTIMUM.value, gettext_lazy("Propositions (optimum global)")),
    (regulation.Engine.GREEDY.value, gettext_lazy("Propositions (règle gloutonne)")),
    ("application", gettext_lazy("Candidatures en établissement")),
)


def _regulation(reading: _Reading) -> list[Table]:
    """Places: requests, the 115's unmet requests and why, time to a place, refusals by
    party and reason, proposals and admissions, vacancy-days lost, places today."""
    scope = reading.scope
    tables: list[Table] = []
    requests = _counts(scope, "place_request", "key")
    placements = _counts(scope, "placement", "key", "key2")
    tables.append(
        Table(
            "demandes-de-place",
            _("Demandes de place envoyées et admissions, selon le mode"),
            _("Mode"),
            [_("Demandes"), _("Admissions")],
            [
                (
                    str(label),
                    [
                        _n(requests, key),
                        sum(_n(placements, (key, band)) for band, _l in PLACEMENT_BANDS),
                    ],
                )
                for key, label in PLACE_MODES
            ],
            additive="columns",
        )
    )
    nights = _counts(scope, "place_night", "key", "key2")
    night_rows = [
        (
            str(regulation.EmergencyOutcome.SHELTERED.label),
            _n(nights, (regulation.EmergencyOutcome.SHELTERED.value, "")),
        ),
        *[
            (str(reason.label), _n(nights, (regulation.EmergencyOutcome.UNMET.value, reason.value)))
            for reason in regulation.UnmetReason
        ],
    ]
    answered = sum(n for _label, n in night_rows)
    tables.append(
        Table(
            "demandes-non-pourvues",
            _("Nuits du 115 : mises à l'abri et demandes non pourvues, avec leur motif"),
            _("Issue"),
            [_("Demandes"), _("Part des demandes (%)")],
            [(label, [n, _ratio(n, answered)]) for label, n in night_rows],
            counts=False,
            masks={0: (1,)},
        )
    )
    tables.append(
        Table(
            "delai-admission",
            _("Délai entre la première demande et l'admission"),
            _("Mode"),
            [str(label) for _band, label in PLACEMENT_BANDS],
            [
                (str(label), [_n(placements, (key, band)) for band, _l in PLACEMENT_BANDS])
                for key, label in PLACE_MODES
            ],
        )
    )
    refusals = _counts(scope, "place_refusal", "key", "key2")
    reasons = [r for r in regulation.PlaceRefusalReason if any(k[1] == r.value for k in refusals)]
    tables.append(
        Table(
            "refus-de-places",
            _("Refus de places, selon qui refuse et le motif"),
            _("Motif"),
            [str(party.label) for party in regulation.Party],
            [
                (
                    str(reason.label),
                    [_n(refusals, (party.value, reason.value)) for party in regulation.Party],
                )
                for reason in reasons
            ],
        )
    )
    proposals = _counts(scope, "place_proposal", "key", "key2")
    admitted = {
        regulation.ProposalState.ADMITTED.value,
        regulation.ApplicationState.ADMITTED.value,
    }
    rows = []
    for key, label in PROPOSAL_SOURCES:
        made = sum(n for (k, _state), (n, _t) in proposals.items() if k == key)
        taken = sum(
            n for (k, state), (n, _t) in proposals.items() if k == key and state in admitted
        )
        rows.append((str(label), [made, taken, _ratio(taken, made)]))
    tables.append(
        Table(
            "propositions-admissions",
            _("Propositions et candidatures, et celles qui ont abouti à une admission"),
            _("Origine"),
            [_("Propositions"), _("Admissions"), _("Part d'admissions (%)")],
            rows,
            counts=False,
            masks={0: (2,), 1: (2,)},
        )
    )
    lost = _counts(scope, "vacancy_days", "key")
    stock = _counts(scope, "place_stock", "key", "key2", since_start=False)
    kinds = [
        k
        for k in regulation.ProgrammeKind
        if _n(lost, k.value) or any(key[0] == k.value for key in stock)
    ]
    tables.append(
        Table(
            "journees-vacantes",
            _("Places vacantes alors qu'une demande attendait : journées perdues"),
            _("Dispositif"),
            [_("Vacances"), _("Journées perdues")],
            [
                (str(k.label), [_n(lost, k.value), round(lost.get(k.value, (0, 0))[1])])
                for k in kinds
            ],
            counts=False,
            masks={0: (1,)},
        )
    )
    tables.append(
        Table(
            "occupation-des-places",
            _("Places aujourd'hui : occupées et vacantes"),
            _("Dispositif"),
            [_("Places occupées"), _("Places vacantes"), _("Taux d'occupation (%)")],
            [
                (
                    str(k.label),
                    [
                        _n(stock, (k.value, "taken")),
                        _n(stock, (k.value, "vacant")),
                        _ratio(
                            _n(stock, (k.value, "taken")),
                            _n(stock, (k.value, "taken")) + _n(stock, (k.value, "vacant")),
                        ),
                    ],
                )
                for k in kinds
            ],
            counts=False,
            masks={0: (2,), 1: (2,)},
        )
    )
    return tables


def _coverage(reading: _Reading) -> list[Table]:
    """The directory's offer today, per need and per 10,000 inhabitants."""
    scope, labels = reading.scope, reading.labels
    tables: list[Table] = []
    # The directory's coverage today: listed services per need per 10,000 inhabitants.
    coverage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    today = Scope(
        scope.key, scope.label, scope.communes, scope.population, dt.date.min, dt.date.max
    )
    for (theme, freshness), (n, _t) in _counts(today, "service", "key", "key2").items():
        coverage[_theme_parent(theme)][0] += n
        if freshness == "stale":
            coverage[_theme_parent(theme)][1] += n
    per = scope.population / 10_000 if scope.population else 0
    tables.append(
        Table(
            "couverture",
            _("Offre de l'annuaire aujourd'hui, selon le besoin"),
            _("Besoin"),
            [
                _("Services"),
                _("Services pour 10 000 habitants"),
                _("Dont pas à jour"),
                _("Part pas à jour (%)"),
            ],
            [
                (
                    _theme_label(labels, theme),
                    [n, round(n / per, 2) if per else None, stale, _ratio(stale, n)],
                )
                for theme, (n, stale) in sorted(coverage.items(), key=lambda item: -item[1][0])
            ],
            counts=False,
            note=_(
                "Un service compte pour chacun de ses besoins. Un service n'est pas à jour quand "
                "il n'a pas été revu dans le délai qu'il s'est fixé."
            ),
        )
    )
    return tables


def _people(reading: _Reading) -> list[Table]:
    """The people reached: age and sex, and commune type against the population."""
    scope, labels = reading.scope, reading.labels
    tables: list[Table] = []
    # People reached: sex by age band; commune type against the population.
    reached = _counts(scope, "reached", "key", "key2")
    sexes = labels["sex"]
    tables.append(
        Table(
            "personnes-age-sexe",
            _("Personnes accompagnées pour la première fois, selon l'âge et le sexe"),
            _("Âge"),
            [str(label) for label in sexes.labels],
            [
                (
                    _("%(band)s ans") % {"band": band} if band else _("Âge non connu"),
                    [_n(reached, (s, band)) for s in sexes.values],
                )
                for band in (*AGE_BANDS, "")
            ],
        )
    )
    reached_commune = _counts(scope, "reached", "commune_id")
    map_points, by_type = _places(scope, reached_commune)
    reached_total = sum(n for n, _t in reached.values())
    placed_total = sum(people for people, _p in by_type)  # people whose commune is known
    population_total = sum(p for _r, p in by_type)
    tables.append(
        Table(
            "personnes-type-commune",
            _("Personnes accompagnées et population, selon le type de commune"),
            _("Type de commune"),
            [
                _("Personnes accompagnées"),
                _("Part des personnes (%)"),
                _("Part de la population (%)"),
                _("Personnes pour 10 000 habitants"),
            ],
            [
                (
                    str(label),
                    [
                        people,
                        _ratio(people, placed_total),
                        _ratio(population, population_total),
                        round(10_000 * people / population, 1) if population else None,
                    ],
                )
                for (_upper, label), (people, population) in zip(
                    COMMUNE_TYPES, by_type, strict=True
                )
            ],
            counts=False,
            # Shares and rates reveal the count they are computed from.
            masks={0: (1, 3)},
        )
    )
    reading.totals.update(map_points=map_points, reached_total=reached_total)
    return tables


def _figures(reading: _Reading) -> list[Figure]:
    """The key figures, from what the families left in `reading.totals`."""
    scope, t = reading.scope, reading.totals
    requests, triaged, triage_hours = t["requests"], t["triaged"], t["triage_hours"]
    opened, open_end, closed, closed_days = (
        t["opened"],
        t["open_end"],
        t["closed"],
        t["closed_days"],
    )
    orientations, answers, searches = t["orientations"], t["answers"], t["searches"]
    reached_total = t["reached_total"]
    requests_total = sum(n for n, _t in requests.values())
    answered = sum(n for n, _t in answers.values())
    answer_hours = sum(t for _n2, t in answers.values())
    sent = sum(sum(by_state.values()) for by_state in orientations.values())
    outcomes = _counts(scope, "answer_outcome", "key2")
    accepted, refused = _n(outcomes, "accepted"), _n(outcomes, "refused")
    total = ("total", "total")
    days = _("%(d)s jours")
    searched = sum(n for n, _t in searches.values())
    figures = [
        Figure(_("Demandes d'appui reçues"), _fr(requests_total), cell=("demandes", *total)),
        Figure(
            _("Délai moyen de tri"),
            days % {"d": _fr(triage_hours / triaged / 24, 1)} if triaged else "—",
            base=triaged,
        ),
        Figure(_("Parcours ouverts"), _fr(opened), cell=("parcours", 1, 0)),
        Figure(
            _("Parcours en cours à la fin de la période"), _fr(open_end), cell=("parcours", 3, 0)
        ),
        Figure(
            _("Durée moyenne des parcours clos"),
            days % {"d": _fr(closed_days / closed)} if closed else "—",
            base=closed,
        ),
        Figure(_("Orientations envoyées"), _fr(sent), cell=("orientations", *total)),
        Figure(
            _("Orientations acceptées, parmi celles qui ont reçu une réponse"),
            f"{_fr(_ratio(accepted, accepted + refused), 0)} %" if accepted + refused else "—",
            base=accepted + refused,
        ),
        Figure(
            _("Délai moyen de réponse aux orientations"),
            days % {"d": _fr(answer_hours / answered / 24, 1)} if answered else "—",
            base=answered,
        ),
        Figure(_("Recherches sans résultat dans l'annuaire"), _fr(searched), count=searched),
        Figure(
            _("Personnes accompagnées pour la première fois"),
            _fr(reached_total),
            cell=("personnes-age-sexe", *total),
        ),
        Figure(
            _("Personnes accompagnées pour 10 000 habitants"),
            _fr(10_000 * reached_total / scope.population, 1) if scope.population else "—",
            base=reached_total,
        ),
    ]
    return figures


def _places(scope: Scope, reached_commune: dict):
    """The map's points (communes with people reached, with their population) and, per
    commune type, (people reached, population)."""

    communes = Commune.objects.all()
    if scope.communes is not None:
        communes = communes.filter(code__in=scope.communes)
    by_type = [[0, 0] for _t in COMMUNE_TYPES]
    points = []
    in_scope = set(scope.communes) if scope.communes is not None else None
    rows = communes.values_list(
        "code",
        "kind",
        "name",
        "population",
        "parent_id",
        "parent__population",
        "latitude",
        "longitude",
    )
    for code, kind_code, name, population, parent, parent_population, lat, lon in rows:
        people = _n(reached_commune, code)
        # An arrondissement is of its commune's type (Paris 1er is part of a large town).
        kind = commune_type(parent_population if kind_code != "COM" else population)
        by_type[kind][0] += people
        # A municipal arrondissement's inhabitants are already its commune's, unless the
        # commune as a whole is not in the territory.
        counted = kind_code == "COM" or (in_scope is not None and parent not in in_scope)
        by_type[kind][1] += (population or 0) if counted else 0
        if people and lat is not None:
            points.append(
                {
                    "code": code,
                    "name": name,
                    "lat": lat,
                    "lon": lon,
                    "people": people,
                    "population": population or 0,
                }
            )
    return points, [tuple(pair) for pair in by_type]


# --- Scopes -----------------------------------------------------------------------------------


def _population(codes) -> int:
    """The inhabitants of the communes, plus those of arrondissements whose commune is not
    there as a whole (an arrondissement's inhabitants are already its commune's)."""

    if codes is None:
        qs = Commune.objects.filter(kind="COM")
    else:
        qs = Commune.objects.filter(code__in=codes).filter(
            Q(kind="COM") | ~Q(parent_id__in=codes) | Q(parent__isnull=True)
        )
    return qs.aggregate(p=Sum("population"))["p"] or 0


def territory_choices() -> list[tuple[str, str]]:
    """The territories offered by name: the platform's, the saved ones (micro-territories…),
    and France as a whole. Départements, EPCI and communes are typed as codes."""

    choices = []
    competence = PlatformSettings.current().competence_territory
    if competence is not None:
        choices.append((f"ter-{competence.public_id}", competence.name))
    for territory in Territory.objects.exclude(pk=getattr(competence, "pk", None)).order_by("name"):
        choices.append((f"ter-{territory.public_id}", territory.name))
    choices.append(("fr", _("Toute la France")))
    return choices


def default_territory_key() -> str:

    competence = PlatformSettings.current().competence_territory
    if competence is not None:
        return f"ter-{competence.public_id}"
    code = default_departement()
    return f"dep-{code}" if code else "fr"


def resolve_territory(key: str) -> tuple[str, tuple[str, ...] | None] | None:
    """(label, commune codes or None for everywhere) for a territory key, or None if the key
    names nothing: "fr", "dep-85", "epci-200071165", "com-85191", "ter-<uuid>"."""

    kind, _sep, code = key.partition("-")
    if key == "fr":
        return str(_("Toute la France")), None
    if kind == "dep":
        departement = Departement.objects.filter(code=code).first()
        if departement is None:
            return None
        return f"{departement.name} ({departement.code})", _with_arrondissements(
            Q(departement=departement)
        )
    if kind == "epci":
        epci = Epci.objects.filter(code=code).first()
        if epci is None:
            return None
        return epci.name, _with_arrondissements(Q(epci=epci))
    if kind == "com":
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            return None
        return f"{commune.name} ({commune.code})", _with_arrondissements(Q(code=commune.code))
    if kind == "ter":
        try:
            public_id = uuid.UUID(code)
        except ValueError:
            return None
        territory = Territory.objects.filter(public_id=public_id).first()
        if territory is None:
            return None
        return territory.name, _with_arrondissements(Q(territories=territory))
    return None


def _with_arrondissements(where: Q) -> tuple[str, ...]:
    """The communes matching `where`, with the municipal arrondissements of those that have
    some (people and services in Paris, Lyon and Marseille are placed in arrondissements)."""

    parents = Commune.objects.filter(where)
    codes = Commune.objects.filter(Q(pk__in=parents.values("pk")) | Q(parent__in=parents))
    return tuple(codes.order_by("code").values_list("code", flat=True))


def make_scope(key: str, start: dt.date, end: dt.date) -> Scope | None:
    resolved = resolve_territory(key)
    if resolved is None:
        return None
    label, codes = resolved
    return Scope(key, label, codes, _population(codes), start, end)
