from django.core.management.base import BaseCommand

from maillage.core.jobs import run_worker


class Command(BaseCommand):
    help = (
        "Run the background worker: emails, reminders, expiries and other periodic jobs. "
        "Run as many as you like, on any machine that reaches the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, concurrency, **options):
        self.stdout.write("Worker started (Ctrl-C stops it).")
        run_worker(concurrency=concurrency)
