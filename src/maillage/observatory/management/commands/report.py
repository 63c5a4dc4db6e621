from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.observatory import actions, facts
from maillage.observatory import report as report_module


class Command(BaseCommand):
    help = (
        "The platform's annual evaluation report. `maillage report annual --year 2026` "
        "refreshes the observatory's figures, then writes the report as HTML and as PDF "
        "(printed by headless Chromium; `make browser` installs it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annual"])
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", type=Path, help="the PDF (rapport-annuel-YEAR.pdf)")
        parser.add_argument("--html", type=Path, help="the HTML (rapport-annuel-YEAR.html)")
        parser.add_argument(
            "--no-refresh", action="store_true", help="use the figures as last refreshed"
        )
        parser.add_argument("--no-pdf", action="store_true", help="write the HTML only")

    def handle(self, *args, kind, year, output, html, no_refresh, no_pdf, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year}: expected a year such as 2026")
        if not no_refresh:
            done = facts.refresh()
            self.stdout.write(f"figures refreshed: {done.rows} rows in {done.seconds:.1f} s")
        scope = report_module.year_scope(year)
        if scope is None:
            raise CommandError("the platform's territory names no commune of the referential")
        report = actions.report_for(year)
        document = report_module.render_document(report)
        html = html or Path(f"rapport-annuel-{year}.html")
        html.write_text(document, encoding="utf-8")
        self.stdout.write(f"HTML: {html}")
        if no_pdf:
            return
        try:
            pdf = report_module.to_pdf(document)
        except report_module.PdfError as error:
            raise CommandError(f"PDF: {error}") from error
        output = output or Path(f"rapport-annuel-{year}.pdf")
        output.write_bytes(pdf)
        self.stdout.write(f"PDF: {output} ({len(pdf) // 1024} KB)")
