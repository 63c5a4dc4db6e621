"""Scores computed from answers: screening, suggested triage outcome, Zarit."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.core.models import PlatformSettings
from maillage.pathways.enums import (
    ZARIT_QUESTIONS,
    TriageOutcome,
    ZaritAnswer,
)
from maillage.pathways.models import (
    ScreeningQuestion,
)


def screening_score(answers: list[str]) -> int:
    """The weights of the checked questions of the active grid (unknown codes count 0)."""
    weights = dict(ScreeningQuestion.objects.filter(is_active=True).values_list("code", "weight"))
    return sum(weights.get(code, 0) for code in set(answers))


def suggested_outcome(score: int, threshold: int | None = None) -> str:
    threshold = threshold or PlatformSettings.current().complexity_threshold
    if score >= threshold:
        return TriageOutcome.PATHWAY
    if score * 2 >= threshold:
        return TriageOutcome.SUPPORT
    return TriageOutcome.INFORMATION


def zarit_score(answers: dict) -> Decimal:
    """The mini-Zarit total, 0 to 7: each of the seven answers counts 0, ½ or 1."""
    codes = {code for code, _text in ZARIT_QUESTIONS}
    if set(answers) != codes or any(a not in ZaritAnswer.values for a in answers.values()):
        raise ValidationError(_("Répondez aux sept questions sur le fardeau de l'aidant·e."))
    return sum((Decimal(a) for a in answers.values()), Decimal(0))
