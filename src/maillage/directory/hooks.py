"""What other apps tell the directory, registered by them in their AppConfig.ready(): the
directory never imports an app built on it (the arrows point down).

Orientation readers: functions `user -> queryset of orientation ids` naming orientations
that this user may read although she neither sent nor receives them — the care circle of a
pathway whose plan sent them (registered by pathways).

Record exports: `maillage export FORMAT ID FILE` for a format an app above registers (the
FHIR bundle of one pathway, by pathways): `handler(public_id, file) -> message`, raising
CommandError for an unknown id."""

from __future__ import annotations

from collections.abc import Callable

_orientation_readers: list[Callable] = []


def register_orientation_reader(reader: Callable) -> None:
    if reader not in _orientation_readers:
        _orientation_readers.append(reader)


def orientations_read_by(user) -> list:
    """One queryset of orientation ids per registered reader."""
    return [reader(user) for reader in _orientation_readers]


_record_exports: dict[str, Callable] = {}


def register_record_export(name: str, handler: Callable) -> None:
    _record_exports[name] = handler


def record_exports() -> dict[str, Callable]:
    return dict(_record_exports)
