"""What the cooperation puts on the home page's work dashboard (core.dashboard): the alerts
of her territory she has not read yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.cooperation import queries
from maillage.core.dashboard import SHOWN, Item, Tile


def tiles(user, *, team: bool, today, acting) -> list[Tile]:
    unread = queries.unread_alerts(user)
    first = list(unread[:SHOWN])
    if not first:
        return []  # nothing to read: no tile (most days)
    return [
        Tile(
            "alerts",
            _("Alertes du territoire à lire"),
            unread.count(),
            tuple(
                Item(
                    r.alert.title,
                    reverse("cooperation:alert", kwargs={"public_id": r.alert.public_id}),
                    r.alert.get_kind_display(),
                )
                for r in first
            ),
            reverse("cooperation:alerts"),
            urgent=True,
        )
    ]
