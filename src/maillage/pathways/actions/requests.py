"""Support requests: submitted, withdrawn, the person informed; orientations from a
request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Organisation
from maillage.core import audit
from maillage.core.notify import notify
from maillage.core.pipeline import found
from maillage.directory import actions as directory_actions
from maillage.directory.access import can_orient
from maillage.directory.queries import published_service
from maillage.pathways import access, queries
from maillage.pathways.actions._common import (
    _check_codes,
    _lock_request,
    _membership_of,
    identity_key,
)
from maillage.pathways.actions.triage import _move
from maillage.pathways.enums import (
    COORDINATOR,
    URGENCY_RANK,
    ConsentMode,
    EventKind,
    InformationItem,
    Need,
    Recipient,
    RequesterKind,
    RequestState,
    Sex,
    Urgency,
)
from maillage.pathways.inputs import RequestOrientIn, SupportRequestIn
from maillage.pathways.models import (
    Pathway,
    Person,
    SupportRequest,
    TimelineEvent,
)
from maillage.territories.models import Commune


def support_request_submit(
    *, actor, data: SupportRequestIn, acting=None, now=None
) -> SupportRequest:
    """Record a demande d'appui, with what the person was told and agreed to, and tell the
    platform's coordinators."""
    (
        requester_kind,
        person_first_name,
        person_last_name,
        person_birth_date,
        person_sex,
        person_phone,
        gp_name,
        reason,
        needs,
        urgency,
        tried,
        gp_informed,
        gp_agrees,
        consent_mode,
        information_items,
        recipients,
    ) = (
        data.requester_kind,
        data.person_first_name,
        data.person_last_name,
        data.person_birth_date,
        data.person_sex,
        data.person_phone,
        data.gp_name,
        data.reason,
        data.needs,
        data.urgency,
        data.tried,
        data.gp_informed,
        data.gp_agrees,
        data.consent_mode,
        data.information_items,
        data.recipients,
    )
    now = now or timezone.now()
    if not access.can_request_support(actor):
        raise PermissionDenied
    platform = found(
        Organisation.objects.filter(
            public_id=data.platform, kind=OrganisationKind.PLATFORM, is_active=True
        ).first(),
        "support_request.create",
        "accounts.organisation",
        data.platform,
        what="plateforme",
    )
    person_commune = None
    if data.person_commune:
        person_commune = Commune.objects.filter(code=data.person_commune).first()
        if person_commune is None:
            raise ValidationError(_("Commune inconnue : %(code)s.") % {"code": data.person_commune})
    if not person_first_name.strip() or not person_last_name.strip():
        raise ValidationError(_("Le prénom et le nom de la personne sont nécessaires."))
    if not reason.strip():
        raise ValidationError(_("Dites en quelques mots pourquoi vous demandez un appui."))
    if urgency not in Urgency.values or requester_kind not in RequesterKind.values:
        raise ValidationError(_("Urgence ou demandeur inconnu."))
    _check_codes(needs, Need, _("Besoin inconnu."))
    _check_codes([person_sex], Sex, _("Sexe inconnu."))
    if len(person_phone.strip()) > 30:
        raise ValidationError(_("Le téléphone de la personne : 30 caractères au plus."))
    _check_codes(information_items, InformationItem, _("Information inconnue."))
    _check_codes(recipients, Recipient, _("Destinataire inconnu."))
    if consent_mode not in ConsentMode.values:
        raise ValidationError(_("Dites si la personne a été informée et si elle est d'accord."))
    if consent_mode == ConsentMode.CONSENTS and not (information_items and recipients):
        raise ValidationError(
            _(
                "Indiquez ce que la personne sait des informations partagées et avec qui : "
                "son accord porte sur ces points."
            )
        )
    if gp_agrees and not gp_informed:
        raise ValidationError(_("Le médecin traitant ne peut être d'accord sans être informé."))
    membership = _membership_of(actor, acting)
    with transaction.atomic():
        person = Person.objects.create(
            first_name=person_first_name.strip(),
            last_name=person_last_name.strip(),
            birth_date=person_birth_date,
            sex=person_sex,
            commune=person_commune,
            phone=person_phone.strip(),
            gp_name=gp_name.strip(),
            identity_key=identity_key(person_first_name, person_last_name, person_birth_date),
            created_by=actor,
        )
        support_request = SupportRequest.objects.create(
            platform=platform,
            requester=actor,
            requester_kind=requester_kind,
            requester_organisation=membership.organisation if membership else None,
            person=person,
            reason=reason.strip(),
            needs=sorted(set(needs)),
            urgency=urgency,
            urgency_rank=URGENCY_RANK[Urgency(urgency)],
            tried=tried.strip(),
            gp_informed=gp_informed,
            gp_agrees=gp_agrees,
            consent_mode=consent_mode,
            information_items=sorted(set(information_items)),
            recipients=sorted(set(recipients)),
            consent_recorded_at=now,
            consent_recorded_by=actor,
            received_at=now,
            created_by=actor,
        )
        audit.record(
            "support_request.create",
            actor=audit.actor_of(actor, acting),
            obj=support_request,
            details={"platform": str(platform.public_id), "urgency": urgency},
        )
        link = reverse("pathways:request", kwargs={"public_id": support_request.public_id})
        notify(
            users=queries.coordinators_of(platform),
            message=_("Nouvelle demande d'appui à trier (%(urgency)s).")
            % {"urgency": Urgency(urgency).label},
            link=link,
            email_subject=_("Nouvelle demande d'appui"),
        )
    return support_request


def support_request_withdraw(*, actor, support_request, acting=None) -> SupportRequest:
    with transaction.atomic():
        locked = _lock_request(support_request, None)
        _move(locked, RequestState.WITHDRAWN, access.request_sides(actor, locked))
        locked.save()
        audit.record(
            "support_request.withdraw",
            actor=audit.actor_of(actor, acting),
            obj=locked,
        )
    return locked


def person_informed(*, actor, support_request, acting=None, now=None) -> SupportRequest:
    """The exception path closed: the person who could not express herself has now been
    told what is shared and with whom."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_request(support_request, None)
        if not access.request_sides(actor, locked):
            raise PermissionDenied
        if locked.consent_mode != ConsentMode.CANNOT_EXPRESS or locked.informed_afterwards_at:
            raise ValidationError(_("Il n'y a rien à enregistrer : la personne est informée."))
        locked.informed_afterwards_at = now
        locked.informed_afterwards_by = actor
        locked.version += 1
        locked.save()
        pathway = Pathway.objects.filter(request=locked).first()
        if pathway is not None:
            TimelineEvent.objects.create(
                pathway=pathway, occurred_at=now, kind=EventKind.PERSON_INFORMED, actor=actor
            )
        audit.record(
            "support_request.person_informed",
            actor=audit.actor_of(actor, acting),
            obj=locked,
        )
    return locked


# --- orientations from a request (information and orientation) ------------------------------


def request_orient(*, actor, support_request, data: RequestOrientIn, acting=None):
    """A coordinator of the platform orients the person to a published directory service
    from her request (the information-and-orientation answer), with her agreement; the
    orientation is listed on the request."""
    if COORDINATOR not in access.request_sides(actor, support_request) or not can_orient(actor):
        raise PermissionDenied
    if support_request.state in (RequestState.WITHDRAWN, RequestState.PATHWAY):
        raise ValidationError(
            _("Cette demande n'est plus à orienter : passez par son parcours s'il existe.")
        )
    service = published_service(data.service)
    if service is None:
        raise ValidationError(_("Choisissez un service publié de l'annuaire."))
    person = support_request.person
    with transaction.atomic():
        orientation = directory_actions.orientation_send(
            actor=actor,
            service=service,
            person_first_name=person.first_name,
            person_last_name=person.last_name,
            person_birth_year=person.birth_date.year if person.birth_date else None,
            person_phone=person.phone,
            person_email=person.email,
            reason=data.reason.strip() or support_request.reason,
            consent_method=data.consent_method,
            acting=acting,
        )
        support_request.orientations.add(orientation)
        audit.record(
            "support_request.orient",
            actor=audit.actor_of(actor, acting),
            obj=support_request,
            details={"orientation": str(orientation.public_id)},
        )
    return orientation
