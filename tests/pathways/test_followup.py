"""The liaison notebook (messages, documents, unread counts) and hospital stays (alerts to the
circle, the discharge checklist opened at admission)."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent, Notification
from maillage.pathways import actions, inputs
from maillage.pathways.enums import DISCHARGE_CHECKLIST
from maillage.pathways.models import TimelineEvent
from tests.factories import opened_pathway
from tests.jobs import run_jobs

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _url(name, pathway, **kwargs):
    return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id, **kwargs})


@pytest.fixture
def pathway(cast):
    return opened_pathway(cast)


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path
    return tmp_path


# --- notebook ---------------------------------------------------------------------------------


def test_a_message_with_a_document_reaches_the_circle_and_nobody_else(
    client, cast, pathway, private_dir
):
    client.force_login(cast.professional)
    response = client.post(
        _url("notebook", pathway),
        {
            "body": "Mme est plus fatiguée depuis lundi.",
            "attachments": [SimpleUploadedFile("ordonnance.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    message = pathway.messages.get()
    attachment = message.attachments.get()
    assert attachment.path.read_bytes() == PDF
    assert str(attachment.path).startswith(str(private_dir))
    # The coordinator (referent) is told on-site, without the message's content.
    notice = Notification.objects.get(user=cast.coordinator, link=_url("notebook", pathway))
    assert "fatiguée" not in notice.message
    timeline = TimelineEvent.objects.get(pathway=pathway, kind="message")
    assert "fatiguée" not in timeline.summary
    # The circle reads it and downloads the document; both reads are audited.
    client.force_login(cast.coordinator)
    page = client.get(_url("notebook", pathway)).content.decode()
    assert "Mme est plus fatiguée depuis lundi." in page and "ordonnance.pdf" in page
    download = client.get(_url("notebook_attachment", pathway, attachment_id=attachment.public_id))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action="notebook.read", object_id=str(pathway.public_id)
    ).exists()
    assert AuditEvent.objects.filter(action="notebook.attachment.read").count() == 1
    # Outside the circle: 404 for the notebook and the document, and the denial is traced.
    client.force_login(cast.colleague)
    assert client.get(_url("notebook", pathway)).status_code == 404
    url = _url("notebook_attachment", pathway, attachment_id=attachment.public_id)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(outcome="denied", actor_id=cast.colleague.public_id).exists()


def test_documents_are_checked_by_content_and_a_bad_one_sends_nothing(
    client, cast, pathway, private_dir
):
    client.force_login(cast.professional)
    response = client.post(
        _url("notebook", pathway),
        {
            "body": "Voici le compte rendu",
            "attachments": [
                SimpleUploadedFile("cr.pdf", PDF),
                SimpleUploadedFile("photo.pdf", b"MZ\x90\x00not a pdf"),
            ],
        },
    )
    assert response.status_code == 400
    assert "n'est pas accepté" in html.unescape(response.content.decode())
    assert pathway.messages.count() == 0
    assert list(private_dir.rglob("*")) == []
    empty = client.post(_url("notebook", pathway), {"body": "   "})
    assert empty.status_code == 400 and pathway.messages.count() == 0


def test_new_messages_are_counted_for_each_member_until_she_reads_them(client, cast, pathway):
    actions.message_post(
        actor=cast.professional, pathway=pathway, data=inputs.MessageIn(body="Premier")
    )
    actions.message_post(
        actor=cast.professional, pathway=pathway, data=inputs.MessageIn(body="Second")
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("pathways:pathway_list")).content.decode()
    assert "2 nouveaux messages" in page
    client.get(_url("notebook", pathway))
    page = client.get(reverse("pathways:pathway_list")).content.decode()
    assert "nouveaux messages" not in page and "nouveau message" not in page
    # Her own messages are never "new" for the author.
    client.force_login(cast.professional)
    assert "nouveau" not in client.get(reverse("pathways:pathway_list")).content.decode()


def test_a_closed_pathway_notebook_is_read_not_written(client, cast, pathway):
    actions.message_post(
        actor=cast.professional, pathway=pathway, data=inputs.MessageIn(body="Avant la clôture")
    )
    actions.pathway_close(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.CloseIn(reason="stabilised", outcome="", objectives={}),
    )
    client.force_login(cast.professional)
    page = client.get(_url("notebook", pathway))
    assert "Avant la clôture" in page.content.decode()
    assert "Envoyer au cercle" not in page.content.decode()
    assert client.post(_url("notebook", pathway), {"body": "Après"}).status_code == 403


# --- hospital stays ---------------------------------------------------------------------------


def test_an_admission_alerts_the_circle_and_opens_the_discharge_checklist(client, cast, pathway):
    run_jobs()  # the emails of the request and the triage
    mail.outbox.clear()
    client.force_login(cast.professional)
    today = timezone.localdate()
    response = client.post(
        _url("stays", pathway),
        {"facility": "CHD Vendée, gériatrie", "admitted_on": today.isoformat()},
    )
    assert response.status_code == 302
    stay = pathway.stays.get()
    assert [i.code for i in stay.checklist.all()] == [c for c, _label in DISCHARGE_CHECKLIST]
    assert Notification.objects.filter(user=cast.coordinator, link=_url("stays", pathway)).exists()
    run_jobs()
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "gériatrie" not in mail.outbox[0].body  # where she is stays in Maillage
    # A second admission while she is still in hospital is refused.
    again = client.post(
        _url("stays", pathway), {"facility": "Autre", "admitted_on": today.isoformat()}
    )
    assert again.status_code == 400 and "déjà en cours" in html.unescape(again.content.decode())
    # Ticking the checklist, then the discharge: the circle is told what is left to do.
    client.post(
        _url("stay_check", pathway, stay_id=stay.public_id), {"code": "gp_informed", "done": "1"}
    )
    assert stay.checklist.get(code="gp_informed").done_by == cast.professional
    Notification.objects.all().delete()
    client.post(
        _url("stay_discharge", pathway, stay_id=stay.public_id),
        {"discharged_on": (today + dt.timedelta(days=1)).isoformat(), "destination": "Domicile"},
    )
    stay.refresh_from_db()
    assert stay.state == "discharged" and stay.discharge_destination == "Domicile"
    notice = Notification.objects.get(user=cast.coordinator)
    assert "7 point(s)" in notice.message
    kinds = set(TimelineEvent.objects.filter(pathway=pathway).values_list("kind", flat=True))
    assert {"admission", "discharge"} <= kinds
    client.force_login(cast.coordinator)
    page = client.get(_url("stays", pathway)).content.decode()
    assert "CHD Vendée, gériatrie" in page and "Sorti·e" in page


def test_a_discharge_before_the_admission_is_refused(cast, pathway):
    today = timezone.localdate()
    stay = actions.stay_admit(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.StayIn(facility="CHD", admitted_on=today),
    )
    with pytest.raises(Exception, match="précéder"):
        actions.stay_discharge(
            actor=cast.coordinator,
            stay=stay,
            data=inputs.DischargeIn(discharged_on=today - dt.timedelta(days=2)),
        )
    stay.refresh_from_db()
    assert stay.state == "in_hospital"


def test_stay_dates_out_of_any_plausible_range_are_refused(cast, pathway):
    today = timezone.localdate()
    with pytest.raises(Exception, match="trop ancienne"):
        actions.stay_admit(
            actor=cast.coordinator,
            pathway=pathway,
            data=inputs.StayIn(facility="CHD", admitted_on=dt.date(1990, 1, 1)),
        )
    stay = actions.stay_admit(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.StayIn(facility="CHD", admitted_on=today),
    )
    with pytest.raises(Exception, match="futur"):
        actions.stay_discharge(
            actor=cast.coordinator,
            stay=stay,
            data=inputs.DischargeIn(discharged_on=today + dt.timedelta(days=30)),
        )
    stay.refresh_from_db()
    assert stay.state == "in_hospital"


def test_the_pathway_list_shows_who_is_in_hospital_in_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    first = opened_pathway(cast)
    actions.stay_admit(
        actor=cast.coordinator,
        pathway=first,
        data=inputs.StayIn(facility="CHD", admitted_on=timezone.localdate()),
    )
    actions.message_post(
        actor=cast.professional, pathway=first, data=inputs.MessageIn(body="Bonjour")
    )
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(25) as counted:
        page = client.get(reverse("pathways:pathway_list")).content.decode()
    assert "hospitalisé·e" in page and "1 nouveau message" in page
    for _ in range(4):
        other = opened_pathway(cast, person_last_name="Autre")
        actions.message_post(
            actor=cast.professional, pathway=other, data=inputs.MessageIn(body="Bonjour")
        )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("pathways:pathway_list"))
