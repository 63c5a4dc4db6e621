"""A fixed-window rate limit shared by all app servers (one upsert per request)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone


class Exceeded(ValidationError):
    """An action refused because its user did it too often in the window: a French message
    on the page's form, 429 in the API (maillage.api), nothing written."""


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request for `key`; True while within `limit` for the current window."""
    now = timezone.now()
    epoch = int(now.timestamp())
    window_start = dt.datetime.fromtimestamp(epoch - epoch % window_seconds, tz=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_ratelimitbucket (key, window_start, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE "
            "SET count = core_ratelimitbucket.count + 1 RETURNING count",
            [key[:200], window_start],
        )
        count = cursor.fetchone()[0]
        if count == 1 and epoch % 97 == 0:
            # Now and then, forget windows that ended long ago.
            cursor.execute(
                "DELETE FROM core_ratelimitbucket WHERE window_start < %s",
                [now - dt.timedelta(days=1)],
            )
    return count <= limit
