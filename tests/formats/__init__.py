"""The formats' own validators, as a partner would run them against our exports."""

import json


def exported(exporter, path):
    """(the document an export module writes to `path`, the counts it returns)."""
    counts = exporter.export(path)
    return json.loads(path.read_text(encoding="utf-8")), counts
