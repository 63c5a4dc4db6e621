"""The browser XSS sweep: what scripts put in pages — map tooltips and popups, htmx
fragments — opened in Chromium with the payload (tests/xss.py) planted in a service's and a
structure's every text, in an orientation's, and in a commune's name. Nothing may grow from
it and nothing may run: no `[data-xss]` element, no `window.__xss`, whatever the CSP."""

import pytest

from tests.e2e.conftest import log_in
from tests.xss import PAYLOAD, URL_PAYLOAD

pytestmark = pytest.mark.browser

RAN = "() => window.__xss === undefined && document.querySelectorAll('[data-xss]').length"


def _planted_entry(committed):
    from maillage.directory import search_index
    from tests.factories import ServiceFactory, StructureFactory

    with committed():
        structure = StructureFactory(
            commune_id="85191",
            name=f"Structure {PAYLOAD}"[:150],
            description=PAYLOAD,
            address=PAYLOAD[:255],
            website=URL_PAYLOAD[:200],
            phone="02 51 00 00 00",
            latitude=46.72,
            longitude=-1.40,
        )
        service = ServiceFactory(
            structure=structure,
            name=f"Aide santé {PAYLOAD}"[:150],
            description=PAYLOAD,
            access_conditions=PAYLOAD,
            publics_details=PAYLOAD,
            fees_details=PAYLOAD,
            mobilisation_details=PAYLOAD,
            mobilisation_link=URL_PAYLOAD[:200],
            contact_name=PAYLOAD[:100],
            thematiques=["sante--acces-aux-soins"],
        )
        search_index.refresh(service_ids=[service.pk])
    return service


def _nothing_grew(page, where: str) -> None:
    grown = page.evaluate(RAN)
    assert grown is not True and grown == 0, f"{where}: the payload grew into the page"
    assert page.evaluate("() => window.__xss") is None, f"{where}: the payload ran"


def _every_marker(page, selector: str) -> list[str]:
    """Open every marker's tooltip and popup (as a pointer would); what they showed."""
    return page.evaluate(
        """(selector) => {
          const shown = [];
          for (const marker of document.querySelectorAll(selector)) {
            marker.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
            marker.dispatchEvent(new MouseEvent("click", {bubbles: true}));
            for (const box of document.querySelectorAll(".leaflet-tooltip, .leaflet-popup")) {
              shown.push(box.textContent);
            }
            marker.dispatchEvent(new MouseEvent("mouseout", {bubbles: true}));
          }
          return shown;
        }""",
        selector,
    )


def test_planted_texts_stay_text_in_every_scripted_part_of_the_directory(
    page, live_app, e2e_cast, committed
):
    service = _planted_entry(committed)
    log_in(page, live_app, e2e_cast["professional"])
    page.goto(f"{live_app}/annuaire/?q=aide+sante&lieu=85000")
    page.locator("#results-map path.leaflet-interactive").first.wait_for()
    shown = _every_marker(page, "#results-map path.leaflet-interactive")
    assert any("<b data-xss=1>" in text for text in shown)  # the name, as text
    _nothing_grew(page, "search map")
    # The same search through htmx (the results fragment and its map, swapped in).
    page.get_by_label("Recherche").fill("aide sante")
    page.get_by_role("button", name="Chercher").click()
    page.locator(".service-result").first.wait_for()
    _every_marker(page, "#results-map path.leaflet-interactive")
    _nothing_grew(page, "search results by htmx")
    for path in (
        f"/annuaire/services/{service.public_id}/",
        f"/annuaire/services/{service.public_id}/fiche/",
        f"/annuaire/services/{service.public_id}/orienter/",
    ):
        page.goto(f"{live_app}{path}")
        assert "<b data-xss=1>" in page.locator("body").inner_text(), path  # shown as text
        _nothing_grew(page, path)


def test_a_planted_commune_name_stays_text_on_the_observatory_maps(
    page, live_app, e2e_cast, committed
):
    from maillage.observatory import actions
    from maillage.observatory.models import AccessibilityRun
    from maillage.territories.models import Commune

    with committed():
        if not AccessibilityRun.objects.exists():
            actions.accessibility_compute()
        commune = Commune.objects.filter(departement_id="85").order_by("-code").first()
        original = commune.name
        Commune.objects.filter(pk=commune.pk).update(name=f"Commune {PAYLOAD}"[:100])
    try:
        log_in(page, live_app, e2e_cast["observer"])
        page.goto(f"{live_app}/observatoire/accessibilite/?departement=85")
        page.locator("#apl-map path.leaflet-interactive").first.wait_for()
        shown = _every_marker(page, "#apl-map path.leaflet-interactive")
        assert any("<b data-xss=1>" in text for text in shown)
        _nothing_grew(page, "accessibility map")
        page.goto(f"{live_app}/observatoire/")
        _every_marker(page, "[data-commune-map] path.leaflet-interactive")
        _nothing_grew(page, "dashboard map")
    finally:
        with committed():
            Commune.objects.filter(pk=commune.pk).update(name=original)
