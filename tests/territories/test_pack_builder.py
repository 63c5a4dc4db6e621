"""Tests for scripts/build_territory_pack.py; no Django or database involved."""

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_territory_pack.py"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_territory_pack", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module through sys.modules while the class body executes.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


builder = _load_builder()
normalise = builder.normalise_name

ACCENT_FREE = str.maketrans("éèêëàâäîïôöùûüçÉÈÊËÀÂÎÏÔÛÇ", "eeeeaaaiioouuucEEEEAAIIOUC")
FRENCH_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöùûüçÉÈÊËÀÂÎÏÔÛÇ"
words = st.lists(st.text(alphabet=FRENCH_LETTERS, min_size=1, max_size=10), min_size=1, max_size=5)


@given(st.text())
def test_normalise_is_idempotent(name):
    assert normalise(normalise(name)) == normalise(name)


@given(st.text(alphabet=FRENCH_LETTERS + " -'"))
def test_normalise_ignores_accents(name):
    assert normalise(name) == normalise(name.translate(ACCENT_FREE))


@given(words)
def test_hyphens_and_apostrophes_equal_spaces(parts):
    spaced = normalise(" ".join(parts))
    assert normalise("-".join(parts)) == spaced
    assert normalise("'".join(parts)) == spaced


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("É", "E"),
        ("St-Florent", "Saint Florent"),
        ("Ste-Marie", "Sainte-Marie"),
        ("St. Jean-Pla-de-Corts", "Saint-Jean-Pla-de-Corts"),
        ("Paimbœuf", "Paimboeuf"),
        ("L'Abergement-Clémenciat", "l abergement  clemenciat"),
    ],
)
def test_normalise_equivalent_names(left, right):
    assert normalise(left) == normalise(right)


def test_normalise_keeps_distinct_names_apart():
    assert normalise("Saint-Florent") != normalise("Sainte-Florent")
    assert normalise("Stenay") == "stenay"


def _write(directory, name, rows):
    with gzip.open(directory / name, "wt", encoding="utf-8") as handle:
        json.dump(rows, handle)


def _commune(code, name, departement, **extra):
    return {
        "code": code,
        "nom": name,
        "departement": departement,
        "region": "94",
        "type": "commune-actuelle",
        "codesPostaux": ["20000"],
        "population": 100,
        **extra,
    }


@pytest.fixture
def source(tmp_path):
    """Corsica in miniature: 2B has located communes, 2A has none."""
    _write(tmp_path, "regions.json.gz", [{"code": "94", "nom": "Corse"}])
    _write(
        tmp_path,
        "departements.json.gz",
        [
            {"code": "2B", "nom": "Haute-Corse", "region": "94"},
            {"code": "2A", "nom": "Corse-du-Sud", "region": "94"},
        ],
    )
    _write(
        tmp_path,
        "communes.json.gz",
        [
            _commune("2B298", "Saint-Florent", "2B"),
            _commune("2B002", "Aghione", "2B", population=None),
            _commune("2B003", "Aiti", "2B"),
            _commune("2B033", "Bastia", "2B"),
            {
                "code": "2B999",
                "nom": "Ancienne",
                "departement": "2B",
                "region": "94",
                "type": "commune-deleguee",
                "chefLieu": "2B298",
            },
            {
                "code": "2B901",
                "nom": "Saint-Florent 1er Arrondissement",
                "departement": "2B",
                "region": "94",
                "type": "arrondissement-municipal",
                "commune": "2B298",
                "codesPostaux": ["20217"],
                "population": 40,
            },
            {
                "code": "2B902",
                "nom": "Saint-Florent 2e Arrondissement",
                "departement": "2B",
                "region": "94",
                "type": "arrondissement-municipal",
                "commune": "2B298",
                "population": 60,
            },
            _commune("2A004", "Ajaccio", "2A"),
        ],
    )
    _write(
        tmp_path,
        "epci.json.gz",
        [
            {
                "code": "200000001",
                "nom": "CC Nebbiu",
                "type": "CC",
                "populationMunicipale": 300,
                "membres": [{"code": "2B298"}, {"code": "2B002"}],
            },
            {
                "code": "200000002",
                "nom": "CC Sans Lieu",
                "type": "CC",
                "populationMunicipale": 100,
                "membres": [{"code": "2B003"}],
            },
            {
                "code": "200000003",
                "nom": "CA de Bastia",
                "type": "CA",
                "populationMunicipale": 100,
                "membres": [{"code": "2B033"}],
            },
        ],
    )
    _write(
        tmp_path,
        "geonames-fr-places.json.gz",
        [
            {"name": "St-Florent", "lat": "42.681234567", "lng": "9.30321", "admin2": "2B"},
            {"name": "Bastia", "lat": "42.70278", "lng": "9.45", "admin2": "2B"},
            {"name": "Saint-Florent 02 Port", "lat": "42.68", "lng": "9.3", "admin2": "2B"},
            # Same name in another département must not locate anything in 2B.
            {"name": "Aiti", "lat": "41.0", "lng": "9.0", "admin2": "2A"},
        ],
    )
    return tmp_path


def test_build_pack_positions(source):
    pack, summary = builder.build_pack(source)
    communes = {row["code"]: row for row in pack["communes"]}

    assert set(communes) == {"2A004", "2B002", "2B003", "2B033", "2B298", "2B901", "2B902"}
    exact = communes["2B298"]
    assert (exact["lat"], exact["lon"], exact["position_approximate"]) == (42.68123, 9.30321, False)
    assert exact["epci"] == "200000001"

    # Its EPCI's only located member is Saint-Florent.
    by_epci = communes["2B002"]
    assert (by_epci["lat"], by_epci["lon"], by_epci["position_approximate"]) == (
        42.68123,
        9.30321,
        True,
    )
    assert by_epci["population"] is None

    # Its EPCI has no located member: mean of Saint-Florent and Bastia.
    by_departement = communes["2B003"]
    assert by_departement["lat"] == pytest.approx((42.681234567 + 42.70278) / 2, abs=1e-5)
    assert by_departement["lon"] == pytest.approx((9.30321 + 9.45) / 2, abs=1e-5)
    assert by_departement["position_approximate"] is True

    at_parent = communes["2B901"]
    assert (at_parent["type"], at_parent["parent"], at_parent["epci"]) == ("ARM", "2B298", None)
    assert (at_parent["lat"], at_parent["lon"], at_parent["position_approximate"]) == (
        42.68123,
        9.30321,
        True,
    )
    numbered_place = communes["2B902"]
    assert (numbered_place["lat"], numbered_place["position_approximate"]) == (42.68, False)

    nothing_located_nearby = communes["2A004"]
    assert (nothing_located_nearby["lat"], nothing_located_nearby["lon"]) == (None, None)

    assert (
        summary.located_exactly,
        summary.approximate_by_epci,
        summary.approximate_by_departement,
        summary.without_position,
        summary.arrondissements_located_exactly,
        summary.arrondissements_at_parent,
    ) == (2, 1, 1, 1, 1, 1)
    assert pack["regions"] == [{"code": "94", "name": "Corse", "population": 400}]
    assert [d["code"] for d in pack["departements"]] == ["2A", "2B"]
    assert [e["type"] for e in pack["epci"]] == ["CC", "CC", "CA"]


def test_build_is_deterministic(source, tmp_path):
    first, second = tmp_path / "first.json.gz", tmp_path / "second.json.gz"
    builder.main(["--source", str(source), "--output", str(first)])
    builder.main(["--source", str(source), "--output", str(second)])

    assert first.read_bytes() == second.read_bytes()
    assert json.loads(gzip.decompress(first.read_bytes()))["format"] == builder.PACK_FORMAT
