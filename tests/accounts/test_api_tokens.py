"""Personal API tokens: created once and shown once, act as their user, end when revoked
or expired; the person and her caregivers have none."""

import datetime as dt
import html
import re

from django.urls import reverse
from django.utils import timezone

from maillage.accounts import actions
from maillage.accounts.models import ApiToken
from maillage.core.models import AuditEvent
from tests.factories import ServiceFactory, StructureFactory


def _text(response):
    return html.unescape(response.content.decode())


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_professional_creates_a_token_shown_once_and_stored_hashed(client, cast):
    client.force_login(cast.professional)
    page = _text(client.post(reverse("accounts:api_tokens"), {"name": "Logiciel du cabinet"}))
    raw = re.search(r'value="(mlg_[^"]+)"', page).group(1)
    token = ApiToken.objects.get(user=cast.professional)
    assert token.token_hash == ApiToken.hash_token(raw) and raw not in token.token_hash
    assert raw not in _text(client.get(reverse("accounts:api_tokens")))
    assert "mlg_" + raw[4:12] in _text(client.get(reverse("accounts:api_tokens")))
    assert AuditEvent.objects.filter(action="api_token.create").exists()


def test_a_token_reaches_the_api_as_its_user_until_revoked(client, cast, territories):
    _token, raw = actions.api_token_create(actor=cast.professional, name="script")
    assert client.get("/api/v1/orientations").status_code == 401
    assert client.get("/api/v1/orientations", **_bearer("mlg_not-a-token")).status_code == 401
    response = client.get("/api/v1/orientations", **_bearer(raw))
    assert response.status_code == 200 and response.json()["count"] == 0
    _token.refresh_from_db()
    assert _token.last_used_at is not None
    actions.api_token_revoke(actor=cast.professional, token=_token)
    assert client.get("/api/v1/orientations", **_bearer(raw)).status_code == 401


def test_an_expired_token_or_a_deactivated_user_gets_nothing(client, cast):
    token, raw = actions.api_token_create(actor=cast.colleague, name="vieux")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert client.get("/api/v1/orientations", **_bearer(raw)).status_code == 401
    _token, raw = actions.api_token_create(actor=cast.outsider, name="actif")
    cast.outsider.is_active = False
    cast.outsider.save()
    assert client.get("/api/v1/orientations", **_bearer(raw)).status_code == 401


def test_an_orientation_sent_through_the_api_is_read_by_the_receiver_only(
    client, cast, territories
):
    service = ServiceFactory(
        structure=StructureFactory(organisation=cast.other_organisation),
        thematiques=["sante--acces-aux-soins"],
    )
    _t, sender = actions.api_token_create(actor=cast.professional, name="envoi")
    payload = {
        "service": str(service.public_id),
        "person_first_name": "Lucie",
        "person_last_name": "Moreau",
        "person_phone": "0600000000",
        "reason": "Bilan",
        "consent_method": "oral",
    }
    missing_consent = {k: v for k, v in payload.items() if k != "consent_method"}
    response = client.post(
        "/api/v1/orientations", missing_consent, content_type="application/json", **_bearer(sender)
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/orientations", payload, content_type="application/json", **_bearer(sender)
    )
    assert response.status_code == 201, response.content
    orientation_id = response.json()["id"]
    assert response.json()["state"] == "sent"
    _t, receiver = actions.api_token_create(actor=cast.outsider, name="reception")
    _t, colleague = actions.api_token_create(actor=cast.colleague, name="autre")
    url = f"/api/v1/orientations/{orientation_id}"
    assert client.get(url, **_bearer(receiver)).json()["person_last_name"] == "Moreau"
    assert client.get(url, **_bearer(colleague)).status_code == 404
    received = client.get("/api/v1/orientations?box=received", **_bearer(receiver)).json()
    assert [o["id"] for o in received["results"]] == [orientation_id]
    assert AuditEvent.objects.filter(action="orientation.read", outcome="allowed").count() == 1
    assert AuditEvent.objects.filter(action="orientation.read", outcome="denied").count() == 1


def test_portal_users_cannot_have_tokens(client, cast):
    from tests.conftest import login_verified

    login_verified(client, cast.person)
    assert client.get(reverse("accounts:api_tokens")).status_code == 403


def test_an_absurd_page_of_orientations_is_a_400(client, cast):
    _token, raw = actions.api_token_create(actor=cast.professional, name="script")
    response = client.get("/api/v1/orientations?page=100000000000000000000", **_bearer(raw))
    assert response.status_code == 400
