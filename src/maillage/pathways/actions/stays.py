"""Hospital stays: admission, discharge checklist, discharge."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.notify import notify
from maillage.core.workflows import check_move
from maillage.pathways import access
from maillage.pathways.actions._common import (
    _circle_except,
)
from maillage.pathways.enums import (
    DISCHARGE_CHECKLIST,
    STAY_TRANSITIONS,
    EventKind,
    StayState,
)
from maillage.pathways.inputs import DischargeIn, StayCheckIn, StayIn
from maillage.pathways.models import (
    DischargeItem,
    HospitalStay,
    Pathway,
    TimelineEvent,
)


def stay_admit(*, actor, pathway, data: StayIn, acting=None, now=None) -> HospitalStay:
    """Tell the circle that the person is in hospital. The discharge checklist opens at
    once: going home is prepared from the first day."""
    facility, admitted_on, expected_discharge_on = (
        data.facility,
        data.admitted_on,
        data.expected_discharge_on,
    )
    now = now or timezone.now()
    facility = (facility or "").strip()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if not facility or admitted_on is None:
        raise ValidationError(_("Dites dans quel établissement et depuis quand."))
    today = timezone.localdate(now)
    if admitted_on > today + dt.timedelta(days=60):
        raise ValidationError(_("La date d'entrée est trop lointaine."))
    # A stay in progress began within the last two years (a typing error otherwise: 1990).
    if admitted_on < today - dt.timedelta(days=2 * 366):
        raise ValidationError(_("La date d'entrée est trop ancienne pour un séjour en cours."))
    if expected_discharge_on is not None and expected_discharge_on < admitted_on:
        raise ValidationError(_("La sortie prévue ne peut pas précéder l'entrée."))
    if expected_discharge_on is not None and expected_discharge_on > today + dt.timedelta(days=366):
        raise ValidationError(_("La sortie prévue est à plus d'un an."))
    with transaction.atomic():
        Pathway.objects.select_for_update().get(pk=pathway.pk)
        if pathway.stays.filter(state=StayState.IN_HOSPITAL).exists():
            raise ValidationError(
                _("Une hospitalisation est déjà en cours : enregistrez d'abord la sortie.")
            )
        stay = HospitalStay.objects.create(
            pathway=pathway,
            facility=facility,
            admitted_on=admitted_on,
            expected_discharge_on=expected_discharge_on,
            created_by=actor,
        )
        DischargeItem.objects.bulk_create(
            [
                DischargeItem(stay=stay, code=code, position=position)
                for position, (code, _label) in enumerate(DISCHARGE_CHECKLIST)
            ]
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.ADMISSION,
            actor=actor,
            summary=f"{facility} — {admitted_on:%d/%m/%Y}",
        )
        audit.record(
            "stay.admit",
            actor=audit.actor_of(actor, acting),
            obj=stay,
            details={"pathway": str(pathway.public_id)},
        )
        notify(
            users=_circle_except(pathway, actor),
            message=_(
                "Une personne que vous accompagnez est hospitalisée : la préparation de sa "
                "sortie commence."
            ),
            link=reverse("pathways:stays", kwargs={"public_id": pathway.public_id}),
            email_subject=_("Hospitalisation d'une personne que vous accompagnez"),
        )
    return stay


def stay_check(*, actor, stay, data: StayCheckIn, acting=None, now=None) -> DischargeItem:
    """Tick (or untick) a line of the discharge checklist."""
    code, done = data.code, data.done
    now = now or timezone.now()
    if not access.can_contribute(actor, stay.pathway):
        raise PermissionDenied
    with transaction.atomic():
        item = DischargeItem.objects.select_for_update().filter(stay=stay, code=code).first()
        if item is None:
            raise ValidationError(_("Cette ligne n'existe pas dans la liste de sortie."))
        item.done_at = now if done else None
        item.done_by = actor if done else None
        item.save(update_fields=["done_at", "done_by"])
        audit.record(
            "stay.check",
            actor=audit.actor_of(actor, acting),
            obj=stay,
            details={"item": code, "done": done},
        )
    return item


def stay_discharge(*, actor, stay, data: DischargeIn, acting=None, now=None) -> HospitalStay:
    """The person left hospital: the circle is told, and sees what is left to do."""
    discharged_on, destination = data.discharged_on, data.destination
    now = now or timezone.now()
    if not access.can_contribute(actor, stay.pathway):
        raise PermissionDenied
    with transaction.atomic():
        locked = HospitalStay.objects.select_for_update().select_related("pathway").get(pk=stay.pk)
        check_move(
            STAY_TRANSITIONS,
            locked.state,
            StayState.DISCHARGED,
            message=_("Cette sortie est déjà enregistrée."),
        )
        if discharged_on is None or discharged_on < locked.admitted_on:
            raise ValidationError(_("La date de sortie ne peut pas précéder l'entrée."))
        if discharged_on > timezone.localdate() + dt.timedelta(days=1):
            raise ValidationError(_("La date de sortie est dans le futur."))
        locked.state = StayState.DISCHARGED
        locked.discharged_on = discharged_on
        locked.discharge_destination = (destination or "").strip()[:200]
        locked.save(update_fields=["state", "discharged_on", "discharge_destination", "updated_at"])
        left = locked.checklist.filter(done_at__isnull=True).count()
        TimelineEvent.objects.create(
            pathway=locked.pathway,
            occurred_at=now,
            kind=EventKind.DISCHARGE,
            actor=actor,
            summary=f"{locked.facility} — {discharged_on:%d/%m/%Y}",
        )
        audit.record(
            "stay.discharge",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"left_to_do": left},
        )
        notify(
            users=_circle_except(locked.pathway, actor),
            message=_("Une personne que vous accompagnez est sortie de l'hôpital.")
            if not left
            else _(
                "Une personne que vous accompagnez est sortie de l'hôpital : "
                "%(n)s point(s) de la liste de sortie restent à faire."
            )
            % {"n": left},
            link=reverse("pathways:stays", kwargs={"public_id": locked.pathway.public_id}),
            email_subject=_("Sortie d'hospitalisation d'une personne que vous accompagnez"),
        )
    return locked
