"""Import of the official FINESS extraction (health and social establishments).

The file is `;`-separated, Windows-1252, with a first line like `finess;etalab;96;2026-03-11`
and two kinds of lines: `structureet` (the establishment) and `geolocalisation` (its
coordinates). Coordinates are Lambert 93 in metropolitan France and UTM overseas — the last
token of `sourcecoordet` names the system, as each year's files write it ("LAMBERT_93",
"L93_METROPOLE", "UTM_N20", and since 2025 "EPSG:2154 RGF93 / Lambert-93 (Métropole)",
"EPSG:5490 …") — and are converted to WGS84 with pyproj. The INSEE code is the département
(`9A`–`9F` standing for 97x, `9J` for Wallis-et-Futuna) followed by the commune's three
digits; Saint-Barthélemy and Saint-Martin, still filed under Guadeloupe's code, get their
collectivities' own. Rows go through the same validated, atomic pipeline as data·inclusion:
only the FINESS number and the name refuse a line, a secondary value that is wrong (SIRET,
commune) is set aside with a warning. The address reads as it is written ("1 rue Raymond
Barre", the number's suffix beside it); the columns users read and the directory has no
field for (fax, complements, aggregated category, APE, tariffs, public hospital service,
dates) are kept in the structure's FINESS details. A file without geolocation lines leaves
the positions already known as they are.

Each establishment becomes a structure and one service — what the establishment offers,
named by its FINESS category ("Centre Médico-Psychologique (C.M.P.)") — so that it is found
by the search, which lists services. The service's themes and publics follow from the
category's label (`category_profile`); the label is read rather than the code so that the
rules stay readable and survive the nomenclature's renumbering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from pyproj import Transformer

from maillage.directory import health
from maillage.directory.imports import data_inclusion
from maillage.directory.imports.data_inclusion import ImportRejected, Reader, open_metered
from maillage.directory.imports.reading import (
    UnreadableFile,
    csv_records,
    open_checked,
    text_lines,
)
from maillage.territories.text import normalise_name

__all__ = ["ImportRejected", "import_files", "insee_code", "to_wgs84"]

SOURCE = "finess"
STRUCTURE_FIELDS = 32
OVERSEAS = {
    "9A": "971",
    "9B": "972",
    "9C": "973",
    "9D": "974",
    "9E": "975",
    "9F": "976",
    "9J": "986",
}
# Collectivities that left Guadeloupe in 2007 and are still filed under its code.
COLLECTIVITIES = {"97123": "97701", "97127": "97801"}
UTM = re.compile(r"^UTM_([NS])(\d{1,2})$")
# A label without its EPSG code ("WGS84/UTM ZONE 21N (ST-PIERRE-ET-MIQUELON)").
WGS84_UTM = re.compile(r"^WGS\s*84\s*/\s*UTM\s+ZONE\s+(\d{1,2})\s*([NS])\b")
EPSG = re.compile(r"^EPSG:(\d{4,5})\b")
LAMBERT_93 = {"LAMBERT_93", "LAMBERT93", "L93", "RGF93_LAMBERT_93"}
# FINESS's street types (the address normalisation's abbreviations), in words.
STREET_TYPES = {
    "ALL": "allée",
    "AV": "avenue",
    "BD": "boulevard",
    "BRG": "bourg",
    "CAR": "carrefour",
    "CHE": "chemin",
    "CHEM": "chemin",
    "CHS": "chaussée",
    "CITE": "cité",
    "CLOS": "clos",
    "CRS": "cours",
    "DOM": "domaine",
    "ESP": "esplanade",
    "FG": "faubourg",
    "HAM": "hameau",
    "IMP": "impasse",
    "LD": "lieu-dit",
    "LOT": "lotissement",
    "MTE": "montée",
    "PARC": "parc",
    "PASS": "passage",
    "PL": "place",
    "PLN": "plaine",
    "PLT": "plateau",
    "PROM": "promenade",
    "PRV": "parvis",
    "QUA": "quartier",
    "QUAI": "quai",
    "R": "rue",
    "RES": "résidence",
    "RLE": "ruelle",
    "RPT": "rond-point",
    "RTE": "route",
    "SEN": "sentier",
    "SQ": "square",
    "TRA": "traverse",
    "VLA": "villa",
    "VOIE": "voie",
    "ZA": "zone d'activité",
    "ZAC": "zone d'aménagement concerté",
    "ZI": "zone industrielle",
}
# Postal boxes and acronyms stay in capitals.
CAPITALS = {"bp", "cs", "tsa", "cedex", "za", "zi", "zac", "zup", "chu", "chd", "ch", "rn", "rd"}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "aux", "au", "a"}


class CoordinateError(ValueError):
    pass


@cache
def _transformer(epsg: int):

    return Transformer.from_crs(epsg, 4326, always_xy=True)


def epsg_for(system: str) -> int:
    system = system.strip().upper()
    match = EPSG.match(system)
    if match:
        return int(match.group(1))
    if system.startswith("L93") or system in LAMBERT_93:
        return 2154
    match = UTM.match(system)
    if match:
        hemisphere, zone = match.groups()
        return (32600 if hemisphere == "N" else 32700) + int(zone)
    match = WGS84_UTM.match(system)
    if match:
        zone, hemisphere = match.groups()
        return (32600 if hemisphere == "N" else 32700) + int(zone)
    raise CoordinateError(f"système de coordonnées inconnu : {system[:60]!r}")


def to_wgs84(x: float, y: float, system: str) -> tuple[float, float]:
    """(latitude, longitude) of a FINESS point."""
    try:
        longitude, latitude = _transformer(epsg_for(system)).transform(x, y)
    except CoordinateError:
        raise
    except Exception:  # pyproj's CRSError or ProjError: a code it does not know
        raise CoordinateError(f"système de coordonnées inconnu : {system[:60]!r}") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise CoordinateError("coordonnées hors de la Terre")
    return round(latitude, 6), round(longitude, 6)


def insee_code(departement: str, commune: str) -> str:
    departement, commune = departement.strip().upper(), commune.strip()
    if departement in OVERSEAS:
        # The overseas département code already carries the third digit of the INSEE code.
        code = OVERSEAS[departement] + commune.zfill(3)[-2:]
        return COLLECTIVITIES.get(code, code)
    return departement.zfill(2) + commune.zfill(3)


def _words(text: str, *, within: bool = False) -> str:
    """A name written in capitals, as it reads: "RAYMOND BARRE" → "Raymond Barre",
    "DE LA GARE" → "de la Gare"; a name already in mixed case is left as it is. `within`: the
    name follows other words (a street type: "boulevard du Général"), so that even its first
    article stays in lower case."""
    if text != text.upper():
        return text
    words = []
    for index, word in enumerate(text.lower().split()):
        if word in CAPITALS:
            words.append(word.upper())
        elif (index or within) and word in SMALL_WORDS:
            words.append(word)
        elif "'" in word:  # d'estienne → d'Estienne
            head, _, tail = word.partition("'")
            words.append(f"{head}'{tail.capitalize()}" if len(head) == 1 else word.capitalize())
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def street_address(number: str, suffix: str, street_type: str, street: str) -> str | None:
    """ "1", "B", "R", "RAYMOND BARRE" → "1 B rue Raymond Barre"."""
    kind = STREET_TYPES.get(street_type.upper(), street_type.lower() if street_type else "")
    parts = [number, suffix.lower() if suffix in ("BIS", "TER", "QUATER") else suffix]
    return " ".join(p for p in (*parts, kind, _words(street, within=bool(kind))) if p) or None


# (words any of which in the category's label, themes, publics), first match wins. Labels
# and words are compared as territories.text.normalise_name folds them (no case, accents or
# punctuation: "C.M.P." reads "c m p"), a word matching at a word's start.
_PROFILES: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("addicto", "toxicoman", "alcool", "c.s.a.p.a", "csapa", "caarud", "reduction des risques"),
        ("sante--addictions",),
        ("tous-publics",),
    ),
    (
        ("psychiatr", "psychologique", "maladies mentales", "c.a.t.t.p", "cattp", "c.m.p"),
        ("sante--sante-mentale",),
        ("tous-publics",),
    ),
    (
        ("planification", "education familiale", "orthogenie", "i.v.g", "cegidd", "depistage"),
        ("sante--sante-sexuelle",),
        ("tous-publics",),
    ),
    (
        ("demandeurs d'asile", "c.a.d.a", "cada", "refugies", "provisoire d'hebergement"),
        ("logement-hebergement--rechercher-une-solution-dhebergement-temporaire",),
        ("personnes-exilees",),
    ),
    (
        (
            "reinsertion sociale",
            "hebergement d'urgence",
            "c.h.r.s",
            "chrs",
            "pension de famille",
            "residence sociale",
            "maison relais",
            "lits halte",
            "lits d'accueil medicalises",
        ),
        ("logement-hebergement--rechercher-une-solution-dhebergement-temporaire",),
        ("personnes-en-situation-durgence",),
    ),
    (
        ("protection des majeurs", "mandataire", "tutelle"),
        ("difficultes-financieres--mettre-en-place-une-mesure-de-protection-financiere",),
        ("tous-publics",),
    ),
    (
        (
            "personnes agees",
            "e.h.p.a",
            "ehpa",
            "residence autonomie",
            "logement foyer",
            "soins de longue duree",
            "gerontolog",
        ),
        ("famille--prise-en-charge-personne-dependante",),
        ("seniors",),
    ),
    (
        (
            "handicap",
            "medico-educatif",
            "i.m.e",
            "s.e.s.s.a.d",
            "sessad",
            "accueil specialise",
            "accueil medicalise",
            "e.s.a.t",
            "esat",
            "aide par le travail",
            "samsah",
            "s.a.v.s",
            "therapeutique educatif",
            "itep",
            "c.a.m.s.p",
            "camsp",
            "deficien",
        ),
        ("famille--prise-en-charge-personne-dependante",),
        ("personnes-en-situation-de-handicap",),
    ),
    (
        (
            "aide a domicile",
            "aide et d'accompagnement a domicile",
            "s.a.a.d",
            "saad",
            "soins infirmiers a domicile",
            "s.s.i.a.d",
            "ssiad",
            "spasad",
        ),
        ("famille--prise-en-charge-personne-dependante", "sante--acces-aux-soins"),
        ("seniors", "personnes-en-situation-de-handicap"),
    ),
    (
        ("protection maternelle", "p.m.i", "maison d'enfants", "enfance", "pouponniere"),
        ("famille--soutien-a-la-parentalite-et-a-leducation",),
        ("familles",),
    ),
    (
        (
            "hospital",
            "hopital",
            "clinique",
            "soins",
            "sante",
            "medic",
            "centre de lutte",
            "dialyse",
            "pharmacie",
            "laboratoire",
            "biologie",
            "radiolog",
            "imagerie",
            "reeducation",
            "readaptation",
            "maternite",
            "urgence",
            "ambulanc",
            "transfusion",
        ),
        ("sante--acces-aux-soins",),
        ("tous-publics",),
    ),
)


_MATCHERS = [
    (
        re.compile(
            r"(?<![a-z0-9])(?:" + "|".join(re.escape(normalise_name(w)) for w in words) + ")"
        ),
        themes,
        publics,
    )
    for words, themes, publics in _PROFILES
]


def category_profile(label: str) -> tuple[list[str], list[str]]:
    """(themes, publics) of an establishment's service, from its FINESS category's label;
    ([], []) for a category no rule knows: the service is then found by its words only."""
    themes, publics = _profile(label)
    return list(themes), list(publics)


@cache
def _profile(label: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    plain = normalise_name(label)
    for matcher, themes, publics in _MATCHERS:
        if matcher.search(plain):
            return themes, publics
    return (), ()


def _records(handle) -> Iterator[tuple[int, list[str]]]:
    """The `;` records of an extraction (Windows-1252 unless it starts with a UTF-8 or UTF-16
    byte order mark), with their line numbers; the first line is the header. The format has
    no quoting: a quote in a name is part of the name."""
    return csv_records(text_lines(handle, fallback="cp1252"), delimiter=";", quoted=False)


def _establishments(path: Path) -> set[str]:
    """The FINESS numbers of the file's establishments (its structureet lines)."""
    with open_checked(path, open_metered) as handle:
        return {
            cells[1].strip()
            for _, cells in _records(handle)
            if len(cells) > 1 and cells[0] == "structureet"
        }


def _coordinates(path: Path, wanted: set[str]) -> dict[str, tuple[float, float, str] | str]:
    """The positions of these establishments by FINESS number (a geolocation line of no
    establishment of the file is not kept: memory follows the establishments); for a line
    that cannot be read, why, to be reported on its establishment's line. Empty
    coordinates: no position, no error."""
    points: dict[str, tuple[float, float, str] | str] = {}
    with open_checked(path, open_metered) as handle:
        for number, cells in _records(handle):
            if not cells or cells[0] != "geolocalisation":
                continue
            if len(cells) > 1 and cells[1].strip() not in wanted:
                continue
            if len(cells) < 5:
                if len(cells) > 1:
                    points[cells[1].strip()] = f"ligne geolocalisation {number} incomplète"
                continue
            if not cells[2].strip() and not cells[3].strip():
                continue
            try:
                points[cells[1].strip()] = (
                    float(cells[2]),
                    float(cells[3]),
                    # "quality,source,precision,provider,system": the system's label may
                    # itself hold commas ("… (Guadeloupe, Martinique)").
                    _system_of(cells[4]),
                )
            except ValueError:
                points[cells[1].strip()] = (
                    f"ligne geolocalisation {number} : coordonnées illisibles "
                    f"({cells[2][:20]!r}, {cells[3][:20]!r})"
                )
    return points


def _system_of(cell: str) -> str:
    parts = cell.split(",", 4)
    return parts[4] if len(parts) == 5 else parts[-1]


FAX_DIGITS = re.compile(r"^(?:0[1-9][0-9]{8}|\+?[0-9]{8,15})$")


def _checked(row: dict) -> dict:
    """Secondary columns that are wrong: left out, each said in the report (the
    establishment keeps its place)."""
    findings = []
    fax = row["details_finess"].get("telecopie")
    if fax and not FAX_DIGITS.match(re.sub(r"[\s.\-()]", "", fax)):
        del row["details_finess"]["telecopie"]
        findings.append(f"télécopie invalide : {fax[:30]!r}")
    day = row.get("date_maj")
    if day and not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", day):
        row["date_maj"] = None
        findings.append(f"date de mise à jour illisible : {day[:20]!r}")
    if findings:
        row["avertissements_lecture"] = findings
    return row


def _rows(path: Path) -> Iterator[tuple[str, int, object]]:
    with open_checked(path, open_metered) as handle:
        records = _records(handle)
        first = next(records, (1, []))[1]
        if not first or first[0].strip().lower() != "finess":
            raise UnreadableFile(
                "ce n'est pas une extraction FINESS (première ligne « finess;… » attendue)"
            )
    establishments = _establishments(path)
    if not establishments:
        raise UnreadableFile("aucun établissement (ligne « structureet ») dans ce fichier")
    points = _coordinates(path, establishments)
    del establishments
    with open_checked(path, open_metered) as handle:
        for number, cells in _records(handle):
            if not cells or cells[0] != "structureet":
                continue
            structure = _structure(cells, points)
            yield "structure", number, structure
            if "erreur_lecture" in structure:
                continue
            service = _service(structure)
            if len(service["nom"]) >= 3:  # else the structure is refused for its name
                yield "service", number, service


# The FINESS details kept (models.FINESS_DETAILS), by column of a structureet line.
DETAIL_COLUMNS = {
    "complement_raison_sociale": 5,
    "complement_distribution": 6,
    "telecopie": 17,
    "categorie_agregat": 20,
    "libelle_categorie_agregat": 21,
    "code_ape": 23,
    "code_mft": 24,
    "libelle_mft": 25,
    "code_sph": 26,
    "libelle_sph": 27,
    "date_ouverture": 28,
    "date_autorisation": 29,
}


def _structure(cells: list[str], points) -> dict:
    if len(cells) < STRUCTURE_FIELDS:
        # Left for the validation to refuse with a clear reason.
        return {
            "source": SOURCE,
            "id": cells[1] if len(cells) > 1 else "",
            "nom": "",
            "erreur_lecture": f"{len(cells)} champs au lieu de {STRUCTURE_FIELDS}",
        }
    c = [cell.strip() for cell in cells]
    number = c[1]
    postal, _, city = c[15].partition(" ")
    row = {
        "source": SOURCE,
        "id": number,
        "nom": c[4] or c[3],
        "adresse": street_address(c[7], c[10], c[8], c[9]),
        "complement_adresse": " ".join(_words(p) for p in (c[11], c[6]) if p) or None,
        "code_insee": insee_code(c[13], c[12]) if c[12] and c[13] else None,
        "code_postal": postal if postal.isdigit() else None,
        "commune": re.sub(r"\s+CEDEX.*$", "", city).strip() or None,
        "telephone": c[16] or None,
        "siret": c[22] or None,
        "date_maj": c[30] or None,
        "finess": number,
        "finess_ej": c[2] or None,
        "categorie_finess": c[18] or None,
        "libelle_categorie_finess": c[19] or None,
        "details_finess": {key: c[column] for key, column in DETAIL_COLUMNS.items() if c[column]},
    }
    _checked(row)
    # A position that cannot be read costs the establishment its position only: said in
    # the report, the one already known kept.
    point = points.get(number)
    if isinstance(point, str):
        row["erreur_position"] = point
    elif point is not None:
        try:
            row["latitude"], row["longitude"] = to_wgs84(*point)
        except CoordinateError as error:
            row["erreur_position"] = str(error)
    return row


def _service(structure: dict) -> dict:
    """The establishment's offer, at its address (the search takes the structure's place)."""
    label = structure["libelle_categorie_finess"] or ""
    # The category's code says the offer (directory.health); a category the taxonomy does
    # not cover falls back on the words of its label.
    offers = health.offers_of_category(structure["categorie_finess"] or "")
    themes, publics = category_profile(label)
    if offers:
        themes, publics = health.themes_of(offers), health.publics_of(offers) or publics
    name = label if len(label) >= 3 else structure["nom"]
    kind = f"« {label} »" if label else "sans catégorie"
    return {
        "source": SOURCE,
        "id": structure["id"],
        "structure_id": structure["id"],
        "nom": name[:150],
        "description": (
            f"Établissement {kind} enregistré au fichier national FINESS "
            f"sous le numéro {structure['id']}."
        ),
        "thematiques": themes,
        "publics": publics,
        "offres_sante": offers,
        "date_maj": structure["date_maj"],
    }


# Read twice: the positions first, then the establishments (a structure and its service each).
# The extraction is the reference for the FINESS fields: a new one refreshes them.
READER = Reader(
    rows=_rows,
    position=lambda kind, index: f"ligne {index}",
    passes=lambda path: 3,
    owns=frozenset(
        {
            "finess",
            "finess_legal_entity",
            "finess_category",
            "finess_category_label",
            "finess_details",
        }
    ),
    # A position is not erased by an extraction without its geolocation lines.
    kept_when_missing=frozenset({"latitude", "longitude"}),
    # An establishment's service is a placeholder its editors complete (hours, contacts,
    # description, themes): a new extraction leaves it as they made it, dating it only —
    # but for its health offers, which its category says (directory.health).
    service_updates=frozenset({"source_updated_on", "health_offers"}),
)


def import_files(paths, **options):
    return data_inclusion.import_files(paths, reader=READER, label="finess", **options)
