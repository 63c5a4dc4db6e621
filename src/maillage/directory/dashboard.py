"""What the directory puts on the home page's work dashboard (core.dashboard): the
orientations her structures received and must answer, and those she sent that wait for an
answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.dashboard import SHOWN, Item, Tile
from maillage.directory import access, queries
from maillage.directory.enums import OrientationState


def _tile(key, title, found, box, *, urgent=False) -> Tile:
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
            for o in found[:SHOWN]
        ),
        f"{reverse('directory:orientation_list')}?boite={box}&etat={OrientationState.SENT}",
        urgent,
    )


def tiles(user, *, team: bool, today) -> list[Tile]:
    found = []
    if access.receiving_organisation_ids(user):
        received = queries.orientations_for(user, box="received", state=OrientationState.SENT)
        found.append(
            _tile(
                "orientations_received",
                _("Orientations reçues à traiter"),
                received,
                "recues",
                urgent=True,
            )
        )
    if access.can_orient(user):
        sent = queries.orientations_for(user, box="sent", state=OrientationState.SENT)
        found.append(
            _tile(
                "orientations_sent",
                _("Orientations envoyées en attente de réponse"),
                sent,
                "envoyees",
            )
        )
    return found
