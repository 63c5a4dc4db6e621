"""What every FHIR resource Maillage writes needs, whatever app writes it."""


def pruned(value):
    """FHIR forbids empty elements: drop empty strings, lists, objects and None, at every
    depth (an element left empty by the pruning of its children goes too)."""
    if isinstance(value, dict):
        kept = {key: pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in (pruned(v) for v in value) if item not in (None, "", [], {})]
    return value
