"""What pathways put on the home page's work dashboard (core.dashboard): requests to sort,
overdue actions, plans due for revision, meetings this week, hospital stays in progress,
the notebook's unread messages — for the user, or for her team (the platforms she
coordinates). A constant number of queries whatever the numbers."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core import audit
from maillage.core.dashboard import SHOWN, Item, Tile
from maillage.pathways import access, queries
from maillage.pathways.enums import MeetingState, PathwayState
from maillage.pathways.models import Meeting


def _name(pathway) -> str:
    return f"{pathway.person.first_name} {pathway.person.last_name}"


def _url(name: str, pathway) -> str:
    return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id})


def tiles(user, *, team: bool, today, acting) -> list[Tile]:
    found: list[Tile] = []
    if access.can_triage(user):
        queue = queries.triage_queue(user)
        first = list(queue[:SHOWN])
        if first:  # names on the home page: traced as the triage list traces them
            audit.record(
                "support_request.list",
                actor=acting,
                object_type="pathways.supportrequest",
                details={"shown": [str(r.public_id) for r in first], "dashboard": 1},
            )
        found.append(
            Tile(
                "triage",
                _("Demandes d'appui à trier"),
                queue.count(),
                tuple(
                    Item(
                        f"{r.person.first_name} {r.person.last_name}",
                        reverse("pathways:request", kwargs={"public_id": r.public_id}),
                        r.get_urgency_display(),
                    )
                    for r in first
                ),
                reverse("pathways:request_list"),
            )
        )
    team = team and access.can_triage(user)
    if not access.can_triage(user) and not queries.followed_by(user).exists():
        return found  # she follows no pathway: nothing of pathways to show
    counts = queries.pathway_todo_counts(user, today, team=team)
    # Each tile counts over every pathway she follows; it names the first few of them,
    # chosen as its list chooses them (before any page limit).
    shown = {
        todo: queries.my_pathways(user, today, SHOWN, team=team, todo=todo)
        for todo in ("retard", "revision", "hopital", "messages")
    }
    named = {p.public_id: p for rows in shown.values() for p in rows}
    if named:  # the people she follows, named on the tiles: traced as her list traces them
        audit.record(
            "pathway.list",
            actor=acting,
            object_type="pathways.pathway",
            details={"shown": [str(i) for i in named], "dashboard": 1},
        )
    more = reverse("pathways:pathway_list") + ("?vue=equipe" if team else "")

    def tile(key, title, todo, url_name, note, *, urgent=False):
        # « Tout voir » opens the list narrowed to what the tile counts, for her or her team.
        query = f"?a_faire={todo}" + ("&vue=equipe" if team else "")
        return Tile(
            key,
            title,
            counts[todo],
            tuple(Item(_name(p), _url(url_name, p), note(p)) for p in shown[todo]),
            reverse("pathways:pathway_list") + query,
            urgent,
        )

    found.append(
        tile(
            "overdue",
            _("Actions du plan en retard"),
            "retard",
            "plan",
            lambda p: ngettext("%(n)s action", "%(n)s actions", p.overdue) % {"n": p.overdue},
            urgent=True,
        )
    )
    found.append(
        tile("revision", _("Plans à réviser"), "revision", "plan", lambda p: "", urgent=True)
    )
    found.append(tile("hospital", _("Hospitalisations en cours"), "hopital", "stays", lambda p: ""))
    found.append(
        tile(
            "notebook",
            _("Messages non lus du cahier de liaison"),
            "messages",
            "notebook",
            lambda p: (
                ngettext("%(n)s message", "%(n)s messages", p.new_messages) % {"n": p.new_messages}
            ),
        )
    )
    now = timezone.now()
    week = Meeting.objects.filter(
        pathway__in=queries.followed_by(user, team=team).filter(state=PathwayState.OPEN),
        state=MeetingState.PLANNED,
        starts_at__gte=now,
        starts_at__lt=now + dt.timedelta(days=7),
    ).select_related("pathway__person")
    if not team:  # hers: those she is invited to, or holds as referent
        week = week.filter(attendees__user=user) | week.filter(pathway__referent=user)
    week = week.distinct()
    found.append(
        Tile(
            "meetings",
            _("Réunions de concertation cette semaine"),
            week.count(),
            tuple(
                Item(
                    _name(m.pathway),
                    reverse(
                        "pathways:meeting",
                        kwargs={"public_id": m.pathway.public_id, "meeting_id": m.public_id},
                    ),
                    date_format(timezone.localtime(m.starts_at), "l j F, H:i"),
                )
                for m in week.order_by("starts_at")[:SHOWN]
            ),
            more,
        )
    )
    return found
