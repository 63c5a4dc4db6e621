"""The `maillage` command: a thin layer over Django's management commands.

It starts the embedded PostgreSQL when a command needs a database and DATABASE_URL is
unset, and stops it again when the command ends (unless it was already running).
"""

import os
import signal
import sys

MAILLAGE_COMMANDS = [
    ("serve", "serve the site (default http://127.0.0.1:8000)"),
    ("worker", "run the background jobs (emails, reminders, expiries)"),
    ("demo", "set up everything (database, territories, demo data) and serve the demo"),
    ("migrate", "create or update the database tables"),
    ("createadmin", "create a platform administrator account"),
    ("territories load", "load the French territorial referential (idempotent)"),
    ("audit verify", "check the hash chain of the audit log"),
    ("import data-inclusion FILE...", "import structures and services (data·inclusion v1 JSON)"),
    ("import finess FILE", "import the official FINESS extraction (establishments)"),
    ("import hsds FILE", "import Open Referral HSDS 3.0 JSON (organizations, services)"),
    ("import csv FILE", "import the spreadsheet template (docs/import-csv.md)"),
    ("export data-inclusion|hsds|fhir FILE", "export the published directory"),
    ("directory duplicates", "list structures that look like duplicates across sources"),
    ("accessibility compute", "accessibility of primary care per commune (APL, E2SFCA)"),
    ("indicators refresh", "rebuild the observatory's figures now (hourly job otherwise)"),
    ("report annual --year Y", "the annual evaluation report, as HTML and PDF"),
    ("backup FILE", "dump the database to FILE (pg_dump custom format)"),
    ("restore FILE", "restore the database from FILE"),
]

# Commands that never touch the database: no embedded server for them.
NO_DATABASE = {
    "check",
    "makemigrations",
    "collectstatic",
    "compilemessages",
    "makemessages",
    "help",
    "version",
    "--version",
}


def usage() -> str:
    width = max(len(name) for name, _ in MAILLAGE_COMMANDS)
    lines = ["usage: maillage COMMAND [options]", "", "Maillage commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in MAILLAGE_COMMANDS]
    lines += [
        "",
        "Environment: DATABASE_URL (else an embedded PostgreSQL in MAILLAGE_DATA_DIR, "
        "default ./var).",
        "Every Django management command is available too: `maillage help --commands`.",
        "`maillage COMMAND --help` describes one command.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "maillage"
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(usage())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

    # Django is imported once the settings module is chosen, and only for a command.
    import django
    from django.conf import settings

    django.setup()
    command = argv[1]
    needs_database = command not in NO_DATABASE and "--help" not in argv and "-h" not in argv
    if needs_database and settings.EMBEDDED_DATABASE and not settings_flag("MAILLAGE_NO_EMBEDDED"):
        from maillage.database import embedded_server  # only for a command that needs it

        embedded_server().ensure_running()
        # SIGTERM (service managers, `kill`) ends the command like Ctrl-C does, so the
        # embedded database this process started is stopped by its exit handler.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))

    from django.core.management import execute_from_command_line  # after django.setup()

    execute_from_command_line(argv)


def settings_flag(name: str) -> bool:
    # settings.py reads the environment when imported: only once Django is set up.
    from maillage.settings import env_bool

    return env_bool(name, False)
