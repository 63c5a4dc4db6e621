import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.accounts.models import User
from maillage.cli import MAILLAGE_COMMANDS
from maillage.core.roles import Role

VENV_BIN = Path(sys.executable).parent


def test_maillage_help_lists_the_commands_through_both_entry_points():
    for command in ([str(VENV_BIN / "maillage"), "--help"], [sys.executable, "-m", "maillage"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        for name, _text in MAILLAGE_COMMANDS:
            assert name in result.stdout
    assert {
        "serve",
        "demo",
        "migrate",
        "createadmin",
        "territories load",
        "backup FILE",
        "restore FILE",
        "audit verify",
    } <= {name for name, _ in MAILLAGE_COMMANDS}


def test_a_bad_setting_stops_the_command_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "maillage", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "MAILLAGE_DATA_DIR": str(tmp_path),
            "MAILLAGE_SESSION_IDLE_TIMEOUT": "soon",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode != 0
    assert "MAILLAGE_SESSION_IDLE_TIMEOUT must be an integer" in result.stderr


def test_createadmin_makes_a_platform_admin_who_can_log_in(db, client):
    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO("une phrase de passe robuste\n")
        call_command(
            "createadmin", "--email", "chef@exemple.fr", "--name", "Chef", "--password-stdin"
        )
    finally:
        sys.stdin = stdin
    assert User.objects.get(email="chef@exemple.fr").roles == {Role.PLATFORM_ADMIN}
    response = client.post(
        "/compte/connexion/",
        {"email": "chef@exemple.fr", "password": "une phrase de passe robuste"},
    )
    assert response.status_code == 302


def test_createadmin_refuses_a_weak_password(db):
    stdin = sys.stdin
    sys.stdin = io.StringIO("1234\n")
    try:
        with pytest.raises(CommandError, match=r"trop court|too short"):
            call_command(
                "createadmin", "--email", "x@exemple.fr", "--name", "X", "--password-stdin"
            )
    finally:
        sys.stdin = stdin
