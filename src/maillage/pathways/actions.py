"""Writes on support requests and pathways: each an atomic, audited, named function used by
the pages and (later) the API alike."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.enums import OrganisationKind
from maillage.core import audit
from maillage.core.attachments import MAX_FILES
from maillage.core.attachments import check as check_attachment
from maillage.core.attachments import remove as remove_attachment
from maillage.core.attachments import store as store_attachment
from maillage.core.models import PlatformSettings
from maillage.core.notify import absolute_url, notify
from maillage.pathways import access, aggir, queries
from maillage.pathways.enums import (
    COORDINATOR,
    DISCHARGE_CHECKLIST,
    MEETING_TRANSITIONS,
    REQUEST_TRANSITIONS,
    TRIAGE_STATES,
    URGENCY_RANK,
    ZARIT_QUESTIONS,
    ActionStatus,
    Attendance,
    CircleRole,
    ClosureReason,
    ConsentMode,
    EventKind,
    InformationItem,
    MeetingState,
    MemberStatus,
    Need,
    NeedLevel,
    NoteKind,
    ObjectiveStatus,
    PathwayState,
    Recipient,
    Relationship,
    RequesterKind,
    RequestState,
    Satisfaction,
    Sex,
    StayState,
    TriageOutcome,
    Urgency,
    Validator,
    ZaritAnswer,
)
from maillage.pathways.models import (
    Assessment,
    Caregiver,
    CircleMember,
    DischargeItem,
    DomainAssessment,
    HospitalStay,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    Message,
    MessageAttachment,
    Objective,
    Pathway,
    Person,
    PersonNote,
    Plan,
    PlanAction,
    PlanValidation,
    PlanVersion,
    PortalAccess,
    ScreeningQuestion,
    SupportRequest,
    TimelineEvent,
)
from maillage.territories.text import normalise_name


class StaleVersion(ValidationError):
    """Someone else changed the record since the form was shown: nothing was written."""


def identity_key(first_name: str, last_name: str, birth_date: dt.date | None) -> str:
    return "|".join([normalise_name(last_name), normalise_name(first_name), str(birth_date or "")])


def _check_codes(values, choices, message):
    if any(v not in choices.values for v in values):
        raise ValidationError(message)


def support_request_submit(
    *,
    actor,
    platform,
    requester_kind: str,
    person_first_name: str,
    person_last_name: str,
    person_birth_date: dt.date | None = None,
    person_sex: str = "X",
    person_commune=None,
    person_phone: str = "",
    person_email: str = "",
    gp_name: str = "",
    reason: str,
    needs: list[str],
    urgency: str,
    tried: str = "",
    gp_informed: bool = False,
    gp_agrees: bool = False,
    consent_mode: str,
    information_items: list[str] = (),
    recipients: list[str] = (),
    request=None,
    now=None,
) -> SupportRequest:
    """Record a demande d'appui, with what the person was told and agreed to, and tell the
    platform's coordinators."""
    now = now or timezone.now()
    if not access.can_request_support(actor):
        raise PermissionDenied
    if platform.kind != OrganisationKind.PLATFORM or not platform.is_active:
        raise ValidationError(_("Choisissez une plateforme de coordination."))
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
    membership = _membership_of(actor, request)
    with transaction.atomic():
        person = Person.objects.create(
            first_name=person_first_name.strip(),
            last_name=person_last_name.strip(),
            birth_date=person_birth_date,
            sex=person_sex,
            commune=person_commune,
            phone=person_phone.strip(),
            email=person_email.strip(),
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
            request=request,
            actor=audit.actor_of(actor, request),
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


def _membership_of(user, request):
    membership = getattr(request, "active_membership", None) if request is not None else None
    if membership is not None:
        return membership
    memberships = user.active_memberships()
    return memberships[0] if memberships else None


def visible_request(*, public_id, request):
    """The support request, if the user may see it; else None, with the denial audited
    (the caller answers 404, on a page or in the API)."""
    found = queries.request_for(request.user, public_id)
    if found is None:
        audit.deny(
            "support_request.read",
            request=request,
            object_type="pathways.supportrequest",
            object_id=str(public_id),
        )
    return found


def visible_pathway(*, public_id, request):
    """The pathway, if the user may see it; else None, with the denial audited."""
    found = queries.pathway_for(request.user, public_id)
    if found is None:
        audit.deny(
            "pathway.read",
            request=request,
            object_type="pathways.pathway",
            object_id=str(public_id),
        )
    return found


def pathways_listed(*, request) -> list:
    """The pathways the user follows, with the ids shown written to the audit trail — the
    same for the page and the API. Refused (PermissionDenied, audited) to those who neither
    coordinate nor ask for support."""
    user = request.user
    if not (access.can_triage(user) or access.can_request_support(user)):
        audit.deny("pathway.list", request=request)
        raise PermissionDenied
    pathways = queries.my_pathways(user)
    if pathways:
        audit.record(
            "pathway.list",
            request=request,
            object_type="pathways.pathway",
            details={"shown": [str(p.public_id) for p in pathways]},
        )
    return pathways


def support_requests_listed(*, request, api: bool = False) -> tuple[list, list]:
    """The triage queue (for a coordinator) and the user's own requests, with the ids shown
    written to the audit trail — the same for the page and the API."""
    user = request.user
    queue = list(queries.triage_queue(user)[:200]) if access.can_triage(user) else []
    mine = list(queries.requests_made_by(user)[:100])
    shown = [str(r.public_id) for r in queue + mine]
    if shown:
        details = {"shown": shown, **({"api": 1} if api else {})}
        audit.record(
            "support_request.list",
            request=request,
            object_type="pathways.supportrequest",
            details=details,
        )
    return queue, mine


def support_request_record_read(*, support_request, request, duplicates=()) -> None:
    """The read, and the other people's records shown beside it as possible duplicates."""
    details = {"duplicates": [str(p.public_id) for p in duplicates]} if duplicates else None
    audit.record("support_request.read", request=request, obj=support_request, details=details)


def pathway_record_read(*, pathway, request) -> None:
    audit.record("pathway.read", request=request, obj=pathway)


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


def _lock_request(support_request, expected_version: int | None) -> SupportRequest:
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _(
                "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la "
                "lisiez. Rechargez-la : votre saisie est conservée ci-dessous."
            )
        )
    return locked


def _move(support_request, to_state: str, sides) -> None:
    allowed = REQUEST_TRANSITIONS.get((support_request.state, to_state), frozenset())
    if not sides & allowed:
        if not sides:
            raise PermissionDenied
        raise ValidationError(
            _("Impossible de passer de « %(from)s » à « %(to)s ».")
            % {
                "from": RequestState(support_request.state).label,
                "to": RequestState(to_state).label if to_state in RequestState.values else to_state,
            }
        )
    support_request.state = to_state
    support_request.version += 1


def support_request_triage(
    *,
    actor,
    support_request,
    answers: list[str],
    outcome: str,
    referent=None,
    comment: str = "",
    expected_version: int | None = None,
    request=None,
    now=None,
) -> SupportRequest:
    """The coordinator's decision: score the screening grid, then close with information,
    support the professional, or open a complex pathway with a named referent."""
    now = now or timezone.now()
    if outcome not in TriageOutcome.values:
        raise ValidationError(_("Choisissez la suite donnée à la demande."))
    with transaction.atomic():
        locked = _lock_request(support_request, expected_version)
        sides = access.request_sides(actor, locked)
        _move(locked, TRIAGE_STATES[TriageOutcome(outcome)], sides & {COORDINATOR})
        if outcome == TriageOutcome.PATHWAY:
            referent = referent or actor
            if locked.platform_id not in access.coordinated_platform_ids(referent):
                raise ValidationError(
                    _("Le ou la référent·e doit être coordinateur·rice de la plateforme.")
                )
        locked.screening_answers = sorted(set(answers))
        locked.screening_score = screening_score(answers)
        locked.triaged_at = now
        locked.triaged_by = actor
        locked.triage_outcome = outcome
        locked.triage_comment = comment.strip()
        locked.save()
        pathway = None
        if outcome == TriageOutcome.PATHWAY:
            pathway = _open_pathway(locked, referent=referent, actor=actor, now=now)
        audit.record(
            "support_request.triage",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
            details={"outcome": outcome, "score": locked.screening_score},
        )
        link = reverse("pathways:request", kwargs={"public_id": locked.public_id})
        notify(
            users=[locked.requester] if locked.requester_id != actor.pk else [],
            message=_("Votre demande d'appui a été traitée : %(state)s.")
            % {"state": RequestState(locked.state).label},
            link=link,
            email_subject=_("Votre demande d'appui a été traitée"),
        )
        if pathway is not None and referent.pk != actor.pk:
            notify(
                users=[referent],
                message=_("Vous êtes référent·e d'un nouveau parcours."),
                link=reverse("pathways:pathway", kwargs={"public_id": pathway.public_id}),
                email_subject=_("Nouveau parcours"),
            )
    return locked


def shares_with_circle(support_request) -> bool:
    """Whether the person agreed to her information reaching a care circle — or could not
    express herself (the exception path: she is told afterwards)."""
    return (
        Recipient.CIRCLE in support_request.recipients
        or support_request.consent_mode == ConsentMode.CANNOT_EXPRESS
    )


def _open_pathway(support_request, *, referent, actor, now) -> Pathway:
    pathway = Pathway.objects.create(
        platform_id=support_request.platform_id,
        person_id=support_request.person_id,
        request=support_request,
        referent=referent,
        opened_at=now,
        created_by=actor,
    )
    Plan.objects.create(pathway=pathway)
    CircleMember.objects.create(
        pathway=pathway,
        user=referent,
        organisation_id=support_request.platform_id,
        role=CircleRole.REFERENT,
        status=MemberStatus.ACTIVE,
        joined_at=now,
        created_by=actor,
    )
    if support_request.requester_kind == RequesterKind.PROFESSIONAL and shares_with_circle(
        support_request
    ):
        # The professional who asked is in the circle from the start (the person agreed
        # to share with the circle when the request was made).
        CircleMember.objects.get_or_create(
            pathway=pathway,
            user=support_request.requester,
            defaults={
                "organisation_id": support_request.requester_organisation_id,
                "role": CircleRole.OTHER_PROFESSIONAL,
                "status": MemberStatus.ACTIVE,
                "joined_at": now,
                "created_by": actor,
            },
        )
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                pathway=pathway,
                occurred_at=support_request.received_at,
                kind=EventKind.REQUEST_RECEIVED,
                actor=support_request.requester,
            ),
            TimelineEvent(
                pathway=pathway, occurred_at=now, kind=EventKind.PATHWAY_OPENED, actor=actor
            ),
        ]
    )
    return pathway


def support_request_withdraw(*, actor, support_request, request=None) -> SupportRequest:
    with transaction.atomic():
        locked = _lock_request(support_request, None)
        _move(locked, RequestState.WITHDRAWN, access.request_sides(actor, locked))
        locked.save()
        audit.record(
            "support_request.withdraw",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
        )
    return locked


def person_informed(*, actor, support_request, request=None, now=None) -> SupportRequest:
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
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
        )
    return locked


def _member_event(member, kind, actor, now):
    TimelineEvent.objects.create(
        pathway=member.pathway,
        occurred_at=now,
        kind=kind,
        actor=actor,
        summary=f"{member.user.full_name} — {CircleRole(member.role).label}",
    )


def circle_propose(
    *, actor, pathway, user, role: str, person_informed: bool, request=None, now=None
) -> CircleMember:
    """Bring someone into the care circle. From the referent or a platform coordinator the
    member is in at once; from another member, the proposal waits for the referent. Either
    way the person must have been told who joins."""
    now = now or timezone.now()
    if not access.can_propose_member(actor, pathway):
        raise PermissionDenied
    if role not in CircleRole.values or role in (CircleRole.REFERENT, CircleRole.PERSON):
        raise ValidationError(_("Choisissez le rôle de ce membre."))
    if not person_informed:
        raise ValidationError(
            _("La personne doit être informée de qui entre dans son cercle de soins.")
        )
    if (
        user is None
        or not user.is_active
        or not (user.roles & {"professional", "coordinator", "peer_worker", "organisation_admin"})
    ):
        raise ValidationError(
            _("Aucun compte professionnel actif avec cette adresse : invitez d'abord la personne.")
        )
    if pathway.request is not None and not shares_with_circle(pathway.request):
        raise ValidationError(
            _(
                "La personne n'a pas accepté que ses informations soient partagées avec un "
                "cercle de soins : recueillez son accord avant d'y faire entrer quelqu'un."
            )
        )
    direct = access.can_manage_circle(actor, pathway)
    with transaction.atomic():
        Pathway.objects.select_for_update().get(pk=pathway.pk)
        if pathway.members.filter(user=user).exclude(status=MemberStatus.LEFT).exists():
            raise ValidationError(_("Cette personne est déjà dans le cercle ou proposée."))
        memberships = user.active_memberships()
        member = CircleMember.objects.create(
            pathway=pathway,
            user=user,
            organisation=memberships[0].organisation if memberships else None,
            role=role,
            status=MemberStatus.ACTIVE if direct else MemberStatus.PENDING,
            joined_at=now if direct else None,
            created_by=actor,
        )
        if direct:
            _member_event(member, EventKind.MEMBER_JOINED, actor, now)
        audit.record(
            "circle.add" if direct else "circle.propose",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=member,
            details={"pathway": str(pathway.public_id), "role": role},
        )
        link = reverse("pathways:pathway", kwargs={"public_id": pathway.public_id})
        if direct:
            notify(
                users=[user],
                message=_("Vous faites partie d'un nouveau cercle de soins."),
                link=link,
                email_subject=_("Nouveau cercle de soins"),
            )
        else:
            notify(
                users=[pathway.referent],
                message=_("Un membre est proposé pour un cercle de soins que vous coordonnez."),
                link=link,
            )
    return member


def circle_approve(*, actor, member, request=None, now=None) -> CircleMember:
    now = now or timezone.now()
    with transaction.atomic():
        member = (
            CircleMember.objects.select_for_update()
            .select_related("pathway", "user")
            .get(pk=member.pk)
        )
        if not access.can_manage_circle(actor, member.pathway):
            raise PermissionDenied
        if member.pathway.state != PathwayState.OPEN:
            raise ValidationError(_("Ce parcours est clos : personne n'y entre plus."))
        if member.status != MemberStatus.PENDING:
            raise ValidationError(_("Ce membre n'est pas en attente."))
        member.status = MemberStatus.ACTIVE
        member.joined_at = now
        member.save(update_fields=["status", "joined_at", "updated_at"])
        _member_event(member, EventKind.MEMBER_JOINED, actor, now)
        audit.record(
            "circle.approve", request=request, actor=audit.actor_of(actor, request), obj=member
        )
        notify(
            users=[member.user],
            message=_("Vous faites partie d'un nouveau cercle de soins."),
            link=reverse("pathways:pathway", kwargs={"public_id": member.pathway.public_id}),
            email_subject=_("Nouveau cercle de soins"),
        )
    return member


def circle_remove(*, actor, member, request=None, now=None) -> CircleMember:
    """A member leaves, or the referent removes her: her access ends at once. The referent
    stays (she hands over first)."""
    now = now or timezone.now()
    with transaction.atomic():
        member = (
            CircleMember.objects.select_for_update()
            .select_related("pathway", "user")
            .get(pk=member.pk)
        )
        leaving = member.user_id == actor.pk
        if not (leaving or access.can_manage_circle(actor, member.pathway)):
            raise PermissionDenied
        if member.role == CircleRole.REFERENT:
            raise ValidationError(
                _("Le ou la référent·e ne quitte pas le cercle : passez le relais.")
            )
        if member.status == MemberStatus.LEFT:
            raise ValidationError(_("Ce membre a déjà quitté le cercle."))
        was_active = member.status == MemberStatus.ACTIVE
        member.status = MemberStatus.LEFT
        member.left_at = now
        member.save(update_fields=["status", "left_at", "updated_at"])
        if was_active:
            _member_event(member, EventKind.MEMBER_LEFT, actor, now)
        # Her open actions now fall to the referent (reminders go there): tell her.
        left_open = member.actions.filter(status__in=OPEN_ACTION_STATES).count()
        if left_open:
            notify(
                users=[member.pathway.referent],
                message=_(
                    "Un membre a quitté un cercle de soins : %(n)s action(s) qu'il portait "
                    "sont à confier à quelqu'un d'autre."
                )
                % {"n": left_open},
                link=reverse("pathways:plan", kwargs={"public_id": member.pathway.public_id}),
                email_subject=_("Des actions sont à confier à un autre membre"),
            )
        audit.record(
            "circle.leave" if leaving else "circle.remove",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=member,
        )
    return member


def zarit_score(answers: dict) -> Decimal:
    """The mini-Zarit total, 0 to 7: each of the seven answers counts 0, ½ or 1."""
    codes = {code for code, _text in ZARIT_QUESTIONS}
    if set(answers) != codes or any(a not in ZaritAnswer.values for a in answers.values()):
        raise ValidationError(_("Répondez aux sept questions sur le fardeau de l'aidant·e."))
    return sum((Decimal(a) for a in answers.values()), Decimal(0))


def assessment_record(
    *,
    actor,
    pathway,
    assessed_on,
    domains: dict,
    person_words: str = "",
    aggir_grid: dict | None = None,
    zarit: dict | None = None,
    request=None,
) -> Assessment:
    """Record a dated assessment: a level of need (with notes and sources) for every domain,
    the person's own words, and optionally the AGGIR grid (→ GIR) and the caregiver's
    mini-Zarit (→ burden)."""
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
            request=request,
            actor=audit.actor_of(actor, request),
            obj=assessment,
            details={"pathway": str(pathway.public_id)},
        )
    return assessment


def assessments_record_read(*, pathway, assessments, request) -> None:
    audit.record(
        "assessment.read",
        request=request,
        obj=pathway,
        details={"shown": [str(a.public_id) for a in assessments]},
    )


# --- the personalised plan (PPCS) ------------------------------------------------------------


def plan_snapshot(plan) -> dict:
    """The plan as it reads now, for its version history (identifiers and text only)."""
    return {
        "problems": plan.problems,
        "person_project": plan.person_project,
        "alert_procedure": plan.alert_procedure,
        "revision_on": plan.revision_on.isoformat() if plan.revision_on else None,
        "objectives": [
            {
                "id": str(objective.public_id),
                "need": objective.need,
                "text": objective.text,
                "criteria": objective.criteria,
                "status": objective.status,
                "actions": [
                    {
                        "id": str(action.public_id),
                        "text": action.text,
                        "owner": action.owner_member.user.full_name
                        if action.owner_member
                        else ("person" if action.owner_is_person else ""),
                        "service": action.service.name if action.service else "",
                        "due_on": action.due_on.isoformat() if action.due_on else None,
                        "status": action.status,
                    }
                    for action in objective.actions.select_related("owner_member__user", "service")
                ],
            }
            for objective in plan.objectives.all()
        ],
    }


def plan_ensure(*, pathway) -> Plan:
    plan, _created = Plan.objects.get_or_create(pathway=pathway)
    return plan


def _lock_plan(plan, actor, expected_version: int | None) -> Plan:
    locked = Plan.objects.select_for_update().select_related("pathway").get(pk=plan.pk)
    if not access.can_contribute(actor, locked.pathway):
        raise PermissionDenied
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _(
                "Le plan a été modifié par quelqu'un d'autre pendant que vous le lisiez. "
                "Votre saisie est conservée ci-dessous : relisez la nouvelle version, puis "
                "enregistrez à nouveau."
            )
        )
    return locked


def _saved(plan, actor, request, action: str, now=None) -> None:
    now = now or timezone.now()
    plan.version += 1
    plan.save()
    PlanVersion.objects.create(
        plan=plan, number=plan.version, saved_at=now, saved_by=actor, content=plan_snapshot(plan)
    )
    TimelineEvent.objects.create(
        pathway_id=plan.pathway_id,
        occurred_at=now,
        kind=EventKind.PLAN_SAVED,
        actor=actor,
        summary=_("version %(n)s") % {"n": plan.version},
    )
    audit.record(
        action,
        request=request,
        actor=audit.actor_of(actor, request),
        obj=plan,
        details={"version": plan.version},
    )


def plan_save(
    *,
    actor,
    plan,
    expected_version: int,
    problems: str,
    person_project: str,
    alert_procedure: str,
    revision_on=None,
    request=None,
) -> Plan:
    """Save the plan's written parts, unless someone saved since `expected_version`."""
    with transaction.atomic():
        locked = _lock_plan(plan, actor, expected_version)
        locked.problems = problems.strip()
        locked.person_project = person_project.strip()
        locked.alert_procedure = alert_procedure.strip()
        locked.revision_on = revision_on
        _saved(locked, actor, request, "plan.save")
    return locked


def objective_add(
    *,
    actor,
    plan,
    need: str,
    text: str,
    criteria: str = "",
    no_resource: bool = False,
    expected_version=None,
    request=None,
) -> Objective:
    if need not in Need.values or not text.strip():
        raise ValidationError(_("Un objectif a un besoin et un texte."))
    with transaction.atomic():
        locked = _lock_plan(plan, actor, expected_version)
        objective = Objective.objects.create(
            plan=locked,
            need=need,
            text=text.strip(),
            criteria=criteria.strip(),
            no_resource=no_resource,
        )
        _saved(locked, actor, request, "plan.objective_add")
    return objective


def plan_action_add(
    *,
    actor,
    objective,
    text: str,
    owner: str,
    due_on=None,
    service=None,
    consent_method: str = "",
    expected_version=None,
    request=None,
) -> PlanAction:
    """`owner`: "person" (the person herself), "service" (a directory service: an
    orientation is sent to it in the same step, with the person's agreement given as
    `consent_method`) or a circle member's public id."""
    from maillage.directory import actions as directory_actions
    from maillage.directory.access import can_orient

    if not text.strip():
        raise ValidationError(_("Dites quelle est l'action."))
    if owner == "service" and not can_orient(actor):
        # Refused before any write, so that the denial's audit row is not rolled back.
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_plan(objective.plan, actor, expected_version)
        member = None
        if owner not in ("person", "service"):
            member = (
                locked.pathway.members.filter(public_id=owner, status=MemberStatus.ACTIVE)
                .select_related("user")
                .first()
                if _is_uuid(owner)
                else None
            )
            if member is None:
                raise ValidationError(_("Choisissez qui porte l'action."))
        orientation = None
        if owner == "service":
            if service is None:
                raise ValidationError(_("Choisissez le service de l'annuaire qui porte l'action."))
            person = locked.pathway.person
            orientation = directory_actions.orientation_send(
                actor=actor,
                service=service,
                person_first_name=person.first_name,
                person_last_name=person.last_name,
                person_birth_year=person.birth_date.year if person.birth_date else None,
                person_phone=person.phone,
                person_email=person.email,
                reason=f"{objective.text} — {text.strip()}",
                consent_method=consent_method,
                request=request,
            )
        action = PlanAction.objects.create(
            objective=objective,
            text=text.strip(),
            owner_member=member,
            owner_is_person=owner == "person",
            service=service if owner == "service" else None,
            orientation=orientation,
            due_on=due_on,
        )
        _saved(locked, actor, request, "plan.action_add")
    return action


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def plan_action_set_status(
    *, actor, action, status: str, expected_version: int, request=None
) -> PlanAction:
    if status not in ActionStatus.values:
        raise ValidationError(_("État inconnu."))
    with transaction.atomic():
        locked = _lock_plan(action.objective.plan, actor, expected_version)
        action.status = status
        action.save(update_fields=["status"])
        _saved(locked, actor, request, "plan.action_status")
    return action


def plan_validate(
    *, actor, plan, validator: str, validated_on, expected_version: int, request=None
) -> PlanValidation:
    """Record that the person or her GP validated the version they were shown."""
    if validator not in Validator.values:
        raise ValidationError(_("Qui valide ?"))
    with transaction.atomic():
        locked = _lock_plan(plan, actor, expected_version)
        version = locked.versions.filter(number=locked.version).first()
        if version is None:
            raise ValidationError(_("Le plan est vide : enregistrez-le avant de le faire valider."))
        if version.validations.filter(validator=validator).exists():
            raise ValidationError(_("Cette version est déjà validée par cette personne."))
        validation = PlanValidation.objects.create(
            version=version, validator=validator, validated_on=validated_on, recorded_by=actor
        )
        TimelineEvent.objects.create(
            pathway_id=locked.pathway_id,
            occurred_at=timezone.now(),
            kind=EventKind.PLAN_VALIDATED,
            actor=actor,
            summary=_("version %(n)s, par %(who)s")
            % {"n": version.number, "who": Validator(validator).label},
        )
        audit.record(
            "plan.validate",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
            details={"version": version.number, "validator": validator},
        )
    return validation


def plan_record_read(*, plan, request) -> None:
    audit.record("plan.read", request=request, obj=plan)


# --- reminders --------------------------------------------------------------------------------

OPEN_ACTION_STATES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
REMIND_AGAIN_AFTER_DAYS = 7


def remind_overdue(*, today=None) -> dict:
    """Tell each owner of an overdue action of an open pathway (the referent when the person
    owns it), and each referent whose plan is due for revision — on-site and by email, then
    again a week later while it stays so. Periodic job (daily)."""
    today = today or timezone.localdate()
    again = today - dt.timedelta(days=REMIND_AGAIN_AFTER_DAYS)
    overdue = (
        PlanAction.objects.filter(
            status__in=OPEN_ACTION_STATES,
            due_on__lt=today,
            objective__plan__pathway__state=PathwayState.OPEN,
        )
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=again))
        .select_related("owner_member__user", "objective__plan__pathway__referent")
    )
    by_user: dict = {}
    for action in overdue:
        pathway = action.objective.plan.pathway
        owner = action.owner_member
        user = (
            owner.user if owner is not None and owner.status == MemberStatus.ACTIVE else None
        ) or pathway.referent
        by_user.setdefault(user, []).append(action)
    for user, user_actions in by_user.items():
        with transaction.atomic():
            pathways = {a.objective.plan.pathway for a in user_actions}
            for pathway in pathways:
                notify(
                    users=[user],
                    message=_("Des actions d'un plan personnalisé sont en retard."),
                    link=reverse("pathways:plan", kwargs={"public_id": pathway.public_id}),
                    email_subject=_("Actions en retard dans un plan personnalisé"),
                    reminder=True,
                )
            PlanAction.objects.filter(pk__in=[a.pk for a in user_actions]).update(reminded_on=today)
    plans = (
        Plan.objects.filter(revision_on__lte=today, pathway__state=PathwayState.OPEN)
        .filter(Q(revision_reminded_on__isnull=True) | Q(revision_reminded_on__lte=again))
        .select_related("pathway__referent")
    )
    revisions = 0
    for plan in plans:
        with transaction.atomic():
            notify(
                users=[plan.pathway.referent],
                message=_("Un plan personnalisé est à réviser."),
                link=reverse("pathways:plan", kwargs={"public_id": plan.pathway.public_id}),
                email_subject=_("Plan personnalisé à réviser"),
                reminder=True,
            )
            Plan.objects.filter(pk=plan.pk).update(revision_reminded_on=today)
        revisions += 1
    return {"actions": sum(len(v) for v in by_user.values()), "revisions": revisions}


def send_weekly_digests(*, today=None) -> int:
    """For those who chose it: one email a week listing the plans where they have overdue
    actions or a revision due (links only, nothing about the people). Periodic job
    (Mondays). Returns the number of emails sent."""
    from maillage.accounts.models import User
    from maillage.core.tasks import send_user_email

    today = today or timezone.localdate()
    users = {u.pk: u for u in User.objects.filter(is_active=True, weekly_digest=True)}
    if not users:
        return 0
    lines: dict[int, dict] = {}
    overdue = PlanAction.objects.filter(
        status__in=OPEN_ACTION_STATES,
        due_on__lt=today,
        objective__plan__pathway__state=PathwayState.OPEN,
    ).select_related("owner_member", "objective__plan__pathway")
    for action in overdue:
        pathway = action.objective.plan.pathway
        owner = action.owner_member
        user_id = (
            owner.user_id if owner is not None and owner.status == MemberStatus.ACTIVE else None
        ) or pathway.referent_id
        if user_id in users:
            entry = lines.setdefault(user_id, {}).setdefault(pathway.public_id, [0, False])
            entry[0] += 1
    for plan in Plan.objects.filter(
        revision_on__lte=today, pathway__state=PathwayState.OPEN, pathway__referent_id__in=users
    ).select_related("pathway"):
        entry = lines.setdefault(plan.pathway.referent_id, {}).setdefault(
            plan.pathway.public_id, [0, False]
        )
        entry[1] = True
    for user_id, pathways in lines.items():
        body = [_("Bonjour,"), _("Voici vos rappels de la semaine :")]
        for public_id, (late, revision) in pathways.items():
            url = absolute_url(reverse("pathways:plan", kwargs={"public_id": public_id}))
            parts = []
            if late:
                parts.append(_("%(n)s action(s) en retard") % {"n": late})
            if revision:
                parts.append(_("plan à réviser"))
            body.append(f"- {', '.join(str(p) for p in parts)} : {url}")
        send_user_email.defer(
            user_id=user_id,
            subject=_("Vos rappels de la semaine"),
            body="\n".join(str(line) for line in body),
        )
    return len(lines)


def pathway_handover(*, actor, pathway, new_referent, request=None, now=None) -> Pathway:
    """Hand the pathway over to another coordinator of its platform: she becomes the
    referent (joining the circle if needed); the former referent leaves the circle."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
        if not access.is_platform_coordinator(actor, locked):
            raise PermissionDenied
        if locked.state != PathwayState.OPEN:
            raise ValidationError(_("Ce parcours est clos : il ne change plus de référent·e."))
        if locked.platform_id not in access.coordinated_platform_ids(new_referent):
            raise ValidationError(
                _("Le ou la référent·e doit être coordinateur·rice de la plateforme.")
            )
        if new_referent.pk == locked.referent_id:
            raise ValidationError(_("C'est déjà le ou la référent·e de ce parcours."))
        former = locked.members.filter(
            user_id=locked.referent_id, role=CircleRole.REFERENT
        ).exclude(status=MemberStatus.LEFT)
        for member in former.select_related("user", "pathway"):
            member.status = MemberStatus.LEFT
            member.left_at = now
            member.save(update_fields=["status", "left_at", "updated_at"])
            _member_event(member, EventKind.MEMBER_LEFT, actor, now)
        existing = locked.members.filter(user=new_referent).exclude(status=MemberStatus.LEFT)
        member = existing.first()
        if member is None:
            member = CircleMember.objects.create(
                pathway=locked,
                user=new_referent,
                organisation_id=locked.platform_id,
                role=CircleRole.REFERENT,
                status=MemberStatus.ACTIVE,
                joined_at=now,
                created_by=actor,
            )
        else:
            member.role = CircleRole.REFERENT
            member.status = MemberStatus.ACTIVE
            member.joined_at = member.joined_at or now
            member.save(update_fields=["role", "status", "joined_at", "updated_at"])
        member.pathway = locked
        _member_event(member, EventKind.MEMBER_JOINED, actor, now)
        locked.referent = new_referent
        locked.save(update_fields=["referent", "updated_at"])
        audit.record(
            "pathway.handover",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
            details={"referent": str(new_referent.public_id)},
        )
        notify(
            users=[new_referent],
            message=_("Vous êtes référent·e d'un nouveau parcours."),
            link=reverse("pathways:pathway", kwargs={"public_id": locked.public_id}),
            email_subject=_("Nouveau parcours"),
        )
    return locked


# --- the liaison notebook ---------------------------------------------------------------------

MESSAGE_MAX_CHARS = 4000


def message_post(*, actor, pathway, body: str, attachments=(), request=None, now=None) -> Message:
    """Write in the pathway's liaison notebook, with documents if needed (PDF, PNG or JPEG,
    checked by their content). The circle is told on-site that there is a new message; the
    message itself never leaves Maillage."""
    now = now or timezone.now()
    body = (body or "").strip()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if not body:
        raise ValidationError(_("Écrivez le message."))
    if len(body) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            _("Le message est trop long : %(max)s caractères au plus.") % {"max": MESSAGE_MAX_CHARS}
        )
    if len(attachments) > MAX_FILES:
        raise ValidationError(_("%(max)s documents au plus.") % {"max": MAX_FILES})
    checked = [check_attachment(upload) for upload in attachments]
    stored = []
    try:
        with transaction.atomic():
            message = Message.objects.create(pathway=pathway, body=body, created_by=actor)
            message.pathway = pathway
            for file in checked:
                attachment = MessageAttachment.objects.create(
                    message=message, name=file.name, content_type=file.content_type, size=file.size
                )
                attachment.message = message
                store_attachment(attachment, file)
                stored.append(attachment)
            TimelineEvent.objects.create(
                pathway=pathway,
                occurred_at=now,
                kind=EventKind.MESSAGE,
                actor=actor,
                summary=_("%(n)s document(s) joint(s)") % {"n": len(stored)} if stored else "",
            )
            pathway.members.filter(user=actor, status=MemberStatus.ACTIVE).update(
                notebook_read_at=now
            )
            audit.record(
                "notebook.post",
                request=request,
                actor=audit.actor_of(actor, request),
                obj=message,
                details={"pathway": str(pathway.public_id), "attachments": len(stored)},
            )
            notify(
                users=[
                    m.user
                    for m in queries.circle_of(pathway)
                    if m.status == "active" and m.user_id != actor.pk
                ],
                message=_("Nouveau message dans un cahier de liaison."),
                link=reverse("pathways:notebook", kwargs={"public_id": pathway.public_id}),
            )
    except BaseException:
        for attachment in stored:
            remove_attachment(attachment)
        raise
    return message


def notebook_record_read(*, pathway, messages, request, now=None) -> None:
    """The reader has seen the notebook up to now; the messages shown are audited."""
    now = now or timezone.now()
    pathway.members.filter(user=request.user, status=MemberStatus.ACTIVE).update(
        notebook_read_at=now
    )
    audit.record(
        "notebook.read",
        request=request,
        obj=pathway,
        details={"messages": [str(m.public_id) for m in messages]},
    )


def message_attachment_record_read(*, attachment, request) -> None:
    audit.record(
        "notebook.attachment.read",
        request=request,
        obj=attachment.message,
        details={"attachment": str(attachment.public_id)},
    )


# --- hospital stays ---------------------------------------------------------------------------


def _circle_except(pathway, actor) -> list:
    return [
        m.user
        for m in queries.circle_of(pathway)
        if m.status == MemberStatus.ACTIVE and m.user_id != actor.pk
    ]


def stay_admit(
    *,
    actor,
    pathway,
    facility: str,
    admitted_on,
    expected_discharge_on=None,
    request=None,
    now=None,
) -> HospitalStay:
    """Tell the circle that the person is in hospital. The discharge checklist opens at
    once: going home is prepared from the first day."""
    now = now or timezone.now()
    facility = (facility or "").strip()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if not facility or admitted_on is None:
        raise ValidationError(_("Dites dans quel établissement et depuis quand."))
    if admitted_on > timezone.localdate(now) + dt.timedelta(days=60):
        raise ValidationError(_("La date d'entrée est trop lointaine."))
    if expected_discharge_on is not None and expected_discharge_on < admitted_on:
        raise ValidationError(_("La sortie prévue ne peut pas précéder l'entrée."))
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
            request=request,
            actor=audit.actor_of(actor, request),
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


def stay_check(*, actor, stay, code: str, done: bool, request=None, now=None) -> DischargeItem:
    """Tick (or untick) a line of the discharge checklist."""
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
            request=request,
            actor=audit.actor_of(actor, request),
            obj=stay,
            details={"item": code, "done": done},
        )
    return item


def stay_discharge(
    *, actor, stay, discharged_on, destination: str = "", request=None, now=None
) -> HospitalStay:
    """The person left hospital: the circle is told, and sees what is left to do."""
    now = now or timezone.now()
    if not access.can_contribute(actor, stay.pathway):
        raise PermissionDenied
    with transaction.atomic():
        locked = HospitalStay.objects.select_for_update().select_related("pathway").get(pk=stay.pk)
        if locked.state != StayState.IN_HOSPITAL:
            raise ValidationError(_("Cette sortie est déjà enregistrée."))
        if discharged_on is None or discharged_on < locked.admitted_on:
            raise ValidationError(_("La date de sortie ne peut pas précéder l'entrée."))
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
            request=request,
            actor=audit.actor_of(actor, request),
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


def stays_record_read(*, pathway, stays, request) -> None:
    audit.record(
        "stay.read",
        request=request,
        obj=pathway,
        details={"stays": [str(s.public_id) for s in stays]},
    )


# --- concertation meetings --------------------------------------------------------------------


def _meeting_link(meeting) -> str:
    return reverse(
        "pathways:meeting",
        kwargs={"public_id": meeting.pathway.public_id, "meeting_id": meeting.public_id},
    )


def meeting_email(meeting) -> tuple[str, str]:
    """Subject and body of an invitation: when, where, and the link; nothing about the
    person (emails and calendars leave Maillage)."""
    when = timezone.localtime(meeting.starts_at)
    date = f"{when:%d/%m/%Y} à {when:%H:%M}"
    if meeting.state == MeetingState.CANCELLED:
        subject = _("Réunion de concertation du %(date)s annulée") % {"date": date}
        lead = _("La réunion de concertation du %(date)s est annulée.") % {"date": date}
    elif meeting.sequence:
        subject = _("Réunion de concertation modifiée : %(date)s") % {"date": date}
        lead = _("La réunion de concertation a changé : elle a lieu le %(date)s.") % {"date": date}
    else:
        subject = _("Invitation : réunion de concertation le %(date)s") % {"date": date}
        lead = _("Vous êtes invité·e à une réunion de concertation le %(date)s.") % {"date": date}
    # Neither the place (often her address) nor the agenda: emails leave Maillage.
    lines = [lead]
    lines.append(
        _("Ordre du jour et participants (connexion nécessaire) : %(url)s")
        % {"url": absolute_url(_meeting_link(meeting))}
    )
    lines.append(_("Le fichier joint ajoute la réunion à votre agenda."))
    return subject, "\n\n".join(lines)


def _invite(meeting, users) -> None:
    from maillage.pathways.tasks import send_meeting_invitation

    notify(users=users, message=meeting_email(meeting)[0], link=_meeting_link(meeting))
    for user in users:
        if user.is_active:
            send_meeting_invitation.defer(meeting_id=meeting.pk, user_id=user.pk)


def _meeting_invitees(pathway, actor, invitee_ids) -> list:
    active = {
        str(m.user.public_id): m.user for m in queries.circle_of(pathway) if m.status == "active"
    }
    unknown = [i for i in invitee_ids if str(i) not in active]
    if unknown:
        raise ValidationError(_("On n'invite que des membres actifs du cercle de soins."))
    users = [active[str(i)] for i in invitee_ids]
    if actor.pk not in {u.pk for u in users}:
        users.insert(0, actor)
    return users


def meeting_schedule(
    *,
    actor,
    pathway,
    starts_at,
    duration_minutes: int = 60,
    location: str = "",
    agenda: str = "",
    invitee_ids=(),
    request=None,
    now=None,
) -> Meeting:
    """Plan a concertation meeting with members of the circle: each invitee gets an on-site
    notice and an email with the iCalendar file (for a meeting still to come)."""
    now = now or timezone.now()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if starts_at is None:
        raise ValidationError(_("Dites quand a lieu la réunion."))
    if not 5 <= (duration_minutes or 0) <= 480:
        raise ValidationError(_("La durée va de 5 minutes à 8 heures."))
    if abs(starts_at - now) > dt.timedelta(days=366):
        raise ValidationError(_("La date de la réunion est à plus d'un an d'aujourd'hui."))
    with transaction.atomic():
        users = _meeting_invitees(pathway, actor, list(invitee_ids))
        meeting = Meeting.objects.create(
            pathway=pathway,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=(location or "").strip()[:300],
            agenda=(agenda or "").strip(),
            organiser=actor,
            created_by=actor,
        )
        meeting.pathway = pathway
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user=user) for user in users]
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.MEETING_PLANNED,
            actor=actor,
            summary=f"{timezone.localtime(starts_at):%d/%m/%Y %H:%M}",
        )
        audit.record(
            "meeting.schedule",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=meeting,
            details={"pathway": str(pathway.public_id), "invited": len(users)},
        )
        if starts_at > now:
            _invite(meeting, [u for u in users if u.pk != actor.pk])
    return meeting


def _lock_meeting(meeting, actor, expected_version) -> Meeting:
    locked = (
        Meeting.objects.select_for_update()
        .select_related("pathway", "organiser")
        .get(pk=meeting.pk)
    )
    if not access.can_contribute(actor, locked.pathway):
        raise PermissionDenied
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _(
                "La réunion a été modifiée par quelqu'un d'autre pendant que vous la lisiez. "
                "Votre saisie est conservée ci-dessous : relisez, puis enregistrez à nouveau."
            )
        )
    return locked


def meeting_reschedule(
    *,
    actor,
    meeting,
    expected_version: int,
    starts_at,
    duration_minutes: int,
    location: str,
    agenda: str,
    request=None,
    now=None,
) -> Meeting:
    """Change the date, place or agenda of a planned meeting; invitees get the update,
    which their calendars apply to the event they already hold (same UID, next SEQUENCE)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, expected_version)
        if locked.state != MeetingState.PLANNED:
            raise ValidationError(_("Seule une réunion prévue se modifie."))
        if starts_at is None or not 5 <= (duration_minutes or 0) <= 480:
            raise ValidationError(_("Dites quand a lieu la réunion et combien de temps."))
        if abs(starts_at - now) > dt.timedelta(days=366):
            raise ValidationError(_("La date de la réunion est à plus d'un an d'aujourd'hui."))
        location = (location or "").strip()[:300]
        moved = (
            starts_at != locked.starts_at
            or duration_minutes != locked.duration_minutes
            or location != locked.location
        )
        locked.starts_at = starts_at
        locked.duration_minutes = duration_minutes
        locked.location = location
        locked.agenda = (agenda or "").strip()
        locked.version += 1
        if moved:
            locked.sequence += 1
        locked.save()
        audit.record(
            "meeting.update",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
            details={"sequence": locked.sequence},
        )
        if moved and starts_at > now:
            _invite(
                locked,
                [a.user for a in locked.attendees.select_related("user") if a.user_id != actor.pk],
            )
    return locked


def meeting_cancel(*, actor, meeting, expected_version: int, request=None, now=None) -> Meeting:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, expected_version)
        if (locked.state, MeetingState.CANCELLED) not in MEETING_TRANSITIONS:
            raise ValidationError(_("Seule une réunion prévue s'annule."))
        locked.state = MeetingState.CANCELLED
        locked.sequence += 1
        locked.version += 1
        locked.save()
        TimelineEvent.objects.create(
            pathway=locked.pathway,
            occurred_at=now,
            kind=EventKind.MEETING_CANCELLED,
            actor=actor,
            summary=f"{timezone.localtime(locked.starts_at):%d/%m/%Y %H:%M}",
        )
        audit.record(
            "meeting.cancel", request=request, actor=audit.actor_of(actor, request), obj=locked
        )
        if locked.starts_at > now:
            _invite(
                locked,
                [a.user for a in locked.attendees.select_related("user") if a.user_id != actor.pk],
            )
    return locked


def meeting_record(
    *,
    actor,
    meeting,
    expected_version: int,
    attendance: dict,
    minutes: str,
    request=None,
    now=None,
) -> Meeting:
    """After the meeting: who came, and the minutes. The meeting is then held; its minutes
    can be completed later (version-checked like the plan)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, expected_version)
        if locked.state == MeetingState.CANCELLED:
            raise ValidationError(_("Cette réunion a été annulée."))
        if locked.starts_at > now:
            raise ValidationError(_("La réunion n'a pas encore commencé."))
        attendees = {str(a.user.public_id): a for a in locked.attendees.select_related("user")}
        for user_id, value in attendance.items():
            if str(user_id) not in attendees or value not in Attendance.values:
                raise ValidationError(_("Présence inconnue pour un participant."))
        for user_id, value in attendance.items():
            attendee = attendees[str(user_id)]
            if attendee.attendance != value:
                attendee.attendance = value
                attendee.save(update_fields=["attendance"])
        first_time = locked.state == MeetingState.PLANNED
        locked.state = MeetingState.HELD
        locked.minutes = (minutes or "").strip()
        locked.version += 1
        locked.save()
        if first_time:
            TimelineEvent.objects.create(
                pathway=locked.pathway,
                occurred_at=now,
                kind=EventKind.MEETING_HELD,
                actor=actor,
                summary=f"{timezone.localtime(locked.starts_at):%d/%m/%Y %H:%M}",
            )
        audit.record(
            "meeting.record", request=request, actor=audit.actor_of(actor, request), obj=locked
        )
    return locked


def meeting_decide(
    *,
    actor,
    meeting,
    text: str,
    objective=None,
    owner: str = "",
    due_on=None,
    service=None,
    expected_plan_version=None,
    request=None,
    now=None,
) -> MeetingDecision:
    """Record a decision of the meeting; with an objective, it becomes an action of the
    plan in the same step (and the same plan version check)."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Écrivez la décision."))
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, None)
        if locked.state == MeetingState.CANCELLED or locked.starts_at > now:
            raise ValidationError(_("Les décisions se prennent pendant ou après la réunion."))
        action = None
        if objective is not None:
            action = plan_action_add(
                actor=actor,
                objective=objective,
                text=text[:300],
                owner=owner,
                due_on=due_on,
                service=service,
                expected_version=expected_plan_version,
                request=request,
            )
        decision = MeetingDecision.objects.create(
            meeting=locked, text=text[:300], plan_action=action
        )
        audit.record(
            "meeting.decide",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
            details={"decision": str(decision.public_id), "plan_action": bool(action)},
        )
    return decision


def meeting_record_read(*, meeting, request) -> None:
    audit.record("meeting.read", request=request, obj=meeting)


# --- closure and retention -------------------------------------------------------------------

FINAL_OBJECTIVE_STATES = (
    ObjectiveStatus.REACHED,
    ObjectiveStatus.NOT_REACHED,
    ObjectiveStatus.DROPPED,
)


def pathway_close(
    *,
    actor,
    pathway,
    reason: str,
    outcome: str,
    objective_statuses: dict,
    satisfaction: str = "",
    satisfaction_comment: str = "",
    request=None,
    now=None,
) -> Pathway:
    """Close the pathway: why, what changed and where the person goes next, whether each
    objective still open was reached, and what the person says of the support. Open
    actions are cancelled, planned meetings cancelled (invitees told), the circle told."""
    now = now or timezone.now()
    if reason not in ClosureReason.values:
        raise ValidationError(_("Choisissez la raison de la clôture."))
    if satisfaction and satisfaction not in Satisfaction.values:
        raise ValidationError(_("Réponse de satisfaction inconnue."))
    with transaction.atomic():
        locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
        if not access.can_close(actor, locked):
            raise PermissionDenied
        if locked.state != PathwayState.OPEN:
            raise ValidationError(_("Ce parcours est déjà clos."))
        plan = Plan.objects.select_for_update().filter(pathway=locked).first()
        if plan is not None:
            still_open = list(plan.objectives.filter(status=ObjectiveStatus.OPEN))
            for objective in still_open:
                status = objective_statuses.get(str(objective.public_id))
                if status not in FINAL_OBJECTIVE_STATES:
                    raise ValidationError(
                        _("Dites, pour chaque objectif en cours, s'il est atteint ou non.")
                    )
                objective.status = status
                objective.save(update_fields=["status"])
            PlanAction.objects.filter(objective__plan=plan, status__in=OPEN_ACTION_STATES).update(
                status=ActionStatus.CANCELLED
            )
            if still_open:
                plan.pathway = locked
                _saved(plan, actor, request, "plan.close", now=now)
        for meeting in locked.meetings.filter(state=MeetingState.PLANNED):
            meeting_cancel(actor=actor, meeting=meeting, expected_version=None, request=request)
        locked.state = PathwayState.CLOSED
        locked.closed_at = now
        locked.closed_by = actor
        locked.closure_reason = reason
        locked.closure_outcome = (outcome or "").strip()
        locked.satisfaction = satisfaction or ""
        locked.satisfaction_comment = (satisfaction_comment or "").strip()
        locked.save()
        TimelineEvent.objects.create(
            pathway=locked,
            occurred_at=now,
            kind=EventKind.CLOSED,
            actor=actor,
            summary=str(ClosureReason(reason).label),
        )
        audit.record(
            "pathway.close",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=locked,
            details={"reason": reason},
        )
        notify(
            users=_circle_except(locked, actor),
            message=_("Un parcours dont vous faites partie est clos."),
            link=reverse("pathways:pathway", kwargs={"public_id": locked.public_id}),
        )
    return locked


def pathway_reopen(*, actor, pathway, request=None, now=None) -> Pathway:
    """Reopen a closed pathway (not an archived one): a closure made too early."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
        if not access.can_close(actor, locked):
            raise PermissionDenied
        if locked.state != PathwayState.CLOSED:
            raise ValidationError(_("Seul un parcours clos, pas encore archivé, se rouvre."))
        locked.state = PathwayState.OPEN
        locked.closed_at = None
        locked.closed_by = None
        # The closure is undone; the timeline keeps that it happened and why.
        locked.closure_reason = ""
        locked.closure_outcome = ""
        locked.satisfaction = ""
        locked.satisfaction_comment = ""
        locked.save()
        TimelineEvent.objects.create(
            pathway=locked, occurred_at=now, kind=EventKind.REOPENED, actor=actor
        )
        audit.record(
            "pathway.reopen", request=request, actor=audit.actor_of(actor, request), obj=locked
        )
    return locked


def age_band(birth_date, on) -> str:
    """The age band kept once a record is anonymised (the observatory's bands)."""
    if birth_date is None or on is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for upper, label in ((18, "0-17"), (40, "18-39"), (60, "40-59"), (75, "60-74"), (85, "75-84")):
        if age < upper:
            return label
    return "85+"


def apply_retention(*, now=None) -> dict:
    """Archive the pathways closed for `archive_after_days`, then anonymise those closed for
    `anonymise_after_days` (PlatformSettings). Each pathway in its own transaction."""
    now = now or timezone.now()
    settings_row = PlatformSettings.current()
    archive_before = now - dt.timedelta(days=settings_row.archive_after_days)
    anonymise_before = now - dt.timedelta(days=settings_row.anonymise_after_days)
    archived = 0
    for pathway_id, public_id in Pathway.objects.filter(
        state=PathwayState.CLOSED, closed_at__lte=archive_before
    ).values_list("pk", "public_id"):
        with transaction.atomic():
            updated = Pathway.objects.filter(pk=pathway_id, state=PathwayState.CLOSED).update(
                state=PathwayState.ARCHIVED, archived_at=now, updated_at=now
            )
            if updated:
                TimelineEvent.objects.create(
                    pathway_id=pathway_id, occurred_at=now, kind=EventKind.ARCHIVED
                )
                audit.record(
                    "pathway.archive",
                    actor=None,
                    object_type="pathways.pathway",
                    object_id=str(public_id),
                )
                archived += 1
    anonymised = 0
    for pathway_id in Pathway.objects.filter(
        state=PathwayState.ARCHIVED, anonymised_at__isnull=True, closed_at__lte=anonymise_before
    ).values_list("pk", flat=True):
        anonymise_pathway(pathway_id=pathway_id, now=now)
        anonymised += 1
    return {"archived": archived, "anonymised": anonymised}


def anonymise_pathway(*, pathway_id: int, now=None) -> None:
    """Erase what identifies the person or tells her story — identity, free texts, messages
    and their files, plan snapshots, caregivers, her space and the accounts that only served
    it, the orientations' copies — and keep what statistics need: dates, needs and their
    levels, GIR, outcomes, validations, roles, the commune, sex and an age band."""
    from maillage.accounts.actions import portal_account_erase
    from maillage.accounts.models import Invitation

    now = now or timezone.now()
    removed_files = []
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().select_related("person").get(pk=pathway_id)
        if pathway.anonymised_at is not None:
            return
        person = pathway.person
        pathway.person_age_band = age_band(person.birth_date, pathway.opened_at.date())
        pathway.closure_outcome = ""
        pathway.satisfaction_comment = ""
        pathway.anonymised_at = now
        pathway.save()
        SupportRequest.objects.filter(pathway=pathway).update(
            reason="", tried="", triage_comment=""
        )
        Plan.objects.filter(pathway=pathway).update(
            problems="", person_project="", alert_procedure=""
        )
        # The versions stay, with who validated them and when; their snapshots go.
        PlanVersion.objects.filter(plan__pathway=pathway).update(content={})
        Objective.objects.filter(plan__pathway=pathway).update(text="", criteria="")
        PlanAction.objects.filter(objective__plan__pathway=pathway).update(text="")
        Assessment.objects.filter(pathway=pathway).update(person_words="")
        DomainAssessment.objects.filter(assessment__pathway=pathway).update(notes="", sources="")
        for attachment in MessageAttachment.objects.filter(message__pathway=pathway).select_related(
            "message__pathway"
        ):
            removed_files.append(attachment)
        Message.objects.filter(pathway=pathway).delete()
        HospitalStay.objects.filter(pathway=pathway).update(facility="", discharge_destination="")
        Meeting.objects.filter(pathway=pathway).update(agenda="", minutes="", location="")
        MeetingDecision.objects.filter(meeting__pathway=pathway).update(text="")
        TimelineEvent.objects.filter(pathway=pathway).update(summary="")
        Caregiver.objects.filter(pathway=pathway).update(name="—", phone="", email="")
        PersonNote.objects.filter(pathway=pathway).update(text="")
        # The space's accesses go, with their invitations; an account that only served to
        # open this space (no other space, no other role) is erased.
        accesses = list(PortalAccess.objects.filter(pathway=pathway).select_related("user"))
        Invitation.objects.filter(
            pk__in=[a.invitation_id for a in accesses if a.invitation_id]
        ).delete()
        PortalAccess.objects.filter(pk__in=[a.pk for a in accesses]).delete()
        for user in {a.user for a in accesses if a.user is not None}:
            if not PortalAccess.objects.filter(user=user).exists():
                portal_account_erase(user=user)
        # The orientations the plan sent hold a copy of her identity: erased too.
        from maillage.directory.actions import orientations_anonymise

        orientations_anonymise(
            orientation_ids=[
                *PlanAction.objects.filter(
                    objective__plan__pathway=pathway, orientation__isnull=False
                ).values_list("orientation_id", flat=True),
                *SupportRequest.orientations.through.objects.filter(
                    supportrequest__pathway=pathway
                ).values_list("orientation_id", flat=True),
            ]
        )
        # The identity goes once no other record of hers still needs it.
        still_needed = (
            Pathway.objects.filter(person=person, anonymised_at__isnull=True)
            .exclude(pk=pathway.pk)
            .exists()
            or SupportRequest.objects.filter(person=person, pathway__isnull=True)
            .exclude(state__in=[RequestState.INFORMATION, RequestState.WITHDRAWN])
            .exists()
        )
        if not still_needed:
            person.first_name = "—"
            person.last_name = "—"
            person.birth_date = None
            person.phone = ""
            person.email = ""
            person.gp_name = ""
            person.account = None
            person.identity_key = f"anonymised|{person.public_id}"
            person.save()
        audit.record(
            "pathway.anonymise",
            actor=None,
            object_type="pathways.pathway",
            object_id=str(pathway.public_id),
            details={"identity_erased": not still_needed},
        )
        transaction.on_commit(lambda: [remove_attachment(a) for a in removed_files])


# --- caregivers and the person's space --------------------------------------------------------


def caregiver_add(
    *,
    actor,
    pathway,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    is_main: bool = False,
    person_agreed: bool = False,
    request=None,
    now=None,
) -> Caregiver:
    """A caregiver joins the circle, with the person's agreement."""
    now = now or timezone.now()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    name = (name or "").strip()
    if not name or relationship not in Relationship.values:
        raise ValidationError(_("Donnez le nom de l'aidant·e et son lien avec la personne."))
    if not person_agreed:
        raise ValidationError(
            _("Un·e aidant·e n'entre dans le cercle qu'avec l'accord de la personne.")
        )
    with transaction.atomic():
        if is_main:
            pathway.caregivers.filter(is_main=True).update(is_main=False)
        caregiver = Caregiver.objects.create(
            pathway=pathway,
            name=name[:200],
            relationship=relationship,
            phone=(phone or "").strip()[:30],
            email=(email or "").strip(),
            is_main=is_main,
            person_agreed=True,
            created_by=actor,
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.CAREGIVER_ADDED,
            actor=actor,
            summary=f"{caregiver.name} — {Relationship(relationship).label}",
        )
        audit.record(
            "caregiver.add",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=caregiver,
            details={"pathway": str(pathway.public_id)},
        )
    return caregiver


def portal_invite(*, actor, pathway, email: str, caregiver=None, request=None, now=None):
    """Open the person's space to her (caregiver None) or to a caregiver she authorised:
    an invitation to an account with the portal role on the platform, where two-factor
    authentication is required; an existing account with that role gets the access at once."""
    from maillage.accounts import actions as accounts_actions
    from maillage.accounts.models import User
    from maillage.core.roles import Role

    now = now or timezone.now()
    if not (access.can_manage_circle(actor, pathway) and pathway.state == PathwayState.OPEN):
        raise PermissionDenied
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError(_("Donnez l'adresse e-mail où envoyer l'invitation."))
    if caregiver is not None and (not caregiver.person_agreed or caregiver.removed_at):
        raise ValidationError(_("La personne doit avoir accepté cet·te aidant·e."))
    role = Role.CAREGIVER if caregiver is not None else Role.PERSON
    with transaction.atomic():
        Pathway.objects.select_for_update().get(pk=pathway.pk)
        if pathway.portal_accesses.filter(caregiver=caregiver, revoked_at__isnull=True).exists():
            raise ValidationError(_("Cet accès est déjà ouvert ou l'invitation est en cours."))
        existing = (
            User.objects.filter(
                email__iexact=email,
                is_active=True,
                memberships__organisation=pathway.platform,
                memberships__role=role,
                memberships__is_active=True,
            )
            .distinct()
            .first()
        )
        invitation = None
        if existing is None:
            invitation, _token = accounts_actions.invitation_send(
                actor=actor, organisation=pathway.platform, email=email, role=role, request=request
            )
            # A new invitation revokes the earlier pending ones to the same address: the
            # accesses they carried (another relative she helps) now wait on this one.
            PortalAccess.objects.filter(
                user__isnull=True,
                revoked_at__isnull=True,
                invitation__email__iexact=email,
                invitation__organisation=pathway.platform,
                invitation__role=role,
            ).update(invitation=invitation)
        portal = PortalAccess.objects.create(
            pathway=pathway,
            caregiver=caregiver,
            invitation=invitation,
            email=email if existing is not None else "",
            created_by=actor,
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.PORTAL_OPENED,
            actor=actor,
            summary=caregiver.name if caregiver else str(_("la personne")),
        )
        audit.record(
            "portal.open",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=portal,
            details={"pathway": str(pathway.public_id), "caregiver": caregiver is not None},
        )
        if existing is not None:
            notify(
                users=[existing],
                message=_(
                    "Un espace d'accompagnement vous est proposé : ouvrez « Mon espace » pour "
                    "l'accepter."
                ),
                link=reverse("pathways:portal"),
                email_subject=_("Votre espace personnel"),
            )
    return portal


def portal_revoke(*, actor, portal, request=None, now=None) -> PortalAccess:
    """Close an access to the person's space: it ends at once."""
    now = now or timezone.now()
    with transaction.atomic():
        portal = (
            PortalAccess.objects.select_for_update(of=("self",))
            .select_related("pathway", "caregiver", "invitation")
            .get(pk=portal.pk)
        )
        if not access.can_manage_circle(actor, portal.pathway):
            raise PermissionDenied
        if portal.revoked_at is not None:
            raise ValidationError(_("Cet accès est déjà fermé."))
        portal.revoked_at = now
        portal.save(update_fields=["revoked_at", "updated_at"])
        if portal.invitation is not None and portal.invitation.accepted_at is None:
            type(portal.invitation).objects.filter(pk=portal.invitation.pk).update(revoked_at=now)
        TimelineEvent.objects.create(
            pathway=portal.pathway,
            occurred_at=now,
            kind=EventKind.PORTAL_CLOSED,
            actor=actor,
            summary=portal.caregiver.name if portal.caregiver else str(_("la personne")),
        )
        audit.record(
            "portal.close", request=request, actor=audit.actor_of(actor, request), obj=portal
        )
    return portal


def _link_person_account(portal, user) -> None:
    """Her own access makes her account the person's — unless that person already has one,
    or the account already belongs to another record (one account, one person)."""
    if portal.caregiver_id is None and not Person.objects.filter(account=user).exists():
        Person.objects.filter(pk=portal.pathway.person_id, account__isnull=True).update(
            account=user
        )


def portal_link(user, *, request=None) -> int:
    """Give the accesses whose invitation this user accepted to her account (her email is
    the invitation's: accounts checked it). Returns how many were linked."""
    if not user.is_authenticated:
        return 0
    pending = list(
        PortalAccess.objects.filter(
            user__isnull=True,
            revoked_at__isnull=True,
            invitation__accepted_at__isnull=False,
            invitation__email__iexact=user.email,
        ).select_related("pathway")
    )
    with transaction.atomic():
        for portal in pending:
            portal.user = user
            portal.save(update_fields=["user", "updated_at"])
            _link_person_account(portal, user)
            audit.record("portal.link", request=request, obj=portal)
    return len(pending)


def portal_accept(*, user, portal, request=None) -> PortalAccess:
    """Accept a space offered to one's existing account."""
    with transaction.atomic():
        portal = (
            PortalAccess.objects.select_for_update(of=("self",))
            .select_related("pathway")
            .get(pk=portal.pk)
        )
        if (
            portal.user_id is not None
            or portal.revoked_at is not None
            or not portal.email
            or portal.email.lower() != user.email.lower()
        ):
            raise ValidationError(_("Cette proposition n'est plus valable."))
        portal.user = user
        portal.save(update_fields=["user", "updated_at"])
        _link_person_account(portal, user)
        audit.record("portal.accept", request=request, obj=portal)
    return portal


def portal_record_read(*, pathway, request, what: str = "portal.read") -> None:
    audit.record(what, request=request, obj=pathway)


PERSON_NOTE_MAX_CHARS = 4000


def person_note_add(*, actor, pathway, kind: str, text: str, request=None, now=None):
    """The person (or her caregiver) writes from her space: her own goal, a comment, a
    request for change. The referent is told (on-site and by email)."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not queries.portal_pathways(actor).filter(pk=pathway.pk).exists():
        raise PermissionDenied
    if pathway.state != PathwayState.OPEN:
        raise ValidationError(_("Ce parcours est clos : vous ne pouvez plus y écrire."))
    if kind not in NoteKind.values or not text:
        raise ValidationError(_("Écrivez votre message."))
    if len(text) > PERSON_NOTE_MAX_CHARS:
        raise ValidationError(
            _("Votre message est trop long : %(max)s caractères au plus.")
            % {"max": PERSON_NOTE_MAX_CHARS}
        )
    with transaction.atomic():
        note = PersonNote.objects.create(pathway=pathway, kind=kind, text=text, created_by=actor)
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.PERSON_NOTE,
            actor=actor,
            summary=str(NoteKind(kind).label),
        )
        audit.record("portal.note", request=request, actor=audit.actor_of(actor, request), obj=note)
        notify(
            users=[pathway.referent],
            message=_("La personne que vous accompagnez a écrit dans son espace : %(kind)s.")
            % {"kind": str(NoteKind(kind).label).lower()},
            link=reverse("pathways:plan", kwargs={"public_id": pathway.public_id}),
            email_subject=_("Message d'une personne accompagnée"),
        )
    return note


# --- orientations from a request (information and orientation) ------------------------------


def request_orient(
    *, actor, support_request, service, consent_method: str, reason: str = "", request=None
):
    """A coordinator of the platform orients the person to a directory service from her
    request (the information-and-orientation answer), with her agreement; the orientation
    is listed on the request."""
    from maillage.directory import actions as directory_actions
    from maillage.directory.access import can_orient

    if COORDINATOR not in access.request_sides(actor, support_request) or not can_orient(actor):
        raise PermissionDenied
    if support_request.state in (RequestState.WITHDRAWN, RequestState.PATHWAY):
        raise ValidationError(
            _("Cette demande n'est plus à orienter : passez par son parcours s'il existe.")
        )
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
            reason=(reason or "").strip() or support_request.reason,
            consent_method=consent_method,
            request=request,
        )
        support_request.orientations.add(orientation)
        audit.record(
            "support_request.orient",
            request=request,
            actor=audit.actor_of(actor, request),
            obj=support_request,
            details={"orientation": str(orientation.public_id)},
        )
    return orientation
