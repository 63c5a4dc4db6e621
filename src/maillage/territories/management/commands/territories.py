import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.territories.loader import PACK_PATH, PackError, load_pack


class Command(BaseCommand):
    help = "Territorial referential. `maillage territories load` loads the French data pack."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--pack", type=Path, default=PACK_PATH, help="pack file to load")

    def handle(self, *args, action, pack, **options):
        started = time.monotonic()
        try:
            report = load_pack(pack)
        except PackError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"territories loaded in {time.monotonic() - started:.1f} s: "
            f"{report.regions} régions, {report.departements} départements, "
            f"{report.epci} EPCI, {report.communes} communes "
            f"(+{report.former_communes} former names)"
        )
