"""English is the second language: every interface string has its translation."""

from pathlib import Path

import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "src/maillage/locale/en/LC_MESSAGES/django.po"


def _entries(text: str):
    """(flags, msgid, msgstr texts) for each entry of a .po file."""
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("msg"):
                current, _, value = line.partition(" ")
                fields[current] = value.strip().strip('"')
            elif line.startswith('"') and current:
                fields[current] += line.strip('"')
        yield flags, fields


def test_the_english_catalogue_is_complete_and_has_no_fuzzy_entry():
    problems = []
    for flags, fields in _entries(CATALOGUE.read_text(encoding="utf-8")):
        msgid = fields.get("msgid", "")
        if not msgid:
            continue  # the header
        translations = [v for k, v in fields.items() if k.startswith("msgstr")]
        if "fuzzy" in flags or not all(translations):
            problems.append(msgid)
    assert problems == []


def test_the_compiled_catalogue_is_used():
    with translation.override("en"):
        assert translation.gettext("Journal d'audit") == "Audit log"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Aizenay", "d'Aizenay"),
        ("Essarts-en-Bocage", "d'Essarts-en-Bocage"),
        ("Le Poiré-sur-Vie", "du Poiré-sur-Vie"),
        ("Les Herbiers", "des Herbiers"),
        ("La Roche-sur-Yon", "de La Roche-sur-Yon"),
        ("Nesmy", "de Nesmy"),
        ("L'Île-d'Yeu", "de L'Île-d'Yeu"),
    ],
)
def test_a_place_after_de_is_written_as_french_writes_it(name, written):
    from maillage.core.templatetags.french import of_place

    assert of_place(name) == written
