"""What the actions of several aggregates share."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.core.versions import lock_version
from maillage.pathways import access, queries
from maillage.pathways.enums import (
    MemberStatus,
)
from maillage.pathways.models import (
    SupportRequest,
)
from maillage.territories.text import normalise_name


def date_within(value, earliest, latest, field: str, message: str) -> None:
    """A date typed by someone, refused in French (on its field) outside its plausible span:
    an assessment in 2031, an action due in 2019 are typing errors, not facts."""
    if value is not None and not (earliest <= value <= latest):
        raise ValidationError({field: message})


def identity_key(first_name: str, last_name: str, birth_date: dt.date | None) -> str:
    return "|".join([normalise_name(last_name), normalise_name(first_name), str(birth_date or "")])


def _check_codes(values, choices, message):
    if any(v not in choices.values for v in values):
        raise ValidationError(message)


def _membership_of(user, acting):
    membership = acting.membership if acting is not None else None
    if membership is not None:
        return membership
    memberships = user.active_memberships()
    return memberships[0] if memberships else None


# --- hospital stays ---------------------------------------------------------------------------


def _circle_except(pathway, actor) -> list:
    return [
        m.user
        for m in queries.circle_of(pathway)
        if m.status == MemberStatus.ACTIVE and m.user_id != actor.pk
    ]


def _lock_request(support_request, expected_version: int | None) -> SupportRequest:
    return lock_version(
        SupportRequest.objects,
        support_request.pk,
        expected_version,
        _(
            "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la "
            "lisiez. Rechargez-la : votre saisie est conservée ci-dessous."
        ),
    )


def _contributes(actor, pathway) -> None:
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
