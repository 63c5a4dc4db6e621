"""What the benches measure a page with: renders through Django's test client (the whole
view: SQL, Python, template), their durations and the SQL queries of one render."""

from __future__ import annotations

import time

from django.db import connection


def renders(client, url: str, count: int) -> tuple[list[float], int]:
    """`count` renders of `url` after a warm one: their durations in ms, and the number of
    SQL queries a render runs (counted by an execute wrapper, whatever DEBUG says)."""
    assert client.get(url).status_code == 200, url
    executed = []

    def counted(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        client.get(url)
    durations = []
    for _ in range(count):
        began = time.perf_counter()
        status = client.get(url).status_code
        durations.append((time.perf_counter() - began) * 1000)
        assert status == 200, (url, status)
    return durations, len(executed)


def quantile(durations: list[float], share: float) -> float:
    """The nearest-rank quantile (share 0.95 for the p95)."""
    ranked = sorted(durations)
    return ranked[min(len(ranked) - 1, int(share * len(ranked)))]
