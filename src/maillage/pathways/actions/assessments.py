"""Assessments of a pathway (domains, AGGIR, Zarit)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.pathways import access, aggir
from maillage.pathways.actions._common import date_within
from maillage.pathways.enums import (
    EventKind,
    Need,
    NeedLevel,
)
from maillage.pathways.inputs import AssessmentIn
from maillage.pathways.models import (
    Assessment,
    DomainAssessment,
    TimelineEvent,
)
from maillage.pathways.scores import zarit_score


def assessment_record(*, actor, pathway, data: AssessmentIn, acting=None) -> Assessment:
    """Record a dated assessment: a level of need (with notes and sources) for every domain,
    the person's own words, and optionally the AGGIR grid (→ GIR) and the caregiver's
    mini-Zarit (→ burden)."""
    assessed_on, person_words, aggir_grid, zarit = (
        data.assessed_on,
        data.person_words,
        data.aggir_grid,
        data.zarit,
    )
    domains = {
        getattr(need, "value", need): (
            getattr(domain.level, "value", domain.level),
            domain.notes,
            domain.sources,
        )
        for need, domain in data.domains.items()
    }
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if set(domains) != set(Need.values):
        raise ValidationError(
            _("Évaluez chaque domaine, même pour dire qu'il n'y a pas de besoin.")
        )
    for level, _notes, _sources in domains.values():
        if level not in NeedLevel.values:
            raise ValidationError(_("Niveau de besoin inconnu."))
    gir = None
    if aggir_grid:
        try:
            gir = aggir.gir(aggir_grid).gir
        except aggir.AggirError as error:
            raise ValidationError(_("Grille AGGIR incomplète : %(e)s") % {"e": error}) from None
    burden = zarit_score(zarit) if zarit else None
    today = timezone.localdate()
    opened = timezone.localdate(pathway.opened_at)
    date_within(
        assessed_on,
        min(opened, today) - dt.timedelta(days=365),
        today,
        "assessed_on",
        _(
            "L'évaluation est datée d'aujourd'hui au plus tard, et d'un an au plus avant "
            "l'ouverture du parcours (%(d)s)."
        )
        % {"d": date_format(opened, "j F Y")},
    )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            pathway=pathway,
            assessed_on=assessed_on,
            assessor=actor,
            person_words=person_words.strip(),
            aggir={k: aggir_grid[k].upper() for k in aggir.VARIABLES} if aggir_grid else {},
            gir=gir,
            zarit_answers=dict(zarit or {}),
            caregiver_burden=burden,
            lives_alone=data.lives_alone,
            declared_fragility=data.declared_fragility,
            created_by=actor,
        )
        DomainAssessment.objects.bulk_create(
            [
                DomainAssessment(
                    assessment=assessment,
                    domain=domain,
                    level=level,
                    notes=notes.strip(),
                    sources=sources.strip(),
                )
                for domain, (level, notes, sources) in domains.items()
            ]
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=timezone.now(),
            kind=EventKind.ASSESSED,
            actor=actor,
            summary=_("GIR %(gir)s") % {"gir": gir} if gir else "",
        )
        audit.record(
            "assessment.create",
            actor=audit.actor_of(actor, acting),
            obj=assessment,
            details={"pathway": str(pathway.public_id)},
        )
    return assessment
