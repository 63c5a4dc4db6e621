"""The work dashboard of the home page: what waits for the user today, as counts with their
lists, for her or for her team. Core knows no app: each app registers a provider in its
AppConfig.ready(), which returns its tiles for a user (nothing when the app has nothing for
her). Providers read through their app's scoped queries: a tile never shows a record its
reader may not open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core.models import Notification
from maillage.core.templatetags.links import site_path

SHOWN = 5  # items listed on a tile; its link opens the whole list


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    note: str = ""  # a date, a state: what tells the items apart


@dataclass(frozen=True)
class Tile:
    key: str  # stable, for tests and anchors
    title: str
    count: int
    items: tuple[Item, ...] = ()
    more_url: str = ""  # the whole list
    urgent: bool = False  # drawn first: something is late


Provider = Callable[..., list[Tile]]
_PROVIDERS: list[Provider] = []
_TEAMS: list[Callable] = []


def register(provider: Provider, *, has_team: Callable | None = None) -> None:
    """`provider(user, *, team: bool, today, acting)` → its tiles (empty when nothing
    concerns her). A provider that lists records of people writes their ids to the audit
    trail with `acting`, as their own list pages do.
    `has_team(user)`: whether the provider's team view differs from hers (a coordinator's
    platform, say) — the page then offers « mon équipe »."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    if has_team is not None and has_team not in _TEAMS:
        _TEAMS.append(has_team)


def has_team(user) -> bool:
    return any(check(user) for check in _TEAMS)


def tiles_for(user, *, team: bool, today, acting) -> list[Tile]:
    tiles = [
        tile
        for provider in _PROVIDERS
        for tile in provider(user, team=team, today=today, acting=acting)
    ]
    # Late things first, then the rest in the providers' order, the notices last.
    return sorted(tiles, key=lambda tile: (not (tile.urgent and tile.count), tile.key == "notices"))


def notice_tiles(user, *, team: bool, today, acting) -> list[Tile]:
    """Core's own tile: the on-site notices she has not read yet (an orientation answered,
    a request reopened, an alert of her territory). Their text names a record, never health
    content (see core.models.Notification): nothing to trace."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    first = list(unread[:SHOWN])
    return [
        Tile(
            "notices",
            _("Alertes et avis non lus"),
            unread.count() if first else 0,
            tuple(
                Item(
                    n.message,
                    # Its own pages only, whatever a row was made to hold (as on the page
                    # of notices): never a `javascript:` link on the home page.
                    site_path(n.link) or reverse("core:notifications"),
                    date_format(timezone.localtime(n.created_at), "j F, H:i"),
                )
                for n in first
            ),
            reverse("core:notifications"),
        )
    ]
