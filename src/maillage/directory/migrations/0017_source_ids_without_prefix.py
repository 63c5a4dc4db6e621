"""data·inclusion writes ids as "source--id"; the import now keeps the source's own id
(and the export writes the prefix back). Rows imported before keep their place: their
prefix is taken off, unless a row of the same source already holds the bare id."""

from django.db import migrations

STRIP = """
UPDATE {table} AS row
   SET source_id = substr(row.source_id, length(row.source) + 3)
 WHERE row.source_id LIKE replace(replace(row.source, '_', '\\_'), '%', '\\%') || '--_%'
   AND NOT EXISTS (
       SELECT 1 FROM {table} AS other
        WHERE other.source = row.source
          AND other.source_id = substr(row.source_id, length(row.source) + 3)
   )
"""


class Migration(migrations.Migration):
    dependencies = [("directory", "0016_duplicate_candidates")]

    operations = [
        migrations.RunSQL(
            STRIP.format(table="directory_structure"), reverse_sql=migrations.RunSQL.noop
        ),
        migrations.RunSQL(
            STRIP.format(table="directory_service"), reverse_sql=migrations.RunSQL.noop
        ),
    ]
