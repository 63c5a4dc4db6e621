"""A concertation meeting as an iCalendar file (RFC 5545), for the invitees' calendars.

Calendars are synchronised with services outside Maillage, so the file says only that there
is a concertation meeting, when, and where to read the rest: not the person's name, not the
agenda, not the place (often her home's address). Each change sent raises SEQUENCE; a
cancellation is METHOD:CANCEL with the same UID, so calendars update the event they already
hold instead of adding one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from maillage.core.notify import absolute_url
from maillage.pathways.enums import MeetingState

UID_DOMAIN = "maillage"


def meeting_uid(meeting) -> str:
    return f"{meeting.public_id}@{UID_DOMAIN}"


def meeting_ics(meeting, attendees, *, now=None) -> bytes:
    """The meeting as a calendar invitation (or its cancellation)."""
    now = now or timezone.now()
    cancelled = meeting.state == MeetingState.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PLATFORM_NAME}//Maillage//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add(
        "dtend",
        (meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)).astimezone(dt.UTC),
    )
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"Réunion de concertation ({settings.PLATFORM_NAME})")
    url = absolute_url(
        reverse(
            "pathways:meeting",
            kwargs={"public_id": meeting.pathway.public_id, "meeting_id": meeting.public_id},
        )
    )
    event.add("url", url)
    event.add(
        "description",
        "Ordre du jour, participants et compte rendu, pour les membres du cercle de soins : " + url,
    )
    organiser = vCalAddress(f"mailto:{meeting.organiser.email}")
    organiser.params["cn"] = vText(meeting.organiser.full_name or meeting.organiser.email)
    event.add("organizer", organiser)
    for user in attendees:
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(user.full_name or user.email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
