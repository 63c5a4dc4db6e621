"""The territory pages that write, each with the reason it has no API route
(core.operations; checked by tests/core/test_parity.py)."""

from maillage.core.operations import PageOperation

PAGE_OPERATIONS: tuple[PageOperation, ...] = ()

_EDITING = (
    "un territoire se compose sur la carte et la liste des communes ; ses chiffres sont "
    "ouverts par l'observatoire"
)
PAGE_ONLY = {
    "territories:create": _EDITING,
    "territories:add": _EDITING,
    "territories:remove_commune": _EDITING,
    "territories:delete": _EDITING,
}
