from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Maillage (default 127.0.0.1:8000). Ctrl-C stops the server cleanly."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, address, **options):
        # No autoreload: one process, so the embedded database it started stops with it.
        call_command("runserver", address, use_reloader=False, skip_checks=False)
