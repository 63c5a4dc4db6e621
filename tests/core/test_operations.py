"""One input per operation: what a page's form and a button hand to the action."""

import uuid

import pydantic
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st
from ninja import Field, Schema

from maillage.core.forms import Form
from maillage.core.operations import Email, EmailOrBlank, InputForm
from maillage.core.pipeline import posted


class NoteIn(Schema):
    version: int
    text: str = Field(min_length=1, max_length=5)
    tags: list[str] = []
    owner: uuid.UUID | None = None
    done: bool = False


class NoteForm(InputForm, Form):
    input = NoteIn
    ui_only = ("search",)
    version = forms.IntegerField()
    text = forms.CharField()  # no max_length here: the input's limit must still hold
    owner = forms.CharField(required=False)
    search = forms.CharField(required=False)


def test_the_form_hands_over_the_input_it_filled():
    form = NoteForm({"version": "3", "text": "abc", "owner": "", "search": "ssiad"})
    assert form.is_valid(), form.errors
    data = form.to_input()
    assert data == NoteIn(version=3, text="abc")  # "" for an optional id: its default
    assert not hasattr(data, "search")


def test_what_the_input_refuses_is_shown_on_the_field_in_french():
    form = NoteForm({"version": "3", "text": "far too long"})
    assert not form.is_valid()
    assert form.errors["text"] == [
        "Cette valeur n'est pas acceptée (trop long (au plus 5 caractères))."
    ]
    with pytest.raises(ValueError):
        form.to_input()
    bad_id = NoteForm({"version": "3", "text": "ok", "owner": "not-an-id"})
    assert not bad_id.is_valid()
    assert "identifiant (UUID) attendu" in bad_id.errors["owner"][0]


def _post(data: dict):
    request = RequestFactory().post("/", data)
    return request


def test_a_button_reads_its_input_from_the_post():
    owner = uuid.uuid4()
    request = _post({"version": "7", "text": "ok", "tags": ["a", "b"], "owner": str(owner)})
    assert posted(request, NoteIn) == NoteIn(version=7, text="ok", tags=["a", "b"], owner=owner)
    # No version, or not a number: -1, which no record has (the action answers 409).
    assert posted(_post({"text": "ok"}), NoteIn).version == -1
    assert posted(_post({"version": "x", "text": "ok"}), NoteIn).version == -1
    # An empty value is absent: the input's default applies.
    assert posted(_post({"version": "1", "text": "ok", "owner": ""}), NoteIn).owner is None


def test_a_button_with_what_its_input_refuses_gets_a_french_reason():
    with pytest.raises(ValidationError) as refused:
        posted(_post({"version": "1", "text": "far too long"}), NoteIn)
    assert "trop long" in refused.value.messages[0]
    assert "rechargez la page" in refused.value.messages[0]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["version", "text", "tags", "owner", "done", "other"]),
        st.lists(st.text(max_size=12), min_size=1, max_size=3),
    )
)
def test_whatever_a_button_posts_it_gets_an_input_or_a_french_refusal(fields):
    query = QueryDict(mutable=True)
    for name, values in fields.items():
        query.setlist(name, [v.replace("\x00", "") for v in values])
    request = RequestFactory().post("/")
    request._post = query  # what Django parsed from the body
    try:
        data = posted(request, NoteIn)
    except ValidationError as refused:
        assert "n'est pas accepté" in refused.messages[0]
    else:
        assert isinstance(data, NoteIn) and 1 <= len(data.text) <= 5


class InviteIn(Schema):
    email: Email
    also: EmailOrBlank = ""


def test_an_address_is_checked_as_the_pages_email_field_checks_it():
    assert InviteIn(email="  lucie@exemple.fr ").email == "lucie@exemple.fr"
    assert InviteIn(email="lucie@exemple.fr", also="  ").also == ""
    for wrong in ("lucie@", "   ", "pas une adresse"):
        with pytest.raises(pydantic.ValidationError):
            InviteIn(email=wrong)
