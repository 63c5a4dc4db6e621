import os
import subprocess
import sys

import psycopg
from django.conf import settings
from django.db import connection

from maillage.core import audit
from maillage.database import EmbeddedPostgres
from tests.factories import member


def _fingerprint(cursor) -> dict:
    """Row count and checksum of every table of the schema."""
    cursor.execute("SET TIME ZONE 'UTC'")  # timestamps print the same on both sides
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    tables = [row[0] for row in cursor.fetchall()]
    prints = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
            f'FROM "{table}" t'
        )
        prints[table] = tuple(cursor.fetchone())
    return prints


def _maillage(*args, data_dir, env_extra=None):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["MAILLAGE_DATA_DIR"] = str(data_dir)
    # The restored audit chain is verified with the key it was written with.
    env["MAILLAGE_AUDIT_KEY"] = settings.AUDIT_CHAIN_KEY
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "maillage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_restore_into_an_empty_data_folder_gives_back_identical_data(
    tmp_path, territories, committed
):
    # Committed data (no test transaction): pg_dump runs in another process and must see it.
    with committed():
        _check_round_trip(tmp_path)


def _check_round_trip(tmp_path):
    from maillage.core.backup import backup
    from maillage.territories.models import Commune, Territory

    owner = member("coordinator", full_name="Coordinatrice sauvegarde")
    territory = Territory.objects.create(name="Bocage", created_by=owner)
    territory.communes.add(*Commune.objects.filter(departement_id="85")[:20])
    audit.record("territory.update", object_type="territories.territory", object_id="x")
    with connection.cursor() as cursor:
        before = _fingerprint(cursor)

    dump = tmp_path / "maillage.dump"
    backup(dump)
    assert dump.stat().st_size > 0
    assert dump.stat().st_mode & 0o777 == 0o600, "a dump of personal data is private"

    data_dir = tmp_path / "fresh"
    result = _maillage("restore", str(dump), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    server = EmbeddedPostgres(data_dir)
    assert not server.is_running(), "the command stops the server it started"
    server.ensure_running()
    try:
        with psycopg.connect(server.conninfo()) as restored, restored.cursor() as cursor:
            after = _fingerprint(cursor)
    finally:
        server.stop()
    assert after == before
    assert before["territories_territory_communes"][0] >= 20

    verified = _maillage("audit", "verify", data_dir=data_dir)
    assert verified.returncode == 0, verified.stderr
    assert "chain verified" in verified.stdout

    # Clean up what this test committed (the audit rows stay: they cannot be deleted).
    territory.delete()


def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_text("not a dump")
    result = _maillage("restore", str(junk), data_dir=tmp_path / "data")
    assert result.returncode != 0
    assert "restore failed" in result.stderr
