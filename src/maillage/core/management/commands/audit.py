from django.core.management.base import BaseCommand, CommandError

from maillage.core import audit
from maillage.core.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. `maillage audit verify` checks the hash chain of every row."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        checked, problems = audit.verify()
        for problem in problems[:50]:
            self.stderr.write(f"row {problem.event_id}: {problem.reason}")
        if problems:
            raise CommandError(f"audit trail altered: {len(problems)} problem(s) in {checked} rows")
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        self.stdout.write(
            f"audit trail intact: {checked} rows, chain verified, last hash {last or '-'}"
        )
