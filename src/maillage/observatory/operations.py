"""The observatory pages that write, each with the reason it has no API route
(core.operations; checked by tests/core/test_parity.py)."""

from maillage.core.operations import PageOperation

PAGE_OPERATIONS: tuple[PageOperation, ...] = ()

_REPORT = (
    "le rapport annuel s'écrit et se publie depuis sa page ; ses tableaux s'exportent "
    "(CSV, ODS, données ouvertes)"
)
_ACCESSIBILITY = (
    "un calcul lancé depuis la page de l'observatoire ; ses résultats s'y lisent et s'exportent"
)
PAGE_ONLY = {
    "observatory:report_commentary": _REPORT,
    "observatory:report_publish": _REPORT,
    "observatory:accessibility": _ACCESSIBILITY,
    "observatory:accessibility_compute": _ACCESSIBILITY,
}
