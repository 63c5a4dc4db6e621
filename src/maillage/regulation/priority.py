"""Priority policies: ordered tiers of points, a fit term per household and place, and the
penalty for a refused place (none unless the SIAO sets one).

A policy is data (`Policy.from_data` reads what `regulation.models.PriorityPolicy` keeps);
`breakdown` says, tier by tier, why a request stands where it does; `scores` computes the
same numbers for a whole column of requests (numpy), and both agree by construction of the
tests (tests/regulation/test_priority.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.regulation.enums import Tier

# Bounds that keep every score an exact integer for the min-cost flow (int64 costs).
MAX_POINTS = 100_000
MAX_CAP = 3_650


@dataclass(frozen=True)
class TierRule:
    tier: str
    points: int  # per unit: per level of urgency, per day waited, per vulnerability
    cap: int = 0  # the most units counted (0: no limit within MAX_CAP)

    def units(self, standing: Standing, policy: Policy) -> int:
        if self.tier == Tier.DALO:
            raw = int(standing.dalo)
        elif self.tier == Tier.URGENCY:
            raw = standing.urgency
        elif self.tier == Tier.SENIORITY:
            raw = policy.counted_days(standing.waiting_days, standing.refusals)
        else:
            raw = standing.vulnerabilities
        limit = self.cap or MAX_CAP
        return max(0, min(raw, limit))


@dataclass(frozen=True)
class Standing:
    """What priority reads of a request."""

    dalo: bool = False
    urgency: int = 0
    waiting_days: int = 0
    vulnerabilities: int = 0
    refusals: int = 0  # places the person herself refused


@dataclass(frozen=True)
class Policy:
    tiers: tuple[TierRule, ...]
    refusal_penalty_days: int = 0  # seniority lost per place refused: none by default
    base: int = 1_000  # what any match is worth, so that matching more people counts
    preferred_commune: int = 0  # fit: the place is in a commune she asked for
    empty_bed: int = 0  # fit: points lost per bed left empty in the unit

    @classmethod
    def from_data(cls, data: dict) -> Policy:
        return cls(
            tiers=tuple(
                TierRule(t["tier"], int(t["points"]), int(t.get("cap") or 0))
                for t in data.get("tiers", ())
            ),
            refusal_penalty_days=int(data.get("refusal_penalty_days") or 0),
            base=int(data.get("base", 1_000)),
            preferred_commune=int(data.get("preferred_commune") or 0),
            empty_bed=int(data.get("empty_bed") or 0),
        )

    def as_data(self) -> dict:
        return {
            "tiers": [{"tier": t.tier, "points": t.points, "cap": t.cap} for t in self.tiers],
            "refusal_penalty_days": self.refusal_penalty_days,
            "base": self.base,
            "preferred_commune": self.preferred_commune,
            "empty_bed": self.empty_bed,
        }

    def counted_days(self, waiting_days: int, refusals: int) -> int:
        return max(0, waiting_days - self.refusal_penalty_days * refusals)


DEFAULT_POLICY = Policy(
    tiers=(
        TierRule(Tier.DALO, 20_000),
        TierRule(Tier.URGENCY, 5_000),
        TierRule(Tier.VULNERABILITY, 600, cap=5),
        TierRule(Tier.SENIORITY, 1, cap=730),
    ),
    preferred_commune=200,
    empty_bed=150,
)


def problems(policy: Policy) -> list[str]:
    """What makes a policy unusable, in French (empty when it can be published)."""
    found = []
    seen = set()
    for position, tier in enumerate(policy.tiers, start=1):
        if tier.tier not in Tier.values:
            found.append(_("Palier %(n)s : critère inconnu.") % {"n": position})
        if tier.tier in seen:
            found.append(_("Palier %(n)s : ce critère est déjà compté.") % {"n": position})
        seen.add(tier.tier)
        if not 0 <= tier.points <= MAX_POINTS:
            found.append(
                _("Palier %(n)s : les points vont de 0 à %(max)s.")
                % {"n": position, "max": MAX_POINTS}
            )
        if not 0 <= tier.cap <= MAX_CAP:
            found.append(
                _("Palier %(n)s : le plafond va de 0 à %(max)s.") % {"n": position, "max": MAX_CAP}
            )
    if not 0 <= policy.refusal_penalty_days <= MAX_CAP:
        found.append(_("La pénalité de refus va de 0 à %(max)s jours.") % {"max": MAX_CAP})
    for value in (policy.base, policy.preferred_commune, policy.empty_bed):
        if not 0 <= value <= MAX_POINTS:
            found.append(_("Les points d'adéquation vont de 0 à %(max)s.") % {"max": MAX_POINTS})
            break
    return found


@dataclass(frozen=True)
class Line:
    tier: str
    units: int
    points: int
    text: str


def breakdown(policy: Policy, standing: Standing) -> list[Line]:
    lines = []
    for tier in policy.tiers:
        units = tier.units(standing, policy)
        lines.append(
            Line(tier.tier, units, units * tier.points, _tier_text(tier, units, standing, policy))
        )
    return lines


def _tier_text(tier: TierRule, units: int, standing: Standing, policy: Policy) -> str:
    if tier.tier == Tier.DALO:
        return (
            _("reconnu·e prioritaire DALO/DAHO") if units else _("pas de reconnaissance DALO/DAHO")
        )
    if tier.tier == Tier.URGENCY:
        return _("niveau d'urgence %(n)s sur 3") % {"n": units}
    if tier.tier == Tier.VULNERABILITY:
        return ngettext("%(n)s vulnérabilité", "%(n)s vulnérabilités", units) % {"n": units}
    text = ngettext("%(n)s jour d'ancienneté compté", "%(n)s jours d'ancienneté comptés", units) % {
        "n": units
    }
    lost = standing.waiting_days - policy.counted_days(standing.waiting_days, standing.refusals)
    if lost:
        text += " " + _("(%(d)s jours retirés après un refus)") % {"d": lost}
    return text


def score(policy: Policy, standing: Standing) -> int:
    return sum(line.points for line in breakdown(policy, standing))


@dataclass
class StandingTable:
    dalo: np.ndarray
    urgency: np.ndarray
    waiting_days: np.ndarray
    vulnerabilities: np.ndarray
    refusals: np.ndarray

    @classmethod
    def of(cls, standings: Sequence[Standing]) -> StandingTable:
        n = len(standings)

        def column(attribute):
            return np.fromiter((int(getattr(s, attribute)) for s in standings), np.int64, n)

        return cls(
            *(column(a) for a in ("dalo", "urgency", "waiting_days", "vulnerabilities", "refusals"))
        )


def scores(policy: Policy, table: StandingTable) -> np.ndarray:
    total = np.zeros(len(table.dalo), dtype=np.int64)
    for tier in policy.tiers:
        if tier.tier == Tier.DALO:
            raw = table.dalo
        elif tier.tier == Tier.URGENCY:
            raw = table.urgency
        elif tier.tier == Tier.SENIORITY:
            raw = np.maximum(0, table.waiting_days - policy.refusal_penalty_days * table.refusals)
        else:
            raw = table.vulnerabilities
        units = np.clip(raw, 0, tier.cap or MAX_CAP)
        total += units * tier.points
    return total


def ranking(priority: np.ndarray, waiting_days: np.ndarray) -> np.ndarray:
    """Rows in rank order: the highest score first, then the longest wait, then the row's
    own order (stable: equal inputs, equal ranks)."""
    return np.lexsort((np.arange(len(priority)), -waiting_days, -priority))
