"""Reading import files safely, whatever they hold: the bytes a format adapter gets are
bounded before anything is built from them, and whatever cannot be read is reported by its
line (text files) or its item (JSON), in French.

- Text files (CSV, FINESS) are decoded incrementally, line by line, so that an encoding error
  names its line wherever it is in the file (not a position inside a 64 KiB buffer). The
  encoding comes from the byte order mark (UTF-8, UTF-16), else UTF-8 when the start of the
  file is UTF-8, else the format's fallback (Windows-1252). A physical line longer than
  MAX_LINE_CHARS stops the reading: nothing that long is a line of a directory.
- CSV records are read strictly: an unterminated quote or a character after a closing quote
  is an error naming the line where the record began, never a cell that swallows the rest.
- JSON is streamed as events: nesting deeper than MAX_JSON_DEPTH, one value (a string) longer
  than MAX_JSON_TOKEN_BYTES or one item longer than MAX_JSON_ITEM_BYTES stops the reading
  before it is built; the items of several lists of one document come in one pass.

So an import holds at most one item (≤ MAX_JSON_ITEM_BYTES of JSON) or one line beside its
buffers, whatever the size or shape of the file.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import ijson
from ijson.common import ObjectBuilder

MAX_LINE_CHARS = 1_000_000
MAX_JSON_DEPTH = 32
MAX_JSON_TOKEN_BYTES = 8 * 1024 * 1024
MAX_JSON_ITEM_BYTES = 16 * 1024 * 1024
# Values in one item (an HSDS organisation may nest thousands of services): bounds what the
# builder holds, whatever the bytes make (`[[],[],…]` is one list per three bytes).
MAX_JSON_ITEM_VALUES = 500_000
CHUNK = 64 * 1024
HEAD = 64 * 1024


class UnreadableFile(ValueError):
    """The file cannot be read on: the message says where and why, in French."""


# -- text --------------------------------------------------------------------------------------
def detect_encoding(head: bytes, fallback: str | None) -> str:
    """The encoding of a text file from its first bytes."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample):
        # Every other byte NUL: UTF-16 without its byte order mark (some exports).
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        # The head may end in the middle of a character: an incremental decoder accepts it.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        if fallback is None:
            raise UnreadableFile(
                "ligne 1 : le fichier n'est pas en UTF-8 (enregistrez-le en UTF-8)"
            ) from None
        return fallback


def text_lines(handle, *, fallback: str | None = "cp1252") -> Iterator[tuple[int, str]]:
    """(line number from 1, line with its end) of a binary file, decoded incrementally."""
    head = handle.read(HEAD)
    encoding = detect_encoding(head, fallback)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    number = 1
    pending = ""
    chunk = head
    while True:
        final = not chunk
        try:
            text = decoder.decode(chunk, final=final)
        except UnicodeDecodeError as error:
            good = chunk[: error.start]
            line = number + _decoded_newlines(decoder, good, encoding, pending)
            byte = chunk[error.start : error.start + 1].hex() or "fin"
            raise UnreadableFile(
                f"ligne {line} : octet 0x{byte} invalide en {_encoding_name(encoding)} "
                "(enregistrez le fichier en UTF-8)"
            ) from None
        pending += text
        start = 0
        while True:
            end = pending.find("\n", start)
            if end < 0:
                break
            yield number, pending[start : end + 1]
            number += 1
            start = end + 1
        pending = pending[start:]
        if len(pending) > MAX_LINE_CHARS:
            raise UnreadableFile(
                f"ligne {number} : ligne de plus de {MAX_LINE_CHARS:,} caractères".replace(",", " ")
            )
        if final:
            break
        chunk = handle.read(CHUNK)
    if pending:
        yield number, pending


def _decoded_newlines(decoder, good: bytes, encoding: str, pending: str) -> int:
    """Line feeds in what was pending and the valid bytes before an encoding error."""
    try:
        text = codecs.decode(good, encoding.replace("-sig", ""), errors="ignore")
    except (UnicodeError, LookupError):
        text = ""
    return pending.count("\n") + text.count("\n")


def _encoding_name(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}.get(
        encoding, encoding.upper()
    )


def csv_records(
    lines: Iterator[tuple[int, str]], *, delimiter: str, quoted: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """(line where the record begins, cells) of CSV text lines, read strictly; `quoted`
    False for formats without quoting (a quote is then a character like any other)."""
    numbers = []

    def texts() -> Iterable[str]:
        for number, line in lines:
            numbers.append(number)
            yield line

    quoting = csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE
    reader = csv.reader(texts(), delimiter=delimiter, strict=True, quoting=quoting)
    first = None
    while True:
        read_before = len(numbers)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            begin = numbers[read_before] if len(numbers) > read_before else (first or 1)
            raise UnreadableFile(f"ligne {begin} : {_csv_reason(str(error))}") from None
        first = numbers[read_before] if len(numbers) > read_before else first
        yield first, cells
        del numbers[:-1]


def _csv_reason(message: str) -> str:
    if "field larger than field limit" in message:
        return f"cellule de plus de {csv.field_size_limit():,} caractères".replace(",", " ")
    if "unexpected end of data" in message:
        return "guillemet ouvert jamais fermé (le fichier s'arrête dans une cellule)"
    if "expected after" in message:
        return "caractère après un guillemet fermant (guillemet non doublé dans une cellule ?)"
    if "new-line character seen in unquoted field" in message:
        return "retour à la ligne isolé dans une cellule sans guillemets"
    return f"CSV illisible ({message})"


# -- JSON --------------------------------------------------------------------------------------
class _Guarded:
    """A binary file whose reads stop when one JSON value runs too long without an event."""

    def __init__(self, handle):
        self.handle = handle
        self.since_event = 0

    def read(self, size=-1):
        data = self.handle.read(size)
        self.since_event += len(data)
        if self.since_event > MAX_JSON_TOKEN_BYTES + CHUNK:
            raise UnreadableFile(
                f"une valeur de plus de {MAX_JSON_TOKEN_BYTES // (1024 * 1024)} Mio "
                "(texte sans fin ou fichier qui n'est pas du JSON)"
            )
        return data


def _json_events(handle, guarded, use_float: bool):
    """ijson's basic events, its errors told in French with the byte where they are."""
    try:
        yield from ijson.basic_parse(guarded, use_float=use_float, buf_size=CHUNK)
    except ijson.JSONError as error:
        raise UnreadableFile(
            f"JSON illisible vers l'octet {_offset(handle)} : {_json_reason(error)}"
        ) from None
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"JSON illisible vers l'octet {_offset(handle)} : ce n'est pas de l'UTF-8"
        ) from None


def json_top_keys(handle) -> set[str] | None:
    """The keys of a document's root object (None when the root is an array), in one pass
    that builds nothing: a format whose file may be one object or a container of lists
    (HSDS) tells them apart before reading. The handle is rewound."""
    head = handle.read(1024)
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    handle.seek(start)
    if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"["):
        return None
    keys: set[str] = set()
    depth = 0
    guarded = _Guarded(handle)
    for event, value in _json_events(handle, guarded, use_float=False):
        guarded.since_event = 0
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise UnreadableFile(_too_deep(handle))
        elif event in ("end_map", "end_array"):
            depth -= 1
        elif event == "map_key" and depth == 1 and len(keys) < 1000:
            keys.add(value)
    handle.seek(start)
    return keys


def json_items(
    handle, lists: dict[str, str], root_item: str | None = None
) -> Iterator[tuple[str, int, object]]:
    """(kind, index from 1 within its list, item) for the items of the lists a document names:
    `lists` maps a top-level key to a kind ({"structures": "structure", …}); an array at the
    root gives items of kind lists[""] (when the format accepts one); with `root_item`, the
    root object is itself the one item, of that kind. One pass, bounded.

    Built on ijson's basic events, without their prefixes: a prefix is a string as long as
    the nesting, which the parser builds for every event of a buffer before anyone can
    look, so a file of 64 Ki opening brackets cost gigabytes."""
    head = handle.read(1024)
    handle.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"["):
        if "" not in lists:
            raise UnreadableFile("un objet JSON est attendu, pas un tableau")
    elif not head.startswith(b"{"):
        raise UnreadableFile("le fichier n'est pas un document JSON (objet ou tableau)")
    guarded = _Guarded(handle)
    counters = {kind: 0 for kind in lists.values()}
    top_keys: list[str] = []
    depth = 0
    key = None  # the root object's current key
    kind = None  # the kind of the list being read, when it is one of `lists`
    list_depth = 0  # the depth of that list
    builder = None
    awaited = None  # a key of `lists` whose value comes next
    item_start = values = 0
    if root_item is not None and head.startswith(b"{"):
        kind, list_depth, builder = root_item, 0, ObjectBuilder()
        counters[root_item] = 0
    for event, value in _json_events(handle, guarded, use_float=True):
        guarded.since_event = 0
        if builder is not None:
            builder.event(event, value)
            values += 1
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise UnreadableFile(_too_deep(handle))
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth == list_depth:
                    counters[kind] += 1
                    item, builder = builder.value, None
                    yield kind, counters[kind], item
                    continue
            if values > MAX_JSON_ITEM_VALUES or _offset(handle) - item_start > MAX_JSON_ITEM_BYTES:
                raise UnreadableFile(
                    f"élément n° {counters[kind] + 1} : trop grand (plus de "
                    f"{MAX_JSON_ITEM_BYTES // (1024 * 1024)} Mio ou de "
                    f"{MAX_JSON_ITEM_VALUES:,} valeurs)".replace(",", " ")
                )
            continue
        if kind is not None and depth == list_depth:
            if event == "end_array":
                depth, kind = depth - 1, None
            elif event in ("start_map", "start_array"):
                depth += 1
                builder, item_start, values = ObjectBuilder(), _offset(handle), 0
                builder.event(event, value)
            else:  # a scalar where a row was expected: the row's check refuses it
                counters[kind] += 1
                yield kind, counters[kind], value
            continue
        if awaited is not None:  # the value of a key naming one of the lists
            if event != "start_array":
                raise UnreadableFile(
                    f"« {awaited[:40]} » doit être une liste (un tableau JSON), "
                    f"pas {_JSON_KINDS.get(event, 'une valeur')}"
                )
            awaited = None
        if event == "map_key":
            if depth == 1:
                key = value
                top_keys.append(value)
                awaited = value if value in lists and value else None
        elif event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise UnreadableFile(_too_deep(handle))
            if event == "start_array" and depth == 1 and "" in lists:
                kind, list_depth = lists[""], 1
            elif event == "start_array" and depth == 2 and key and key in lists:
                kind, list_depth = lists[key], 2
        elif event in ("end_map", "end_array"):
            depth -= 1
    if root_item is None and head.startswith(b"{") and not set(top_keys) & {k for k in lists if k}:
        expected = " ou ".join(f"« {k} »" for k in lists if k)
        found = ", ".join(f"« {k[:40]} »" for k in top_keys[:5]) or "aucune"
        raise UnreadableFile(f"aucune liste {expected} dans ce document (clés trouvées : {found})")


_JSON_KINDS = {
    "start_map": "un objet",
    "string": "un texte",
    "number": "un nombre",
    "integer": "un nombre",
    "double": "un nombre",
    "boolean": "un booléen",
    "null": "null",
}


def _too_deep(handle) -> str:
    return f"imbrication de plus de {MAX_JSON_DEPTH} niveaux vers l'octet {_offset(handle)}"


JSON_REASONS = {
    "premature EOF": "le document s'arrête avant sa fin (fichier tronqué ?)",
    "trailing garbage": "du texte suit la fin du document",
    "Incomplete JSON content": "le document s'arrête avant sa fin (fichier tronqué ?)",
    "integer overflow": "nombre entier trop grand (plus de 64 bits)",
}


def _json_reason(error: Exception) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    for known, reason in JSON_REASONS.items():
        if known in message:
            return reason
    return f"syntaxe invalide ({message.removeprefix('parse error: ')[:120]})"


def _offset(handle) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


def open_checked(path: Path, opener):
    """The file opened by `opener`, or UnreadableFile saying why not."""
    try:
        return opener(path)
    except OSError as error:
        raise UnreadableFile(f"fichier illisible : {error.strerror or error}") from error
