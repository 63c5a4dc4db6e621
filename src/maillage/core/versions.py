"""Optimistic locking of versioned records: a form (or an API call) carries the version it
was shown; the write locks the row and refuses, with nothing written, when someone else
changed it since — never a silent overwrite."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """Someone else changed the record since the form was shown: nothing was written.
    `current` is the version the record has now (a page shows the user's input again with
    it, so that saving once more, after reading what changed, goes through)."""

    def __init__(self, message, current: int | None = None):
        super().__init__(message)
        self.current = current


def lock_version(queryset, pk, expected_version: int | None, message: str, *, check=None):
    """The row, locked for the transaction (SELECT … FOR UPDATE); StaleVersion with this
    message when its version is no longer the one the caller read. No version expected (a
    job, an internal call) locks without comparing. `check(row)`, when given, runs first: a
    refusal (PermissionDenied) comes before any word about versions."""
    row = queryset.select_for_update().get(pk=pk)
    if check is not None:
        check(row)
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(message, current=row.version)
    return row


def current_version(record) -> int:
    """The version the record has now in the database: what a program that writes on
    purpose over whatever is there (the demo's set-up, a test) gives as the version read."""
    return type(record).objects.values_list("version", flat=True).get(pk=record.pk)
