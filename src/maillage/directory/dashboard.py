"""What the directory puts on the home page's work dashboard (core.dashboard): the
orientations her structures received and must answer, and those she sent that wait for an
answer.

The team view changes nothing here, by design: what a structure received is already the
team's (every member of the receiving organisation answers it), and an orientation a
colleague sent is visible to its sender only (directory.models.OrientationQuerySet), so
« mon équipe » never widens the sent ones — the tile says they are hers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.dashboard import SHOWN, Item, Tile
from maillage.directory import access, queries
from maillage.directory.enums import OrientationState


def _tile(key, title, found, box, shown, *, urgent=False) -> Tile:
    first = list(found[:SHOWN])
    shown += [str(o.public_id) for o in first]
    return Tile(
        key,
        title,
        found.count(),
        tuple(
            Item(
                f"{o.person_first_name} {o.person_last_name}",
                reverse("directory:orientation", args=[o.public_id]),
                o.service.name,
            )
            for o in first
        ),
        f"{reverse('directory:orientation_list')}?boite={box}&etat={OrientationState.SENT}",
        urgent,
    )


def tiles(user, *, team: bool, today, acting) -> list[Tile]:
    found, shown = [], []
    if access.receiving_organisation_ids(user):
        received = queries.orientations_for(user, box="received", state=OrientationState.SENT)
        found.append(
            _tile(
                "orientations_received",
                _("Orientations reçues à traiter"),
                received,
                "recues",
                shown,
                urgent=True,
            )
        )
    if access.can_orient(user):
        sent = queries.orientations_for(user, box="sent", state=OrientationState.SENT)
        found.append(
            _tile(
                "orientations_sent",
                _("Mes orientations envoyées en attente de réponse")
                if team
                else _("Orientations envoyées en attente de réponse"),
                sent,
                "envoyees",
                shown,
            )
        )
    if shown:  # the people's names on the home page: traced as the list page traces them
        audit.record(
            "orientation.list", actor=acting, details={"orientations": shown, "dashboard": 1}
        )
    return found
