import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from maillage.directory import hours
from maillage.directory.hours import (
    HoursError,
    is_open,
    open_on_weekday,
    parse,
    validate_opening_hours,
    week,
)

PARIS = ZoneInfo("Europe/Paris")
OFFICE = "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off"


def at(*args):
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 12, 21, 10, 0), True),  # Monday morning
        (at(2026, 12, 21, 13, 0), False),  # lunch break
        (at(2026, 12, 21, 17, 29), True),
        (at(2026, 12, 21, 17, 30), False),
        (at(2026, 12, 26, 10, 0), True),  # Saturday morning
        (at(2026, 12, 27, 10, 0), False),  # Sunday
        (at(2026, 12, 25, 10, 0), False),  # Christmas: a French public holiday
        (at(2026, 7, 14, 10, 0), False),  # 14 juillet
    ],
)
def test_open_now_follows_the_hours_and_french_public_holidays(moment, expected):
    assert is_open(OFFICE, moment) is expected


def test_a_moment_in_another_time_zone_is_read_in_paris_time():
    assert is_open(OFFICE, dt.datetime(2026, 12, 21, 8, 30, tzinfo=dt.UTC)) is True  # 9:30


def test_unreadable_hours_are_neither_open_nor_closed():
    assert is_open("lundi 9h-12h", at(2026, 12, 21, 10, 0)) is None


def test_the_week_reads_in_plain_french():
    with translation.override("fr"):
        days = week(OFFICE, dt.date(2026, 12, 21))
    assert [d.label for d in days[:2]] == ["lundi 21 décembre", "mardi 22 décembre"]
    assert days[0].in_words() == "9 h – 12 h, 14 h – 17 h 30"
    assert days[4].label == "vendredi 25 décembre"
    assert days[4].in_words() == "fermé"
    assert days[5].in_words() == "9 h – 12 h"
    assert days[6].is_closed


def test_a_night_service_is_split_at_midnight():
    days = week("Mo-Su 20:00-08:00", dt.date(2026, 12, 21), days=2)
    assert days[0].in_words() == "0 h – 8 h, 20 h – 24 h"


def test_open_on_saturday_filter():
    assert open_on_weekday(OFFICE, 5, dt.date(2026, 12, 21))
    assert not open_on_weekday(OFFICE, 6, dt.date(2026, 12, 21))
    assert not open_on_weekday("n'importe quoi", 5)


def test_a_temporary_closure_is_honoured():
    hours = "Mo-Fr 09:00-17:00; 2026 Dec 21-2027 Jan 03 off"
    assert is_open(hours, at(2026, 12, 22, 10, 0)) is False
    assert is_open(hours, at(2027, 1, 4, 10, 0)) is True


def test_the_validator_explains_in_french():
    validate_opening_hours("")
    validate_opening_hours(OFFICE)
    with pytest.raises(ValidationError, match="syntaxe OpenStreetMap"):
        validate_opening_hours("du lundi au vendredi")


@given(st.text(max_size=60))
def test_any_text_either_parses_or_raises_a_clear_error(text):
    try:
        parse(text)
    except HoursError as error:
        assert str(error)


@given(
    opens=st.integers(0, 22),
    length=st.integers(1, 23),
    day=st.integers(0, 6),
    minute=st.integers(0, 59),
)
def test_a_simple_daily_range_is_open_exactly_inside_it(opens, length, day, minute):
    closes = min(opens + length, 24)
    expression = f"Mo-Su {opens:02d}:00-{closes:02d}:00"
    monday = dt.date(2026, 11, 30)  # no public holiday that week
    for hour in range(24):
        moment = dt.datetime.combine(
            monday + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=PARIS
        )
        assert is_open(expression, moment) is (opens <= hour < closes)


FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


@st.composite
def french_week(draw):
    """A week as people write it, and the OpenStreetMap rule it means."""
    first = draw(st.integers(0, 5))
    last = draw(st.integers(first + 1, 6))
    opens = draw(st.integers(6, 11))
    closes = draw(st.integers(opens + 1, 13))
    again = draw(st.integers(closes + 1, 16))
    ends = draw(st.integers(again + 1, 20))
    minutes = draw(st.sampled_from([0, 15, 30, 45]))
    french = (
        f"du {FRENCH_DAYS[first]} au {FRENCH_DAYS[last]} de {opens}h{minutes:02d} "
        f"à {closes}h et de {again}h à {ends}h"
    )
    osm = (
        f"{OSM_DAYS[first]}-{OSM_DAYS[last]} {opens:02d}:{minutes:02d}-{closes:02d}:00,"
        f"{again:02d}:00-{ends:02d}:00"
    )
    if draw(st.booleans()):
        french += " ; fermé les jours fériés"
        osm += "; PH off"
    return draw(st.sampled_from([french, french.capitalize(), french.upper()])), osm


@given(french_week())
def test_hours_written_in_french_become_the_same_osm_rule(week):
    french, osm = week
    assert hours.from_french(french) == osm


@pytest.mark.parametrize(
    ("french", "osm"),
    [
        ("lundi, mardi et jeudi 9h-12h", "Mo,Tu,Th 09:00-12:00"),
        ("tous les jours de 8h à 20h", "Mo-Su 08:00-20:00"),
        ("Le samedi de 9h30 à 12h. Dimanche fermé", "Sa 09:30-12:00; Su off"),
        ("le week-end 10:00-16:00", "Sa,Su 10:00-16:00"),
    ],
)
def test_common_french_phrasings_are_understood(french, osm):
    assert hours.from_french(french) == osm


@pytest.mark.parametrize(
    "french", ["du vendredi au lundi de 9h à 12h", "le mardi", "de 9h à 12h", "lundi de 25h à 26h"]
)
def test_what_is_not_understood_is_refused_in_french(french):
    with pytest.raises(hours.HoursError):
        hours.from_french(french)


@pytest.mark.parametrize(
    ("french", "expression"),
    [
        ("lundi au vendredi 9h-18h", "Mo-Fr 09:00-18:00"),
        ("lundi-vendredi 9h-12h / 14h-17h", "Mo-Fr 09:00-12:00,14:00-17:00"),
        ("de lundi à vendredi de 9h à 17h", "Mo-Fr 09:00-17:00"),
        (
            "du lundi au vendredi de 9h à 12h30 et de 13h30 à 17h, le samedi matin de 9h à 12h",
            "Mo-Fr 09:00-12:30,13:30-17:00; Sa 09:00-12:00",
        ),
        ("lundi et mardi de 9h à 12h", "Mo,Tu 09:00-12:00"),
        ("le mardi de 14h à 17h et le jeudi de 9h à 12h", "Tu 14:00-17:00; Th 09:00-12:00"),
        (
            "en semaine de 9h à 17h, le week-end de 10h à 12h",
            "Mo-Fr 09:00-17:00; Sa,Su 10:00-12:00",
        ),
    ],
)
def test_ways_people_write_their_hours_keep_every_day_and_range(french, expression):
    assert hours.from_french(french) == expression
