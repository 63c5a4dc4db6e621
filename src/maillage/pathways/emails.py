"""The wording of the pathways' e-mails."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.notify import absolute_url
from maillage.pathways.enums import (
    MeetingState,
)

# --- concertation meetings --------------------------------------------------------------------


def meeting_link(meeting) -> str:
    return reverse(
        "pathways:meeting",
        kwargs={"public_id": meeting.pathway.public_id, "meeting_id": meeting.public_id},
    )


def meeting_email(meeting, *, portal: bool = False) -> tuple[str, str]:
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
    if portal:  # the person or her caregiver: her own space
        lines.append(
            _("Retrouvez-la dans votre espace (connexion nécessaire) : %(url)s")
            % {
                "url": absolute_url(
                    reverse(
                        "pathways:portal_pathway", kwargs={"public_id": meeting.pathway.public_id}
                    )
                )
            }
        )
    else:
        lines.append(
            _("Ordre du jour et participants (connexion nécessaire) : %(url)s")
            % {"url": absolute_url(meeting_link(meeting))}
        )
    lines.append(_("Le fichier joint ajoute la réunion à votre agenda."))
    return subject, "\n\n".join(lines)
