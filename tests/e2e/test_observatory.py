"""The accessibility page and its what-if, in a real Chromium."""

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_pages import serious_violations

pytestmark = pytest.mark.browser


def test_an_observer_tries_a_health_centre_opening(page, live_app, e2e_cast, committed):
    from maillage.observatory import actions, queries
    from maillage.territories.models import Commune

    with committed():
        actions.accessibility_compute()
        # The most populated commune of the Vendée still under the threshold: where a new
        # health centre would change the most.
        codes = list(Commune.objects.filter(departement_id="85").values_list("code", flat=True))
        rows = queries.run_rows(queries.latest_run(), codes).filter(under_served=True)
        target = rows.select_related("commune").order_by("-population").first().commune
    log_in(page, live_app, e2e_cast["observer"])
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Observatoire"
    ).click()
    page.get_by_role("link", name="Accessibilité aux médecins généralistes").click()
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
    page.get_by_label("Commune (nom ou code) n°1").fill(target.code)
    page.get_by_label("Médecins en plus (ou en moins, avec un signe -) n°1").fill("8")
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_load_state()
    result = page.get_by_role("region", name="Communes dont l'indice change").inner_text()
    assert f"{target.name} ({target.code})" in result and "passe le seuil" in result
    assert serious_violations(page) == []


def test_an_observer_reads_the_territory_dashboard_by_keyboard(page, live_app, e2e_cast):
    log_in(page, live_app, e2e_cast["observer"])
    page.goto(f"{live_app}/observatoire/")
    main = page.locator("main")
    # The demo's eighteen months of past activity on the platform's territory.
    assert "Pays Yon et Vie" in main.inner_text()
    assert page.get_by_role("img", name="Activité mois par mois").count() == 1
    assert page.get_by_role("region", name="Tableau : Activité mois par mois").count() == 1
    # The map: a circle per commune where someone was reached, as many as on the data.
    data = page.evaluate("JSON.parse(document.getElementById('reach-map-data').textContent)")
    circles = page.locator("#reach-map path.leaflet-interactive")
    circles.first.wait_for()
    assert circles.count() == len(data["communes"]) > 0
    assert serious_violations(page) == []
    # The period is chosen (month fields), sent with the keyboard, and the tables follow.
    page.get_by_label("Du mois de").fill("2025-01")
    page.get_by_label("au mois de (inclus)").fill("2025-03")
    page.get_by_label("au mois de (inclus)").press("Enter")
    page.wait_for_load_state()
    assert "de janv. 2025 à mars 2025" in main.inner_text()
    rows = page.get_by_role("region", name="Tableau : Activité mois par mois").locator("tbody tr")
    assert rows.count() == 4  # three months and the total
    # Every download link is reached with Tab and says which table it downloads.
    link = page.get_by_role("link", name="CSV — Demandes d'appui reçues, selon qui demande")
    link.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith(
        "/observatoire/tableaux/demandes.csv?territoire="
    )


def test_the_observatory_pages_fit_a_phone_screen(phone, live_app, e2e_cast):
    log_in(phone, live_app, e2e_cast["observer"])
    for path in ["/observatoire/", "/observatoire/accessibilite/", "/observatoire/rapport/"]:
        phone.goto(f"{live_app}{path}")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    year = phone.evaluate("new Date().getFullYear()") - 1
    phone.goto(f"{live_app}/observatoire/rapport/{year}/")  # published in the demo
    assert "Première année pleine" in phone.locator("main").inner_text()
    assert serious_violations(phone) == []
