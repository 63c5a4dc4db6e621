"""The accessibility page and its what-if, in a real Chromium."""

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_pages import serious_violations

pytestmark = pytest.mark.browser


def test_an_observer_tries_a_health_centre_opening(page, live_app, e2e_cast, committed):
    from maillage.observatory import actions

    with committed():
        actions.accessibility_compute()
    log_in(page, live_app, e2e_cast["observer"])
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Observatoire"
    ).click()
    page.get_by_label("Département", exact=True).select_option("85")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "La Roche-sur-Yon" in page.locator("main").inner_text()
    # One circle per commune of the département on the map (no tiles in tests).
    circles = page.locator("#apl-map path.leaflet-interactive")
    circles.first.wait_for()
    assert circles.count() == page.locator("table tbody tr").count()
    assert "sous le seuil" in page.locator(".legend").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Commune (code INSEE) n°1").fill("85163")
    page.get_by_label("Médecins en plus (ou en moins, avec un signe −) n°1").fill("8")
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_load_state()
    result = page.get_by_role("region", name="Communes dont l'indice change").inner_text()
    assert "Noirmoutier-en-l'Île (85163)" in result and "passe le seuil" in result
    assert serious_violations(page) == []
