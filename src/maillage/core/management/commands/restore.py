from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from FILE (made by `maillage backup`). Replaces current data."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(f"restore failed: {error}") from error
        self.stdout.write(f"database restored from {file}")
