"""Every page of the directory that writes, and the API route that does the same with the
same input (core.operations; checked by tests/core/test_parity.py)."""

from maillage.core.operations import PageOperation as Op
from maillage.directory import inputs as i

PAGE_OPERATIONS = (
    Op("directory:orientation_new", "orientation_create", i.OrientationIn, from_path=("service",)),
    Op("directory:orientation_move", "orientation_answer", i.OrientationMoveIn),
    Op("directory:sheet_send", "sheet_send", i.SheetSendIn, from_path=("service",)),
)

_EDITING = (
    "l'édition de l'annuaire par les structures et la modération : des pages, et pour les "
    "lots les imports data·inclusion et FINESS (maillage import)"
)
PAGE_ONLY = {
    "directory:orientation_answer": (
        "la réponse d'un service sans compte, par le lien à usage unique reçu par e-mail"
    ),
    "directory:structure_new": _EDITING,
    "directory:structure_edit": _EDITING,
    "directory:service_new": _EDITING,
    "directory:service_edit": _EDITING,
    "directory:entry_action": _EDITING,
    "directory:moderation_decide": _EDITING,
    "directory:duplicate_decide": _EDITING,
}
