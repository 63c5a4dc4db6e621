"""Territorial alerts: a coordinator alerts the professionals of a territory; each reads it
and says so; news and end reach the same people; nobody else sees it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from maillage.cooperation import actions, queries
from maillage.cooperation.inputs import AlertIn, AlertMoveIn, AlertUpdateIn
from maillage.cooperation.models import AlertReceipt, TerritorialAlert
from maillage.core.models import AuditEvent, Notification
from maillage.core.roles import Role
from maillage.territories.models import Territory
from tests.conftest import login_verified
from tests.factories import OrganisationFactory, member


@pytest.fixture
def territory(cast, territories):
    cast.organisation.commune_id = "85191"  # La Roche-sur-Yon
    cast.organisation.save(update_fields=["commune"])
    cast.other_organisation.commune_id = "44109"  # Nantes: outside
    cast.other_organisation.save(update_fields=["commune"])
    territory = Territory.objects.create(name="Pays Yon et Vie", organisation=cast.platform)
    territory.communes.set(["85191", "85008"])
    return territory


def _alert(cast, territory, roles=("professional", "organisation_admin"), **fields):
    data = {
        "kind": "heat_wave",
        "title": "Canicule : vigilance orange",
        "body": "Appelez les personnes isolées.",
        "territory": territory.public_id,
        "audience_roles": list(roles),
        **fields,
    }
    return actions.alert_issue(actor=cast.coordinator, data=AlertIn(**data))


def test_a_coordinator_alerts_the_professionals_of_a_territory_only(
    client, cast, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(cast, territory)
    reached = set(AlertReceipt.objects.filter(alert=alert).values_list("user_id", flat=True))
    # The professionals and the admin of the structure in the territory, in those roles;
    # not the peer worker (another role), nor the structure outside, nor the person.
    assert reached == {cast.professional.pk, cast.colleague.pk, cast.organisation_admin.pk}
    assert Notification.objects.filter(user=cast.professional, message__contains="Canicule")
    assert ProcrastinateJob.objects.filter(task_name__contains="send_user_email").count() == 3
    assert AuditEvent.objects.filter(action="alert.issue", object_id=str(alert.public_id))
    client.force_login(cast.professional)
    home = client.get(reverse("core:home")).content.decode()
    assert 'id="tile-alerts"' in home and "Canicule : vigilance orange" in home
    url = reverse("cooperation:alert", kwargs={"public_id": alert.public_id})
    page = client.get(url).content.decode()
    assert "Appelez les personnes isolées." in page and "J'ai lu cette alerte" in page
    assert "lue par" not in page  # the counts are the issuer's
    ack = reverse("cooperation:alert_acknowledge", kwargs={"public_id": alert.public_id})
    assert client.post(ack).status_code == 302
    assert AlertReceipt.objects.get(alert=alert, user=cast.professional).read_at is not None
    assert 'id="tile-alerts"' not in client.get(reverse("core:home")).content.decode()
    client.force_login(cast.coordinator)
    assert "lue par 1 destinataires sur 3" in client.get(url).content.decode()
    # Outside its audience, the alert does not exist.
    for outsider in (cast.outsider, cast.peer_worker, cast.person):
        login_verified(client, outsider)
        assert client.get(url).status_code == 404
        assert client.post(ack).status_code == 404


def test_news_make_it_unread_again_and_its_end_is_told_then_archived(cast, territory):
    alert = _alert(cast, territory)
    actions.alert_acknowledge(actor=cast.professional, alert=alert)
    actions.alert_update(
        actor=cast.coordinator, alert=alert, data=AlertUpdateIn(body="Vigilance rouge demain.")
    )
    assert AlertReceipt.objects.get(alert=alert, user=cast.professional).read_at is None
    assert Notification.objects.filter(user=cast.professional, message__contains="Nouvelles")
    with pytest.raises(PermissionDenied):  # a professional gives no news of it
        actions.alert_update(actor=cast.professional, alert=alert, data=AlertUpdateIn(body="x"))
    alert.refresh_from_db()
    ended = actions.alert_move(
        actor=cast.coordinator,
        alert=alert,
        data=AlertMoveIn(to_state="ended", version=alert.version),
    )
    assert ended.state == "ended" and ended.ended_at is not None
    assert Notification.objects.filter(user=cast.colleague, message__contains="Fin de l'alerte")
    with pytest.raises(ValidationError):  # an ended alert has no more news
        actions.alert_update(actor=cast.coordinator, alert=ended, data=AlertUpdateIn(body="x"))
    with pytest.raises(ValidationError):  # a stale version changes nothing
        actions.alert_move(
            actor=cast.coordinator, alert=ended, data=AlertMoveIn(to_state="archived", version=1)
        )
    actions.alert_move(
        actor=cast.coordinator,
        alert=ended,
        data=AlertMoveIn(to_state="archived", version=ended.version),
    )
    assert queries.alert_list(cast.professional) == []
    assert [a.pk for a in queries.alert_list(cast.professional, archived=True)] == [alert.pk]


def test_bad_input_gets_a_french_error_and_sends_nothing(client, cast, territory):
    client.force_login(cast.coordinator)
    url = reverse("cooperation:alert_new")
    assert client.get(url).status_code == 200
    empty = client.post(url, {"kind": "heat_wave", "title": "", "body": ""})
    assert empty.status_code == 400 and "Ce champ est obligatoire" in empty.content.decode()
    nobody = client.post(
        url,
        {
            "kind": "epidemic",
            "title": "Grippe",
            "body": "Vaccination.",
            "territory": str(territory.public_id),
            "audience_roles": ["regulator"],  # no regulator in the territory's structures
        },
    )
    assert (
        nobody.status_code == 400
        and "Personne ne recevrait cette alerte" in nobody.content.decode()
    )
    assert not TerritorialAlert.objects.exists()
    # The API says the same, in French, with a 4xx.
    api = client.post(
        "/api/v1/alerts",
        {
            "kind": "epidemic",
            "title": "Grippe",
            "body": "Vaccination.",
            "territory": str(territory.public_id),
            "audience_roles": ["person"],
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and "Rôle inconnu" in api.json()["detail"]
    # Only a coordinator alerts.
    client.force_login(cast.professional)
    assert client.get(url).status_code == 403
    assert not TerritorialAlert.objects.exists()


def test_the_api_issues_reads_and_acknowledges(client, cast, territory):
    client.force_login(cast.coordinator)
    body = {
        "kind": "closure",
        "title": "Fermeture du CMP",
        "body": "Fermé du 1er au 15 août.",
        "territory": str(territory.public_id),
        "audience_roles": ["professional"],
    }
    made = client.post("/api/v1/alerts", body, content_type="application/json")
    assert made.status_code == 201, made.content
    alert_id = made.json()["id"]
    assert made.json()["recipients"] == 2
    client.force_login(cast.professional)
    listed = client.get("/api/v1/alerts").json()
    assert [a["id"] for a in listed] == [alert_id]
    read = client.post(f"/api/v1/alerts/{alert_id}/acknowledgement")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    client.force_login(cast.outsider)
    assert client.get(f"/api/v1/alerts/{alert_id}").status_code == 404
    assert client.get("/api/v1/alerts").json() == []


def test_the_list_reads_in_a_constant_number_of_queries(client, cast, territory):
    client.force_login(cast.professional)

    def count():
        with CaptureQueriesContext(connection) as run:
            response = client.get(reverse("cooperation:alerts"))
        assert response.status_code == 200
        return len(run)

    _alert(cast, territory)
    count()  # the session's first request loads what later ones keep
    one = count()
    for n in range(4):
        _alert(cast, territory, title=f"Alerte {n}")
    assert count() == one


def test_many_recipients_are_reached_in_one_insert(cast, territory):
    structure = OrganisationFactory(name="CCAS", commune_id="85008")
    for n in range(30):
        member(Role.PROFESSIONAL, structure, full_name=f"Pro {n}")
    with CaptureQueriesContext(connection) as run:
        alert = _alert(cast, territory, roles=("professional",))
    assert alert.receipts.count() == 32
    inserts = [
        q for q in run.captured_queries if 'INSERT INTO "cooperation_alertreceipt"' in q["sql"]
    ]
    assert len(inserts) == 1
