"""Eligibility as data, evaluated by one engine.

A requirement says what a place asks of a household (« ne doit pas avoir d'animaux »,
« taille du ménage au plus 3 »). Requirements are set on a structure, on a programme and
on a place; a lower level replaces a higher one on the same criterion (`effective_rules`).
`verdicts` explains each rule in French for one household and one place; `eligible_mask`
evaluates the same rules on a whole table of households at once (numpy), for matching —
tests/regulation/test_eligibility.py checks that both always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.regulation.enums import (
    FLAG_CRITERIA,
    LEVEL_ORDER,
    LIST_CRITERIA,
    NUMBER_CRITERIA,
    OPERATORS_OF,
    Criterion,
    Level,
    MemberSex,
    Operator,
)


@dataclass(frozen=True)
class Rule:
    criterion: str
    operator: str
    value: int | tuple[str, ...] | None = None
    level: str = Level.UNIT

    def __post_init__(self):
        if self.operator not in OPERATORS_OF.get(self.criterion, ()):
            raise ValueError(f"{self.operator} does not apply to {self.criterion}")
        if self.criterion in NUMBER_CRITERIA and not isinstance(self.value, int):
            raise ValueError(f"{self.criterion} needs a number")
        if self.criterion in LIST_CRITERIA and not isinstance(self.value, tuple):
            raise ValueError(f"{self.criterion} needs a list of values")

    def key(self) -> tuple:
        return (self.criterion, self.operator, self.value)

    def as_data(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "criterion": self.criterion,
            "operator": self.operator,
            "value": value,
            "level": self.level,
        }


@dataclass(frozen=True)
class Household:
    """What eligibility reads of a household: counts and flags only, never names."""

    household_size: int = 1
    adults: int = 1
    children: int = 0
    adult_sexes: frozenset[str] = field(default_factory=frozenset)
    applicant_age: int | None = None
    couple: bool = False
    pets: bool = False
    reduced_mobility: bool = False
    gir: int | None = None
    resources: bool = False
    support_needed: bool = False


@dataclass(frozen=True)
class Verdict:
    rule: Rule
    passed: bool
    text: str


def effective_rules(levels: Iterable[tuple[str, Iterable[Rule]]]) -> tuple[Rule, ...]:
    """The rules in force on a place: each criterion (with its direction, so that an
    « au moins » and an « au plus » coexist) takes the rule of the lowest level that sets
    it (structure → programme → place) — except the household size's upper limit, which
    keeps the smallest of all (a place's capacity, a programme's own limit)."""
    ranked = sorted(levels, key=lambda pair: LEVEL_ORDER.index(pair[0]))
    chosen: dict[tuple[str, str], Rule] = {}
    for level, rules in ranked:
        for rule in rules:
            slot = (rule.criterion, _direction(rule.operator))
            before = chosen.get(slot)
            if (
                rule.criterion == Criterion.HOUSEHOLD_SIZE
                and rule.operator == Operator.AT_MOST
                and before is not None
                and before.value <= rule.value
            ):
                continue  # a size limit is never raised below: a place has its capacity
            chosen[slot] = Rule(rule.criterion, rule.operator, rule.value, level)
    return tuple(sorted(chosen.values(), key=lambda r: (r.criterion, r.operator)))


def _direction(operator: str) -> str:
    return operator if operator in (Operator.AT_MOST, Operator.AT_LEAST) else "flag"


def _flag(household: Household, criterion: str) -> bool:
    if criterion == Criterion.CHILDREN:
        return household.children > 0
    return bool(getattr(household, criterion))


def _number(household: Household, criterion: str) -> int | None:
    return getattr(household, criterion)


FLAG_WORDS = {
    Criterion.CHILDREN: (gettext_lazy("avec enfants"), gettext_lazy("sans enfant")),
    Criterion.COUPLE: (gettext_lazy("en couple"), gettext_lazy("sans conjoint·e")),
    Criterion.PETS: (gettext_lazy("avec un animal"), gettext_lazy("sans animal")),
    Criterion.REDUCED_MOBILITY: (
        gettext_lazy("à mobilité réduite"),
        gettext_lazy("sans besoin d'accessibilité"),
    ),
    Criterion.RESOURCES: (gettext_lazy("avec des ressources"), gettext_lazy("sans ressources")),
    Criterion.SUPPORT_NEEDED: (
        gettext_lazy("ayant besoin d'un accompagnement"),
        gettext_lazy("sans besoin d'accompagnement"),
    ),
}


def verdict(rule: Rule, household: Household) -> Verdict:
    """One rule for one household, explained in French either way."""
    c, op, value = rule.criterion, rule.operator, rule.value
    if c in FLAG_CRITERIA:
        has = _flag(household, c)
        yes, no = (str(w) for w in FLAG_WORDS[c])
        passed = has if op == Operator.MUST else not has
        said = yes if has else no
        asked = (
            _("place réservée aux ménages %(w)s") % {"w": yes}
            if op == Operator.MUST
            else _("place non ouverte aux ménages %(w)s") % {"w": yes}
        )
        text = _("ménage %(said)s : %(asked)s") % {"said": said, "asked": asked}
        return Verdict(rule, passed, text)
    if c in NUMBER_CRITERIA:
        number = _number(household, c)
        return Verdict(rule, _compare(number, op, value), _number_text(c, op, value, number))
    # MemberSex of every adult among the accepted ones.
    accepted = set(value or ())
    sexes = set(household.adult_sexes)
    passed = bool(sexes) and sexes <= accepted
    labels = ", ".join(
        str(MemberSex(s).label).lower() for s in sorted(accepted) if s in MemberSex.values
    )
    text = (
        _("adultes du ménage : accueil réservé (%(who)s)") % {"who": labels}
        if passed
        else _("un adulte du ménage n'entre pas dans l'accueil réservé (%(who)s)") % {"who": labels}
    )
    return Verdict(rule, passed, text)


def _compare(number: int | None, op: str, value: int) -> bool:
    if number is None:
        return False
    return number <= value if op == Operator.AT_MOST else number >= value


def _number_text(c: str, op: str, value: int, number: int | None) -> str:
    sign = "≤" if op == Operator.AT_MOST else "≥"
    bad = "> " if op == Operator.AT_MOST else "< "
    if c == Criterion.HOUSEHOLD_SIZE:
        said = ngettext("ménage de %(n)s personne", "ménage de %(n)s personnes", number) % {
            "n": number
        }
        limit = _("capacité %(v)s") if op == Operator.AT_MOST else _("minimum %(v)s")
        limit = limit % {"v": value}
    elif c == Criterion.APPLICANT_AGE:
        if number is None:
            return _("âge du demandeur inconnu (%(sign)s %(v)s ans demandé)") % {
                "sign": sign,
                "v": value,
            }
        said = _("demandeur de %(n)s ans") % {"n": number}
        limit = _("%(v)s ans") % {"v": value}
    else:
        if number is None:
            return _("GIR non évalué (GIR %(sign)s %(v)s demandé)") % {"sign": sign, "v": value}
        said = _("GIR %(n)s") % {"n": number}
        limit = _("GIR %(v)s") % {"v": value}
    passed = _compare(number, op, value)
    return f"{said} {sign if passed else bad.strip()} {limit}"


def verdicts(rules: Sequence[Rule], household: Household) -> list[Verdict]:
    return [verdict(rule, household) for rule in rules]


def eligible(rules: Sequence[Rule], household: Household) -> bool:
    return all(v.passed for v in verdicts(rules, household))


# -- the same rules on a table of households ------------------------------------------------

SEX_BITS = {MemberSex.FEMALE: 1, MemberSex.MALE: 2, MemberSex.UNSAID: 4}
UNKNOWN = -1


@dataclass
class HouseholdTable:
    """Households as columns (numpy), row i being the i-th request."""

    household_size: np.ndarray
    children: np.ndarray
    adult_sexes: np.ndarray  # bits of SEX_BITS
    applicant_age: np.ndarray  # UNKNOWN when not said
    couple: np.ndarray
    pets: np.ndarray
    reduced_mobility: np.ndarray
    gir: np.ndarray  # UNKNOWN when not evaluated
    resources: np.ndarray
    support_needed: np.ndarray

    @classmethod
    def of(cls, households: Sequence[Household]) -> HouseholdTable:
        def column(values, dtype):
            return np.fromiter(values, dtype=dtype, count=len(households))

        return cls(
            household_size=column((h.household_size for h in households), np.int16),
            children=column((h.children for h in households), np.int16),
            adult_sexes=column(
                (sum(SEX_BITS[s] for s in h.adult_sexes) for h in households), np.int8
            ),
            applicant_age=column(
                (UNKNOWN if h.applicant_age is None else h.applicant_age for h in households),
                np.int16,
            ),
            couple=column((h.couple for h in households), bool),
            pets=column((h.pets for h in households), bool),
            reduced_mobility=column((h.reduced_mobility for h in households), bool),
            gir=column((UNKNOWN if h.gir is None else h.gir for h in households), np.int8),
            resources=column((h.resources for h in households), bool),
            support_needed=column((h.support_needed for h in households), bool),
        )

    def __len__(self) -> int:
        return len(self.household_size)


def rule_mask(rule: Rule, table: HouseholdTable) -> np.ndarray:
    c, op, value = rule.criterion, rule.operator, rule.value
    if c in FLAG_CRITERIA:
        has = table.children > 0 if c == Criterion.CHILDREN else getattr(table, c)
        return has if op == Operator.MUST else ~has
    if c in NUMBER_CRITERIA:
        column = getattr(table, c)
        known = column != UNKNOWN
        compared = column <= value if op == Operator.AT_MOST else column >= value
        return known & compared
    accepted = sum(SEX_BITS[s] for s in (value or ()) if s in SEX_BITS)
    return (table.adult_sexes != 0) & ((table.adult_sexes & ~accepted) == 0)


def eligible_mask(rules: Sequence[Rule], table: HouseholdTable) -> np.ndarray:
    mask = np.ones(len(table), dtype=bool)
    for rule in rules:
        mask &= rule_mask(rule, table)
    return mask
