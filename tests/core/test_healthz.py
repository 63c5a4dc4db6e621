from django.db import connections


def test_healthz_answers_ok_with_the_database_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_needs_no_login_and_sets_no_session(client, db):
    response = client.get("/healthz")
    assert "sessionid" not in response.cookies


def test_healthz_answers_503_not_a_stack_trace_when_the_database_is_down(client, committed):
    connection = connections["default"]
    with committed():
        original = dict(connection.settings_dict)
        connection.close()
        # A real failed connection: a socket directory where no server listens.
        connection.settings_dict["HOST"] = "/nonexistent-maillage-socket-dir"
        connection.settings_dict["PORT"] = ""
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
