"""AGGIR: worked examples computed by hand from the decree's tables, and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.pathways import aggir


def grid(**changes):
    values = dict.fromkeys(aggir.VARIABLES, "A")
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Fully autonomous: every group sums to 0; group H gives rank 13.
        ({}, (6, 13, "H", 0)),
        # Fully dependent: group A = 2000+1200+40+40+60+100+800+200 = 4440 >= 4380.
        ({v: "C" for v in aggir.VARIABLES}, (1, 1, "A", 4440)),
        # Mental functions lost, body able (the classic GIR 2): A = 3200 < 3390,
        # B = 1500 + 1200 = 2700 >= 2016, rank 4.
        ({"coherence": "C", "orientation": "C"}, (2, 4, "B", 2700)),
        # Lucid but bedridden: A = 1240, B = 960, C = 40+40+60+160+1000+400 = 1700, rank 5.
        (
            {
                "toilette": "C",
                "habillage": "C",
                "alimentation": "C",
                "elimination": "C",
                "transferts": "C",
                "deplacement_interieur": "C",
            },
            (2, 5, "C", 1700),
        ),
        # Help with washing and dressing only: groups A to G stay under their thresholds
        # (A 32, B 32, C 32, D 0, E 200, F 200, G 400), H = 2000 + 2000 = 4000, rank 11.
        ({"toilette": "B", "habillage": "B"}, (4, 11, "H", 4000)),
        # Help with washing only: H = 2000, rank 12.
        ({"toilette": "B"}, (5, 12, "H", 2000)),
        # Eating and transfers impossible, the rest fine: A = 860, B = 860, C = 1060,
        # D = 2000 + 2000 = 4000 >= 2400, rank 7.
        ({"alimentation": "C", "transferts": "C"}, (2, 7, "D", 4000)),
        # Partly confused and disoriented, washing impossible, partial help elsewhere:
        # A = 244, B = 320+120+40+16+0+16+120-40 = 592, C = 336, D = 600, E = 800,
        # F = 100+100+500+100+100+100+100 = 1100 >= 800, rank 9.
        (
            {
                "coherence": "B",
                "orientation": "B",
                "toilette": "C",
                "habillage": "B",
                "alimentation": "B",
                "elimination": "B",
                "transferts": "B",
                "deplacement_interieur": "B",
            },
            (3, 9, "F", 1100),
        ),
    ],
)
def test_worked_examples(changes, expected):
    result = aggir.gir(grid(**changes))
    assert (result.gir, result.rank, result.group, result.total) == expected


def test_group_f_weighs_coherence_b():
    # Cohérence B, orientation B, washing C, dressing B: A = 56, B = 496, C = 56, D = 0,
    # E = 500, F = 100 + 100 + 500 + 100 = 800: rank 9, GIR 3 (annex 2-2 of the CASF).
    result = aggir.gir(grid(coherence="B", orientation="B", toilette="C", habillage="B"))
    assert (result.gir, result.rank, result.group, result.total) == (3, 9, "F", 800)


modality = st.sampled_from("ABC")


@given(st.fixed_dictionaries({v: modality for v in aggir.VARIABLES}), modality, modality)
def test_the_last_two_variables_never_change_the_gir_which_is_1_to_6(values, outside, alert):
    result = aggir.gir(values)
    assert 1 <= result.gir <= 6
    assert aggir.RANK_TO_GIR[result.rank] == result.gir
    changed = {**values, "deplacement_exterieur": outside, "alerter": alert}
    assert aggir.gir(changed) == result


def test_bad_grids_are_refused_in_french():
    with pytest.raises(aggir.AggirError, match="variables manquantes : alerter"):
        aggir.gir({v: "A" for v in aggir.VARIABLES[:-1]})
    with pytest.raises(aggir.AggirError, match="A, B ou C"):
        aggir.gir(grid(toilette="D"))


@pytest.mark.parametrize(
    ("variable", "subs", "expected"),
    [
        ("toilette", "AA", "A"),
        ("toilette", "CC", "C"),
        ("toilette", "AC", "B"),
        ("habillage", "CCC", "C"),
        ("habillage", "ACC", "B"),
        ("alimentation", "BC", "C"),
        ("alimentation", "CB", "C"),
        ("alimentation", "AC", "B"),
        ("alimentation", "BB", "B"),
        ("elimination", "AC", "C"),
        ("coherence", "AB", "B"),
        ("orientation", "CA", "C"),
    ],
)
def test_sub_variables_combine_by_the_guides_rules(variable, subs, expected):
    assert aggir.combine(variable, list(subs)) == expected
