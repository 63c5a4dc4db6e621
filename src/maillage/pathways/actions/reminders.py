"""Reminders of overdue actions and revisions due, and the weekly digests."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.deferred import send_user_email
from maillage.core.notify import absolute_url, notify
from maillage.pathways.enums import (
    MemberStatus,
    PathwayState,
)
from maillage.pathways.models import (
    Plan,
    PlanAction,
)

# --- reminders --------------------------------------------------------------------------------

REMIND_AGAIN_AFTER_DAYS = 7


def remind_overdue(*, today=None) -> dict:
    """Tell each owner of an overdue action of an open pathway (the referent when the person
    owns it), and each referent whose plan is due for revision — on-site and by email, then
    again a week later while it stays so. Periodic job (daily)."""
    today = today or timezone.localdate()
    again = today - dt.timedelta(days=REMIND_AGAIN_AFTER_DAYS)
    overdue = (
        PlanAction.objects.overdue(today)
        .filter(objective__plan__pathway__state=PathwayState.OPEN)
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

    today = today or timezone.localdate()
    users = {u.pk: u for u in User.objects.filter(is_active=True, weekly_digest=True)}
    if not users:
        return 0
    lines: dict[int, dict] = {}
    overdue = (
        PlanAction.objects.overdue(today)
        .filter(objective__plan__pathway__state=PathwayState.OPEN)
        .select_related("owner_member", "objective__plan__pathway")
    )
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
