from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.directory import hooks
from maillage.directory.exports import data_inclusion, fhir, hsds

FORMATS = {"data-inclusion": data_inclusion, "hsds": hsds, "fhir": fhir}


class Command(BaseCommand):
    help = (
        "Export the published directory: `maillage export data-inclusion|hsds|fhir FILE`; "
        "or one pathway as a FHIR bundle: `maillage export fhir-pathway ID FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(FORMATS) + sorted(hooks.record_exports()))
        parser.add_argument("target", nargs="+", help="FILE, or ID FILE for fhir-pathway")

    def handle(self, *args, format, target, **options):
        record_exports = hooks.record_exports()
        if format in record_exports:
            if len(target) != 2:
                raise CommandError(f"usage : maillage export {format} ID FICHIER")
            self.stdout.write(record_exports[format](*target))
            return
        if len(target) != 1:
            raise CommandError(f"usage : maillage export {format} FICHIER")
        file = Path(target[0])
        counts = FORMATS[format].export(file)
        structures, services = counts
        self.stdout.write(f"{structures} structures et {services} services exportés dans {file}")
        left_out = getattr(counts, "left_out", [])
        if left_out:
            self.stdout.write(f"{len(left_out)} laissé(s) de côté (le format ne peut les porter) :")
            for reason in left_out[:50]:
                self.stdout.write(f"  - {reason}")
