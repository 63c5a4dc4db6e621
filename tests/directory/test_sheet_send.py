"""A service's sheet sent to the person by SMS or e-mail: by whoever orients, through the job
queue, the address erased once sent and written nowhere else (audit, logs, job arguments)."""

import html
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from maillage.core import sms
from maillage.core.models import AuditEvent
from maillage.directory.models import SheetSending
from tests.factories import ServiceFactory, StructureFactory
from tests.jobs import run_jobs

NUMBER = "06 12 34 56 78"
E164 = "+33612345678"


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def service(territories, db):
    structure = StructureFactory(
        commune_id="85191",
        name="CMP adultes",
        address="45 rue du Maréchal Joffre",
        postal_code="85000",
        phone="02 51 09 70 00",
    )
    return ServiceFactory(
        structure=structure,
        name="Consultations en santé mentale",
        opening_hours="Mo-Fr 09:00-17:00",
        thematiques=["sante--sante-mentale"],
    )


def _url(service):
    return reverse("directory:sheet_send", args=[service.public_id])


def _job_arguments() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(string_agg(args::text, ' '), '') FROM procrastinate_jobs")
        return cursor.fetchone()[0]


def test_a_professional_sends_the_sheet_by_sms_and_the_number_is_erased(
    client, cast, service, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(cast.professional)
    page = _text(client.get(reverse("directory:service", args=[service.public_id])))
    assert "Envoyer la fiche à la personne" in page
    response = client.post(_url(service), {"channel": "sms", "recipient": NUMBER}, follow=True)
    assert "Fiche envoyée par SMS au 06 •• •• •• 78." in _text(response)
    sending = SheetSending.objects.get()
    assert sending.recipient == E164 and sending.sent_at is None
    assert E164 not in _job_arguments() and "612345678" not in _job_arguments()
    assert run_jobs() == 1
    (message,) = sms.outbox
    assert message.to == E164
    assert message.text.startswith("Consultations en santé mentale (CMP adultes)")
    assert "45 rue du Maréchal Joffre, 85000 La Roche-sur-Yon" in message.text
    assert f"/annuaire/services/{service.public_id}/" in message.text
    sending.refresh_from_db()
    assert sending.recipient == "" and sending.sent_at is not None
    event = AuditEvent.objects.get(action="directory.sheet.send")
    assert event.actor_id == cast.professional.public_id
    assert json.loads(event.details)["channel"] == "sms"
    assert "612345678" not in event.details
    assert not any("612345678" in r.getMessage() for r in caplog.records)
    # Sent once: the job run again sends nothing more.
    from maillage.directory import deferred

    deferred.send_sheet(sending_id=sending.pk)
    assert len(sms.outbox) == 1


def test_by_e_mail_the_person_gets_the_address_the_phone_and_the_hours(client, cast, service):
    client.force_login(cast.coordinator)
    response = client.post(_url(service), {"channel": "email", "recipient": "marie@exemple.fr"})
    assert response.status_code == 302
    run_jobs()
    (email,) = mail.outbox
    assert email.to == ["marie@exemple.fr"]
    assert email.subject == "Les coordonnées de « Consultations en santé mentale »"
    assert "Téléphone : 02 51 09 70 00" in email.body
    assert "Horaires :" in email.body and "9 h – 17 h" in email.body
    assert "bound method" not in email.body
    assert SheetSending.objects.get().recipient == ""


@pytest.mark.parametrize(
    ("channel", "recipient", "message"),
    [
        ("sms", "02 51 09 70 00", "Numéro de portable invalide"),
        ("sms", "abc", "Numéro de portable invalide"),
        ("email", "marie@", "Adresse e-mail invalide"),
    ],
)
def test_a_bad_address_is_explained_in_french_and_nothing_is_sent(
    client, cast, service, channel, recipient, message
):
    client.force_login(cast.professional)
    response = client.post(_url(service), {"channel": channel, "recipient": recipient})
    assert response.status_code == 400
    assert message in _text(response)
    assert f'value="{recipient}"' in response.content.decode()  # what was typed stays
    assert not SheetSending.objects.exists() and run_jobs() == 0


def test_only_those_who_orient_send_a_sheet(client, cast, service):
    response = client.post(_url(service), {"channel": "sms", "recipient": NUMBER})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    page = _text(client.get(reverse("directory:service", args=[service.public_id])))
    assert "Envoyer la fiche" not in page  # the public reads the sheet, sends nothing
    client.force_login(cast.observer)
    assert client.post(_url(service), {"channel": "sms", "recipient": NUMBER}).status_code == 403
    assert not SheetSending.objects.exists()


def test_sends_are_limited_per_hour(client, cast, service, settings):
    settings.SHEET_SENDS_PER_HOUR = 2
    client.force_login(cast.professional)
    for _ in range(2):
        assert (
            client.post(_url(service), {"channel": "sms", "recipient": NUMBER}).status_code == 302
        )
    response = client.post(_url(service), {"channel": "sms", "recipient": NUMBER})
    assert response.status_code == 429
    assert "beaucoup de fiches en une heure" in _text(response)
    api = client.post(
        "/api/v1/envois-de-fiches",
        {"service": str(service.public_id), "channel": "sms", "recipient": NUMBER},
        content_type="application/json",
    )
    assert api.status_code == 429 and "beaucoup de fiches" in api.json()["detail"]
    assert SheetSending.objects.count() == 2


def test_the_api_sends_a_sheet_and_answers_4xx_with_a_message(client, cast, service):
    client.force_login(cast.professional)
    url = "/api/v1/envois-de-fiches"
    body = {"service": str(service.public_id), "channel": "sms", "recipient": NUMBER}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 202, response.content
    assert response.json()["channel"] == "sms"
    bad = client.post(url, {**body, "recipient": "0251"}, content_type="application/json")
    assert bad.status_code == 400 and "Numéro de portable invalide" in bad.json()["detail"]
    gone = client.post(
        url,
        {**body, "service": "00000000-0000-4000-8000-000000000000"},
        content_type="application/json",
    )
    assert gone.status_code == 404
    client.force_login(cast.observer)
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert SheetSending.objects.count() == 1


# --- the SMS module --------------------------------------------------------------------------


@given(
    st.sampled_from("67"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(["", " ", ".", "-"]),
    st.sampled_from(["0", "+33", "0033", "+33 "]),
)
def test_a_mobile_number_is_read_however_it_is_written(first, rest, separator, prefix):
    digits = first + rest
    pairs = [digits[i : i + 2] for i in range(0, 9, 2)]
    written = prefix + separator.join([pairs[0], *pairs[1:]])
    country = sms.OVERSEAS.get("0" + digits[:3], "33")  # 0692…: La Réunion, +262
    assert sms.mobile_number(written) == f"+{country}{digits}"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("0692 12 34 56", "+262692123456"),
        ("+262 692 12 34 56", "+262692123456"),
        ("0696 12 34 56", "+596696123456"),
        ("0694 12 34 56", "+594694123456"),
        ("0690 12 34 56", "+590690123456"),
        ("0639 12 34 56", "+262639123456"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("(06) 12 34 56 78", "+33612345678"),
    ],
)
def test_overseas_mobiles_get_their_own_country_code(written, e164):
    assert sms.mobile_number(written) == e164
    assert sms.masked(e164).startswith("06 ••")


@given(st.text(max_size=20))
def test_anything_but_a_french_mobile_is_refused(text):
    found = sms.mobile_number(text)
    assert found is None or re.fullmatch(r"\+(33|262|590|594|596)[67][0-9]{8}", found)


def test_the_console_backend_masks_the_number(capsys, settings):
    settings.SMS_BACKEND = "console"
    sms.send(E164, "Bonjour")
    out = capsys.readouterr().out
    assert "06 •• •• •• 78" in out and "Bonjour" in out
    assert "612345678" not in out


def test_the_http_backend_posts_to_the_provider_and_reports_its_refusals(settings):
    received = []

    class Provider(BaseHTTPRequestHandler):
        status = 202

        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
            self.send_response(Provider.status)
            self.end_headers()

        def log_message(self, *args):  # a log would hold the number
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.SMS_BACKEND = "http"
        settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms"
        settings.SMS_HTTP_TOKEN = "secret"
        sms.send(E164, "Bonjour")
        assert received == [
            ("Bearer secret", {"to": E164, "text": "Bonjour", "sender": "Maillage"})
        ]
        Provider.status = 500
        with pytest.raises(sms.SmsError, match="500"):
            sms.send(E164, "Bonjour")
        settings.SMS_HTTP_URL = "http://127.0.0.1:9/sms"
        with pytest.raises(sms.SmsError, match="injoignable"):
            sms.send(E164, "Bonjour")
    finally:
        server.shutdown()


def test_the_link_survives_long_names(territories, db):
    from maillage.directory import emails

    structure = StructureFactory(name="S" * 150, address="A" * 150, commune_id="85191")
    service = ServiceFactory(structure=structure, name="N" * 150)
    text = emails.sheet_sms(service)
    assert text.endswith(f"/annuaire/services/{service.public_id}/")
    assert len(text) <= sms.MAX_LENGTH


def test_the_console_e_mail_of_the_demo_masks_the_recipient(capsys):
    from django.core.mail import EmailMessage

    from maillage.core.mail import ConsoleEmailBackend

    message = EmailMessage(
        "Fiche", "Le lien : https://exemple.fr/x", to=["marie.durand@exemple.fr"]
    )
    message.attach("reunion.ics", "ATTENDEE:mailto:paul.martin@exemple.fr\r\n", "text/calendar")
    ConsoleEmailBackend().send_messages([message])
    out = capsys.readouterr().out
    assert "m***@exemple.fr" in out and "marie.durand" not in out
    assert "paul.martin" not in out and "p***@exemple.fr" in out
    assert "https://exemple.fr/x" in out
    assert message.to == ["marie.durand@exemple.fr"]  # the message itself is left as it was


def test_an_address_never_sent_is_erased_after_a_day(client, cast, service):
    import datetime as dt

    from maillage.directory import actions

    client.force_login(cast.professional)
    client.post(_url(service), {"channel": "sms", "recipient": NUMBER})
    sending = SheetSending.objects.get()
    # The provider refused it for good: the job is dead, the number still there.
    assert actions.erase_unsent_sheet_addresses() == 0
    later = sending.created_at + dt.timedelta(hours=actions.UNSENT_SHEET_HOURS, minutes=1)
    assert actions.erase_unsent_sheet_addresses(now=later) == 1
    sending.refresh_from_db()
    assert sending.recipient == "" and sending.sent_at is None


def test_after_sending_the_way_back_to_the_search_keeps_its_criteria(client, cast, service):
    client.force_login(cast.professional)
    response = client.post(
        _url(service),
        {"channel": "sms", "recipient": NUMBER, "recherche": "q=psy&lieu=Aizenay&nom=Durand"},
    )
    assert response.status_code == 302
    assert "recherche=q%3Dpsy%26lieu%3DAizenay" in response["Location"]
    assert "Durand" not in response["Location"]  # only the search form's fields travel
