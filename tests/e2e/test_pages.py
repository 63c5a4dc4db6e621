"""The main pages in a real Chromium: keyboard, accessibility (axe-core), phone width, htmx."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import close_watched, log_in, watched_context

pytestmark = pytest.mark.browser

AXE = Axe()


def serious_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def _listed_service(committed, structure: dict, **fields):
    """A published service in the search, committed for the live server's thread."""
    from maillage.directory import search_index
    from tests.factories import ServiceFactory, StructureFactory

    with committed():
        service = ServiceFactory(structure=StructureFactory(**structure), **fields)
        search_index.refresh(service_ids=[service.pk])
    return service


def test_login_page_is_accessible_and_works_with_the_keyboard_only(page, live_app, e2e_cast):
    page.goto(f"{live_app}/compte/connexion/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert serious_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    page.get_by_label("Adresse e-mail").focus()
    page.keyboard.type(e2e_cast["coordinator"])
    page.keyboard.press("Tab")
    from maillage.demo.setup import DEMO_PASSWORD

    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")


def test_public_pages_are_accessible(page, live_app):
    for path in ["/compte/mot-de-passe/oubli/", "/compte/invitation/inconnue/"]:
        page.goto(f"{live_app}{path}")
        assert serious_violations(page) == [], path


def test_a_wrong_password_shows_a_french_error(page, live_app, e2e_cast):
    page.goto(f"{live_app}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(e2e_cast["observer"])
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text() == "Adresse e-mail ou mot de passe incorrect."


@pytest.mark.parametrize(
    ("persona", "paths"),
    [
        (
            "admin",
            [
                "/",
                "/plateforme/parametres/",
                "/plateforme/journal/",
                "/compte/structures/",
                "/compte/structures/nouvelle/",
                "/compte/double-authentification/",
            ],
        ),
        (
            "coordinator",
            [
                "/",
                "/territoires/",
                "/territoires/nouveau/",
                "/annuaire/moderation/",
                "/annuaire/orientations/",
                "/notifications/",
                "/parcours/demandes/",
                "/parcours/",
            ],
        ),
        (
            "organisation_admin",
            ["/", "/compte/structures/", "/annuaire/mes-fiches/"],
        ),
        ("observer", ["/", "/territoires/", "/annuaire/orientations/statistiques/"]),
    ],
)
def test_main_pages_have_no_serious_accessibility_violation(
    page, live_app, e2e_cast, persona, paths
):
    log_in(page, live_app, e2e_cast[persona])
    problems = {}
    for path in paths:
        page.goto(f"{live_app}{path}")
        found = serious_violations(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_territory_page_and_organisation_page_are_accessible(page, live_app, e2e_cast):
    log_in(page, live_app, e2e_cast["organisation_admin"])
    page.get_by_role("link", name="Maison de santé de Rives de l'Yon").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Maison de santé de Rives de l'Yon"
    assert serious_violations(page) == []
    page.get_by_role("link", name="Territoires", exact=True).click()
    page.get_by_role("link", name="Pays Yon et Vie", exact=True).click()
    assert "28" in page.locator(".facts").inner_text()
    assert serious_violations(page) == []


def test_a_coordinator_builds_a_territory_with_live_search(page, live_app, e2e_cast):
    log_in(page, live_app, e2e_cast["coordinator"])
    page.goto(f"{live_app}/territoires/nouveau/")
    page.get_by_label("Nom").fill("Bocage en test")
    page.get_by_role("button", name="Créer").click()
    page.get_by_label("Commune, code postal, EPCI ou département").fill("st florent")
    result = page.locator(".place-results li", has_text="Rives de l'Yon")
    result.wait_for()  # arrives through htmx, without leaving the page
    assert "comprend Saint-Florent-des-Bois" in result.inner_text()
    assert serious_violations(page) == []
    result.get_by_role("button").click()
    page.wait_for_load_state()
    table = page.locator("table")
    assert "Rives de l'Yon" in table.inner_text()
    assert "85213" in table.inner_text()


def test_home_and_territories_fit_a_phone_screen(phone, live_app, e2e_cast):
    log_in(phone, live_app, e2e_cast["coordinator"])
    for path in ["/", "/territoires/"]:
        phone.goto(f"{live_app}{path}")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"


def test_the_language_switch_gives_the_english_interface(page, live_app, e2e_cast):
    page.goto(f"{live_app}/compte/connexion/")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert serious_violations(page) == []


def test_a_professional_searches_the_directory_and_opens_a_service(
    page, live_app, e2e_cast, committed
):
    service = _listed_service(
        committed,
        {"commune_id": "85213", "name": "Maison de santé e2e"},
        name="Médecine générale du soir",
        thematiques=["sante--acces-aux-soins"],
        opening_hours="Mo-Fr 08:30-19:00",
    )
    log_in(page, live_app, e2e_cast["professional"])
    page.get_by_role("link", name="Annuaire").click()
    assert serious_violations(page) == []
    page.get_by_label("Recherche").fill("medecine generale")
    page.get_by_label("Commune ou code postal").fill("rives de l yon")
    page.get_by_role("button", name="Chercher").click()
    result = page.locator(".service-result", has_text="Médecine générale du soir")
    result.wait_for()
    assert "km" in result.inner_text()
    assert "lieu=rives" in page.url  # the search can be bookmarked and shared
    # The map works without any tile server: markers on a plain background, and it says so.
    page.locator("#results-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#results-map path.leaflet-interactive").count() >= 2  # result + place
    assert "Fond de carte indisponible" in page.locator(".map-offline-note").inner_text()
    assert serious_violations(page) == []
    result.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == service.name
    assert "lundi" in page.locator(".week").inner_text()
    assert serious_violations(page) == []


def test_an_unreachable_tile_server_leaves_a_plain_readable_map(
    page, live_app, e2e_cast, committed
):
    from django.test import override_settings

    _listed_service(
        committed,
        {"commune_id": "85191", "name": "Maison de santé des tuiles"},
        name="Consultations sans carte",
        thematiques=["sante--acces-aux-soins"],
    )
    log_in(page, live_app, e2e_cast["professional"])
    # Nothing listens on port 9: every tile fails, as behind a closed network's firewall.
    with override_settings(MAP_TILES_URL="http://127.0.0.1:9/{z}/{x}/{y}.png"):
        page.goto(f"{live_app}/annuaire/?q=consultations+sans+carte&lieu=85000")
        page.locator(".map-offline-note").wait_for()
    assert "Fond de carte indisponible" in page.locator(".map-offline-note").inner_text()
    assert page.locator("#results-map .leaflet-tile-pane img").count() == 0
    assert page.locator("#results-map path.leaflet-interactive").count() >= 2  # result + place


def test_a_professional_orients_a_person_and_the_structure_accepts_through_its_link(
    page, browser, live_app, e2e_cast, committed
):
    """Search, open a service, orient a person, answer through the structure's emailed
    link (no account), and see the orientation accepted."""
    import re
    import threading

    from django.core import mail

    from maillage.core.jobs import run_worker

    service = _listed_service(
        committed,
        {"commune_id": "85191", "name": "Les Haltes e2e", "email": "haltes-e2e@exemple.fr"},
        name="Halte répit des aidants",
        thematiques=["famille--soutien-aidants"],
        email="",
    )
    log_in(page, live_app, e2e_cast["professional"])
    page.goto(f"{live_app}/annuaire/?q=halte+repit+aidants")
    page.locator(".service-result", has_text=service.name).get_by_role("link").first.click()
    page.get_by_role("link", name="Orienter une personne vers ce service").click()
    assert serious_violations(page) == []
    page.get_by_label("Prénom de la personne").fill("Lucie")
    page.get_by_role("textbox", name="Nom de la personne :", exact=True).fill("Moreau")
    page.get_by_label("Téléphone de la personne").fill("06 00 00 00 00")
    page.get_by_label("Motif de l'orientation").fill("Épuisement de l'aidante, besoin de répit.")
    page.get_by_label("La personne est d'accord").check()
    page.get_by_label("Comment cet accord a été recueilli").select_option("oral")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_load_state()
    assert "Orientation envoyée" in page.locator(".messages").inner_text()
    assert "Envoyée, en attente de réponse" in page.locator(".facts").first.inner_text()
    assert serious_violations(page) == []
    orientation_url = page.url

    # The real background worker sends the structure its link (in its own thread: this
    # one holds Playwright's event loop).
    mail.outbox = []
    worker = threading.Thread(
        target=run_worker,
        kwargs={"wait": False, "install_signal_handlers": False, "queues": ["emails"]},
    )
    worker.start()
    worker.join(timeout=60)
    to_structure = [m for m in mail.outbox if m.to == ["haltes-e2e@exemple.fr"]]
    assert len(to_structure) == 1
    link = re.search(r"https?://\S+?(/annuaire/reponse/\S+/)", to_structure[0].body).group(1)

    context = watched_context(browser)
    structure_page = context.new_page()
    structure_page.goto(f"{live_app}{link}")
    assert "Lucie Moreau" in structure_page.locator("main").inner_text()
    assert serious_violations(structure_page) == []
    structure_page.get_by_label("Accepter : nous allons contacter la personne").check()
    structure_page.get_by_role("button", name="Enregistrer").click()
    structure_page.wait_for_load_state()
    assert "votre réponse est enregistrée" in structure_page.locator("h1").inner_text()
    close_watched(context)

    page.goto(orientation_url)
    assert "Acceptée" in page.locator(".facts").first.inner_text()
    assert "par le lien envoyé à la structure" in page.locator(".timeline").inner_text()
    page.goto(f"{live_app}/notifications/")
    assert "acceptée" in page.locator("main").inner_text().lower()


@pytest.mark.parametrize(
    ("persona", "paths"),
    [
        (
            "professional",
            [
                "/annuaire/orientations/",
                "/notifications/",
                "/compte/jetons-api/",
                "/parcours/demandes/nouvelle/",
                "/parcours/demandes/",
            ],
        ),
        ("coordinator", ["/parcours/demandes/", "/parcours/"]),
        ("organisation_admin", ["/annuaire/mes-fiches/"]),
        ("coordinator", ["/annuaire/moderation/", "/annuaire/moderation/doublons/"]),
        ("observer", ["/annuaire/orientations/statistiques/"]),
    ],
)
def test_the_directory_work_pages_fit_a_phone_screen(phone, live_app, e2e_cast, persona, paths):
    log_in(phone, live_app, e2e_cast[persona])
    for path in paths:
        phone.goto(f"{live_app}{path}")
        assert phone.locator("h1").count() == 1, path
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"


def test_a_full_service_page_reads_well_on_a_phone(phone, live_app, e2e_cast, committed):
    service = _listed_service(
        committed,
        {
            "commune_id": "85191",
            "name": "Centre de santé communautaire du bocage vendéen",
            "finess": "850000019",
            "legal_form": "association",
            "ess_approved": True,
            "website": "https://centre-de-sante-communautaire.example.org/nous-trouver",
            "accessibility_link": "https://acceslibre.beta.gouv.fr/app/85-la-roche/a/x/",
        },
        name="Consultations de médecine générale et de santé mentale",
        thematiques=["sante--acces-aux-soins", "sante--sante-mentale"],
        languages=["fr", "ar", "ps", "uk", "fsl"],
        fee_sectors=["secteur-1"],
        professions=["médecin généraliste", "infirmier en pratique avancée", "psychologue"],
        capacity=40,
        eligibility_zone=["85191", "85213", "85", "FR"],
        mobilisation_modes=["telephoner", "se-presenter"],
        mobilisation_link="https://rendez-vous.example.org/centre-de-sante-communautaire/prise",
        opening_hours="Mo-Fr 08:30-12:30,13:30-19:00; Sa 09:00-12:00; PH off",
    )
    log_in(phone, live_app, e2e_cast["professional"])
    for path in (
        f"/annuaire/services/{service.public_id}/",
        f"/annuaire/services/{service.public_id}/fiche/",
    ):
        phone.goto(f"{live_app}{path}")
        assert phone.locator("h1").inner_text() == service.name
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        assert serious_violations(phone) == []
    phone.goto(f"{live_app}/annuaire/services/{service.public_id}/")
    facts = phone.locator(".service-facts").inner_text()
    assert "français, arabe, pachto, ukrainien, langue des signes française (LSF)" in facts
    assert "Secteur 1" in facts and "40 places" in facts


def test_an_orientation_is_sent_with_the_keyboard_only(page, live_app, e2e_cast, committed):
    service = _listed_service(
        committed,
        {"commune_id": "85191", "email": "clavier@exemple.fr"},
        name="Service au clavier",
        thematiques=["sante--acces-aux-soins"],
    )
    log_in(page, live_app, e2e_cast["professional"])
    page.goto(f"{live_app}/annuaire/services/{service.public_id}/orienter/")
    page.get_by_label("Prénom de la personne").focus()
    page.keyboard.type("Lou")
    page.keyboard.press("Tab")
    page.keyboard.type("Clavier")
    page.keyboard.press("Tab")  # year of birth
    page.keyboard.press("Tab")
    page.keyboard.type("0600000000")
    page.get_by_label("Motif de l'orientation").focus()
    page.keyboard.type("Essai au clavier")
    page.get_by_label("La personne est d'accord").focus()
    page.keyboard.press("Space")
    page.get_by_label("Comment cet accord a été recueilli").focus()
    page.keyboard.type("Accord oral")  # a focused list selects what is typed
    page.get_by_role("button", name="Envoyer l'orientation").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Orientation envoyée" in page.locator(".messages").inner_text()


def test_a_hostile_service_name_shows_as_text_in_the_map_tooltip(
    page, live_app, e2e_cast, committed
):
    """A name from an external feed is data: Leaflet would insert a string as HTML."""
    name = 'Aide <img src=x data-xss="1"> santé'
    _listed_service(
        committed,
        # Away from the commune's centre, whose own marker is drawn on top of it.
        {
            "commune_id": "85191",
            "name": "Structure au nom piégé",
            "latitude": 46.71,
            "longitude": -1.38,
        },
        name=name,
        thematiques=["sante--acces-aux-soins"],
    )
    log_in(page, live_app, e2e_cast["professional"])
    page.goto(f"{live_app}/annuaire/?q=aide+sante&lieu=85000")
    marker = page.locator("#results-map path.leaflet-interactive").first
    marker.wait_for()
    for index in range(page.locator("#results-map path.leaflet-interactive").count()):
        page.locator("#results-map path.leaflet-interactive").nth(index).hover(force=True)
        if page.locator(".leaflet-tooltip", has_text="Aide <img").count():
            break
    assert page.locator(".leaflet-tooltip", has_text=name).count() == 1
    assert page.locator("[data-xss]").count() == 0


def test_the_service_edit_page_fits_a_phone_with_each_choice_beside_its_label(
    phone, live_app, e2e_cast, committed
):
    from maillage.accounts.models import User

    with committed():
        admin = User.objects.get(email=e2e_cast["organisation_admin"])
        organisation = admin.memberships.get().organisation
    service = _listed_service(
        committed,
        {"commune_id": "85191", "organisation": organisation},
        name="Service à modifier sur un téléphone",
        thematiques=["sante--acces-aux-soins"],
    )
    log_in(phone, live_app, e2e_cast["organisation_admin"])
    phone.goto(f"{live_app}/annuaire/mes-fiches/services/{service.public_id}/")
    assert phone.locator("h1").count() == 1
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = phone.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 361)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' +"
        " Math.round(e.getBoundingClientRect().width))"
    )
    assert overflow <= 0, f"the service edit page scrolls sideways by {overflow}px: {wide}"
    assert "---------" not in phone.locator("main").inner_text()
    box = phone.locator("fieldset input[type=checkbox]").first.bounding_box()
    label = phone.locator("fieldset label:has(input[type=checkbox])").first.bounding_box()
    # The box sits on its label's line, not above it.
    assert label["y"] <= box["y"] + box["height"] / 2 <= label["y"] + label["height"]
    assert box["width"] < 40
    assert serious_violations(phone) == []


def test_the_public_reads_the_directory_on_a_phone_without_an_account(phone, live_app, committed):
    service = _listed_service(
        committed,
        {"commune_id": "85191", "name": "Accueil de jour public"},
        name="Accueil de jour pour personnes âgées",
        thematiques=["sante--acces-aux-soins"],
    )
    for path in (
        "/annuaire/?q=accueil+de+jour",
        f"/annuaire/services/{service.public_id}/",
        "/annuaire/offres-de-sante/",
        "/observatoire/donnees-ouvertes/",
    ):
        phone.goto(f"{live_app}{path}")
        assert phone.locator("h1").count() == 1, path
        assert "Se connecter" in phone.locator("header").inner_text()
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        assert serious_violations(phone) == []
    assert "Orienter une personne" not in phone.locator("main").inner_text()


def test_the_hours_editor_writes_the_openstreetmap_expression(page, live_app, e2e_cast, committed):
    from maillage.accounts.models import User
    from maillage.directory.models import ProposedChange

    with committed():
        admin = User.objects.get(email=e2e_cast["organisation_admin"])
        organisation = admin.memberships.get().organisation
    service = _listed_service(
        committed,
        {"commune_id": "85191", "organisation": organisation},
        name="Service aux horaires à revoir",
        thematiques=["sante--acces-aux-soins"],
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    )
    log_in(page, live_app, e2e_cast["organisation_admin"])
    page.goto(f"{live_app}/annuaire/mes-fiches/services/{service.public_id}/")
    field = page.locator("[data-hours-editor]")
    editor = page.locator(".hours-editor")
    # The expression is shown day by day.
    assert editor.get_by_label("Lundi", exact=True).is_checked()
    assert not editor.get_by_label("Samedi", exact=True).is_checked()
    assert editor.get_by_label("Fermé les jours fériés").is_checked()
    field_id = field.get_attribute("id")
    assert page.locator(f"#{field_id}_Mo_1_1").input_value() == "17:00"
    # Saturday morning opens; Wednesday closes; the field follows.
    editor.get_by_label("Samedi", exact=True).check()
    page.locator(f"#{field_id}_Sa_1_0").fill("")
    page.locator(f"#{field_id}_Sa_1_1").fill("")
    page.locator(f"#{field_id}_Sa_0_1").fill("12:30")
    assert field.input_value() == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:30; PH off"
    editor.get_by_label("Mercredi", exact=True).uncheck()
    assert field.input_value() == (
        "Mo,Tu 09:00-12:00,14:00-17:00; Th,Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:30; PH off"
    )
    # Typing an expression the table cannot show leaves it to the text, and says so.
    field.fill("Mo-Fr 09:00-12:00; Jul-Aug off")
    assert "modifiez le texte directement" in editor.inner_text()
    # …and the table cannot overwrite it: disabled until the text is simple again.
    assert editor.get_by_label("Samedi", exact=True).is_disabled()
    assert field.input_value() == "Mo-Fr 09:00-12:00; Jul-Aug off"
    field.fill("Mo-Fr 18:00-24:00")  # 24:00 fits no time input: left to the text too
    assert editor.get_by_label("Lundi", exact=True).is_disabled()
    field.fill("PH off")
    editor.get_by_label("Fermé les jours fériés").uncheck()
    editor.get_by_label("Fermé les jours fériés").check()
    assert field.input_value() == "PH off"
    field.fill("Mo 08:00-12:00")
    assert editor.get_by_label("Lundi", exact=True).is_checked()
    assert not editor.get_by_label("Mardi", exact=True).is_checked()
    editor.get_by_role("button", name="Recopier le lundi sur les jours ouvrés").click()
    assert field.input_value() == "Mo-Fr 08:00-12:00"
    assert serious_violations(page) == []
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    with committed():
        change = ProposedChange.objects.get(service_id=service.pk)
    assert change.changes["opening_hours"] == "Mo-Fr 08:00-12:00"


def test_a_professional_sends_the_sheet_by_sms_from_a_phone(phone, live_app, e2e_cast, committed):
    from django.db import connection

    from maillage.directory.models import SheetSending

    service = _listed_service(
        committed,
        {"commune_id": "85191", "name": "Équipe à joindre", "phone": "02 51 00 00 00"},
        name="Service dont on envoie la fiche",
        thematiques=["sante--acces-aux-soins"],
    )
    log_in(phone, live_app, e2e_cast["professional"])
    phone.goto(f"{live_app}/annuaire/services/{service.public_id}/")
    phone.get_by_text("Envoyer la fiche à la personne (SMS ou courriel)").click()
    assert phone.get_by_label("SMS").is_checked()
    phone.get_by_label("Numéro de portable ou adresse e-mail de la personne").fill("07 00 00 00 00")
    assert serious_violations(phone) == []
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the service page scrolls sideways by {overflow}px"
    phone.get_by_role("button", name="Envoyer", exact=True).click()
    assert "Fiche envoyée par SMS au 07 •• •• •• 00." in phone.locator("main").inner_text()
    with committed():
        assert SheetSending.objects.filter(service_id=service.pk, channel="sms").count() == 1
        # Nothing is rolled back here: the job left for the worker goes, not to be run by a
        # later test's run_jobs().
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE task_name = %s",
                ["maillage.directory.deferred.send_sheet"],
            )
        SheetSending.objects.filter(service_id=service.pk).delete()
