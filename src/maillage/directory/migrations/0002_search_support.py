from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# French full text that ignores accents ("medecin generaliste" finds "Médecins généralistes"),
# and a GiST index on the effective position for radius searches. Built-in point/box types
# rather than cube/earthdistance: an expression index on ll_to_earth() fails to rebuild under
# pg_restore's empty search_path, and backups must restore.
FORWARD = """
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem;
CREATE INDEX service_geo_point ON directory_service
    USING gist (point(geo_longitude, geo_latitude))
    WHERE geo_latitude IS NOT NULL AND geo_longitude IS NOT NULL;
"""
BACKWARD = """
DROP INDEX IF EXISTS service_geo_point;
DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;
"""


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [UnaccentExtension(), migrations.RunSQL(FORWARD, BACKWARD)]
