"""`maillage accessibility compute`: supply from the directory's practitioners, demand from
the communes' populations, stored per commune, printed for a département, written as CSV;
an imported travel-time matrix with a bad line is refused whole."""

import csv

import pytest
from django.core.management import CommandError, call_command

from maillage.directory import search_index
from maillage.observatory.models import AccessibilityIndex, AccessibilityRun
from maillage.territories.models import Commune
from tests.factories import ServiceFactory, StructureFactory


@pytest.fixture
def practices(db, territories):
    """Two general practices in La Roche-sur-Yon (3 and 1 practitioners), a dentist."""
    for capacity, profession in ((3, "médecin généraliste"), (None, "médecin généraliste")):
        ServiceFactory(
            structure=StructureFactory(commune_id="85191"),
            professions=[profession],
            capacity=capacity,
        )
    ServiceFactory(structure=StructureFactory(commune_id="85191"), professions=["dentiste"])
    search_index.refresh()


def test_the_index_is_computed_for_every_commune_and_written_for_a_departement(
    practices, tmp_path, capsys
):
    out = tmp_path / "apl.csv"
    call_command("accessibility", "compute", "--departement", "85", "--csv", str(out))
    printed = capsys.readouterr().out
    run = AccessibilityRun.objects.get()
    assert run.supply_points == 2 and run.total_supply == 4 * 4500
    assert run.communes == Commune.objects.filter(latitude__isnull=False).count()
    assert "sous le seuil de 2.5" in printed
    rows = {r["code_insee"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == set(
        Commune.objects.filter(departement_id="85", latitude__isnull=False).values_list(
            "code", flat=True
        )
    )
    assert float(rows["85191"]["apl"]) > 0
    # Far from La Roche-sur-Yon (Noirmoutier, more than 20 minutes away): nothing reached.
    assert float(rows["85163"]["apl"]) == 0 and rows["85163"]["sous_dotee"] == "oui"
    # All the supply reaches somebody, and is shared out exactly.
    total = sum(i.population * i.index for i in AccessibilityIndex.objects.filter(run=run))
    assert total == pytest.approx(run.total_supply, rel=1e-9)


def test_an_imported_matrix_with_a_bad_line_is_refused_whole(practices, tmp_path):
    matrix = tmp_path / "temps.csv"
    matrix.write_text("origin,dest,minutes\n85191,85191,4\n85178,85191,douze\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 3"):
        call_command("accessibility", "compute", "--matrix", str(matrix))
    assert not AccessibilityRun.objects.exists()
    matrix.write_text("origin,dest,minutes\n85191,85191,4\n", encoding="utf-8")
    call_command("accessibility", "compute", "--matrix", str(matrix))
    index = AccessibilityIndex.objects.get(commune_id="85191")
    population = Commune.objects.get(code="85191").population
    assert index.index == pytest.approx(4 * 4500 / population, rel=1e-12)
    assert AccessibilityIndex.objects.exclude(commune_id="85191").filter(index__gt=0).count() == 0


def test_unreadable_bands_are_refused_in_french(practices):
    with pytest.raises(CommandError, match="Tranches illisibles"):
        call_command("accessibility", "compute", "--bands", "dix:1")
