"""The personalised plan (PPCS): objectives, actions, versions and validations."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.inputs import is_uuid
from maillage.core.pipeline import found
from maillage.core.versions import lock_version
from maillage.core.workflows import check_move
from maillage.directory import actions as directory_actions
from maillage.directory.access import can_orient
from maillage.directory.queries import published_service
from maillage.pathways import presenters
from maillage.pathways.actions._common import _contributes, date_within
from maillage.pathways.enums import (
    ACTION_TRANSITIONS,
    PLACEMENT_CHECKLIST,
    ActionStatus,
    CircleRole,
    EventKind,
    MemberStatus,
    Need,
    Validator,
)
from maillage.pathways.inputs import (
    ActionStatusIn,
    ObjectiveIn,
    PlanActionIn,
    PlanIn,
    ValidationIn,
)
from maillage.pathways.models import (
    Objective,
    Plan,
    PlanAction,
    PlanValidation,
    PlanVersion,
    TimelineEvent,
)

# --- the personalised plan (PPCS) ------------------------------------------------------------


def plan_snapshot(plan) -> dict:
    """The plan as it reads now, for its version history (presenters.plan_snapshot)."""
    return presenters.plan_snapshot(presenters.plan_view(plan))


def plan_ensure(*, pathway) -> Plan:
    plan, _created = Plan.objects.get_or_create(pathway=pathway)
    return plan


def placement_prepared(*, pathway, place: str, actor=None, acting=None, now=None) -> Objective:
    """A place was taken (regulation's admission): the plan gets the objective « préparer la
    sortie dès l'entrée », its actions held by the referent, and the circle reads it in the
    timeline. Called by the platform on an admission, not by a person's form."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(pathway=pathway).first()
        plan = plan or Plan.objects.create(pathway=pathway)
        objective = Objective.objects.create(
            plan=plan,
            need=Need.HOUSING,
            text=(_("Préparer la sortie dès l'entrée : %(place)s") % {"place": place})[:300],
        )
        referent = pathway.members.filter(
            role=CircleRole.REFERENT, status=MemberStatus.ACTIVE
        ).first()
        PlanAction.objects.bulk_create(
            [
                PlanAction(objective=objective, text=str(text), owner_member=referent)
                for text in PLACEMENT_CHECKLIST
            ]
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.PLACEMENT,
            actor=actor,
            summary=place[:200],
        )
        _saved(plan, actor, acting, "plan.placement", now=now)
    return objective


def _lock_plan(plan, actor, expected_version: int | None) -> Plan:
    locked = lock_version(
        Plan.objects.select_related("pathway"),
        plan.pk,
        expected_version,
        _(
            "Le plan a été modifié par quelqu'un d'autre pendant que vous le lisiez. "
            "Votre saisie est conservée ci-dessous : relisez la nouvelle version, puis "
            "enregistrez à nouveau."
        ),
        check=lambda row: _contributes(actor, row.pathway),
    )
    return locked


def _saved(plan, actor, acting, action: str, now=None) -> None:
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
        actor=audit.actor_of(actor, acting),
        obj=plan,
        details={"version": plan.version},
    )


def plan_save(*, actor, plan, data: PlanIn, acting=None) -> Plan:
    """Save the plan's written parts, unless someone saved since the version read."""
    with transaction.atomic():
        locked = _lock_plan(plan, actor, data.version)
        if data.revision_on != locked.revision_on:  # a date already past may stay as it was
            today = timezone.localdate()
            date_within(
                data.revision_on,
                today,
                today + dt.timedelta(days=2 * 366),
                "revision_on",
                _("La prochaine révision se situe entre aujourd'hui et dans deux ans."),
            )
        locked.problems = data.problems.strip()
        locked.person_project = data.person_project.strip()
        locked.alert_procedure = data.alert_procedure.strip()
        locked.revision_on = data.revision_on
        _saved(locked, actor, acting, "plan.save")
    return locked


def objective_add(*, actor, plan, data: ObjectiveIn, acting=None) -> Objective:
    if data.need not in Need.values or not data.text.strip():
        raise ValidationError(_("Un objectif a un besoin et un texte."))
    with transaction.atomic():
        locked = _lock_plan(plan, actor, data.version)
        objective = Objective.objects.create(
            plan=locked,
            need=data.need,
            text=data.text.strip(),
            criteria=data.criteria.strip(),
            no_resource=data.no_resource,
        )
        _saved(locked, actor, acting, "plan.objective_add")
    return objective


def plan_action_add(*, actor, plan, data: PlanActionIn, acting=None) -> PlanAction:
    """`data.owner`: "person" (the person herself), "service" (a published directory
    service, `data.service`: an orientation is sent to it in the same step, with the
    person's agreement given as `data.consent_method`) or a circle member's public id."""
    text = data.text.strip()
    if not text:
        raise ValidationError(_("Dites quelle est l'action."))
    today = timezone.localdate()
    date_within(
        data.due_on,
        today - dt.timedelta(days=31),  # an action written down a little late
        today + dt.timedelta(days=3 * 366),
        "due_on",
        _("L'échéance d'une action se situe entre il y a un mois et dans trois ans."),
    )
    if data.owner == "service" and not can_orient(actor):
        # Refused before any write, so that the denial's audit row is not rolled back.
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_plan(plan, actor, data.version)
        objective = found(
            locked.objectives.filter(public_id=data.objective).first(),
            "plan.action_add",
            "pathways.objective",
            data.objective,
            what="objectif",
        )
        member = None
        if data.owner not in ("person", "service"):
            member = (
                locked.pathway.members.filter(public_id=data.owner, status=MemberStatus.ACTIVE)
                .select_related("user")
                .first()
                if is_uuid(data.owner)
                else None
            )
            if member is None:
                raise ValidationError(_("Choisissez qui porte l'action."))
        service = orientation = None
        if data.owner == "service":
            service = published_service(data.service) if data.service else None
            if service is None:
                raise ValidationError(_("Choisissez le service de l'annuaire qui porte l'action."))
            if not data.consent_method:
                raise ValidationError(
                    _("L'accord de la personne est nécessaire pour transmettre ses coordonnées.")
                )
            person = locked.pathway.person
            orientation = directory_actions.orientation_send(
                actor=actor,
                service=service,
                person_first_name=person.first_name,
                person_last_name=person.last_name,
                person_birth_year=person.birth_date.year if person.birth_date else None,
                person_phone=person.phone,
                person_email=person.email,
                reason=f"{objective.text} — {text}",
                consent_method=data.consent_method,
                acting=acting,
            )
        action = PlanAction.objects.create(
            objective=objective,
            text=text,
            owner_member=member,
            owner_is_person=data.owner == "person",
            service=service,
            orientation=orientation,
            due_on=data.due_on,
        )
        _saved(locked, actor, acting, "plan.action_add")
    return action


def plan_action_set_status(*, actor, action, data: ActionStatusIn, acting=None) -> PlanAction:
    if data.status not in ActionStatus.values:
        raise ValidationError(_("État inconnu."))
    with transaction.atomic():
        locked = _lock_plan(action.objective.plan, actor, data.version)
        action = PlanAction.objects.select_for_update().get(pk=action.pk)
        if data.status == action.status:
            return action  # nothing to change, nothing to trace
        check_move(ACTION_TRANSITIONS, action.status, data.status, labels=ActionStatus)
        action.status = data.status
        action.save(update_fields=["status"])
        _saved(locked, actor, acting, "plan.action_status")
    return action


def plan_validate(*, actor, plan, data: ValidationIn, acting=None) -> PlanValidation:
    """Record that the person or her GP validated the version they were shown."""
    validator = data.validator
    if validator not in Validator.values:
        raise ValidationError(_("Qui valide ?"))
    with transaction.atomic():
        locked = _lock_plan(plan, actor, data.version)
        version = locked.versions.filter(number=locked.version).first()
        if version is None:
            raise ValidationError(_("Le plan est vide : enregistrez-le avant de le faire valider."))
        date_within(
            data.validated_on,
            timezone.localdate(version.saved_at),
            timezone.localdate(),
            "validated_on",
            _(
                "La validation est datée entre l'enregistrement de cette version du plan "
                "(%(d)s) et aujourd'hui."
            )
            % {"d": date_format(timezone.localdate(version.saved_at), "j F Y")},
        )
        if version.validations.filter(validator=validator).exists():
            raise ValidationError(_("Cette version est déjà validée par cette personne."))
        validation = PlanValidation.objects.create(
            version=version, validator=validator, validated_on=data.validated_on, recorded_by=actor
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
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"version": version.number, "validator": validator},
        )
    return validation
