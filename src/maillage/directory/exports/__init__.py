"""Exports of the published directory: data·inclusion v1, HSDS 3.0, FHIR R4."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExportCounts:
    """What an export wrote, and what it had to leave out (with the reason): a row the
    format's schema cannot carry is never written invalid."""

    structures: int = 0
    services: int = 0
    left_out: list[str] = field(default_factory=list)

    def __iter__(self):  # structures, services = export(path)
        return iter((self.structures, self.services))
