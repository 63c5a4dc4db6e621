"""The formats' own validators, as a partner would run them against our exports."""

import json


def exported(exporter, path):
    """(the document an export module writes to `path`, the counts it returns)."""
    counts = exporter.export(path)
    return json.loads(path.read_text(encoding="utf-8")), counts


def difference(a, b, path="") -> str:
    """Where two documents first differ, for the failure message."""
    if type(a) is not type(b):
        return f"{path}: {a!r} ≠ {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return difference(a.get(key), b.get(key), f"{path}/{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} éléments ≠ {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return difference(x, y, f"{path}[{index}]")
    return f"{path}: {a!r} ≠ {b!r}"
