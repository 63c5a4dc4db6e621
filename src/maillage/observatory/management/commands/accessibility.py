import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.core.spreadsheets import csv_cell
from maillage.observatory import actions, queries
from maillage.observatory.accessibility import Travel
from maillage.territories.models import Commune


class Command(BaseCommand):
    help = (
        "Accessibility of primary care per commune (APL, E2SFCA). "
        "`maillage accessibility compute` computes and stores it for every commune of France "
        "from the directory's practitioners; --csv writes the result."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compute"])
        parser.add_argument("--profession", default=actions.DEFAULT_PROFESSION)
        parser.add_argument(
            "--activity",
            type=float,
            default=actions.DEFAULT_ACTIVITY,
            help="what one practitioner offers (consultations a year by default)",
        )
        parser.add_argument("--detour", type=float, default=1.3)
        parser.add_argument("--speed", type=float, default=60.0, help="km/h")
        parser.add_argument("--bands", default="10:1,15:0.6667,20:0.3333")
        parser.add_argument("--threshold", type=float, default=2.5)
        parser.add_argument(
            "--matrix", type=Path, help="travel times: origin_insee,dest_insee,minutes"
        )
        parser.add_argument(
            "--departement", help="print the figures and write the CSV for this département"
        )
        parser.add_argument("--csv", type=Path, help="write code, commune, population, index")

    def handle(self, *args, action, **options):
        try:
            bands = actions.parse_bands(options["bands"])
            matrix = None
            if options["matrix"]:
                with open(options["matrix"], encoding="utf-8-sig") as handle:
                    matrix = actions.read_matrix(handle)
        except (ValidationError, OSError) as error:
            messages = getattr(error, "messages", [str(error)])
            raise CommandError("\n".join(messages)) from error
        run = actions.accessibility_compute(
            profession=options["profession"],
            activity=options["activity"],
            travel=Travel(detour=options["detour"], speed_kmh=options["speed"]),
            bands=bands,
            threshold=options["threshold"],
            matrix=matrix,
        )
        codes = None
        if options["departement"]:
            codes = list(
                Commune.objects.filter(departement_id=options["departement"]).values_list(
                    "code", flat=True
                )
            )
            if not codes:
                raise CommandError(f"département inconnu : {options['departement']}")
        under, population = actions.under_served_share(run, codes)

        def number(value):
            return f"{value:,.0f}".replace(",", "\u202f")

        self.stdout.write(
            f"accessibilité ({run.profession}) : {run.communes} communes, "
            f"{run.supply_points} points d'offre, calcul en {run.seconds:.2f} s ; "
            f"{number(under)} habitant·es sur {number(population)} sous le seuil de "
            f"{run.threshold:g}"
        )
        if options["csv"]:
            with open(options["csv"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["code_insee", "commune", "population", "apl", "sous_dotee"])
                for row in queries.run_rows(run, codes):
                    writer.writerow(
                        csv_cell(v)
                        for v in [
                            row.commune_id,
                            row.commune.name,
                            row.population,
                            f"{row.index:.4f}",
                            "oui" if row.under_served else "non",
                        ]
                    )
            self.stdout.write(f"écrit : {options['csv']}")
