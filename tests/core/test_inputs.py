"""The one input normalisation (core.inputs) and where it is applied: API bodies, query
strings, forms. A NUL, a lone surrogate or a control character never reaches the database:
it is refused with a French 400 (API, URL) or shown on its field (forms)."""

import json
import unicodedata
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.inputs import FORBIDDEN, InvalidInput, clean_data, clean_text, text_problem
from maillage.pathways.models import Message
from tests.factories import opened_pathway

JSON = "application/json"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)


@given(json_values)
def test_clean_data_refuses_or_returns_only_storable_nfc_text(value):
    try:
        cleaned = clean_data(value)
    except InvalidInput as error:
        assert error.reason.startswith(("le texte contient", "imbrication", "trop", "texte"))
        assert any(FORBIDDEN.search(s) for s in _strings(value))
        return
    for text in _strings(cleaned):
        assert FORBIDDEN.search(text) is None
        assert unicodedata.is_normalized("NFC", text)


@given(st.text())
def test_a_text_is_refused_exactly_when_it_holds_a_forbidden_character(text):
    problem = text_problem(text)
    assert (problem is None) == (FORBIDDEN.search(text) is None)
    if problem is None:
        assert clean_text(text) == unicodedata.normalize("NFC", text)


def test_the_reason_names_the_place_and_the_character():
    with pytest.raises(InvalidInput) as error:
        clean_data({"objectives": [{"title": "ok"}, {"title": "a\x00b"}]})
    assert str(error.value) == (
        "objectives[1].title : le texte contient un caractère nul (U+0000), "
        "qui ne peut pas être enregistré"
    )
    with pytest.raises(InvalidInput, match="imbrication trop profonde"):
        clean_data({"a": json.loads("[" * 20 + '"deep"' + "]" * 20)})


def _write_operations(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method in ("post", "put", "patch"):
            if "requestBody" in item.get(method, {}):
                yield method, path.format_map(_AnyId())


class _AnyId(dict):
    def __missing__(self, key):
        return str(uuid.uuid4())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"text": "a\\u0000b"}', "caractère nul (U+0000)"),
        ('{"text": "a\\ud800b"}', "demi-paire de substitution"),
        ('{"text\\u0007": "b"}', "caractère de contrôle (U+0007)"),
        ("[" * 5000 + "]" * 5000, "imbrication trop profonde"),
        ('{"latitude": NaN}', "NaN n'est pas un nombre JSON"),
        ('{"text": "a', "n'est pas du JSON valide"),
    ],
)
def test_every_write_operation_refuses_a_bad_body_with_a_french_400(client, cast, body, reason):
    client.force_login(cast.coordinator)
    operations = list(_write_operations(client))
    assert len(operations) >= 19  # every one with a body, as the document declares them
    for method, path in operations:
        response = getattr(client, method)(path, body, content_type=JSON)
        assert response.status_code == 400, (method, path, response.content)
        assert reason in response.json()["detail"], (method, path)


def test_a_nul_in_a_message_writes_nothing(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    response = client.post(
        f"/api/v1/pathways/{pathway.public_id}/messages",
        json.dumps({"body": "Rendez-vous\x00 demain"}),
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("corps de la requête refusé — body : ")
    assert not Message.objects.filter(pathway=pathway).exists()


def test_a_latitude_without_longitude_is_a_french_400(client, db):
    for query in ("lat=0", "lon=2.3", "lat=91&lon=0", "lat=nan&lon=0"):
        response = client.get(f"/api/v1/services?{query}")
        assert response.status_code == 400, query
        assert "lat" in response.json()["detail"] or "coordonnées" in response.json()["detail"]


def test_a_nul_in_the_api_query_string_is_a_french_json_400(client, db):
    response = client.get("/api/v1/services?q=a%00b")
    assert response.status_code == 400
    assert "caractère nul" in response.json()["detail"]


def test_api_errors_are_in_french(client, db):
    assert client.get("/api/v1/pathways").json()["detail"].startswith("authentification requise")


def _form_classes():
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import maillage

    for module_info in pkgutil.walk_packages(maillage.__path__, "maillage."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            for _, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    yield value


def test_every_form_of_maillage_passes_its_text_through_the_input_check():
    from maillage.core.forms import CheckedInput

    classes = list(_form_classes())
    assert len(classes) > 30
    unchecked = [c.__qualname__ for c in classes if not issubclass(c, CheckedInput)]
    assert unchecked == []


def test_a_form_given_a_control_character_directly_is_invalid_in_french():
    from maillage.pathways.forms import MessageForm

    form = MessageForm(data={"body": "Bonjour\x07"})
    assert not form.is_valid()
    assert "caractère de contrôle (U+0007)" in form.errors["body"][0]
    form = MessageForm(data={"body": "e\u0301te"})  # e + combining acute: NFC is "éte"
    assert form.is_valid() and form.cleaned_data["body"] == "éte"


def test_a_cookie_holding_a_nul_is_dropped_not_a_500(client, cast):
    from django.conf import settings

    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijkl"
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/services?q=aide").status_code == 200
    response = client.get("/")  # as if there were no session: to the login page
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_a_meeting_time_without_its_time_zone_is_a_french_400(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    for value in ("2026-12-20T10:00:00", "2026-12-20"):
        response = client.post(
            f"/api/v1/pathways/{pathway.public_id}/meetings",
            json.dumps({"starts_at": value}),
            content_type=JSON,
        )
        assert response.status_code == 400, value
        assert "fuseau" in response.json()["detail"]


def test_an_absurd_search_page_is_not_a_500(client, cast):
    client.force_login(cast.professional)
    response = client.get("/annuaire/?q=aide&page=99999999999999999999999")
    assert response.status_code == 200


@pytest.mark.parametrize("body", ["[" * 3000, "", "{}", '{"csp-report": 1}', "x" * 20_000])
def test_a_violation_report_of_any_shape_gets_a_204(client, db, body):
    response = client.post("/csp-report", body, content_type="application/csp-report")
    assert response.status_code == 204


def test_api_errors_outside_the_operations_are_json_too(client, cast, settings):
    assert client.get("/api/v1/nulle-part").json() == {"detail": "introuvable"}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(cast.coordinator)
    pathway = opened_pathway(cast)
    response = client.post(
        f"/api/v1/pathways/{pathway.public_id}/messages",
        json.dumps({"body": "x" * 5000}),
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "trop grande" in response.json()["detail"] or "JSON" in response.json()["detail"]


def test_a_model_form_stores_its_text_in_nfc(db):
    from maillage.accounts.forms import OrganisationForm

    form = OrganisationForm(data={"name": "E\u0301cole de sante\u0301", "kind": "association"})
    assert form.is_valid(), form.errors
    assert form.save().name == "École de santé"


phone_separators = st.sampled_from([" ", ".", "-", ""])


@given(
    st.lists(st.text("0123456789", min_size=1, max_size=3), min_size=1, max_size=5),
    phone_separators,
    st.booleans(),
)
def test_a_phone_written_as_people_write_it_is_accepted(groups, separator, international):
    from pydantic import TypeAdapter, ValidationError

    from maillage.core.operations import Phone

    number = ("+33 " if international else "") + separator.join(groups)
    digits = sum(c.isdigit() for c in number)
    adapter = TypeAdapter(Phone)
    if 3 <= digits <= 15:
        assert adapter.validate_python(f"  {number} ") == number
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(number)


@given(st.text(min_size=1, max_size=20).filter(lambda t: any(c.isalpha() for c in t)))
def test_a_phone_with_letters_is_refused(text):
    from pydantic import TypeAdapter, ValidationError

    from maillage.core.operations import Phone

    with pytest.raises(ValidationError):
        TypeAdapter(Phone).validate_python(text)
