"""Place requests: written by a prescriber (or the SIAO), moved along their state machine,
kept up to date; the medical part and the applications of the multi-application mode."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.attachments import MAX_FILES
from maillage.core.attachments import check as check_attachment
from maillage.core.attachments import remove as remove_attachment
from maillage.core.attachments import store as store_attachment
from maillage.core.notify import notify
from maillage.core.versions import lock_version
from maillage.pathways.queries import pathway_for
from maillage.regulation import access, queries
from maillage.regulation.actions._common import (
    cancel_applications,
    placement_opened,
    record_move,
    refusal_checked,
    suspend_after_days,
    update_every_days,
    vacancies_move,
)
from maillage.regulation.enums import (
    APPLICATION_TRANSITIONS,
    LIVE_PROPOSAL_STATES,
    MEDICO_SOCIAL_KINDS,
    PLATFORM,
    REQUEST_TRANSITIONS,
    STRUCTURE,
    ApplicationState,
    MemberRole,
    Mode,
    Party,
    PlaceRequestState,
    ProposalState,
    VacancyState,
    move_allowed,
)
from maillage.regulation.inputs import (
    ApplicationAnswerIn,
    ApplicationsIn,
    MedicalIn,
    PhysicianIn,
    PlaceRequestIn,
    PlaceRequestUpdateIn,
    RequestMoveIn,
)
from maillage.regulation.models import (
    Application,
    MedicalPart,
    Member,
    PlaceRequest,
    Refusal,
    RequestDocument,
)
from maillage.territories.queries import commune_by_code
from maillage.territories.text import normalise_name

STALE = _(
    "La demande a été modifiée par quelqu'un d'autre pendant que vous la lisiez. Votre saisie "
    "est conservée : relisez la nouvelle version, puis enregistrez à nouveau."
)


def birth_plausible(birth_date, today) -> bool:
    """No birth date (not known yet), or one between 125 years ago and today."""
    return birth_date is None or today - dt.timedelta(days=125 * 366) <= birth_date <= today


def identity_key(first_name: str, last_name: str, birth_date, sex: str) -> str:
    return "|".join(
        [normalise_name(last_name), normalise_name(first_name), str(birth_date or ""), sex]
    )


def _checked(actor, data: PlaceRequestIn, today: dt.date, *, current_pathway=None) -> dict:
    """What the request's fields say once checked against the database, in French."""
    kinds = set(data.recommended_kinds)
    medico = kinds & MEDICO_SOCIAL_KINDS
    if medico and medico != kinds:
        raise ValidationError(
            {
                "recommended_kinds": _(
                    "Une demande porte soit sur l'hébergement et le logement (régulés par le "
                    "SIAO), soit sur des établissements médico-sociaux : faites-en deux."
                )
            }
        )
    mode = Mode.APPLICATIONS if medico else Mode.CENTRALISED
    regulator = None
    if mode == Mode.CENTRALISED:
        if data.regulator is None:
            raise ValidationError({"regulator": _("Choisissez le SIAO qui recevra la demande.")})
        regulator = queries.regulator_by_public_id(data.regulator)
        if regulator is None:
            raise ValidationError({"regulator": _("Ce SIAO n'existe pas.")})
    if data.preferred_kinds and not set(data.preferred_kinds) & kinds:
        raise ValidationError(
            {
                "preferred_kinds": _(
                    "Aucun des dispositifs souhaités n'est préconisé : aucune place ne "
                    "pourrait être proposée. Revoyez la préconisation avec la personne."
                )
            }
        )
    communes = []
    for code in dict.fromkeys(data.preferred_communes):
        if commune_by_code(code) is None:
            raise ValidationError(
                {"preferred_communes": _("La commune %(c)s n'existe pas.") % {"c": code}}
            )
        communes.append(code)
    applicants = [m for m in data.members if m.role == MemberRole.APPLICANT]
    if len(applicants) != 1 or data.members[0].role != MemberRole.APPLICANT:
        raise ValidationError({"members": _("Le ménage a un·e demandeur·se, nommé·e en premier.")})
    if sum(m.role == MemberRole.PARTNER for m in data.members) > 1:
        raise ValidationError({"members": _("Un ménage compte au plus un·e conjoint·e.")})
    for member in data.members:
        if not birth_plausible(member.birth_date, today):
            raise ValidationError(
                {
                    "members": _("La date de naissance de %(n)s n'est pas plausible.")
                    % {"n": member.first_name}
                }
            )
    first = data.first_requested_on or today
    if first > today or first < today - dt.timedelta(days=15 * 366):
        raise ValidationError(
            {"first_requested_on": _("La date de la première demande n'est pas plausible.")}
        )
    for resource in data.resources:
        if resource.ends_on and resource.ends_on > today + dt.timedelta(days=20 * 366):
            raise ValidationError(
                {"resources": _("Une date de fin de ressource est trop lointaine.")}
            )
    # An update keeps the request's pathway (its link to the person's circle and space)
    # unless another is named; the regulator who edits need not follow the pathway herself.
    pathway = current_pathway
    if data.pathway is not None and (
        current_pathway is None or data.pathway != current_pathway.public_id
    ):
        pathway = pathway_for(actor, data.pathway)
        if pathway is None:
            raise ValidationError({"pathway": _("Ce parcours n'est pas l'un des vôtres.")})
    commune = None
    if data.commune:
        commune = commune_by_code(data.commune)
        if commune is None:
            raise ValidationError(
                {"commune": _("La commune %(c)s n'existe pas.") % {"c": data.commune}}
            )
    elif pathway is not None:
        commune = pathway.person.commune
    applicant = applicants[0]
    return {
        "commune": commune,
        "mode": mode,
        "regulator": regulator,
        "pathway": pathway,
        "first_requested_on": first,
        "preferred_communes": communes,
        "identity_key": identity_key(
            applicant.first_name, applicant.last_name, applicant.birth_date, applicant.sex
        ),
    }


def _fields(data: PlaceRequestIn) -> dict:
    return {
        "urgency": int(data.urgency),
        "dalo": data.dalo,
        "vulnerabilities": sorted({str(v) for v in data.vulnerabilities}),
        "recommended_kinds": sorted({str(k) for k in data.recommended_kinds}),
        "recommendation": data.recommendation.strip(),
        "preferred_kinds": sorted({str(k) for k in data.preferred_kinds}),
        "wishes": data.wishes.strip(),
        "pets": data.pets,
        "reduced_mobility": data.reduced_mobility,
        "support_needed": data.support_needed,
        "gir": data.gir,
        "resources": [
            {
                "kind": str(r.kind),
                "monthly_amount": r.monthly_amount,
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
            }
            for r in data.resources
        ],
        "rights": data.rights.strip(),
        "health": data.health.strip(),
        "housing_history": data.housing_history.strip(),
        "support_needs": data.support_needs.strip(),
    }


def _members(place_request, data: PlaceRequestIn) -> None:
    place_request.members.all().delete()
    Member.objects.bulk_create(
        [
            Member(
                request=place_request,
                role=m.role,
                first_name=m.first_name.strip(),
                last_name=m.last_name.strip(),
                birth_date=m.birth_date,
                sex=m.sex,
                position=position,
            )
            for position, m in enumerate(data.members)
        ]
    )


def place_request_create(*, actor, data: PlaceRequestIn, acting=None, now=None) -> PlaceRequest:
    """A draft request, the prescriber's until she sends it."""
    now = now or timezone.now()
    if not (access.can_request_places(actor) or access.can_take_calls(actor)):
        raise PermissionDenied
    checked = _checked(actor, data, timezone.localdate(now))
    membership = acting.membership if acting is not None else None
    with transaction.atomic():
        place_request = PlaceRequest.objects.create(
            prescriber=actor,
            prescriber_organisation_id=getattr(membership, "organisation_id", None)
            or next((m.organisation_id for m in actor.active_memberships()), None),
            consent_at=now if data.consent else None,
            consent_by=actor if data.consent else None,
            created_by=actor,
            **checked,
            **_fields(data),
        )
        _members(place_request, data)
        record_move(
            place_request, PlaceRequestState.DRAFT, actor=actor, note=_("Demande rédigée"), now=now
        )
        audit.record(
            "place_request.create",
            actor=audit.actor_of(actor, acting),
            obj=place_request,
            details={"mode": checked["mode"]},
        )
    return place_request


def place_request_update(
    *, actor, place_request, data: PlaceRequestUpdateIn, acting=None, now=None
) -> PlaceRequest:
    """Complete or update the request (the evaluation changes, her wishes change): the
    seniority stays, the update date moves on."""
    now = now or timezone.now()
    checked = _checked(actor, data, timezone.localdate(now), current_pathway=place_request.pathway)

    def check(row):
        if not access.can_edit_request(actor, row):
            raise PermissionDenied

    with transaction.atomic():
        locked = lock_version(
            PlaceRequest.objects.all(), place_request.pk, data.version, STALE, check=check
        )
        if checked["mode"] != locked.mode or (
            checked["regulator"] is not None and checked["regulator"].pk != locked.regulator_id
        ):
            raise ValidationError(
                _("Le type de demande et le SIAO ne changent pas : annulez et refaites-la.")
            )
        checked.pop("mode")
        checked.pop("regulator")
        checked["first_requested_on"] = min(
            checked["first_requested_on"], locked.first_requested_on
        )
        for name, value in {**checked, **_fields(data)}.items():
            setattr(locked, name, value)
        if data.consent and locked.consent_at is None:
            locked.consent_at, locked.consent_by = now, actor
        if locked.admin_signed_at is not None and locked.state in (
            PlaceRequestState.DRAFT,
            PlaceRequestState.INCOMPLETE,
        ):
            # She signed what she read: a dossier changed before it leaves is signed again.
            locked.admin_signed_at = None
        if locked.state == PlaceRequestState.WAITING:
            locked.update_due_on = timezone.localdate(now) + dt.timedelta(days=update_every_days())
            locked.reminded_on = None
        locked.version += 1
        locked.save()
        _members(locked, data)
        audit.record("place_request.update", actor=audit.actor_of(actor, acting), obj=locked)
    return locked


def place_request_move(
    *, actor, place_request, data: RequestMoveIn, acting=None, now=None
) -> PlaceRequest:
    """One step of the request's state machine (REQUEST_TRANSITIONS), by its side."""
    now = now or timezone.now()
    note = data.note.strip()
    with transaction.atomic():
        locked = lock_version(
            PlaceRequest.objects.all(),
            place_request.pk,
            data.version,
            STALE,
            check=lambda row: None if access.side_on_request(actor, row) else _deny(),
        )
        side = access.side_on_request(actor, locked)
        target = data.to_state
        if not move_allowed(REQUEST_TRANSITIONS, locked.state, target, side):
            raise ValidationError(
                _("Impossible de passer de « %(a)s » à « %(b)s ».")
                % {"a": PlaceRequestState(locked.state).label, "b": PlaceRequestState(target).label}
            )
        if (
            target
            in (
                PlaceRequestState.INCOMPLETE,
                PlaceRequestState.REFUSED,
                PlaceRequestState.CANCELLED,
            )
            and not note
        ):
            raise ValidationError(
                {"note": _("Dites pourquoi : la personne et le prescripteur le liront.")}
            )
        if target == PlaceRequestState.SENT:
            _ready_to_send(locked)
        if target == PlaceRequestState.CANCELLED:
            _close_everything(locked, actor, now)
        record_move(locked, target, actor=actor, note=note, now=now)
        audit.record(
            "place_request.move",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"to": target},
        )
        _tell_about_move(locked, actor, target)
    return locked


def _deny():
    raise PermissionDenied


def _ready_to_send(place_request) -> None:
    if place_request.consent_at is None:
        raise ValidationError(
            _(
                "Recueillez d'abord l'accord de la personne pour la demande et le partage "
                "de son dossier."
            )
        )
    if place_request.mode == Mode.APPLICATIONS:
        raise ValidationError(
            _(
                "Un dossier d'admission part vers les établissements choisis : "
                "utilisez « Envoyer le dossier »."
            )
        )


def _close_everything(place_request, actor, now) -> None:
    """A request cancelled or admitted: its live proposals are withdrawn (their places
    freed), its applications cancelled."""
    for proposal in place_request.proposals.filter(
        state__in=list(LIVE_PROPOSAL_STATES)
    ).select_for_update():
        shown = access.structure_may_see(proposal)
        proposal.state = ProposalState.WITHDRAWN
        proposal.version += 1
        proposal.save(update_fields=["state", "version", "updated_at"])
        vacancies_move([proposal.vacancy_id], VacancyState.PROPOSED, VacancyState.OPEN, PLATFORM)
        if shown:  # the structure had received it: its place is free for someone else
            notify(
                users=queries.receivers_of_programme(proposal.vacancy.unit.programme),
                message=_("Une proposition de place reçue est retirée : la demande est close."),
                link=reverse("regulation:proposal", kwargs={"public_id": proposal.public_id}),
                email_subject=_("Proposition retirée"),
            )
    cancel_applications(
        place_request.applications.all(),
        now,
        _("Un dossier reçu est annulé : la demande est close."),
    )


def _tell_about_move(place_request, actor, target) -> None:
    link = reverse("regulation:request", kwargs={"public_id": place_request.public_id})
    if actor.pk != place_request.prescriber_id:
        notify(
            users=[place_request.prescriber],
            message=_("Votre demande de place est passée à l'état « %(s)s ».")
            % {"s": PlaceRequestState(target).label},
            link=link,
            email_subject=_("Une demande de place a avancé"),
        )


# -- the multi-application mode --------------------------------------------------------------


def physician_name(*, actor, place_request, data: PhysicianIn, acting=None) -> MedicalPart:
    """The prescriber names the physician who writes the medical part: the person's GP, or
    herself if she is the GP. Once the physician has written in it, the part stays hers."""
    if place_request.mode != Mode.APPLICATIONS:
        raise ValidationError(
            _("Le volet médical est celui d'un dossier d'admission en établissement.")
        )
    physician = get_user_model().objects.filter(email__iexact=data.email, is_active=True).first()
    if physician is None or not access.may_write_medical_parts(physician, place_request):
        raise ValidationError(
            {
                "email": _(
                    "Cette adresse n'est pas celle d'un médecin sur la plateforme : nommez le "
                    "médecin traitant du cercle de soins de la personne, ou un compte de "
                    "médecin."
                )
            }
        )
    with transaction.atomic():
        locked = PlaceRequest.objects.select_for_update().get(pk=place_request.pk)
        if not access.can_name_physician(actor, locked):
            raise PermissionDenied
        medical, created = MedicalPart.objects.get_or_create(
            request=locked, defaults={"physician": physician}
        )
        if not created and medical.physician_id != physician.pk:
            if medical.started:
                raise ValidationError(
                    {
                        "email": _(
                            "Le médecin désigné a commencé le volet médical : lui seul peut le "
                            "poursuivre."
                        )
                    }
                )
            medical.physician = physician
            medical.save(update_fields=["physician", "updated_at"])
        audit.record(
            "medical.name",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"physician": str(physician.public_id)},
        )
    if physician.pk != actor.pk:
        notify(
            users=[physician],
            message=_("On vous demande de remplir le volet médical d'un dossier d'admission."),
            link=reverse("regulation:medical", kwargs={"public_id": locked.public_id}),
            email_subject=_("Un volet médical à remplir"),
        )
    return medical


def medical_save(*, actor, place_request, data: MedicalIn, acting=None, now=None) -> MedicalPart:
    """The GP writes the medical part; once complete, the dossier may be sent."""
    now = now or timezone.now()
    if place_request.mode != Mode.APPLICATIONS:
        raise ValidationError(
            _("Le volet médical est celui d'un dossier d'admission en établissement.")
        )
    with transaction.atomic():
        locked = PlaceRequest.objects.select_for_update().get(pk=place_request.pk)
        if not access.can_write_medical(actor, locked):
            raise PermissionDenied
        medical = MedicalPart.objects.get(request=locked)
        if data.complete and not (data.diagnoses.strip() and data.care_needs.strip() and data.gir):
            raise ValidationError(
                _("Pour terminer le volet médical, indiquez le GIR, les pathologies et les soins.")
            )
        medical.gir = data.gir
        medical.diagnoses = data.diagnoses.strip()
        medical.treatments = data.treatments.strip()
        medical.care_needs = data.care_needs.strip()
        medical.completed_at = now if data.complete else None
        medical.save()
        if data.gir:
            locked.gir = data.gir
            locked.save(update_fields=["gir", "updated_at"])
        audit.record(
            "medical.save",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"complete": data.complete},
        )
    return medical


def place_request_sign(*, actor, place_request, acting=None, now=None) -> PlaceRequest:
    """The person signs the administrative part (the prescriber records it with her)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = PlaceRequest.objects.select_for_update().get(pk=place_request.pk)
        if locked.prescriber_id != actor.pk:
            raise PermissionDenied
        if locked.state not in (PlaceRequestState.DRAFT, PlaceRequestState.INCOMPLETE):
            raise ValidationError(_("Le dossier est déjà parti."))
        locked.admin_signed_at = now
        locked.consent_at = locked.consent_at or now
        locked.consent_by = locked.consent_by or actor
        locked.save(update_fields=["admin_signed_at", "consent_at", "consent_by", "updated_at"])
        audit.record("place_request.sign", actor=audit.actor_of(actor, acting), obj=locked)
    return locked


def applications_send(*, actor, place_request, data: ApplicationsIn, acting=None, now=None) -> list:
    """Send the dossier to several establishments at once: not before the person signed the
    administrative part and the GP completed the medical part."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = PlaceRequest.objects.select_for_update().get(pk=place_request.pk)
        if locked.prescriber_id != actor.pk:
            raise PermissionDenied
        if locked.mode != Mode.APPLICATIONS:
            raise ValidationError(_("Cette demande est régulée par le SIAO."))
        if locked.state not in (
            PlaceRequestState.DRAFT,
            PlaceRequestState.INCOMPLETE,
            PlaceRequestState.WAITING,
        ):
            raise ValidationError(_("Ce dossier ne peut plus être envoyé."))
        if locked.admin_signed_at is None:
            raise ValidationError(_("La personne n'a pas encore signé le volet administratif."))
        medical = MedicalPart.objects.filter(request=locked).first()
        if medical is None or medical.completed_at is None:
            raise ValidationError(_("Le médecin n'a pas encore terminé le volet médical."))
        programmes = queries.programmes_for_applications(locked, data.programmes)
        if len(programmes) != len(set(data.programmes)):
            raise ValidationError(
                {"programmes": _("Choisissez des établissements qui correspondent à la demande.")}
            )
        already = set(locked.applications.values_list("programme_id", flat=True))
        created = [
            Application.objects.create(request=locked, programme=p, created_by=actor)
            for p in programmes
            if p.pk not in already
        ]
        if not created:
            raise ValidationError({"programmes": _("Le dossier est déjà chez ces établissements.")})
        if locked.state != PlaceRequestState.WAITING:
            record_move(
                locked, PlaceRequestState.WAITING, actor=actor, note=_("Dossier envoyé"), now=now
            )
        audit.record(
            "application.send",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"applications": [str(a.public_id) for a in created]},
        )
        for application in created:
            notify(
                users=queries.receivers_of_programme(application.programme),
                message=_("Un dossier d'admission vous est adressé."),
                link=reverse("regulation:application", kwargs={"public_id": application.public_id}),
                email_subject=_("Nouveau dossier d'admission"),
            )
    return created


def application_answer(*, actor, application, data: ApplicationAnswerIn, acting=None, now=None):
    """The establishment waitlists, refuses (with a reason) or admits; an admission closes
    the request and cancels the other applications."""
    now = now or timezone.now()
    with transaction.atomic():
        # The request first (as every action on it): two admissions on one dossier wait for
        # each other, the second then finds its application cancelled.
        PlaceRequest.objects.select_for_update().get(pk=application.request_id)
        locked = lock_version(
            Application.objects.all(),
            application.pk,
            data.version,
            _("Quelqu'un a déjà répondu à cette candidature : relisez sa réponse."),
            check=lambda row: None if access.can_answer_application(actor, row) else _deny(),
        )
        if not move_allowed(APPLICATION_TRANSITIONS, locked.state, data.state, STRUCTURE):
            raise ValidationError(
                _("Impossible de passer de « %(a)s » à « %(b)s ».")
                % {
                    "a": ApplicationState(locked.state).label,
                    "b": ApplicationState(data.state).label,
                }
            )
        request = PlaceRequest.objects.select_for_update().get(pk=locked.request_id)
        if data.state == ApplicationState.ADMITTED and request.state != PlaceRequestState.WAITING:
            raise ValidationError(
                _("Le dossier est « %(s)s » : il ne peut pas donner lieu à une admission.")
                % {"s": PlaceRequestState(request.state).label}
            )
        if data.state == ApplicationState.REFUSED:
            reason, text = refusal_checked(data.reason, data.text)
            Refusal.objects.create(
                request=request,
                application=locked,
                party=Party.STRUCTURE,
                reason=reason,
                text=text,
                at=now,
                by=actor,
            )
        locked.state = data.state
        locked.answered_at, locked.answered_by = now, actor
        locked.version += 1
        locked.save()
        if data.state == ApplicationState.ADMITTED:
            # The other establishments learn that the person was admitted elsewhere: the
            # place they kept for her is free for someone else.
            cancel_applications(
                request.applications.exclude(pk=locked.pk),
                now,
                _("Un dossier reçu est annulé : la personne est admise ailleurs."),
            )
            record_move(
                request,
                PlaceRequestState.ADMITTED,
                actor=actor,
                note=_("Admission : %(p)s") % {"p": locked.programme.name},
                now=now,
            )
            placement_opened(request, locked.programme.name, actor, acting, now)
        audit.record(
            "application.answer",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"state": data.state},
        )
        notify(
            users=[request.prescriber],
            message=_("Un établissement a répondu au dossier : %(s)s.")
            % {"s": ApplicationState(data.state).label},
            link=reverse("regulation:request", kwargs={"public_id": request.public_id}),
            email_subject=_("Réponse d'un établissement"),
        )
    return locked


def requests_update_reminders(*, today=None) -> tuple[int, int]:
    """Waiting requests are updated every three months (MAILLAGE_REGULATION_UPDATE_EVERY_DAYS):
    at the date the prescriber is reminded; a month later without news the request is
    suspended (never deleted: one update brings it back, with its seniority)."""
    today = today or timezone.localdate()
    now = timezone.now()
    reminded = suspended = 0
    due = PlaceRequest.objects.filter(
        state=PlaceRequestState.WAITING, emergency=False, update_due_on__lte=today
    ).select_related("prescriber")
    for place_request in due:
        if place_request.reminded_on is None:
            PlaceRequest.objects.filter(pk=place_request.pk).update(reminded_on=today)
            notify(
                users=[place_request.prescriber],
                message=_("Une demande de place attend sa mise à jour trimestrielle."),
                link=reverse("regulation:request", kwargs={"public_id": place_request.public_id}),
                email_subject=_("Mise à jour d'une demande de place"),
                reminder=True,
            )
            reminded += 1
        elif place_request.reminded_on <= today - dt.timedelta(days=suspend_after_days()):
            with transaction.atomic():
                locked = PlaceRequest.objects.select_for_update().get(pk=place_request.pk)
                if locked.state != PlaceRequestState.WAITING:
                    continue
                record_move(
                    locked,
                    PlaceRequestState.SUSPENDED,
                    actor=None,
                    note=_("Sans mise à jour depuis un mois après le rappel"),
                    now=now,
                )
                audit.record("place_request.suspend", obj=locked)
            suspended += 1
    return reminded, suspended


def documents_add(*, actor, place_request, uploads, acting=None) -> list:
    """Join documents to the request (PDF, PNG or JPEG, checked by their content): all of
    them or none, and no file left behind when the write fails."""
    if not access.can_edit_request(actor, place_request):
        raise PermissionDenied
    if not uploads:
        raise ValidationError({"documents": _("Choisissez au moins un document.")})
    if len(uploads) > MAX_FILES:
        raise ValidationError({"documents": _("%(max)s documents au plus.") % {"max": MAX_FILES}})
    checked = [check_attachment(upload) for upload in uploads]
    stored = []
    try:
        with transaction.atomic():
            for file in checked:
                document = RequestDocument.objects.create(
                    request=place_request,
                    name=file.name,
                    content_type=file.content_type,
                    size=file.size,
                    added_by=actor,
                )
                document.request = place_request
                store_attachment(document, file)
                stored.append(document)
            audit.record(
                "place_request.document_add",
                actor=audit.actor_of(actor, acting),
                obj=place_request,
                details={"documents": [str(d.public_id) for d in stored]},
            )
    except BaseException:
        for document in stored:
            remove_attachment(document)
        raise
    return stored
