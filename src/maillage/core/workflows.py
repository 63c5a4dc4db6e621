"""One rule for every stateful record: a move is legal when the record's transition table
(in its app's enums) lists it; any other is refused with a French message, nothing written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_move(table, current: str, target: str, *, labels=None, message=None) -> None:
    """ValidationError unless `table[current]` holds `target`: with `message` when given (what
    the user reads on that record's page), else one naming both states (`labels`, a
    TextChoices class, gives their French names)."""
    if target in table.get(current, ()):
        return
    if message is not None:
        raise ValidationError(message)
    name = (lambda value: str(labels(value).label)) if labels else str
    raise ValidationError(
        _("Impossible de passer de « %(current)s » à « %(target)s ».")
        % {"current": name(current), "target": name(target)}
    )


def next_states(table, current: str, choices) -> list[tuple[str, str]]:
    """The current state then those it may move to, as (value, label) for a select."""
    allowed = table.get(current, frozenset())
    return [(v, label) for v, label in choices if v == current or v in allowed]
