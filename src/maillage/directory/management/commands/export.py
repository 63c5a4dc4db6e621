import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.directory.exports import data_inclusion, fhir, hsds

FORMATS = {"data-inclusion": data_inclusion, "hsds": hsds, "fhir": fhir}
PATHWAY_FORMATS = {"fhir-pathway"}


class Command(BaseCommand):
    help = (
        "Export the published directory: `maillage export data-inclusion|hsds|fhir FILE`; "
        "or one pathway as a FHIR bundle: `maillage export fhir-pathway ID FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(FORMATS) + sorted(PATHWAY_FORMATS))
        parser.add_argument("target", nargs="+", help="FILE, or ID FILE for fhir-pathway")

    def handle(self, *args, format, target, **options):
        if format in PATHWAY_FORMATS:
            if len(target) != 2:
                raise CommandError("usage : maillage export fhir-pathway ID FICHIER")
            self._pathway(*target)
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

    def _pathway(self, public_id: str, file: str) -> None:
        # An operator's export, outside any request: traced in the audit log like any read.
        from maillage.core import audit
        from maillage.pathways import fhir as pathway_fhir
        from maillage.pathways.models import Pathway

        try:
            pathway = Pathway.objects.select_related("person__commune", "request").get(
                public_id=uuid.UUID(public_id)
            )
        except (ValueError, Pathway.DoesNotExist):
            raise CommandError(f"parcours introuvable : {public_id}") from None
        document = pathway_fhir.bundle(pathway)
        Path(file).write_text(json.dumps(document, ensure_ascii=False, indent=1))
        audit.record("pathway.export_fhir", obj=pathway, details={"channel": "command"})
        self.stdout.write(f"{len(document['entry'])} ressources exportées dans {file}")
