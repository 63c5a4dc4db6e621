"""Fixtures shared by the observatory's tests."""

import datetime as dt

import pytest

from maillage.observatory import facts
from tests.factories import support_request


def _requests(cast, year: int) -> None:
    """Twelve professionals' requests and one caregiver's, La Roche-sur-Yon, March."""
    from maillage.territories.models import Commune

    roche = Commune.objects.get(code="85191")
    for n in range(13):
        support_request(
            cast,
            person_first_name=f"Personne{n}",
            person_last_name="Dupont",
            person_commune=roche,
            requester_kind="caregiver" if n == 12 else "professional",
            now=dt.datetime(year, 3, 1 + n, 10, tzinfo=dt.UTC),
        )
    facts.refresh()


@pytest.fixture
def requests_in_march(db, territories, cast):
    """March 2026 (the current year: its report is a draft)."""
    _requests(cast, 2026)


@pytest.fixture
def requests_of_2025(db, territories, cast):
    """March 2025 (a year over: its report can be published)."""
    _requests(cast, 2025)


@pytest.fixture
def platform_territory(db, territories):
    """The platform's territory of competence: La Roche-sur-Yon (its reports are about it)."""
    from maillage.core.models import PlatformSettings
    from maillage.territories.models import Commune, Territory

    territory = Territory.objects.create(name="Pays yonnais", kind="competence")
    territory.communes.add(Commune.objects.get(code="85191"))
    PlatformSettings.objects.update_or_create(pk=1, defaults={"competence_territory": territory})
    return territory
