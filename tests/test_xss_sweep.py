"""The XSS sweep over every page: a payload planted in every free-text column of every
Maillage table, then every URL of the project opened by a persona allowed to see it. No
page may grow an element from the payload (tests/xss.py), whatever the field, whatever the
page. The browser sweep (tests/e2e/test_xss_sweep.py) adds what scripts put in pages."""

import uuid

from django.urls import reverse

from tests.conftest import login_verified
from tests.test_url_authorization import EXPECTATIONS, VERIFIED
from tests.xss import markers, plant, text_columns

# Who opens each page: the first of these the page lets in.
READERS = [
    "coordinator",
    "professional",
    "organisation_admin",
    "platform_admin",
    "observer",
    "user_representative",
    "person",
    "caregiver",
    "anonymous",
]


def test_no_page_lets_a_planted_payload_through(client, cast, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path  # the documents the table joins
    from maillage.territories.models import Commune, Departement, Region, Territory

    region = Region.objects.get_or_create(code="52", defaults={"name": "Pays de la Loire"})[0]
    departement = Departement.objects.get_or_create(
        code="85", defaults={"name": "Vendée", "region": region, "search_name": "vendee"}
    )[0]
    Commune.objects.get_or_create(
        code="85191",
        defaults={"name": "La Roche-sur-Yon", "kind": "COM", "departement": departement},
    )
    pages = []
    for name, (kwargs_for, method, expected) in EXPECTATIONS.items():
        reader = next((p for p in READERS if expected.get(p) == 200), None)
        if method != "get" or reader is None or name.startswith("api:"):
            continue
        territory = Territory.objects.create(
            name=f"T {uuid.uuid4()}", created_by=cast.coordinator, organisation=cast.platform
        )
        pages.append(
            (
                name,
                reader,
                reverse(name, kwargs=kwargs_for(cast, territory) if kwargs_for else None),
            )
        )
    planted, refused = plant()
    assert planted > 100 and refused == []
    grown, opened, shown = [], 0, 0
    for name, reader, url in pages:
        client.logout()
        if reader in VERIFIED:
            login_verified(client, getattr(cast, reader))
        elif reader != "anonymous":
            client.force_login(getattr(cast, reader))
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        opened += 1
        if response.streaming:  # a file download: no page to read
            continue
        body = response.content.decode(errors="replace")
        if "text/html" in response["Content-Type"]:
            grown += [f"{name}: {m}" for m in markers(body)]
            shown += "&lt;b data-xss=1&gt;" in body  # the payload, shown as text
    assert opened > 50
    assert shown > 40  # the sweep reached pages that show the planted texts
    assert grown == [], grown
    print(f"xss sweep: {planted} text columns × {opened} pages ({shown} showing them), 0 grown")


def test_the_sweep_plants_every_kind_of_free_text():
    labels = {f"{m._meta.label}.{f.name}" for m, f in text_columns()}
    for expected in (
        "directory.Service.name",
        "directory.Structure.website",
        "pathways.Message.body",
        "pathways.Person.first_name",
        "accounts.User.full_name",
    ):
        assert expected in labels


def test_emails_carry_planted_text_as_plain_text_on_one_subject_line(
    cast, territories, mailoutbox, django_capture_on_commit_callbacks
):
    from icalendar import Calendar

    from maillage.directory import actions as directory_actions
    from maillage.directory.deferred import send_link_email
    from maillage.pathways.deferred import send_meeting_invitation
    from maillage.pathways.models import Meeting
    from tests.test_url_authorization import _meeting, _orientation
    from tests.xss import PAYLOAD

    orientation = _orientation(cast)
    orientation.receiver_email = "accueil@exemple.fr"
    link = directory_actions._send_link(
        orientation, "answer", expires_at=orientation.expires_at, kind="new"
    )
    meeting = Meeting.objects.get(public_id=_meeting(cast)["meeting_id"])
    plant(PAYLOAD + "\r\nBcc: tous@exemple.fr")
    # Addresses are checked wherever they come in (forms, imports): the recipients stay real.
    from maillage.accounts.models import User
    from maillage.directory.models import OrientationLink

    OrientationLink.objects.filter(pk=link.pk).update(email="accueil@exemple.fr")
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    User.objects.update(email=Concat(Value("u"), Cast("id", CharField()), Value("@exemple.fr")))
    mailoutbox.clear()
    send_link_email(link_id=link.pk, kind="new")
    send_meeting_invitation(meeting_id=meeting.pk, user_id=cast.professional.pk)
    # An invitation to an organisation, and a moderation notice about an entry, both named
    # with what was planted.
    from maillage.accounts import actions as account_actions
    from maillage.directory.models import Structure
    from tests.jobs import run_jobs

    cast.organisation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.invitation_send(
            actor=cast.organisation_admin,
            organisation=cast.organisation,
            email="nouvelle@exemple.fr",
            role="professional",
        )
    entry = Structure.objects.filter(organisation=cast.other_organisation).first()
    Structure.objects.filter(pk=entry.pk).update(state="pending")
    entry.refresh_from_db()
    directory_actions.moderation_reject(actor=cast.coordinator, entry=entry, reason=PAYLOAD)
    run_jobs()
    assert len(mailoutbox) >= 4
    for message in mailoutbox:
        assert "\n" not in message.subject and message.bcc == []
        assert getattr(message, "alternatives", []) == []  # text only: nothing to render
        assert message.content_subtype == "plain"
    (ics,) = next(m for m in mailoutbox if m.attachments).attachments
    calendar = Calendar.from_ical(ics[1])
    assert len(calendar.walk("VEVENT")) == 1  # a line break in a text adds no property


def test_the_annual_report_prints_planted_commentary_as_text(cast, territories):
    """The commentary coordinators write is in the report's HTML and its PDF (printed by
    Chromium from a file, outside the site's CSP) as text, never as markup."""
    import io

    from pypdf import PdfReader

    from maillage.observatory import actions, report
    from tests.xss import PAYLOAD

    year = 2025
    keys = [section.key for section in report.SECTIONS]
    saved = actions.report_save(
        actor=cast.coordinator,
        year=year,
        commentary=dict.fromkeys(keys, PAYLOAD),
        expected_version=actions.report_for(year).version,
    )
    html = report.render_document(saved)
    assert markers(html) == []
    assert "&lt;b data-xss=1&gt;" in html
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.to_pdf(html))).pages)
    assert "data-xss=1>gras</b>" in text.replace("\n", "")  # printed as the characters it is
