"""One normalisation for every text that comes in — a page's form, an API body, an import.

PostgreSQL text cannot hold NUL, and psycopg cannot encode a lone surrogate (which JSON's
``"\\ud800"`` escape produces): either would reach the database and fail there with a 500.
The other C0 control characters are no text anyone means to type. So every text is checked
here, once, before anything else looks at it: a forbidden character is refused with a French
reason naming where it is (never silently dropped from what will be stored), and accepted
text is put in Unicode NFC form (the same word typed on two keyboards compares equal).

Nested data (an API body, an imported row) is bounded too: depth, number of items, length of
a string, so that a hostile document cannot make the server build something huge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# NUL and the C0 controls but tab, line feed and carriage return; lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

MAX_DEPTH = 16  # nesting of objects and lists in an API body or an imported row
MAX_ITEMS = 10_000  # members of one object or list
MAX_TEXT = 1_000_000  # characters in one string (a description is at most 10,000)


class InvalidInput(ValueError):
    """What came in cannot be taken; the message says where and why, in French."""

    def __init__(self, reason: str, where: str = ""):
        self.reason, self.where = reason, where
        super().__init__(f"{where} : {reason}" if where else reason)


def text_problem(value: str) -> str | None:
    """Why this text cannot be stored, in French, or None when it can."""
    match = FORBIDDEN.search(value)
    if match is None:
        return None
    char = match.group()
    if char == "\x00":
        what = "un caractère nul (U+0000)"
    elif "\ud800" <= char <= "\udfff":
        what = "un caractère Unicode incomplet (demi-paire de substitution)"
    else:
        what = f"un caractère de contrôle (U+{ord(char):04X})"
    return f"le texte contient {what}, qui ne peut pas être enregistré"


def clean_text(value: str, where: str = "") -> str:
    """The text in NFC form; InvalidInput when it holds a forbidden character."""
    problem = text_problem(value)
    if problem:
        raise InvalidInput(problem, where)
    return unicodedata.normalize("NFC", value) if not value.isascii() else value


def strip_forbidden(value: str) -> str:
    return FORBIDDEN.sub("", value)


@dataclass(frozen=True)
class Bounds:
    depth: int = MAX_DEPTH
    items: int = MAX_ITEMS
    text: int = MAX_TEXT


DEFAULT_BOUNDS = Bounds()


def clean_data(value, where: str = "", *, bounds: Bounds = DEFAULT_BOUNDS, _depth: int = 0):
    """Parsed JSON (or a row read from a file) with every string, keys included, through
    clean_text; InvalidInput naming the first place that breaks a rule or a bound."""
    if isinstance(value, str):
        if len(value) > bounds.text:
            raise InvalidInput(f"texte trop long (plus de {bounds.text} caractères)", where)
        return clean_text(value, where)
    if isinstance(value, dict | list):
        if _depth >= bounds.depth:
            raise InvalidInput(f"imbrication trop profonde (plus de {bounds.depth} niveaux)", where)
        if len(value) > bounds.items:
            raise InvalidInput(f"trop d'éléments (plus de {bounds.items})", where)
        if isinstance(value, list):
            return [
                clean_data(item, f"{where}[{index}]", bounds=bounds, _depth=_depth + 1)
                for index, item in enumerate(value)
            ]
        cleaned = {}
        for key, item in value.items():
            shown = strip_forbidden(str(key))[:80]
            name = clean_text(str(key), f"{where}.{shown}" if where else shown)
            place = f"{where}.{name}" if where else name
            cleaned[name] = clean_data(item, place, bounds=bounds, _depth=_depth + 1)
        return cleaned
    return value
