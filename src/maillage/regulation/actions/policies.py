"""Priority policies: drafts written and simulated by the SIAO, one published at a time,
every version kept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.regulation import access, priority
from maillage.regulation.enums import PolicyState
from maillage.regulation.inputs import PolicyIn
from maillage.regulation.models import PriorityPolicy


def _policy_data(data: PolicyIn) -> dict:
    policy = priority.Policy(
        tiers=tuple(priority.TierRule(str(t.tier), t.points, t.cap) for t in data.tiers),
        refusal_penalty_days=data.refusal_penalty_days,
        base=data.base,
        preferred_commune=data.preferred_commune,
        empty_bed=data.empty_bed,
    )
    found = priority.problems(policy)
    if found:
        raise ValidationError({"tiers": " ".join(found)})
    return policy.as_data()


def policy_create(*, actor, regulator, data: PolicyIn, acting=None) -> PriorityPolicy:
    """A new draft (a new version number): nothing changes until it is published."""
    if regulator.pk not in access.regulating(actor):
        raise PermissionDenied
    content = _policy_data(data)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                number = (
                    PriorityPolicy.objects.filter(regulator=regulator).aggregate(n=Max("number"))[
                        "n"
                    ]
                    or 0
                ) + 1
                policy = PriorityPolicy.objects.create(
                    regulator=regulator,
                    number=number,
                    name=data.name.strip(),
                    notes=data.notes.strip(),
                    data=content,
                    created_by=actor,
                )
                audit.record(
                    "policy.save",
                    actor=audit.actor_of(actor, acting),
                    obj=policy,
                    details={"number": number},
                )
            return policy
        except IntegrityError:
            continue  # someone took this number at the same moment: take the next
    raise ValidationError(_("Réessayez : une autre version vient d'être créée."))


def policy_update(*, actor, policy, data: PolicyIn, acting=None) -> PriorityPolicy:
    if policy.regulator_id not in access.regulating(actor):
        raise PermissionDenied
    content = _policy_data(data)
    with transaction.atomic():
        locked = PriorityPolicy.objects.select_for_update().get(pk=policy.pk)
        if locked.state != PolicyState.DRAFT:
            raise ValidationError(
                _("Une politique publiée ne se modifie plus : créez-en une nouvelle version.")
            )
        locked.name, locked.notes, locked.data = data.name.strip(), data.notes.strip(), content
        locked.save(update_fields=["name", "notes", "data", "updated_at"])
        audit.record(
            "policy.save",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"number": locked.number},
        )
    return locked


def policy_publish(*, actor, policy, acting=None, now=None) -> PriorityPolicy:
    """The draft comes into force; the one in force before is kept, as replaced."""
    now = now or timezone.now()
    if policy.regulator_id not in access.regulating(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = PriorityPolicy.objects.select_for_update().get(pk=policy.pk)
        if locked.state != PolicyState.DRAFT:
            raise ValidationError(_("Seul un brouillon peut être publié."))
        PriorityPolicy.objects.select_for_update().filter(
            regulator_id=locked.regulator_id, state=PolicyState.PUBLISHED
        ).update(state=PolicyState.RETIRED)
        locked.state = PolicyState.PUBLISHED
        locked.published_at, locked.published_by = now, actor
        locked.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        audit.record(
            "policy.publish",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"number": locked.number},
        )
    return locked
