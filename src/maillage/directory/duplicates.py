"""Suspected duplicates, kept as a read-model: pairs of structures from different sources
that look like the same place — same SIRET, same FINESS number, or a close name (trigram
similarity ≥ NAME_SIMILARITY of the accent-free lower-case names) in the same commune within
DISTANCE_KM (or without a position to tell).

Comparing the whole directory with itself on every visit of the moderators' page took over
three minutes at 131,900 structures. Instead, refresh() recomputes the pairs of the
structures a write touched (an import, an edit, a merge) — each one looked up through
indexes: SIRET and FINESS by b-tree, the name through a GiST index on (commune, name key)
that answers "similar names in this commune" — and the page reads the table, page by page.
A full refresh (after a migration, every night) redoes every structure the same way.
"""

from __future__ import annotations

from django.db import connection, transaction

NAME_SIMILARITY = 0.6
DISTANCE_KM = 0.3
# A refresh of more structures than this first brings the planner's statistics up to date.
FRESH_STATISTICS = 1000

PAIRS_SQL = """
WITH touched AS (
    SELECT id, source, siret, finess, commune_id, latitude, longitude,
           public.maillage_name_key(name) AS name_key
    FROM directory_structure
    WHERE state <> 'archived' AND {where}
),
found AS (
    SELECT t.id AS a, o.id AS b, 1 AS rank, 'siret' AS reason
    FROM touched t JOIN directory_structure o ON o.siret = t.siret AND o.siret <> ''
    WHERE t.siret <> '' AND o.id <> t.id AND o.source <> t.source AND o.state <> 'archived'
    UNION ALL
    SELECT t.id, o.id, 2, 'finess'
    FROM touched t JOIN directory_structure o ON o.finess = t.finess AND o.finess <> ''
    WHERE t.finess <> '' AND o.id <> t.id AND o.source <> t.source AND o.state <> 'archived'
    UNION ALL
    SELECT t.id, o.id, 3, 'name'
    FROM touched t
    JOIN LATERAL (
        SELECT o.id FROM directory_structure o
        WHERE o.commune_id = t.commune_id
          AND public.maillage_name_key(o.name) %% t.name_key
          AND o.state <> 'archived' AND o.id <> t.id AND o.source <> t.source
          AND (o.latitude IS NULL OR t.latitude IS NULL
               OR 2 * 6371 * asin(sqrt(power(sin(radians(o.latitude - t.latitude) / 2), 2)
                  + cos(radians(t.latitude)) * cos(radians(o.latitude))
                  * power(sin(radians(o.longitude - t.longitude) / 2), 2))) <= %(km)s)
    ) o ON TRUE
    WHERE t.commune_id IS NOT NULL
)
INSERT INTO directory_duplicatecandidate (first_id, second_id, reason, found_at)
SELECT DISTINCT ON (LEAST(a, b), GREATEST(a, b)) LEAST(a, b), GREATEST(a, b), reason, now()
FROM found
ORDER BY LEAST(a, b), GREATEST(a, b), rank
ON CONFLICT (first_id, second_id) DO UPDATE SET reason = EXCLUDED.reason
"""


def refresh(*, structure_ids: list[int] | None = None) -> int:
    """Recompute the suspected pairs of these structures (all when None); the number of pairs
    they now have. A structure archived or merged loses its pairs."""
    params = {"km": DISTANCE_KM, "ids": list(structure_ids or [])}
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL holds for the transaction: the import's, or this one's.
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(NAME_SIMILARITY)]
        )
        if structure_ids is None or len(structure_ids) > FRESH_STATISTICS:
            # After a large import the planner's statistics still describe the directory
            # before it (50,000 new FINESS numbers counted as none): planned on them, the
            # FINESS join compared every structure with every other one (over 20 minutes at
            # 70,000 structures). ANALYZE, inside the import's transaction, sees its rows.
            cursor.execute("ANALYZE directory_structure")
        if structure_ids is None:
            cursor.execute("DELETE FROM directory_duplicatecandidate")
            where = "TRUE"
        else:
            if not params["ids"]:
                return 0
            cursor.execute(
                "DELETE FROM directory_duplicatecandidate "
                "WHERE first_id = ANY(%(ids)s) OR second_id = ANY(%(ids)s)",
                params,
            )
            where = "id = ANY(%(ids)s)"
        cursor.execute(PAIRS_SQL.format(where=where), params)
        return cursor.rowcount
