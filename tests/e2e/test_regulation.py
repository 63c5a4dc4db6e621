"""Regulation in a real Chromium, on the demo: the SIAO's pages, the commission's decision,
the structure's and the person's answers, the 115's call — keyboard and labels, axe-core,
and a phone's width."""

import pytest

from tests.e2e.conftest import close_watched, log_in, watched_context
from tests.e2e.test_pages import serious_violations

pytestmark = pytest.mark.browser


def _sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_siao_s_pages_are_accessible_and_read_on_a_phone(page, phone, live_app, e2e_cast):
    log_in(page, live_app, "siao@demo.maillage.fr")
    log_in(phone, live_app, "siao@demo.maillage.fr")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Places"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Places d")
    paths = [
        "/regulation/",
        "/regulation/classement/",
        "/regulation/commissions/",
        "/regulation/calculs/",
        "/regulation/politiques/",
        "/regulation/ce-soir/",
        "/regulation/dispositifs/",
        "/regulation/demandes/",
    ]
    page.goto(f"{live_app}/regulation/commissions/")
    page.locator("main ul li a").first.click()
    paths.append(page.url.removeprefix(live_app))
    page.locator("main section.card h3 a").first.click()
    paths.append(page.url.removeprefix(live_app))  # a proposal, with its reasons
    assert "Pourquoi cette proposition" in page.locator("main").inner_text()
    page.goto(f"{live_app}/regulation/calculs/")
    page.locator("main ul li a").first.click()
    paths.append(page.url.removeprefix(live_app))  # both engines side by side
    assert "Optimum global" in page.locator("main").inner_text()
    page.goto(f"{live_app}/regulation/politiques/")
    page.get_by_role("link", name="Projet : vulnérabilités avant l'urgence").click()
    page.get_by_role("link", name="Simuler ce brouillon sur les données du jour").click()
    paths.append(page.url.removeprefix(live_app))
    problems, overflowing = {}, {}
    for path in paths:
        page.goto(f"{live_app}{path}")
        found = serious_violations(page)
        if found:
            problems[path] = found
        phone.goto(f"{live_app}{path}")
        if _sideways(phone) > 0:
            overflowing[path] = _sideways(phone)
    assert problems == {}
    assert overflowing == {}


def test_a_proposal_goes_from_the_commission_to_an_admission_in_the_browser(
    page, browser, live_app, e2e_cast
):
    log_in(page, live_app, "siao@demo.maillage.fr")
    page.goto(f"{live_app}/regulation/commissions/")
    page.locator("main ul li a").first.click()
    item = page.locator("main section.card").first
    proposal_url = item.locator("h3 a").get_attribute("href")
    item.get_by_label("Proposition validée").check()
    item.get_by_label("Motif").select_option(label="Place adaptée à la situation")
    item.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    assert "Décision enregistrée" in page.locator(".messages").inner_text()

    context = watched_context(browser, viewport={"width": 1280, "height": 900})
    structure = context.new_page()
    log_in(structure, live_app, "hebergement@demo.maillage.fr")
    structure.goto(f"{live_app}{proposal_url}")
    assert serious_violations(structure) == []
    form = structure.locator("section.card", has_text="Réponse de la structure")
    form.get_by_role("button", name="Enregistrer la réponse").click()  # nothing chosen
    structure.wait_for_load_state()
    assert "Ce champ est obligatoire" in structure.locator("main").inner_text()
    form = structure.locator("section.card", has_text="Réponse de la structure")
    form.get_by_label("Oui").check()
    form.get_by_role("button", name="Enregistrer la réponse").click()
    structure.wait_for_load_state()
    assert "Acceptée par la structure" in structure.locator("main").inner_text()
    close_watched(context)

    context = watched_context(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    prescriber = context.new_page()
    log_in(prescriber, live_app, "social@demo.maillage.fr")
    prescriber.goto(f"{live_app}{proposal_url}")
    form = prescriber.locator("section.card", has_text="Réponse de la personne")
    form.get_by_label("Oui").check()
    form.get_by_role("button", name="Enregistrer la réponse").click()
    prescriber.wait_for_load_state()
    assert "Admission" in prescriber.locator("main").inner_text()
    assert serious_violations(prescriber) == []
    assert _sideways(prescriber) <= 0
    close_watched(context)


def test_the_115_takes_a_call_with_the_keyboard_and_shelters_the_household(
    page, live_app, e2e_cast
):
    log_in(page, live_app, "ecoute115@demo.maillage.fr")
    page.goto(f"{live_app}/regulation/115/")
    assert serious_violations(page) == []
    page.get_by_role("textbox", name="Nom :", exact=True).fill("Martel")
    page.keyboard.press("Tab")
    page.keyboard.type("Nina")
    page.get_by_label("Sexe").select_option("F")
    page.get_by_label("Où se trouvent-ils ce soir ?").fill("Parvis de la gare")
    page.get_by_role("button", name="Enregistrer l'appel").click()
    page.wait_for_load_state()
    tonight = page.get_by_role("region", name="Ce soir")
    assert "✓" in tonight.inner_text()
    assert serious_violations(page) == []
    tonight.get_by_label("Mise à l'abri").check()
    tonight.get_by_label("Place attribuée").select_option(index=1)
    tonight.get_by_role("button", name="Enregistrer la nuit").click()
    page.wait_for_load_state()
    assert "La nuit est enregistrée" in page.locator(".messages").inner_text()
    assert "Admise" in page.locator("main").inner_text()


def test_the_structure_keeps_its_places_and_the_ehpad_reads_the_dossier(page, live_app, e2e_cast):
    log_in(page, live_app, "hebergement@demo.maillage.fr")
    page.goto(f"{live_app}/regulation/dispositifs/")
    page.get_by_role("link", name="CHRS insertion Yon et Vie").click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Déclarer la vacance").click()  # no place chosen
    page.wait_for_load_state()
    assert "Ce champ est obligatoire" in page.locator("main").inner_text()

    page.context.clear_cookies()
    log_in(page, live_app, "medco@demo.maillage.fr")
    page.goto(f"{live_app}/regulation/")
    page.get_by_role("link", name="EHPAD Les Glycines — hébergement permanent").click()
    main = page.locator("main").inner_text()
    assert "Volet médical (médecin coordonnateur)" in main and "Insuffisance cardiaque" in main
    assert serious_violations(page) == []
