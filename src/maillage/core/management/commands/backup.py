from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Dump the whole database to FILE (pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            backup(file)
        except BackupError as error:
            raise CommandError(f"backup failed: {error}") from error
        self.stdout.write(f"backup written to {file} ({file.stat().st_size} bytes)")
