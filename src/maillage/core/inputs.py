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
import uuid
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


def pydantic_reason(errors, *, ignored=()) -> str:
    """What pydantic found wrong, in French, each problem named by where it is (the parts of
    a location in `ignored` left out: "body", "query"…)."""
    parts = []
    for item in errors:
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ignored)
        parts.append(f"{where} : {_message(item)}" if where else _message(item))
    return " ; ".join(parts)


def _message(item: dict) -> str:
    kind = item.get("type", "")
    context = item.get("ctx") or {}
    if kind == "missing":
        return "champ obligatoire manquant"
    if kind == "string_too_short":
        return f"trop court (au moins {context.get('min_length')} caractères)"
    if kind == "string_too_long":
        return f"trop long (au plus {context.get('max_length')} caractères)"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = next((context[k] for k in ("ge", "le", "gt", "lt") if k in context), "")
        word = "au moins" if kind.startswith("greater") else "au plus"
        return f"valeur hors limites ({word} {bound})"
    if kind == "timezone_aware":
        return "date et heure avec leur fuseau attendues (par exemple 2026-12-20T10:00:00+01:00)"
    if kind.startswith("datetime"):
        return "date et heure invalides (format attendu 2026-12-20T10:00:00+01:00)"
    if kind.startswith("date"):
        return "date invalide (format attendu AAAA-MM-JJ)"
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        return "nombre attendu"
    if kind == "uuid_parsing" or kind == "uuid_type":
        return "identifiant (UUID) attendu"
    if kind == "enum":
        return f"valeur inconnue (attendu : {context.get('expected', '')})"
    if kind in {"bool_parsing", "bool_type"}:
        return "vrai ou faux attendu (true, false)"
    if kind == "list_type":
        return "liste attendue"
    if kind == "string_type":
        return "texte attendu"
    if kind == "string_pattern_mismatch":
        return "format invalide"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "objet JSON attendu"
    if kind == "value_error":
        return str(context.get("error", item.get("msg", "")))
    return "valeur invalide"


def is_uuid(value) -> bool:
    """Whether a value reads as a UUID (the public ids): a choice naming a record by its
    public id, told apart from one naming it otherwise."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
