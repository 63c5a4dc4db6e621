"""What several regulation actions share: a request's move with its history, the moves of
vacancies, applications cancelled with a word to each establishment, and the words of a
refusal."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.notify import notify
from maillage.pathways.actions import placement_prepared
from maillage.regulation import queries
from maillage.regulation.enums import (
    VACANCY_TRANSITIONS,
    ApplicationState,
    PlaceRefusalReason,
    PlaceRequestState,
    move_allowed,
)
from maillage.regulation.models import RequestEvent, Vacancy


def update_every_days() -> int:
    """How often a waiting request is updated: a reminder at the date, a suspension
    later if nothing came — never a silent deletion (settings, from the environment)."""
    return settings.REGULATION_UPDATE_EVERY_DAYS


def suspend_after_days() -> int:
    return settings.REGULATION_SUSPEND_AFTER_DAYS


def vacancy_move(vacancy, to_state: str, side: str) -> None:
    """Move a (locked) vacancy along enums.VACANCY_TRANSITIONS; the caller saves it."""
    if not move_allowed(VACANCY_TRANSITIONS, vacancy.state, to_state, side):
        raise ValueError(f"a vacancy does not move from {vacancy.state} to {to_state} ({side})")
    vacancy.state = to_state


def vacancies_move(pks, from_state: str, to_state: str, side: str, **fields) -> int:
    """Move the vacancies still in `from_state` (a concurrent move wins: the count says how
    many moved), along enums.VACANCY_TRANSITIONS."""
    if not move_allowed(VACANCY_TRANSITIONS, from_state, to_state, side):
        raise ValueError(f"a vacancy does not move from {from_state} to {to_state} ({side})")
    return Vacancy.objects.filter(pk__in=list(pks), state=from_state).update(
        state=to_state, updated_at=timezone.now(), **fields
    )


def cancel_applications(applications, now, message: str) -> list:
    """Cancel the applications still waiting for an answer, and tell each establishment."""
    waiting = applications.filter(state__in=[ApplicationState.SENT, ApplicationState.WAITLISTED])
    cancelled = list(waiting.select_related("programme__structure"))
    waiting.update(state=ApplicationState.CANCELLED, answered_at=now)
    for application in cancelled:
        notify(
            users=queries.receivers_of_programme(application.programme),
            message=message,
            link=reverse("regulation:application", kwargs={"public_id": application.public_id}),
            email_subject=_("Candidature annulée"),
        )
    return cancelled


def record_move(place_request, to_state: str, *, actor, note: str = "", now=None) -> None:
    """Move the (locked) request and keep the step in its history."""
    now = now or timezone.now()
    RequestEvent.objects.create(
        request=place_request,
        at=now,
        actor=actor,
        from_state=place_request.state,
        to_state=to_state,
        note=note[:500],
    )
    place_request.state = to_state
    fields = ["state", "updated_at", "version"]
    if to_state == PlaceRequestState.WAITING:
        place_request.update_due_on = timezone.localdate(now) + dt.timedelta(
            days=update_every_days()
        )
        place_request.reminded_on = None
        fields += ["update_due_on", "reminded_on"]
    if to_state in (
        PlaceRequestState.ADMITTED,
        PlaceRequestState.REFUSED,
        PlaceRequestState.CANCELLED,
    ):
        place_request.closed_at = now
        place_request.closed_note = note[:300]
        fields += ["closed_at", "closed_note"]
    place_request.version += 1
    place_request.save(update_fields=fields)


def refusal_checked(reason, text: str) -> tuple[str, str]:
    """A refusal has a reason from the list; « autre » needs words."""
    if reason is None:
        raise ValidationError({"reason": _("Choisissez le motif du refus.")})
    text = (text or "").strip()
    if reason == PlaceRefusalReason.OTHER and not text:
        raise ValidationError({"text": _("Précisez le motif du refus.")})
    return str(reason), text


def placement_opened(request, place: str, actor, acting, now) -> None:
    """An admission opens, in her pathway, the checklist « sortie préparée dès l'entrée »."""
    if request.pathway_id is not None:
        placement_prepared(
            pathway=request.pathway, place=place, actor=actor, acting=acting, now=now
        )
