import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.directory.imports import csv_template, data_inclusion, finess, hsds

FORMATS = {
    "data-inclusion": data_inclusion,
    "csv": csv_template,
    "finess": finess,
    "hsds": hsds,
}


SHOWN = 200  # rejections printed; the --report file has every one


class Command(BaseCommand):
    help = (
        "Import directory data: `maillage import data-inclusion|finess|hsds|csv FILE [FILE ...]`. "
        "Atomic: a file with a bad row changes nothing and the report names every rejected row."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(FORMATS))
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and report the others",
        )
        parser.add_argument("--report", type=Path, help="also write the report to this file")
        parser.add_argument(
            "--source",
            default=None,
            help="csv and hsds: the name of this source (re-importing the same source updates "
            "it); default: tableur for csv, hsds for hsds",
        )

    def handle(self, *args, format, files, skip_invalid, report, source, **options):
        importer = FORMATS[format]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"fichier introuvable : {', '.join(missing)}")

        def progress(rows: int, share: float | None) -> None:
            """While reading: a bar of the bytes read; at the end (share None): written."""
            if not sys.stderr.isatty():
                return
            if share is None:
                sys.stderr.write(f"\r{rows} lignes lues ; écriture terminée.{' ' * 30}")
            else:
                filled = int(30 * share)
                sys.stderr.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {int(100 * share):3d} % "
                    f"({rows} lignes lues)"
                )
            sys.stderr.flush()

        defaults = {"csv": "tableur", "hsds": "hsds"}
        extra = {"source": source or defaults[format]} if format in defaults else {}
        # Every rejection goes to a spool as it comes (then to --report), none held in memory.
        with tempfile.TemporaryFile("w+", encoding="utf-8") as sink:
            try:
                result = importer.import_files(
                    files,
                    skip_invalid=skip_invalid,
                    progress=progress,
                    on_rejection=lambda r: sink.write(f"{r}\n"),
                    **extra,
                )
            except importer.ImportRejected as rejected:
                self._write_report(rejected.report, report, sink)
                raise CommandError(str(rejected)) from None
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            self._write_report(result, report, sink)
        self.stdout.write(result.summary())

    def _write_report(self, result, path: Path | None, sink) -> None:
        for rejection in result.rejected[:SHOWN]:
            self.stderr.write(str(rejection))
        if result.rejected_count > SHOWN:
            more = result.rejected_count - SHOWN
            self.stderr.write(f"… et {more} autres" + (" (voir le rapport)" if path else ""))
        for warning in result.warnings[:SHOWN]:
            self.stderr.write(f"avertissement : {warning}")
        if result.warning_count > SHOWN:
            more = result.warning_count - SHOWN
            self.stderr.write(
                f"… et {more} autres avertissements" + (" (voir le rapport)" if path else "")
            )
        if path is not None:
            sink.seek(0)
            with path.open("w", encoding="utf-8") as out:
                out.write(result.summary() + "\n")
                shutil.copyfileobj(sink, out)
