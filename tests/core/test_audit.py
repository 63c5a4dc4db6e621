import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from maillage.core import audit
from maillage.core.models import AuditEvent, Outcome


def _events(n):
    return [
        audit.record(
            "audit.view",
            actor=audit.Actor(user_id=uuid.uuid4(), role="coordinator"),
            object_type="test.thing",
            object_id=str(uuid.uuid4()),
            details={"n": i},
        )
        for i in range(n)
    ]


def _tamper(sql, params):
    """What an attacker with the table owner's rights could do behind the trigger's back."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER audit_no_update_delete")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER audit_no_update_delete")


def test_each_row_is_chained_to_the_previous_one(db):
    first, second, third = _events(3)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert audit.verify() == (AuditEvent.objects.count(), [])


def test_verify_command_reports_an_intact_chain(db, capsys):
    _events(2)
    call_command("audit", "verify")
    assert "audit trail intact" in capsys.readouterr().out


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET action = 'forged'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_rows(db, statement):
    _events(1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="audit.view").count() == 1


def test_the_orm_cannot_edit_an_audit_row_either(db):
    event = _events(1)[0]
    event.action = "forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_verify_detects_a_row_altered_behind_the_triggers_back(db):
    events = _events(4)
    _tamper("UPDATE core_auditevent SET outcome = %s WHERE id = %s", [Outcome.DENIED, events[1].id])
    _checked, problems = audit.verify()
    assert [p.event_id for p in problems] == [events[1].id]
    with pytest.raises(CommandError, match="audit trail altered"):
        call_command("audit", "verify")


def test_verify_detects_a_removed_row(db):
    events = _events(4)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[2].id])
    _checked, problems = audit.verify()
    assert [p.event_id for p in problems] == [events[3].id]
    assert "rompu" in problems[0].reason


def test_verify_detects_a_row_rehashed_without_its_successors(db):
    events = _events(3)
    forged = AuditEvent.objects.get(pk=events[0].pk)
    forged.action = "forged"
    new_hash = audit.digest(forged.prev_hash, forged)
    _tamper(
        "UPDATE core_auditevent SET action = 'forged', hash = %s WHERE id = %s",
        [new_hash, events[0].id],
    )
    _checked, problems = audit.verify()
    assert [p.event_id for p in problems] == [events[1].id]


def test_audit_rows_carry_identifiers_not_personal_content(client, cast):
    client.post("/compte/connexion/", {"email": cast.professional.email, "password": "faux"})
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    row_text = " ".join(str(getattr(event, f.name)) for f in AuditEvent._meta.fields)
    assert cast.professional.email not in row_text
    assert cast.professional.full_name not in row_text
    assert event.actor_id == cast.professional.public_id
    assert event.outcome == Outcome.DENIED
    assert event.ip == "127.0.0.1"


def test_every_refusal_is_audited_once(client, cast):
    client.force_login(cast.professional)
    before = AuditEvent.objects.filter(outcome=Outcome.DENIED).count()
    response = client.get("/plateforme/journal/")
    assert response.status_code == 403
    denials = AuditEvent.objects.filter(outcome=Outcome.DENIED).order_by("id")[before:]
    assert [event.action for event in denials] == ["audit.view"]
    assert denials[0].actor_id == cast.professional.public_id


def _settings_in_child(tmp_path, **env):
    import os
    import subprocess
    import sys

    child = {k: v for k, v in os.environ.items() if not k.startswith(("MAILLAGE_", "DATABASE"))}
    child.update(
        MAILLAGE_DATA_DIR=str(tmp_path / "data"),
        MAILLAGE_KEYS_DIR=str(tmp_path / "keys"),
        MAILLAGE_NO_EMBEDDED="1",
        DJANGO_SETTINGS_MODULE="maillage.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.AUDIT_CHAIN_KEY)"],
        env=child,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_local_instance_keeps_its_audit_key_outside_its_data_folder(tmp_path):
    first = _settings_in_child(tmp_path)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 32
    data = tmp_path / "data"
    assert key not in "".join(p.read_text() for p in data.rglob("*") if p.is_file())
    (keyfile,) = (tmp_path / "keys").iterdir()
    assert keyfile.read_text().strip() == key and oct(keyfile.stat().st_mode)[-3:] == "600"
    assert _settings_in_child(tmp_path).stdout.strip() == key  # the same on the next start


def test_production_needs_its_own_audit_key(tmp_path):
    secret = "s" * 60
    base = {"MAILLAGE_HTTPS": "1", "MAILLAGE_SECRET_KEY": secret}
    missing = _settings_in_child(tmp_path, **base)
    assert missing.returncode != 0 and "MAILLAGE_AUDIT_KEY is required" in missing.stderr
    same = _settings_in_child(tmp_path, **base, MAILLAGE_AUDIT_KEY=secret)
    assert same.returncode != 0 and "must differ" in same.stderr
    given = _settings_in_child(tmp_path, **base, MAILLAGE_AUDIT_KEY="a" * 40)
    assert given.returncode == 0 and given.stdout.strip() == "a" * 40


def test_the_audit_log_reads_in_french_with_names_and_filters(client, cast):
    from tests.factories import opened_pathway

    pathway = opened_pathway(cast)
    client.force_login(cast.professional)
    client.get(f"/parcours/{pathway.public_id}/")
    client.force_login(cast.outsider)
    client.get(f"/parcours/{pathway.public_id}/")  # refused, audited
    from tests.conftest import login_verified

    login_verified(client, cast.platform_admin)
    page = client.get("/plateforme/journal/?action=pathway.read").content.decode()
    assert cast.professional.full_name in page and cast.outsider.full_name in page
    assert "Professionnel·le" in page and "A consulté" in page
    denied = client.get("/plateforme/journal/?action=pathway.read&resultat=denied").content.decode()
    assert cast.outsider.full_name in denied and cast.professional.full_name not in denied
    mine = client.get(
        f"/plateforme/journal/?compte={cast.professional.public_id}&du=2000-01-01&au=2999-12-31"
    ).content.decode()
    assert cast.professional.full_name in mine and cast.outsider.full_name not in mine
    # Bad filters are ignored, never a 500.
    odd = client.get("/plateforme/journal/?compte=abc&du=demain&resultat=x&action=" + "a" * 500)
    assert odd.status_code == 200


def test_the_audit_log_filters_in_words_and_follows_one_record(client, cast):
    from tests.conftest import login_verified
    from tests.factories import opened_pathway

    pathway = opened_pathway(cast)
    other = opened_pathway(cast, person_first_name="Jules")
    client.force_login(cast.professional)
    client.get(f"/parcours/{pathway.public_id}/")
    client.get(f"/parcours/{other.public_id}/")
    login_verified(client, cast.platform_admin)
    page = client.get("/plateforme/journal/").content.decode()
    # The choice of what was done is in words, grouped by module; no technical code shown.
    assert '<optgroup label="Parcours">' in page and "Toutes : Parcours" in page
    assert '<option value="pathway.read">A consulté' in page
    assert "(pathway.read)" not in page
    one = client.get(f"/plateforme/journal/?objet={other.public_id}").content.decode()
    assert f"?objet={other.public_id}" in one and f"?objet={pathway.public_id}" not in one
    family = client.get("/plateforme/journal/?action=app:pathways").content.decode()
    assert "A consulté" in family and "journal d'audit" not in family.split("<tbody>")[1]


def test_the_journal_s_filter_speaks_the_reader_s_language(client, cast):
    from tests.conftest import login_verified

    login_verified(client, cast.platform_admin)
    english = client.get("/plateforme/journal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get("/plateforme/journal/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Viewed the audit log" in english and '<optgroup label="Parcours">' not in english
    assert "A consulté le journal d" in french and "Viewed the audit log" not in french
