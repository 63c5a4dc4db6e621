"""The 115: a call taken in under a minute, tonight's places matched at once, and what
became of the night — sheltered, or unmet with its reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.regulation import access, explain, queries
from maillage.regulation.actions._common import record_move, vacancies_move
from maillage.regulation.actions.requests import birth_plausible, identity_key
from maillage.regulation.enums import (
    EMERGENCY_KINDS,
    REGULATOR,
    EmergencyOutcome,
    MemberRole,
    MemberSex,
    Mode,
    PlaceRequestState,
    PlaceUrgency,
    VacancyState,
    Vulnerability,
)
from maillage.regulation.inputs import EmergencyCallIn, NightIn
from maillage.regulation.models import Member, Night, PlaceRequest
from maillage.territories.queries import commune_by_code


def emergency_call(*, actor, data: EmergencyCallIn, acting=None, now=None) -> PlaceRequest:
    now = now or timezone.now()
    siaos = access.answering_calls(actor)
    if not siaos:
        raise PermissionDenied
    if data.regulator is not None:
        regulator = queries.regulator_by_public_id(data.regulator)
        if regulator is None or regulator.pk not in siaos:
            raise ValidationError({"regulator": _("Vous ne prenez pas les appels de ce SIAO.")})
    elif len(siaos) == 1:
        regulator = queries.regulators().get(pk=siaos[0])
    else:
        raise ValidationError({"regulator": _("Choisissez le SIAO de l'appel.")})
    commune = None
    if data.commune:
        commune = commune_by_code(data.commune)
        if commune is None:
            raise ValidationError({"commune": _("Cette commune n'existe pas.")})
    today = timezone.localdate(now)
    if not birth_plausible(data.birth_date, today):
        raise ValidationError({"birth_date": _("Cette date de naissance n'est pas plausible.")})
    with transaction.atomic():
        place_request = PlaceRequest.objects.create(
            commune=commune,
            regulator=regulator,
            mode=Mode.CENTRALISED,
            prescriber=actor,
            prescriber_organisation=regulator,
            emergency=True,
            tonight_location=data.tonight_location.strip(),
            urgency=PlaceUrgency.IMMEDIATE,
            first_requested_on=today,
            recommended_kinds=sorted(EMERGENCY_KINDS),
            vulnerabilities=[Vulnerability.CHILDREN] if data.children else [],
            pets=data.pets,
            reduced_mobility=data.reduced_mobility,
            support_needs=data.needs.strip(),
            consent_at=now,
            consent_by=actor,
            identity_key=identity_key(data.first_name, data.last_name, data.birth_date, data.sex),
            created_by=actor,
        )
        members = [
            Member(
                request=place_request,
                role=MemberRole.APPLICANT,
                first_name=data.first_name.strip(),
                last_name=data.last_name.strip(),
                birth_date=data.birth_date,
                sex=data.sex,
                position=0,
            )
        ]
        for n in range(2, data.adults + 1):
            members.append(
                Member(
                    request=place_request,
                    role=MemberRole.PARTNER if n == 2 else MemberRole.OTHER,
                    first_name=_("Adulte %(n)s") % {"n": n},
                    last_name=data.last_name.strip(),
                    sex=MemberSex.UNSAID,
                    position=len(members),
                )
            )
        for n in range(1, data.children + 1):
            members.append(
                Member(
                    request=place_request,
                    role=MemberRole.CHILD,
                    first_name=_("Enfant %(n)s") % {"n": n},
                    last_name=data.last_name.strip(),
                    position=len(members),
                )
            )
        Member.objects.bulk_create(members)
        record_move(
            place_request, PlaceRequestState.WAITING, actor=actor, note=_("Appel au 115"), now=now
        )
        audit.record("emergency.call", actor=audit.actor_of(actor, acting), obj=place_request)
    return place_request


def emergency_night(*, actor, place_request, data: NightIn, acting=None, now=None) -> Night:
    """What became of tonight: a place of tonight's (the household is sheltered, the place
    is taken), or no place, and why."""
    now = now or timezone.now()
    night = timezone.localdate(now)
    if not (
        place_request.emergency and place_request.regulator_id in access.answering_calls(actor)
    ):
        raise PermissionDenied
    vacancy = None
    if data.outcome == EmergencyOutcome.SHELTERED:
        if data.vacancy is None:
            raise ValidationError({"vacancy": _("Choisissez la place attribuée ce soir.")})
        vacancy = next(
            (
                v
                for v in queries.tonight_places([place_request.regulator_id], night)
                if v.public_id == data.vacancy
            ),
            None,
        )
        if vacancy is None:
            raise ValidationError({"vacancy": _("Cette place n'est plus libre ce soir.")})
        (fit,) = explain.tonight_matches(place_request, [vacancy], night)
        if not fit["fits"]:
            raise ValidationError({"vacancy": "; ".join(fit["reasons"])})
        if data.reason:
            raise ValidationError(
                {"reason": _("Un motif de non-attribution ne va pas avec une mise à l'abri.")}
            )
    elif data.reason is None:
        raise ValidationError({"reason": _("Dites pourquoi aucune place n'a été attribuée.")})
    try:
        with transaction.atomic():
            locked = PlaceRequest.objects.select_for_update().get(pk=place_request.pk)
            if locked.state != PlaceRequestState.WAITING:
                raise ValidationError(_("Cette demande n'attend plus de place ce soir."))
            if vacancy is not None:
                taken = vacancies_move(
                    [vacancy.pk],
                    VacancyState.OPEN,
                    VacancyState.FILLED,
                    REGULATOR,
                    closed_at=now,
                    closed_by=actor,
                    closed_note=_("115"),
                )
                if not taken:
                    raise ValidationError({"vacancy": _("Cette place vient d'être attribuée.")})
            outcome = Night.objects.create(
                request=locked,
                night=night,
                outcome=data.outcome,
                reason=data.reason or "",
                vacancy=vacancy,
                recorded_at=now,
                recorded_by=actor,
            )
            if vacancy is not None:
                record_move(
                    locked,
                    PlaceRequestState.ADMITTED,
                    actor=actor,
                    note=f"{vacancy.unit.programme.name} — {vacancy.unit.label}",
                    now=now,
                )
            audit.record(
                "emergency.shelter" if vacancy is not None else "emergency.unmet",
                actor=audit.actor_of(actor, acting),
                obj=locked,
                details={
                    "reason": data.reason or "",
                    "vacancy": str(vacancy.public_id) if vacancy else "",
                },
            )
    except IntegrityError as error:
        raise ValidationError(_("La nuit de ce ménage est déjà enregistrée.")) from error
    return outcome
