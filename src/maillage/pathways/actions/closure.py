"""Closure and reopening of pathways; retention and anonymisation."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.actions import portal_account_erase
from maillage.accounts.models import Invitation
from maillage.core import audit
from maillage.core.attachments import remove as remove_attachment
from maillage.core.models import PlatformSettings
from maillage.core.notify import notify
from maillage.core.workflows import check_move
from maillage.directory.actions import orientations_anonymise
from maillage.pathways import access
from maillage.pathways.actions._common import (
    _circle_except,
)
from maillage.pathways.actions.meetings import meeting_cancel
from maillage.pathways.actions.plan import _saved
from maillage.pathways.enums import (
    OPEN_ACTION_STATES,
    PATHWAY_TRANSITIONS,
    ActionStatus,
    ClosureReason,
    EventKind,
    MeetingState,
    ObjectiveStatus,
    PathwayState,
    RequestState,
    Satisfaction,
)
from maillage.pathways.inputs import CloseIn
from maillage.pathways.models import (
    Assessment,
    Caregiver,
    DomainAssessment,
    HospitalStay,
    Meeting,
    MeetingDecision,
    Message,
    MessageAttachment,
    Objective,
    Pathway,
    PersonNote,
    Plan,
    PlanAction,
    PlanVersion,
    PortalAccess,
    SupportRequest,
    TimelineEvent,
)

# --- closure and retention -------------------------------------------------------------------

FINAL_OBJECTIVE_STATES = (
    ObjectiveStatus.REACHED,
    ObjectiveStatus.NOT_REACHED,
    ObjectiveStatus.DROPPED,
)


def _locked_for(actor, pathway, target: str, refusal: str) -> Pathway:
    """The pathway locked, once its closer may move it to `target` (PATHWAY_TRANSITIONS)."""
    locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not access.can_close(actor, locked):
        raise PermissionDenied
    check_move(PATHWAY_TRANSITIONS, locked.state, target, message=refusal)
    return locked


def pathway_close(*, actor, pathway, data: CloseIn, acting=None, now=None) -> Pathway:
    """Close the pathway: why, what changed and where the person goes next, whether each
    objective still open was reached, and what the person says of the support. Open
    actions are cancelled, planned meetings cancelled (invitees told), the circle told."""
    reason, outcome, objective_statuses, satisfaction, satisfaction_comment = (
        data.reason,
        data.outcome,
        data.objectives,
        data.satisfaction,
        data.satisfaction_comment,
    )
    now = now or timezone.now()
    if reason not in ClosureReason.values:
        raise ValidationError(_("Choisissez la raison de la clôture."))
    if satisfaction and satisfaction not in Satisfaction.values:
        raise ValidationError(_("Réponse de satisfaction inconnue."))
    with transaction.atomic():
        locked = _locked_for(actor, pathway, PathwayState.CLOSED, _("Ce parcours est déjà clos."))
        plan = Plan.objects.select_for_update().filter(pathway=locked).first()
        if plan is not None:
            still_open = list(plan.objectives.filter(status=ObjectiveStatus.OPEN))
            cancelled = PlanAction.objects.filter(
                objective__plan=plan, status__in=OPEN_ACTION_STATES
            )
            locked.closure_changes = {
                "objectives": [o.pk for o in still_open],
                "actions": {
                    str(pk): status for pk, status in cancelled.values_list("pk", "status")
                },
            }
            for objective in still_open:
                status = objective_statuses.get(str(objective.public_id))
                if status not in FINAL_OBJECTIVE_STATES:
                    raise ValidationError(
                        _("Dites, pour chaque objectif en cours, s'il est atteint ou non.")
                    )
                objective.status = status
                objective.save(update_fields=["status"])
            cancelled.update(status=ActionStatus.CANCELLED)
            if still_open:
                plan.pathway = locked
                _saved(plan, actor, acting, "plan.close", now=now)
        for meeting in locked.meetings.filter(state=MeetingState.PLANNED):
            meeting_cancel(actor=actor, meeting=meeting, expected_version=None, acting=acting)
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
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"reason": reason},
        )
        notify(
            users=_circle_except(locked, actor),
            message=_("Un parcours dont vous faites partie est clos."),
            link=reverse("pathways:pathway", kwargs={"public_id": locked.public_id}),
        )
    return locked


def pathway_reopen(*, actor, pathway, acting=None, now=None) -> Pathway:
    """Reopen a closed pathway (not an archived one): a closure made too early."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for(
            actor,
            pathway,
            PathwayState.OPEN,
            _("Seul un parcours clos, pas encore archivé, se rouvre."),
        )
        # The plan as it was before the closure: its objectives in progress again, its
        # actions back to their state. Meetings cancelled stay cancelled (their invitees were
        # told): they are planned again if need be.
        changes = locked.closure_changes or {}
        Objective.objects.filter(pk__in=changes.get("objectives", []), plan__pathway=locked).update(
            status=ObjectiveStatus.OPEN
        )
        for status in set(changes.get("actions", {}).values()):
            PlanAction.objects.filter(
                pk__in=[int(pk) for pk, s in changes["actions"].items() if s == status],
                objective__plan__pathway=locked,
                status=ActionStatus.CANCELLED,
            ).update(status=status)
        if changes.get("objectives") or changes.get("actions"):
            plan = Plan.objects.select_for_update().filter(pathway=locked).first()
            if plan is not None:
                plan.pathway = locked
                _saved(plan, actor, acting, "plan.reopen", now=now)
        locked.closure_changes = {}
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
        audit.record("pathway.reopen", actor=audit.actor_of(actor, acting), obj=locked)
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
