"""Support requests and pathways in a real Chromium."""

import re

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_pages import serious_violations

pytestmark = pytest.mark.browser


def test_a_gp_asks_for_support_and_the_coordinator_opens_a_pathway(
    page, browser, live_app, e2e_cast
):
    log_in(page, live_app, e2e_cast["professional"])
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Demandes d'appui"
    ).click()
    page.get_by_role("link", name="Nouvelle demande").click()
    assert serious_violations(page) == []
    page.get_by_label("Prénom de la personne").fill("Odette")
    page.get_by_role("textbox", name="Nom de la personne :", exact=True).fill("Guérin")
    page.get_by_label("Date de naissance").fill("1936-02-14")
    page.get_by_label("Commune de résidence").fill("85000")
    page.get_by_label("Pourquoi demandez-vous un appui ?").fill(
        "Sortie d'hospitalisation prévue, vit seule, plusieurs intervenants sans coordination."
    )
    page.get_by_label("Autonomie, perte d'autonomie").check()
    page.get_by_label("Urgence").select_option("urgent")
    page.get_by_label("Le médecin traitant est informé").check()
    page.get_by_label("La personne a été informée et elle est d'accord").check()
    page.get_by_label("Son identité et ses coordonnées").check()
    page.get_by_label("Les coordinateur·rices de la plateforme").check()
    page.get_by_label("Les professionnel·les de son cercle de soins, avec son accord").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state()
    assert "Demande envoyée" in page.locator(".messages").inner_text()
    assert "Reçue, à trier" in page.locator("main").inner_text()
    assert serious_violations(page) == []

    context = browser.new_context(locale="fr-FR")
    coordinator = context.new_page()
    log_in(coordinator, live_app, e2e_cast["coordinator"])
    coordinator.goto(f"{live_app}/parcours/demandes/")
    assert serious_violations(coordinator) == []
    queue = coordinator.locator("table")
    # The urgent request comes before the demo's "soon" one.
    assert queue.locator("tbody tr").first.inner_text().startswith("Urgent")
    queue.get_by_role("link", name="Odette Guérin").click()
    coordinator.get_by_label("Plusieurs maladies chroniques ou une maladie grave").check()
    coordinator.get_by_label("Ouvrir un parcours complexe avec un·e référent·e").check()
    coordinator.get_by_role("button", name="Enregistrer le tri").click()
    coordinator.wait_for_load_state()
    assert "Parcours ouvert" in coordinator.locator(".messages").inner_text()
    assert "Parcours de Odette Guérin" in coordinator.locator("h1").inner_text()
    assert serious_violations(coordinator) == []
    coordinator.get_by_role("link", name="Évaluations multidimensionnelles").click()
    coordinator.get_by_role("link", name="Nouvelle évaluation").click()
    assert serious_violations(coordinator) == []
    for select in coordinator.get_by_label("niveau de besoin").all():
        select.select_option("moderate")
    coordinator.get_by_label("Ce que la personne dit de sa situation").fill(
        "Je veux rentrer chez moi et garder mon chat."
    )
    coordinator.get_by_role("button", name="Enregistrer l'évaluation").click()
    coordinator.wait_for_load_state()
    errors = coordinator.locator(".error-summary, .field-error").all_inner_texts()
    assert errors == [], errors
    assert "Évaluation enregistrée" in coordinator.locator(".messages").inner_text()
    assert "garder mon chat" in coordinator.locator("table").inner_text()
    assert serious_violations(coordinator) == []
    coordinator.get_by_role("link", name="Retour au parcours").click()
    coordinator.get_by_role("link", name="Plan personnalisé de coordination (PPCS)").click()
    coordinator.get_by_label("Son projet, ses choix et ses préférences").fill(
        "Rentrer chez moi et garder mon chat."
    )
    coordinator.get_by_role("button", name="Enregistrer le plan").click()
    coordinator.wait_for_load_state()
    assert "Plan enregistré" in coordinator.locator(".messages").inner_text()
    coordinator.get_by_label("Objectif partagé").fill("Rentrer à domicile en sécurité")
    coordinator.get_by_role("button", name="Ajouter l'objectif").click()
    coordinator.wait_for_load_state()
    assert serious_violations(coordinator) == []
    coordinator.get_by_role("link", name="Version à imprimer pour la personne").click()
    assert "Rentrer à domicile en sécurité" in coordinator.locator("main").inner_text()
    assert serious_violations(coordinator) == []
    context.close()

    page.goto(f"{live_app}/parcours/")
    page.get_by_role("link", name="Odette Guérin").click()
    circle = page.locator("main").inner_text()
    assert "Coordinateur·rice référent·e" in circle and "Parcours ouvert" in circle


def test_the_pathway_pages_fit_a_phone_and_work_with_the_keyboard(phone, live_app, e2e_cast):
    log_in(phone, live_app, e2e_cast["coordinator"])
    phone.goto(f"{live_app}/parcours/")
    phone.get_by_role("link", name="Jeanne Martineau").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r".*/parcours/[0-9a-f-]{36}/$"))
    pathway = phone.url
    for path in ("", "plan/", "plan/imprimer/", "evaluations/", "evaluations/nouvelle/"):
        response = phone.goto(f"{pathway}{path}")
        assert response.status == 200, path
        assert phone.locator("h1").count() == 1, path
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    assert "Rester à domicile en sécurité" in phone.goto(f"{pathway}plan/").text()
