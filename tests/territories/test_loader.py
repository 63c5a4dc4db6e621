from django.db.models import Sum

from maillage.territories.loader import load_pack, read_pack
from maillage.territories.models import Commune, Departement, Epci, FormerCommune, Region


def test_the_pack_holds_every_current_french_commune(territories, db):
    assert Commune.objects.filter(kind="COM").count() == 34969
    assert Commune.objects.filter(kind="ARM").count() == 45  # Paris, Lyon, Marseille
    assert Departement.objects.count() == 109
    assert Region.objects.count() == 26
    assert Epci.objects.count() == 1255


def test_arrondissements_belong_to_their_city(territories, db):
    paris_15 = Commune.objects.get(code="75115")
    assert paris_15.parent.name == "Paris"


def test_every_metropolitan_commune_has_a_position_and_estimates_are_flagged(territories, db):
    # The GeoNames extract has no overseas place: those communes stay without a position.
    metro = Commune.objects.exclude(departement__code__startswith="97").exclude(
        departement__code__startswith="98"
    )
    assert not metro.filter(latitude__isnull=True).exists()
    exact = metro.filter(position_approximate=False, kind="COM")
    population = Commune.objects.filter(kind="COM").aggregate(p=Sum("population"))["p"]
    exact_population = exact.aggregate(p=Sum("population"))["p"]
    assert exact.count() > 8000
    assert 0.75 < exact_population / population < 0.80
    # La Roche-sur-Yon is a GeoNames place; Rives de l'Yon is placed at its EPCI's mean.
    roche = Commune.objects.get(code="85191")
    assert not roche.position_approximate
    assert abs(roche.latitude - 46.67) < 0.05 and abs(roche.longitude + 1.43) < 0.05
    assert Commune.objects.get(code="85213").position_approximate


def _content(cursor) -> tuple:
    prints = []
    for table in ("territories_commune", "territories_formercommune", "territories_epci"):
        cursor.execute(
            f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"  # noqa: S608
        )
        prints.append(cursor.fetchone())
    return tuple(prints)


def test_loading_twice_changes_nothing(territories, committed):
    from django.db import connection

    with committed(), connection.cursor() as cursor:
        before = _content(cursor)
        report = load_pack()
        after = _content(cursor)
    assert before == after
    assert before[0][0] == report.communes


def test_former_names_lead_to_the_current_commune(territories, db):
    former = FormerCommune.objects.get(name="Saint-Florent-des-Bois")
    assert former.commune.name == "Rives de l'Yon"


def test_the_pack_records_its_sources_and_licences():
    pack = read_pack()
    assert any("MIT" in source for source in pack["sources"])
    assert any("GeoNames" in source and "CC BY" in source for source in pack["sources"])
