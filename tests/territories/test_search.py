import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.territories.queries import search_communes, search_places
from maillage.territories.text import normalise_name


def _names(query):
    return [c.name for c in search_communes(query)]


@pytest.mark.parametrize("query", ["st florent", "Saint-Florent-des-Bois", "ST FLORENT DES BOIS"])
def test_st_florent_finds_the_commune_that_absorbed_saint_florent_des_bois(territories, db, query):
    communes = list(search_communes(query))
    rives = [c for c in communes if c.name == "Rives de l'Yon"]
    assert rives and rives[0].former_match == "Saint-Florent-des-Bois"


@pytest.mark.parametrize("query", ["la roche sur yon", "La-Roche-sur-Yon", "LA ROCHE SUR YON"])
def test_accents_case_and_hyphens_are_optional(territories, db, query):
    assert _names(query)[0] == "La Roche-sur-Yon"


def test_accents_in_the_query_are_optional_too(territories, db):
    assert "Fougeré" in _names("fougere")
    assert "Fougeré" in _names("Fougéré")


def test_postal_code_finds_every_commune_it_serves(territories, db):
    names = _names("85310")
    assert "Rives de l'Yon" in names
    assert all("85310" in c.postal_codes or c.code == "85310" for c in search_communes("85310"))


def test_the_biggest_exact_match_comes_first(territories, db):
    assert _names("paris")[0] == "Paris"


def test_place_search_offers_epci_and_departements(territories, db):
    kinds = {(hit.kind, hit.label) for hit in search_places("vendee")}
    assert ("departement", "Vendée (85)") in kinds
    epci = {hit.label for hit in search_places("vie et boulogne") if hit.kind == "epci"}
    assert epci == {"CC de Vie et Boulogne"}


def test_an_empty_or_punctuation_only_query_finds_nothing(territories, db):
    assert list(search_communes("  - ' ")) == []
    assert search_places("") == []


@given(st.text(max_size=40))
def test_normalisation_is_idempotent_and_plain_ascii(name):
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once
