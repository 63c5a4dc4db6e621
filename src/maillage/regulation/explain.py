"""The engine's answers in words: both engines side by side, why a proposal was made (the
rules passed, the priority breakdown, the runners-up), why a request was not proposed a
given place, and what a draft policy would change."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.regulation import eligibility, matching, priority, queries
from maillage.regulation.enums import (
    LIVE_PROPOSAL_STATES,
    Engine,
    PlaceRequestState,
    ProgrammeKind,
    VacancyState,
)
from maillage.regulation.models import Refusal


@dataclass
class Outcome:
    engine: str
    assignment: matching.Assignment
    seconds: float


@dataclass
class Comparison:
    board: queries.Board
    pairs: matching.Pairs
    outcomes: dict[str, Outcome]
    pairs_seconds: float

    def figures(self) -> dict:
        greedy, best = self.outcomes[Engine.GREEDY], self.outcomes[Engine.OPTIMUM]
        g_rows = {row for _c, row in greedy.assignment.pairs()}
        o_rows = {row for _c, row in best.assignment.pairs()}
        return {
            "requests": len(self.board.requests),
            "places": sum(c.capacity for c in self.board.classes),
            "classes": len(self.board.classes),
            "pairs": len(self.pairs),
            "pairs_ms": round(self.pairs_seconds * 1000, 1),
            **{
                engine: {
                    "matched": o.assignment.count,
                    "total": o.assignment.total,
                    "ms": round(o.seconds * 1000, 1),
                }
                for engine, o in self.outcomes.items()
            },
            "only_greedy": len(g_rows - o_rows),
            "only_optimum": len(o_rows - g_rows),
        }


def compare(board: queries.Board) -> Comparison:
    started = time.perf_counter()
    pairs = matching.eligible_pairs(board.demand, board.classes, board.policy)
    pairs_seconds = time.perf_counter() - started
    outcomes = {}
    for engine, solve in ((Engine.GREEDY, matching.greedy), (Engine.OPTIMUM, matching.optimum)):
        started = time.perf_counter()
        assignment = solve(board.demand, board.classes, pairs)
        outcomes[engine] = Outcome(engine, assignment, time.perf_counter() - started)
    return Comparison(board, pairs, outcomes, pairs_seconds)


def ranks(board: queries.Board) -> np.ndarray:
    """The rank (1 = first) of each row of the board under its policy."""
    order = priority.ranking(board.demand.priority, board.demand.waiting_days)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    return rank


def preference_lines(place_request, kind: str, commune: str) -> list[dict]:
    """Her wishes against the place, as verdicts."""
    lines = []
    kinds = set(place_request.recommended_kinds)
    if place_request.preferred_kinds:
        kinds &= set(place_request.preferred_kinds)
    label = str(ProgrammeKind(kind).label) if kind in ProgrammeKind.values else kind
    lines.append(
        {
            "passed": kind in kinds,
            "text": (
                _("%(k)s : préconisé et accepté")
                if kind in kinds
                else _("%(k)s : ni préconisé ni souhaité")
            )
            % {"k": label},
        }
    )
    wanted = set(place_request.preferred_communes)
    if wanted:
        inside = commune in wanted
        lines.append(
            {
                "passed": inside,
                "text": _("dans une commune qu'elle a demandée")
                if inside
                else _("hors des communes qu'elle a demandées"),
            }
        )
    else:
        lines.append({"passed": True, "text": _("aucune commune demandée : tout le territoire")})
    return lines


def explanation(comparison: Comparison, engine: str, c: int, row: int, rank: np.ndarray) -> dict:
    """What a proposal keeps of why it was made (frozen with it)."""
    board = comparison.board
    place = board.classes[c]
    record = board.requests[row]
    household = queries.household_of(record, record.members, board.today)
    standing = queries.standing_of(record, board.today)
    rows, weights = comparison.pairs.of(c)
    chosen = np.asarray(comparison.outcomes[engine].assignment.matches[c], dtype=np.int64)
    others = rows[~np.isin(rows, chosen)]
    if len(others) > 3:  # the three best-ranked, without sorting them all
        others = others[np.argpartition(rank[others], 3)[:3]]
    others = others[np.argsort(rank[others], kind="stable")]
    at = int(np.searchsorted(rows, row))  # rows are in increasing order (np.flatnonzero)
    weight = int(weights[at]) if at < len(rows) and rows[at] == row else 0
    return {
        "engine": engine,  # the policy is the run's (a published policy never changes)
        "rules": [
            {"text": v.text, "passed": v.passed, "rule": v.rule.as_data()}
            for v in eligibility.verdicts(place.rules, household)
        ],
        "preferences": preference_lines(record, place.kind, place.commune),
        "breakdown": [
            {"tier": line.tier, "points": line.points, "text": line.text}
            for line in priority.breakdown(board.policy, standing)
        ],
        "score": int(board.demand.priority[row]),
        "weight": weight,
        "rank": int(rank[row]),
        "eligible": len(rows),
        "runners_up": [
            {
                "request": str(board.requests[r].public_id),
                "rank": int(rank[r]),
                "score": int(board.demand.priority[r]),
            }
            for r in others.tolist()
        ],
    }


def why_not(place_request, vacancy, policy: priority.Policy, today=None) -> dict:
    """« Pourquoi pas moi ? » for a request and a place: the rules, her wishes, a refusal
    of this place before, the state of the request, and who stands before her."""
    today = today or timezone.localdate()
    unit = vacancy.unit
    programme = unit.programme
    structure_rules = [r.rule() for r in programme.structure.place_requirements.all()]
    rules = queries.rules_of_unit(unit, programme, structure_rules)
    household = queries.household_of(place_request, list(place_request.members.all()), today)
    verdicts = eligibility.verdicts(rules, household)
    preferences = preference_lines(place_request, programme.kind, queries.place_commune(programme))
    reasons = [v.text for v in verdicts if not v.passed] + [
        p["text"] for p in preferences if not p["passed"]
    ]
    if Refusal.objects.filter(request=place_request, unit=unit).exists():
        reasons.append(
            _("cette place a déjà été refusée pour ce ménage : elle ne lui est plus proposée")
        )
    if place_request.state != PlaceRequestState.WAITING:
        reasons.append(
            _("la demande est « %(s)s », pas en attente d'une place")
            % {"s": PlaceRequestState(place_request.state).label}
        )
    if vacancy.state in (VacancyState.FILLED, VacancyState.WITHDRAWN):
        reasons.append(
            _("cette place n'est plus libre (« %(s)s »)") % {"s": VacancyState(vacancy.state).label}
        )
    if (
        vacancy.proposals.filter(state__in=list(LIVE_PROPOSAL_STATES))
        .exclude(request=place_request)
        .exists()
    ):
        reasons.append(_("cette place est déjà proposée à un autre ménage"))
    ahead = None
    if not reasons and place_request.regulator_id:
        board = queries.board_for(place_request.regulator_id, policy, today)
        place = matching.PlaceClass(
            units=[vacancy],
            kind=programme.kind,
            commune=queries.place_commune(programme),
            persons=unit.persons,
            rules=rules,
        )
        pairs = matching.eligible_pairs(board.demand, [place], policy)
        rank = ranks(board)
        mine = next((i for i, r in enumerate(board.requests) if r.pk == place_request.pk), None)
        if mine is not None:
            rows, _weights = pairs.of(0)
            ahead = int(sum(1 for r in rows.tolist() if rank[r] < rank[mine]))
            reasons.append(
                ngettext(
                    "%(n)s ménage éligible à cette place est mieux classé",
                    "%(n)s ménages éligibles à cette place sont mieux classés",
                    ahead,
                )
                % {"n": ahead}
                if ahead
                else _(
                    "elle est la première éligible à cette place : "
                    "une proposition peut lui être faite"
                )
            )
    return {
        "rules": [{"text": v.text, "passed": v.passed} for v in verdicts],
        "preferences": preferences,
        "reasons": reasons,
        "ahead": ahead,
        "breakdown": [
            {"tier": line.tier, "points": line.points, "text": line.text}
            for line in priority.breakdown(policy, queries.standing_of(place_request, today))
        ],
    }


def simulate(
    regulator_id: int, draft: priority.Policy, current: priority.Policy, today=None
) -> dict:
    """What the draft policy would change today, against the one in force: matches, the
    priority served, who gains a place and who loses one, the largest moves in rank."""
    today = today or timezone.localdate()
    before = compare(queries.board_for(regulator_id, current, today))
    after_board = queries.board_for(regulator_id, draft, today)
    after = compare(after_board)
    ids = [r.public_id for r in after_board.requests]
    matched_before = {row for _c, row in before.outcomes[Engine.OPTIMUM].assignment.pairs()}
    matched_after = {row for _c, row in after.outcomes[Engine.OPTIMUM].assignment.pairs()}
    rank_before, rank_after = ranks(before.board), ranks(after_board)
    moves = sorted(range(len(ids)), key=lambda r: -abs(int(rank_before[r]) - int(rank_after[r])))[
        :10
    ]
    return {
        "before": before.figures(),
        "after": after.figures(),
        "gains": [
            str(ids[r]) for r in sorted(matched_after - matched_before, key=lambda r: rank_after[r])
        ],
        "losses": [
            str(ids[r])
            for r in sorted(matched_before - matched_after, key=lambda r: rank_before[r])
        ],
        "moves": [
            {"request": str(ids[r]), "before": int(rank_before[r]), "after": int(rank_after[r])}
            for r in moves
            if rank_before[r] != rank_after[r]
        ],
    }


def tonight_matches(place_request, places, today=None) -> list[dict]:
    """Tonight's free emergency places for this household, those that fit first, each with
    what does not fit in words."""
    today = today or timezone.localdate()
    household = queries.household_of(place_request, list(place_request.members.all()), today)
    found = []
    for vacancy in places:
        unit = vacancy.unit
        programme = unit.programme
        structure_rules = [r.rule() for r in programme.structure.place_requirements.all()]
        rules = queries.rules_of_unit(unit, programme, structure_rules)
        failed = [v.text for v in eligibility.verdicts(rules, household) if not v.passed]
        commune = programme.commune.name if programme.commune_id else ""
        found.append(
            {
                "vacancy": vacancy,
                "label": f"{programme.name} — {unit.label}" + (f" ({commune})" if commune else ""),
                "fits": not failed,
                "reasons": failed,
            }
        )
    found.sort(key=lambda p: (not p["fits"], p["label"]))
    return found
