"""Support requests and pathways in a real Chromium."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from tests.e2e.conftest import close_watched, log_in, pending_code, watched_context
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
    page.get_by_label("Téléphone de la personne").fill("02 51 22 33 44")
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

    context = watched_context(browser)
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
    # An action carried by a directory service: search, choose, her agreement → orientation.
    action_form = coordinator.locator(
        "form", has=coordinator.get_by_role("button", name="Ajouter l'action")
    )
    action_form.get_by_label("Action", exact=False).first.fill("Soins infirmiers au retour")
    action_form.get_by_label("Qui la porte").select_option("service")
    action_form.get_by_label("Service de l'annuaire à chercher").fill("soins infirmiers domicile")
    action_form.get_by_role("button", name="Ajouter l'action").click()
    coordinator.wait_for_load_state()
    action_form = coordinator.locator(
        "form", has=coordinator.get_by_role("button", name="Ajouter l'action")
    )
    action_form.get_by_label("Service retenu").select_option(index=1)
    action_form.get_by_label("Accord de la personne").select_option("oral")
    action_form.get_by_role("button", name="Ajouter l'action").click()
    coordinator.wait_for_load_state()
    assert "l'orientation est envoyée" in coordinator.locator(".messages").inner_text()
    assert "Soins infirmiers au retour" in coordinator.locator("main").inner_text()
    assert serious_violations(coordinator) == []
    coordinator.get_by_role("link", name="Version à imprimer pour la personne").click()
    assert "Rentrer à domicile en sécurité" in coordinator.locator("main").inner_text()
    assert serious_violations(coordinator) == []

    # A concertation meeting next week, with its calendar file.
    coordinator.go_back()
    coordinator.get_by_role("link", name="Retour au parcours").click()
    pathway_url = coordinator.url
    coordinator.get_by_role("link", name="Réunions de concertation").click()
    coordinator.get_by_role("link", name="Prévoir une réunion").click()
    assert (
        "Rentrer à domicile en sécurité" in coordinator.get_by_label("Ordre du jour").input_value()
    )
    when = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=14, minute=0)
    coordinator.get_by_label("Date et heure").fill(when.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_label("Lieu ou lien de visioconférence").fill("Maison de santé")
    assert serious_violations(coordinator) == []
    coordinator.get_by_role("button", name="Prévoir la réunion et inviter").click()
    coordinator.wait_for_load_state()
    assert "Réunion prévue" in coordinator.locator(".messages").inner_text()
    assert serious_violations(coordinator) == []
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    assert b"BEGIN:VEVENT" in Path(download.value.path()).read_bytes()

    # Her own space: the coordinator invites her; she creates her account, sets up her
    # second factor, and finds her plan and her meeting.
    coordinator.goto(pathway_url)
    mail.outbox.clear()
    coordinator.get_by_label("Adresse e-mail où envoyer l'invitation").fill("odette@exemple.fr")
    coordinator.get_by_role("button", name="Envoyer l'invitation").click()
    coordinator.wait_for_load_state()
    assert "l'invitation est partie" in coordinator.locator(".messages").inner_text()
    close_watched(context)
    (invitation,) = [m for m in mail.outbox if m.to == ["odette@exemple.fr"]]
    link = re.search(r"https?://\S+/compte/invitation/\S+", invitation.body).group(0)
    person_context = watched_context(browser)
    person = person_context.new_page()
    person.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_app))
    person.get_by_label("Nom complet").fill("Odette Guérin")
    person.locator("#id_password1").fill("un mot de passe bien long 2026")
    person.get_by_label("Confirmation du mot de passe").fill("un mot de passe bien long 2026")
    person.get_by_role("button", name="Accepter l'invitation").click()
    person.wait_for_load_state()
    assert "/compte/double-authentification/" in person.url
    person.get_by_label("Code à 6 chiffres").fill(pending_code("odette@exemple.fr"))
    person.get_by_role("button", name="Activer").click()
    person.wait_for_load_state()
    person.goto(f"{live_app}/parcours/mon-espace/")
    person.wait_for_load_state()
    space = person.locator("main").inner_text()
    assert "Mon accompagnement" in space, space
    assert "Rentrer à domicile en sécurité" in space and "Maison de santé" in space
    assert "Soins infirmiers au retour" in space
    assert serious_violations(person) == []
    person.get_by_role("link", name="Voir qui a consulté mon dossier").click()
    assert "Camille Coordinatrice" in person.locator("table").inner_text()
    assert serious_violations(person) == []
    close_watched(person_context)

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
    paths = (
        "",
        "plan/",
        "plan/imprimer/",
        "evaluations/",
        "evaluations/nouvelle/",
        "cahier/",
        "reunions/",
        "reunions/nouvelle/",
        "hospitalisations/",
        "cloture/",
        "acces/",
    )
    for path in paths:
        response = phone.goto(f"{pathway}{path}")
        assert response.status == 200, path
        assert phone.locator("h1").count() == 1, path
        assert serious_violations(phone) == [], path
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    assert "Rester à domicile en sécurité" in phone.goto(f"{pathway}plan/").text()


def test_the_persons_space_and_the_follow_up_pages_fit_a_phone(phone, live_app, e2e_cast):
    """Marie Martin's demo pathway: her space (person and caregiver), the stay with its
    checklist, the meeting to come and the notebook."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from maillage.accounts.models import User

    for email in ("personne@demo.maillage.fr", "aidant@demo.maillage.fr"):
        TOTPDevice.objects.get_or_create(
            user=User.objects.get(email=email), name="e2e", defaults={"confirmed": True}
        )
    log_in(phone, live_app, "personne@demo.maillage.fr")
    phone.get_by_role("link", name="Ouvrir mon espace").click()
    phone.wait_for_url(re.compile(r".*/parcours/mon-espace/[0-9a-f-]{36}/$"))
    space = phone.locator("main").inner_text()
    assert "Mon accompagnement" in space and "Jean Martin" in space
    assert "Maison de santé du Bourg" in space  # the meeting to come
    for url in (phone.url, phone.url + "acces/"):
        phone.goto(url)
        assert serious_violations(phone) == [], url
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px on a phone"
    phone.goto(phone.url.replace("acces/", ""))
    phone.get_by_label("Je demande un changement").check()
    phone.get_by_label("Votre message, avec vos mots").fill("Je voudrais que mon mari vienne.")
    phone.get_by_role("button", name="Envoyer").click()
    phone.wait_for_load_state()
    assert "Merci" in phone.locator(".messages").inner_text()
