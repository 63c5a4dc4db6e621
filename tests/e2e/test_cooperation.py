"""The register of conventions in Chromium, at phone width: a keeper registers a partnership
convention, adds its parties and an obligation, and signs it; axe finds nothing serious."""

from tests.e2e.conftest import log_in
from tests.e2e.test_pages import serious_violations

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _fits(phone) -> int:
    return phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_keeper_registers_and_signs_a_convention_on_a_phone(phone, live_app, e2e_cast):
    log_in(phone, live_app, e2e_cast["organisation_admin"])
    phone.goto(f"{live_app}/cooperation/conventions/")
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    phone.get_by_role("link", name="Enregistrer une convention").click()
    phone.locator("#id_kind").select_option("partnership")
    phone.get_by_label("Intitulé").fill("Sortie d'hospitalisation : CH et CHRS (essai e2e)")
    phone.get_by_label("Objet").fill(
        "Ce qui suit un séjour à l'hôpital pour une personne sans abri."
    )
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    phone.get_by_role("button", name="Enregistrer").click()
    assert "Convention enregistrée" in phone.locator("main").inner_text()
    for index in range(2):
        phone.get_by_text("Ajouter une partie").click()
        organisations = phone.get_by_label("Organisation de la plateforme")
        values = organisations.locator("option").evaluate_all(
            "options => options.map(o => o.value).filter(Boolean)"
        )
        organisations.select_option(values[index])
        phone.get_by_role("button", name="Ajouter", exact=True).first.click()
        assert "Partie ajoutée." in phone.locator("main").inner_text()
    phone.get_by_text("Ajouter une obligation").click()
    phone.get_by_label("Ce qui est dû").fill("Prévenir le CHRS 48 h avant la sortie")
    phone.locator("#id_party").select_option(index=1)
    phone.get_by_role("button", name="Ajouter", exact=True).last.click()
    assert "Obligation ajoutée." in phone.locator("main").inner_text()
    phone.get_by_label("Nouvel état").select_option("signed")
    phone.get_by_role("button", name="Enregistrer").click()
    main = phone.locator("main").inner_text()
    assert "La convention est signée." in main
    assert "Prévenir le CHRS 48 h avant la sortie" in main
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    # The signed PDF, kept privately, joined from the phone.
    phone.get_by_text("Joindre un document").click()
    phone.get_by_label("Nature du document").select_option("signed")
    phone.get_by_label("Fichier").set_input_files(
        {"name": "convention-signee.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    phone.get_by_role("button", name="Joindre", exact=True).click()
    main = phone.locator("main").inner_text()
    assert "Document joint à la convention." in main and "convention-signee.pdf" in main
    assert serious_violations(phone) == [] and _fits(phone) <= 0


def test_a_coordinator_alerts_the_territory_and_follows_its_check_calls_on_a_phone(
    phone, live_app, e2e_cast
):
    log_in(phone, live_app, e2e_cast["coordinator"])
    phone.goto(f"{live_app}/cooperation/alertes/")
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    phone.get_by_role("link", name="Alerter un territoire").click()
    phone.locator("#id_kind").select_option("epidemic")
    phone.get_by_label("Titre").fill("Grippe : vaccination renforcée (essai e2e)")
    phone.get_by_label("Message").fill("Proposez la vaccination aux personnes de plus de 65 ans.")
    phone.get_by_label("Territoire alerté").select_option(label="Pays Yon et Vie")
    phone.get_by_label("Professionnel·le").check()
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    phone.get_by_role("button", name="Envoyer l'alerte").click()
    main = phone.locator("main").inner_text()
    assert "Alerte envoyée à" in main and "lue par 0 destinataires" in main
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    # The demo's heat-wave campaign: her people to call, one noted as reached.
    phone.goto(f"{live_app}/cooperation/alertes/")
    phone.get_by_role("link", name="Canicule : appels aux personnes").click()
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    jeanne = phone.locator("li", has_text="Jeanne Martineau")
    jeanne.get_by_text("Noter l'appel…").click()
    jeanne.get_by_label("Note (sans détail de santé)").fill("Volets fermés, boit bien.")
    jeanne.get_by_role("button", name="Jointe, tout va bien").click()
    main = phone.locator("main").inner_text()
    assert "Appel noté." in main and "Volets fermés, boit bien." in main
    assert serious_violations(phone) == [] and _fits(phone) <= 0


def test_a_professional_reads_the_alert_and_says_so(phone, live_app, e2e_cast):
    log_in(phone, live_app, e2e_cast["professional"])
    home = phone.locator("main")
    assert "Alertes du territoire à lire" in home.inner_text()
    phone.get_by_role("link", name="Canicule : vigilance orange sur la Vendée").first.click()
    assert serious_violations(phone) == [] and _fits(phone) <= 0
    # By the keyboard alone: Tab to the button, Enter.
    for _ in range(60):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent.trim()") == "J'ai lu cette alerte":
            break
    else:
        raise AssertionError("the acknowledgement is out of the keyboard's reach")
    phone.keyboard.press("Enter")
    phone.wait_for_load_state()
    assert "Lecture notée" in phone.locator("main").inner_text()
