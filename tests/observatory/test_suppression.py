"""Open statistics: small counts hidden, and nothing hidden can be recomputed from a total."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.observatory.suppression import _lines, extended, pinned, published, suppress

tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda rows: st.integers(min_value=1, max_value=6).flatmap(
        lambda columns: st.lists(
            st.lists(
                st.one_of(st.integers(0, 15), st.integers(0, 400)),
                min_size=columns,
                max_size=columns,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


def test_a_small_count_is_hidden_with_a_second_cell_of_its_row_and_column():
    table = [[5, 40, 60], [30, 50, 70]]
    hidden = suppress(table)
    # 5 is hidden; 40 (its row's smallest) and 30 (its column's smallest) too, then 50 so
    # that the second row and the middle column do not give 30 and 40 away.
    assert hidden[0, 0] and hidden[0, 1] and hidden[1, 0] and hidden[1, 1]
    assert not hidden[:, 2].any() and not hidden[2, :].any()
    shown = published(table)
    assert shown[0][2] == 60 and shown[2][3] == 255 and shown[0][0] is None


def test_a_table_without_small_counts_is_published_whole():
    assert not suppress([[12, 0, 400], [15, 11, 30]]).any()


@settings(max_examples=300, deadline=None)
@given(table=tables, threshold=st.integers(min_value=2, max_value=20))
def test_no_small_count_shows_and_no_hidden_value_is_a_difference(table, threshold):
    values = extended(table)
    hidden = suppress(table, threshold)
    # 1. Every count from 1 to threshold − 1, totals included, is hidden.
    small = (values > 0) & (values < threshold)
    assert not (small & ~hidden).any()
    # 2. No line (a row or a column, with its total) hides exactly one value: none can be
    #    recomputed by subtracting what is shown from the line's sum.
    for axis in (0, 1):
        counts = hidden.sum(axis=axis)
        assert not np.any(counts == 1)
    # 3. What is shown is the truth.
    shown = published(table, threshold)
    for r, row in enumerate(shown):
        for c, value in enumerate(row):
            assert value is None or value == values[r, c]


def test_a_hidden_count_is_drawn_as_hidden_never_as_zero():
    from maillage.observatory import charts, exports, indicators

    table = indicators.Table(
        "t", "T", "Besoin", ["Demandes"], [("a", [30]), ("b", [4]), ("c", [25])], additive="columns"
    )
    drawn = exports.shown_table(table, exports.open_rows(table))
    assert dict(drawn.rows)["b"] == [None]
    svg = str(charts.draw(drawn))
    assert svg.count("masqué") == 2  # b, and c hidden with it (secondary suppression)
    assert ">30<" in svg.replace("\u202f", "") and ">0<" not in svg


def test_hidden_counts_are_not_given_away_by_their_sum():
    # Two months hidden in a column whose total is shown: 10 + 10 = 20 would pin both to 10
    # (a hidden count is at most 10): a third value is hidden with them.
    table = [[10], [10], [50], [60], [70]]
    hidden = suppress(table)
    assert hidden[0, 0] and hidden[1, 0]
    assert hidden[:5, 0].sum() >= 3


@settings(max_examples=300, deadline=None)
@given(table=tables, threshold=st.integers(min_value=3, max_value=20))
def test_no_line_narrows_a_hidden_count_to_one_or_two_values(table, threshold):
    values = extended(table)
    hidden = suppress(table, threshold)
    rows, columns = values.shape
    for line in _lines(rows, columns):
        cells = list(line)
        if pinned(values, hidden, cells, threshold):
            # Only when nothing is left in the line to hide.
            assert all(hidden[c] or values[c] == 0 for c in cells)


def test_a_line_chart_breaks_at_a_hidden_month_instead_of_joining_across_it():
    from maillage.observatory import charts, indicators

    table = indicators.Table(
        slug="mois",
        title="Parcours ouverts",
        row_heading="Mois",
        columns=["Parcours"],
        rows=[("janv.", [20]), ("févr.", [None]), ("mars", [30]), ("avril", [40])],
        chart="series",
    )
    svg = str(charts.series(table))
    assert svg.count("<polyline") == 2  # janvier alone, then mars–avril
