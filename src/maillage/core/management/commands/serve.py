import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from maillage.core.jobs import run_worker

logger = logging.getLogger(__name__)


def _run_worker() -> None:

    try:
        run_worker(install_signal_handlers=False, concurrency=1)
    except Exception:
        logger.exception("background worker stopped")


class Command(BaseCommand):
    help = (
        "Serve Maillage (default 127.0.0.1:8000) with a background worker in the same process "
        "(MAILLAGE_SERVE_WORKER=0 to run `maillage worker` apart). Ctrl-C stops it cleanly."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, address, **options):
        if settings.SERVE_WORKER:
            threading.Thread(target=_run_worker, name="maillage-worker", daemon=True).start()
        # No autoreload: one process, so the embedded database it started stops with it.
        call_command("runserver", address, use_reloader=False, skip_checks=False)
