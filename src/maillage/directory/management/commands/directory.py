from django.core.management.base import BaseCommand
from django.db import transaction

from maillage.directory import duplicates
from maillage.directory.queries import suspected_duplicates


class Command(BaseCommand):
    help = (
        "Directory tools. `maillage directory duplicates` recomputes the suspected duplicates "
        "and lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["duplicates"])

    def handle(self, *args, action, **options):
        with transaction.atomic():
            duplicates.refresh()
        pairs = suspected_duplicates()
        for d in pairs.iterator():
            self.stdout.write(
                f"{d.get_reason_display()} : « {d.first.name} » ({d.first.source} "
                f"{d.first.source_id}) et « {d.second.name} » ({d.second.source} "
                f"{d.second.source_id})"
            )
        self.stdout.write(f"{pairs.count()} doublon(s) possible(s) à examiner")
