"""The request pipeline: who acts is built once per request, and refusals land on the form
the user sees again, with what she typed."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from maillage.core.audit import Actor
from maillage.core.pipeline import refusals_on
from maillage.core.roles import Role
from maillage.core.versions import StaleVersion
from tests.factories import member


class NoteForm(forms.Form):
    text = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput)


def test_a_refusal_lands_on_the_form_with_what_was_typed():
    form = NoteForm({"text": "rappeler le SSIAD", "version": "3"})
    assert form.is_valid()
    with refusals_on(form) as submitted:
        raise ValidationError("L'action est déjà terminée.")
    assert not submitted.done and submitted.status == 400
    assert form.non_field_errors() == ["L'action est déjà terminée."]
    assert form.data["text"] == "rappeler le SSIAD"


def test_a_refusal_naming_a_field_is_shown_beside_it():
    form = NoteForm({"text": "x", "version": "3"})
    assert form.is_valid()
    with refusals_on(form) as submitted:
        raise ValidationError({"text": "Trop court.", "elsewhere": "Autre chose."})
    assert submitted.status == 400
    assert form.errors["text"] == ["Trop court."]
    assert form.non_field_errors() == ["Autre chose."]


def test_a_stale_version_rebinds_the_form_so_that_saving_again_goes_through():
    form = NoteForm({"text": "mon texte", "version": "3"})
    assert form.is_valid()
    with refusals_on(form) as submitted:
        raise StaleVersion("Modifié entre-temps.", current=5)
    assert submitted.status == 409
    assert form.data["version"] == "5" and form.data["text"] == "mon texte"
    assert "Modifié entre-temps." in form.non_field_errors()


def test_success_is_told():
    form = NoteForm({"text": "ok", "version": "1"})
    assert form.is_valid()
    with refusals_on(form) as submitted:
        pass
    assert submitted.done


@pytest.mark.django_db
def test_the_actor_is_built_once_per_request_and_again_after_a_login():
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    request.user = AnonymousUser()
    anonymous = Actor.of(request)
    assert anonymous.user_id is None and anonymous.ip == "192.0.2.7"
    assert Actor.of(request) is anonymous
    user = member(Role.COORDINATOR)
    request.user = user
    request.active_membership = user.active_memberships()[0]
    acting = Actor.of(request)
    assert acting.user is user and acting.user_id == user.public_id
    assert acting.role == Role.COORDINATOR and acting.ip == "192.0.2.7"
    assert Actor.of(request) is acting


@pytest.mark.parametrize("debug", [False, True])
def test_a_page_refused_as_missing_is_audited_once_even_in_debug(client, cast, settings, debug):
    from maillage.core.models import AuditEvent
    from tests.factories import opened_pathway

    settings.DEBUG = debug
    pathway = opened_pathway(cast)
    client.force_login(cast.outsider)
    assert client.get(f"/parcours/{pathway.public_id}/plan/").status_code == 404
    denied = AuditEvent.objects.filter(outcome="denied", object_id=str(pathway.public_id))
    assert list(denied.values_list("action", flat=True)) == ["pathway.read"]
    assert denied.get().actor_id == cast.outsider.public_id


def _denials():
    from maillage.core.models import AuditEvent

    return list(AuditEvent.objects.filter(outcome="denied").values_list("action", "object_id"))


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/parcours/", None),
        ("get", "/api/v1/pathways", None),
        ("get", "/api/v1/support-requests", None),
    ],
)
def test_a_refusal_an_action_or_read_recorded_itself_is_written_once(
    client, cast, method, url, body
):
    """A read or an action that records its own refusal, then raises: the handler (page or
    API) does not write a second row."""
    client.force_login(cast.observer)
    response = getattr(client, method)(url)
    assert response.status_code == 403
    assert len(_denials()) == 1, _denials()


def test_a_refused_orientation_by_the_api_is_written_once(client, cast, territories):
    from tests.factories import ServiceFactory

    service = ServiceFactory()
    client.force_login(cast.observer)
    response = client.post(
        "/api/v1/orientations",
        {
            "service": str(service.public_id),
            "person_first_name": "Lucie",
            "person_last_name": "Moreau",
            "person_phone": "02 51 00 00 00",
            "reason": "Toilette",
            "consent_method": "oral",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert len(_denials()) == 1, _denials()
