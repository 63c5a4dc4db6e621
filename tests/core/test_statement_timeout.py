"""Every request's statements are bounded in time; one that runs over gets a French 503."""

from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse

from maillage.directory import queries as directory_queries
from tests.conftest import login_verified


def _slow(*args, **kwargs):
    # A statement that outlives the request's bound; in a savepoint, as a view's writes are.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")


def _timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_page_whose_query_runs_too_long_gets_a_french_503(client, cast, monkeypatch):
    monkeypatch.setattr(directory_queries, "suspected_duplicates", _slow)
    login_verified(client, cast.platform_admin)
    with override_settings(STATEMENT_TIMEOUT=1):
        response = client.get(reverse("directory:duplicates"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert "rien n'a été modifié" in page
    assert response["Retry-After"] == "30"


def test_an_api_call_whose_query_runs_too_long_gets_a_json_503(client, db, monkeypatch):
    from maillage.directory import api

    monkeypatch.setattr(api, "search_services", _slow)
    with override_settings(STATEMENT_TIMEOUT=1, SEARCH_CACHE_SECONDS=0):
        response = client.get("/api/v1/services?q=aide")
    assert response.status_code == 503
    assert "trop de temps" in response.json()["detail"]


def test_requests_are_bounded_and_the_rest_of_the_work_less_so(client, db):
    from django.conf import settings
    from django.db import connections

    assert settings.STATEMENT_TIMEOUT == 30 and settings.JOB_STATEMENT_TIMEOUT == 3600
    fresh = connections.create_connection("default")  # as a job or a command opens it
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "1h"
    finally:
        fresh.close()
    client.get(reverse("healthz"))
    assert _timeout() == "30s"  # what a request gets


def test_a_statement_cancelled_outside_a_view_still_gets_the_503(cast, monkeypatch):
    from django.test import Client

    from maillage.core import middleware

    monkeypatch.setattr(middleware, "_active_membership", _slow)  # runs in process_view
    client = Client(raise_request_exception=False)
    login_verified(client, cast.platform_admin)
    with override_settings(STATEMENT_TIMEOUT=1):
        response = client.get(reverse("core:home"))
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
