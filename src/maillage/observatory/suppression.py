"""Small-count suppression for open statistics, with secondary suppression.

A two-way table of counts is published with its row totals, column totals and grand total.
Primary suppression hides every cell counting from 1 to `threshold - 1` (default 11, the
French rule for health data: no published count below 11). Zeros stay: they say that
nobody is there, which reveals nothing about anybody.

Secondary suppression then makes sure that no hidden cell can be recomputed from what is
shown. Seen with its totals, the table is a grid of (rows + 1) × (columns + 1) values where
each line — a row with its total, a column with its total, the totals row with the grand
total — adds up. A hidden value in a line where everything else is shown is that line's
difference: so every line must hide either nothing or at least two values. While some line
hides exactly one, the smallest other value of that line that is not zero is hidden too
(an inner cell rather than a total when both are possible, to keep the margins); this only
ever adds hidden values, so it ends. A line whose hidden values would be narrowed down by
their known sum (`pinned`: hidden counts lie between 1 and threshold − 1, so two of them
making 20 are both 10) hides one more value the same way.

What this does not do: solve the whole table as a linear programme (an attacker combining
rows and columns may narrow a value further); the tables published here are small and
one-way or two-way, and each line is protected on its own.
"""

from __future__ import annotations

import numpy as np

DEFAULT_THRESHOLD = 11


def extended(table) -> np.ndarray:
    """The table with its row totals (last column), column totals (last row) and grand
    total."""
    cells = np.asarray(table, dtype=np.int64)
    if cells.ndim != 2:
        raise ValueError("a two-way table is expected")
    out = np.zeros((cells.shape[0] + 1, cells.shape[1] + 1), dtype=np.int64)
    out[:-1, :-1] = cells
    out[:-1, -1] = cells.sum(axis=1)
    out[-1, :-1] = cells.sum(axis=0)
    out[-1, -1] = cells.sum()
    return out


def pinned(values, hidden, line, threshold: int) -> bool:
    """Whether a line's hidden values can be narrowed down to one or two possibilities by
    someone who knows that a hidden count lies between 1 and threshold − 1: with its total
    shown, the hidden values add up to a known sum (two hidden cells making 20 under a
    threshold of 11 are both 10)."""
    *inner, total = line
    if hidden[total]:
        return False  # no known sum in this line
    secret = [c for c in inner if hidden[c]]
    k = len(secret)
    if k < 2:
        return False
    low, high = 1, threshold - 1
    hidden_sum = int(sum(values[c] for c in secret))
    if hidden_sum > k * high:
        return False  # some hidden value is large: the bounds say nothing precise
    lowest = max(low, hidden_sum - (k - 1) * high)
    highest = min(high, hidden_sum - (k - 1) * low)
    return highest - lowest < 2


def suppress(table, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """Which values of the extended table to hide (a boolean grid of its shape)."""
    values = extended(table)
    hidden = (values > 0) & (values < threshold)
    rows, columns = values.shape
    while True:
        changed = False
        for line in _lines(rows, columns):
            cells = list(line)
            count = sum(hidden[c] for c in cells)
            if count != 1 and not (count >= 2 and pinned(values, hidden, cells, threshold)):
                continue
            candidates = [c for c in cells if not hidden[c] and values[c] != 0]
            if not candidates:
                # Only zeros are left to hide: one of them, so that the line still hides
                # two values.
                candidates = [c for c in cells if not hidden[c]]
            if not candidates:
                continue
            inner = [c for c in candidates if c[0] < rows - 1 and c[1] < columns - 1]
            pool = inner or candidates
            chosen = min(pool, key=lambda c: (values[c], c))
            hidden[chosen] = True
            changed = True
        if not changed:
            return hidden


def _lines(rows: int, columns: int):
    for r in range(rows):
        yield [(r, c) for c in range(columns)]
    for c in range(columns):
        yield [(r, c) for r in range(rows)]


def published(table, threshold: int = DEFAULT_THRESHOLD) -> list[list[int | None]]:
    """The extended table as it is published: hidden values are None."""
    values = extended(table)
    hidden = suppress(table, threshold)
    return [
        [None if hidden[r, c] else int(values[r, c]) for c in range(values.shape[1])]
        for r in range(values.shape[0])
    ]
