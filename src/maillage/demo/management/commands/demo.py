import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from maillage.demo.setup import DEMO_PASSWORD, setup_demo
from maillage.territories.loader import is_loaded, load_pack


class Command(BaseCommand):
    help = "Set up the demo (database, territories, Pays Yon et Vie, accounts) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="set up, then stop")

    def handle(self, *args, address, no_serve, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if not is_loaded():
            self.stdout.write("Loading the French territories…")
            load_pack()
        accounts = setup_demo()
        self.stdout.write(f"Demo ready in {time.monotonic() - started:.1f} s.")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.email:<36} {account.role.label}")
        self.stdout.write(
            "  (the administrator, the person and the caregiver set up two-factor "
            "authentication at first login, with any TOTP app)"
        )
        self.stdout.write("")
        if not no_serve:
            self.stdout.write(f"Serving http://{address}/ — Ctrl-C to stop.")
            call_command("serve", address)
