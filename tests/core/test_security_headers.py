"""Headers every answer carries: a strict Content-Security-Policy, and no caching of what a
browser or a proxy would keep of a record."""

import logging

from django.urls import reverse

from tests.factories import opened_pathway


def test_pages_carry_a_strict_content_security_policy(client, cast):
    client.force_login(cast.coordinator)
    policy = client.get(reverse("core:home"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_configured_tile_server_may_serve_images_and_nothing_else(client, cast, settings):
    settings.MAP_TILES_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    client.force_login(cast.coordinator)
    policy = client.get(reverse("core:home"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["img-src"] == "'self' data: https://*.tile.example.org"
    assert directives["script-src"] == "'self'"


def test_a_record_page_and_the_personal_api_are_never_stored(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    page = client.get(reverse("pathways:pathway", args=[pathway.public_id]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    api = client.get(f"/api/v1/pathways/{pathway.public_id}")
    assert api.status_code == 200
    assert "no-store" in api["Cache-Control"]


def test_a_violation_report_is_logged_without_the_query_string(client, db, caplog):
    body = (
        '{"csp-report": {"document-uri": "https://m.example.org/annuaire/?q=Lucie+Moreau", '
        '"effective-directive": "script-src-elem", "blocked-uri": "https://evil.example/x.js"}}'
    )
    with caplog.at_level(logging.WARNING, logger="maillage.core.views"):
        response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 204
    assert (
        "csp violation: script-src-elem blocked https://evil.example on /annuaire/" in caplog.text
    )
    assert "Lucie" not in caplog.text


def test_the_early_refusals_carry_the_policy_too(client, cast):
    client.force_login(cast.coordinator)
    for url in ("/annuaire/?q=a%00b", "/annuaire/%00/"):
        response = client.get(url)
        assert response.status_code == 400
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
