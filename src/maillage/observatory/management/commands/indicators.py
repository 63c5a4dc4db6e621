from django.core.management.base import BaseCommand

from maillage.observatory import facts


class Command(BaseCommand):
    help = (
        "The observatory's pre-aggregated figures. `maillage indicators refresh` rebuilds "
        "them now (the periodic job does it every hour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args, action, **options):
        done = facts.refresh()
        self.stdout.write(f"indicators: {done.rows} rows in {done.seconds:.2f} s")
