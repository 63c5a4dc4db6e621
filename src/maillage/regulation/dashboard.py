"""What regulation puts on the home page's work dashboard (core.dashboard): for the SIAO,
the requests to check and the vacancies left unanswered; for a structure, the proposals and
dossiers it must answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.dashboard import SHOWN, Item, Tile
from maillage.regulation import access, queries
from maillage.regulation.enums import PlaceRequestState


def tiles(user, *, team: bool, today, acting) -> list[Tile]:
    """Counts and places, no one's name: nothing to trace."""
    found = []
    siaos = access.regulating(user)
    if siaos:
        counts = queries.regulator_counts(siaos, today)
        found.append(
            Tile(
                "place_requests",
                _("Demandes de place à vérifier"),
                counts["to_check"],
                (),
                f"{reverse('regulation:request_list')}?etat={PlaceRequestState.SENT}",
            )
        )
        found.append(
            Tile(
                "vacancies_overdue",
                _("Places vacantes sans réponse dans le délai"),
                counts["overdue_vacancies"],
                (),
                reverse("regulation:runs"),
                urgent=True,
            )
        )
    if access.receiving(user):
        proposals = queries.proposals_received(user)
        applications = queries.applications_received(user)
        items = [
            Item(
                f"{p.vacancy.unit.programme.name} — {p.vacancy.unit.label}",
                reverse("regulation:proposal", args=[p.public_id]),
                _("proposition"),
            )
            for p in proposals[:SHOWN]
        ] + [
            Item(
                a.programme.name,
                reverse("regulation:application", args=[a.public_id]),
                _("dossier d'admission"),
            )
            for a in applications[: SHOWN - min(SHOWN, len(proposals))]
        ]
        if proposals or applications:
            found.append(
                Tile(
                    "places_to_answer",
                    _("Propositions de place et dossiers à répondre"),
                    len(proposals) + len(applications),
                    tuple(items),
                    reverse("regulation:home"),
                    urgent=True,
                )
            )
    return found
