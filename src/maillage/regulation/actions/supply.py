"""The supply: programmes, their places and admission rules, and the vacancies declared."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core import audit
from maillage.core.notify import notify
from maillage.regulation import access, queries
from maillage.regulation.actions._common import vacancy_move
from maillage.regulation.enums import (
    LIST_CRITERIA,
    NUMBER_CRITERIA,
    OPERATORS_OF,
    REGULATOR,
    STRUCTURE,
    Criterion,
    Mode,
    Operator,
    VacancyState,
    mode_of,
)
from maillage.regulation.inputs import NoteIn, ProgrammeIn, RequirementIn, UnitIn, VacancyIn
from maillage.regulation.models import Programme, Requirement, Unit, Vacancy
from maillage.territories.queries import commune_by_code


def programme_create(*, actor, data: ProgrammeIn, acting=None) -> Programme:
    structure = queries.structure_for_programme(actor, data.structure)
    if structure is None:
        raise PermissionDenied
    regulator = None
    if mode_of(data.kind) == Mode.CENTRALISED:
        if data.regulator is None:
            raise ValidationError(
                {"regulator": _("Dites quel SIAO régule les places de ce dispositif.")}
            )
        regulator = queries.regulator_by_public_id(data.regulator)
        if regulator is None:
            raise ValidationError({"regulator": _("Ce SIAO n'existe pas.")})
        # A structure's own team declares which SIAO regulates its places; a regulator
        # keeps places only for her own SIAO.
        own_team = structure.organisation_id is not None and structure.organisation_id in (
            access.receiving(actor)
        )
        if not own_team and regulator.pk not in access.regulating(actor):
            raise ValidationError(
                {"regulator": _("Vous ne pouvez déclarer des places que pour votre SIAO.")}
            )
    commune = None
    if data.commune:
        commune = commune_by_code(data.commune)
        if commune is None:
            raise ValidationError({"commune": _("Cette commune n'existe pas.")})
    with transaction.atomic():
        programme = Programme.objects.create(
            structure=structure,
            kind=data.kind,
            name=data.name.strip(),
            regulator=regulator,
            commune=commune or structure.commune,
            address=data.address.strip() or structure.address,
            support_included=data.support_included,
            answer_within_days=data.answer_within_days,
            created_by=actor,
        )
        audit.record("programme.save", actor=audit.actor_of(actor, acting), obj=programme)
    return programme


def unit_add(*, actor, programme, data: UnitIn, acting=None) -> list[Unit]:
    """Add places to a programme: `count` identical units, numbered after the label."""
    if not access.can_manage_programme(actor, programme):
        raise PermissionDenied
    label = data.label.strip()
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        names = [label] if data.count == 1 else [f"{label} {n}" for n in range(1, data.count + 1)]
        taken = set(programme.units.filter(label__in=names).values_list("label", flat=True))
        if taken:
            raise ValidationError(
                {"label": _("Une place porte déjà ce nom : %(n)s.") % {"n": sorted(taken)[0]}}
            )
        units = Unit.objects.bulk_create(
            [
                Unit(
                    programme=programme,
                    label=name,
                    unit_type=data.unit_type,
                    rooms=data.rooms,
                    persons=data.persons,
                    accessible=data.accessible,
                    created_by=actor,
                )
                for name in names
            ]
        )
        audit.record(
            "unit.save",
            actor=audit.actor_of(actor, acting),
            obj=programme,
            details={"units": [str(u.public_id) for u in units]},
        )
    return units


def _requirement_checked(data: RequirementIn) -> dict:
    if data.operator not in OPERATORS_OF[data.criterion]:
        raise ValidationError(
            {
                "operator": _("Ce critère ne se règle pas ainsi : choisissez %(ops)s.")
                % {
                    "ops": ", ".join(
                        str(Operator(o).label) for o in sorted(OPERATORS_OF[data.criterion])
                    )
                }
            }
        )
    if data.criterion in NUMBER_CRITERIA:
        if data.number is None:
            raise ValidationError({"number": _("Indiquez la valeur de ce critère.")})
        if data.criterion == Criterion.GIR and not 1 <= data.number <= 6:
            raise ValidationError({"number": _("Le GIR va de 1 à 6.")})
        return {"number": data.number, "values": []}
    if data.criterion in LIST_CRITERIA:
        if not data.values:
            raise ValidationError({"values": _("Choisissez au moins une valeur.")})
        return {"number": None, "values": sorted({str(v) for v in data.values})}
    return {"number": None, "values": []}


def requirement_add(*, actor, programme, data: RequirementIn, acting=None) -> Requirement:
    """An admission rule on the programme, or on one of its places: it replaces, on its
    criterion, what a higher level says."""
    if not access.can_manage_programme(actor, programme):
        raise PermissionDenied
    values = _requirement_checked(data)
    unit = None
    if data.unit is not None:
        unit = queries.unit_of(programme, data.unit)
        if unit is None:
            raise ValidationError({"unit": _("Cette place n'est pas dans ce dispositif.")})
    if data.whole_structure:
        if unit is not None:
            raise ValidationError(
                {"unit": _("Un critère vaut pour une place ou pour la structure.")}
            )
        if not access.can_set_structure_rules(actor, programme.structure):
            raise ValidationError(
                {
                    "unit": _(
                        "Un critère pour toute la structure est posé par son équipe, ou par le "
                        "SIAO qui régule tous ses dispositifs."
                    )
                }
            )
    with transaction.atomic():
        if data.whole_structure:
            target = {"structure": programme.structure}
        elif unit is not None:
            target = {"unit": unit}
        else:
            target = {"programme": programme}
        same = Requirement.objects.filter(criterion=data.criterion, **target)
        if data.operator in (Operator.AT_MOST, Operator.AT_LEAST):
            same = same.filter(operator=data.operator)
        same.delete()  # one rule per criterion and level: the new one replaces the old
        requirement = Requirement.objects.create(
            criterion=data.criterion, operator=data.operator, **values, **target
        )
        audit.record(
            "requirement.save",
            actor=audit.actor_of(actor, acting),
            obj=programme,
            details={
                "criterion": data.criterion,
                "operator": data.operator,
                "unit": str(unit.public_id) if unit else "",
                "structure": data.whole_structure,
            },
        )
    return requirement


def requirement_remove(*, actor, programme, requirement_id, acting=None) -> None:
    """`requirement_id`: the rule's public id."""
    if not access.can_manage_programme(actor, programme):
        raise PermissionDenied
    with transaction.atomic():
        requirement = Requirement.objects.filter(
            Q(programme=programme)
            | Q(unit__programme=programme)
            | Q(structure_id=programme.structure_id),
            public_id=requirement_id,
        ).first()
        if requirement is None:
            raise ValidationError(_("Ce critère n'existe plus."))
        if requirement.structure_id is not None and not access.can_set_structure_rules(
            actor, programme.structure
        ):
            raise PermissionDenied
        criterion = requirement.criterion
        requirement.delete()
        audit.record(
            "requirement.save",
            actor=audit.actor_of(actor, acting),
            obj=programme,
            details={"criterion": criterion, "removed": True},
        )


def vacancy_declare(*, actor, programme, data: VacancyIn, acting=None, now=None) -> Vacancy:
    """The structure says a place is free (from a date, or tonight): the SIAO must answer
    within the programme's delay."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not access.can_manage_programme(actor, programme):
        raise PermissionDenied
    unit = queries.unit_of(programme, data.unit)
    if unit is None or not unit.active:
        raise ValidationError({"unit": _("Cette place n'est pas dans ce dispositif.")})
    if data.available_from < today - dt.timedelta(days=7):
        raise ValidationError(
            {"available_from": _("Cette date est passée depuis plus d'une semaine.")}
        )
    if data.available_from > today + dt.timedelta(days=365):
        raise ValidationError({"available_from": _("Cette date est à plus d'un an.")})
    if data.tonight and data.available_from > today:
        raise ValidationError({"tonight": _("Une place libre ce soir est libre aujourd'hui.")})
    start = max(data.available_from, today)
    try:
        with transaction.atomic():
            vacancy = Vacancy.objects.create(
                unit=unit,
                available_from=data.available_from,
                tonight=data.tonight,
                answer_due_on=start + dt.timedelta(days=programme.answer_within_days),
                created_by=actor,
            )
            audit.record(
                "vacancy.declare",
                actor=audit.actor_of(actor, acting),
                obj=vacancy,
                details={"unit": str(unit.public_id), "from": data.available_from.isoformat()},
            )
    except IntegrityError as error:
        raise ValidationError({"unit": _("Cette place est déjà déclarée vacante.")}) from error
    return vacancy


def vacancy_withdraw(*, actor, vacancy, data: NoteIn, acting=None, now=None) -> Vacancy:
    """The place is no longer free (taken outside regulation, closed for works…)."""
    now = now or timezone.now()
    programme = vacancy.unit.programme
    if not access.can_manage_programme(actor, programme):
        raise PermissionDenied
    with transaction.atomic():
        locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        if locked.state != VacancyState.OPEN:
            raise ValidationError(
                _("Cette place a déjà une proposition en cours : répondez à la proposition.")
                if locked.state == VacancyState.PROPOSED
                else _("Cette vacance est déjà close.")
            )
        vacancy_move(
            locked,
            VacancyState.WITHDRAWN,
            REGULATOR if programme.regulator_id in access.regulating(actor) else STRUCTURE,
        )
        locked.closed_at = now
        locked.closed_by = actor
        locked.closed_note = data.note.strip()
        locked.save(update_fields=["state", "closed_at", "closed_by", "closed_note", "updated_at"])
        audit.record("vacancy.withdraw", actor=audit.actor_of(actor, acting), obj=locked)
    return locked


def vacancies_overdue(*, today=None) -> int:
    """Each morning, the SIAO is told of the places whose answer delay ran out yesterday
    (the home page keeps counting them until they are answered): a stalled step is flagged,
    never left silent. Returns how many places were flagged."""
    today = today or timezone.localdate()
    late = (
        Vacancy.objects.filter(
            state=VacancyState.OPEN,
            answer_due_on=today - dt.timedelta(days=1),
            unit__programme__regulator__isnull=False,
        )
        .values("unit__programme__regulator_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    flagged = 0
    for row in late:
        notify(
            users=queries.regulator_team(row["unit__programme__regulator_id"]),
            message=ngettext(
                "%(n)s place vacante attend votre réponse au-delà du délai.",
                "%(n)s places vacantes attendent votre réponse au-delà du délai.",
                row["n"],
            )
            % {"n": row["n"]},
            link=reverse("regulation:runs"),
            email_subject=_("Places vacantes sans réponse"),
        )
        flagged += row["n"]
    return flagged
