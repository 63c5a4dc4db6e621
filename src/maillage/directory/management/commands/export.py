from pathlib import Path

from django.core.management.base import BaseCommand

from maillage.directory.exports import data_inclusion, fhir, hsds

FORMATS = {"data-inclusion": data_inclusion, "hsds": hsds, "fhir": fhir}


class Command(BaseCommand):
    help = "Export the published directory: `maillage export data-inclusion|hsds|fhir FILE`."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(FORMATS))
        parser.add_argument("file", type=Path)

    def handle(self, *args, format, file, **options):
        structures, services = FORMATS[format].export(file)
        self.stdout.write(f"{structures} structures et {services} services exportés dans {file}")
