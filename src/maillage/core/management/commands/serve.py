import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from maillage.core.jobs import BackgroundWorker

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Serve Maillage (default 127.0.0.1:8000) with a background worker in the same process "
        "(MAILLAGE_SERVE_WORKER=0 to run `maillage worker` apart). Ctrl-C stops it cleanly."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, address, **options):
        worker = BackgroundWorker(concurrency=1) if settings.SERVE_WORKER else None
        if worker is not None:
            worker.start()
        try:
            # No autoreload: one process, so the embedded database it started stops with it.
            call_command("runserver", address, use_reloader=False, skip_checks=False)
        finally:
            if worker is not None:
                worker.stop()  # before the embedded database, stopped when the process exits
