"""Calendar arithmetic the apps share."""

from __future__ import annotations

import datetime as dt


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th in
    a year without one (a three-year mandate, an age reached)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
