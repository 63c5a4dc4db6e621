"""The search read-model of services, recomputed in SQL after every write.

Weights: A the service's name and its themes' labels, B the structure's name, C the
descriptions, D the publics' labels. `search_text` (unaccented, lower case) serves the
trigram fallback that tolerates typos. `listed` says the service and its structure are both
published, so that a search never joins structures to filter. The effective position is the
service's own, else its structure's, else its commune's, else its structure's commune's.
"""

from django.db import connection

from maillage.directory.enums import Public, Thematique

REFRESH_SQL = """
WITH labels(code, label) AS (SELECT * FROM unnest(%(codes)s::text[], %(labels)s::text[]))
UPDATE directory_service target SET
    listed = v.listed,
    geo_latitude = v.geo_latitude,
    geo_longitude = v.geo_longitude,
    geo_approximate = v.geo_approximate,
    geo_commune_id = v.geo_commune_id,
    search_text = v.search_text,
    search_vector = v.search_vector
FROM (
    SELECT
        s.id,
        (s.state = 'published' AND st.state = 'published') AS listed,
        CASE
            WHEN s.latitude IS NOT NULL AND s.longitude IS NOT NULL THEN s.latitude
            WHEN st.latitude IS NOT NULL AND st.longitude IS NOT NULL THEN st.latitude
            ELSE COALESCE(c.latitude, sc.latitude)
        END AS geo_latitude,
        CASE
            WHEN s.latitude IS NOT NULL AND s.longitude IS NOT NULL THEN s.longitude
            WHEN st.latitude IS NOT NULL AND st.longitude IS NOT NULL THEN st.longitude
            ELSE COALESCE(c.longitude, sc.longitude)
        END AS geo_longitude,
        CASE
            WHEN s.latitude IS NOT NULL AND s.longitude IS NOT NULL THEN FALSE
            WHEN st.latitude IS NOT NULL AND st.longitude IS NOT NULL THEN FALSE
            WHEN c.latitude IS NOT NULL THEN c.position_approximate
            ELSE COALESCE(sc.position_approximate, FALSE)
        END AS geo_approximate,
        COALESCE(s.commune_id, st.commune_id) AS geo_commune_id,
        lower(public.unaccent(concat_ws(' ', s.name, st.name, themes.text))) AS search_text,
        setweight(to_tsvector('french_unaccent',
                concat_ws(' ', s.name, themes.text, array_to_string(s.professions, ' '))), 'A')
            || setweight(to_tsvector('french_unaccent', st.name), 'B')
            || setweight(to_tsvector('french_unaccent',
                concat_ws(' ', s.description, st.description, s.access_conditions)), 'C')
            || setweight(to_tsvector('french_unaccent',
                concat_ws(' ', publics.text, s.publics_details)), 'D') AS search_vector
    FROM directory_service s
    JOIN directory_structure st ON st.id = s.structure_id
    LEFT JOIN territories_commune c ON c.code = s.commune_id
    LEFT JOIN territories_commune sc ON sc.code = st.commune_id
    CROSS JOIN LATERAL (
        SELECT string_agg(label, ' ') AS text FROM labels WHERE code = ANY(s.thematiques)
    ) themes
    CROSS JOIN LATERAL (
        SELECT string_agg(label, ' ') AS text FROM labels WHERE code = ANY(s.publics)
    ) publics
    WHERE {where}
) v
WHERE v.id = target.id
"""


def _labels() -> tuple[list[str], list[str]]:
    pairs = [(value, str(label)) for value, label in Thematique.choices]
    pairs += [(value, str(label)) for value, label in Public.choices]
    return [code for code, _ in pairs], [label for _, label in pairs]


def refresh(*, service_ids: list[int] | None = None, structure_ids: list[int] | None = None):
    """Recompute the read-model for some services (or those of some structures), or all."""
    codes, labels = _labels()
    params = {"codes": codes, "labels": labels}
    where = "TRUE"
    if service_ids is not None:
        where, params["ids"] = "s.id = ANY(%(ids)s)", list(service_ids)
    elif structure_ids is not None:
        where, params["ids"] = "s.structure_id = ANY(%(ids)s)", list(structure_ids)
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL.format(where=where), params)
