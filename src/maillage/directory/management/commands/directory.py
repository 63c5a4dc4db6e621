from django.core.management.base import BaseCommand

from maillage.directory.queries import suspected_duplicates


class Command(BaseCommand):
    help = "Directory tools. `maillage directory duplicates` lists suspected duplicates."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["duplicates"])

    def handle(self, *args, action, **options):
        duplicates = suspected_duplicates()
        for d in duplicates:
            self.stdout.write(
                f"{d.reason} : « {d.first.name} » ({d.first.source} {d.first.source_id}) "
                f"et « {d.second.name} » ({d.second.source} {d.second.source_id})"
            )
        self.stdout.write(f"{len(duplicates)} doublon(s) possible(s) à examiner")
