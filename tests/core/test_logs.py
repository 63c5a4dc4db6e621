"""What reaches the logs: no link token, no query string (where what was typed may be a
person's name)."""

import io
import logging

from hypothesis import given
from hypothesis import strategies as st

from maillage.core.logfilters import RedactRequestLines, redact


def _console():
    return next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactRequestLines) for f in h.filters)
    )


def test_a_refused_answer_link_is_logged_without_its_token(client, db):
    handler = _console()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        token = "s3cr3t-token-value"
        response = client.get(f"/annuaire/reponse/{token}/?nom=Dupont")
        assert response.status_code in (404, 410)
        client.get("/annuaire/page-inexistante/?q=Madame+Dupont")
    finally:
        handler.setStream(previous)
    logged = stream.getvalue()
    assert "/annuaire/reponse/…" in logged  # the refusal is logged, its token masked
    assert "/annuaire/page-inexistante/?…" in logged or "Not Found" in logged
    assert token not in logged
    assert "Dupont" not in logged


def test_the_development_servers_request_lines_lose_their_query_string():
    assert (
        redact('"GET /annuaire/?q=Jean+Martin&lieu=85000 HTTP/1.1" 200 1234')
        == '"GET /annuaire/?… HTTP/1.1" 200 1234'
    )
    assert redact("Not Found: /compte/mot-de-passe/nouveau/MQ/abc-123/") == (
        "Not Found: /compte/mot-de-passe/nouveau/…"
    )
    assert redact("Not Found: /annuaire/services/0b7c/") == "Not Found: /annuaire/services/0b7c/"


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs"), blacklist_characters='"?'
        ),
        min_size=1,
    )
)
def test_no_token_survives(token):
    line = f'"GET /annuaire/reponse/{token}/pieces/x/ HTTP/1.1" 404 12'
    assert redact(line) == '"GET /annuaire/reponse/… HTTP/1.1" 404 12'
