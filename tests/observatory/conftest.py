"""Fixtures shared by the observatory's tests."""

import datetime as dt

import pytest

from maillage.observatory import facts
from tests.factories import support_request


@pytest.fixture
def requests_in_march(db, territories, cast):
    """Twelve professionals' requests and one caregiver's, La Roche-sur-Yon, March 2026."""
    from maillage.territories.models import Commune

    roche = Commune.objects.get(code="85191")
    for n in range(13):
        support_request(
            cast,
            person_first_name=f"Personne{n}",
            person_last_name="Dupont",
            person_commune=roche,
            requester_kind="caregiver" if n == 12 else "professional",
            now=dt.datetime(2026, 3, 1 + n, 10, tzinfo=dt.UTC),
        )
    facts.refresh()
