"""Opening hours in the OpenStreetMap `opening_hours` syntax (data·inclusion's
`horaires_accueil`): parsing with French public holidays, "open now", and the week in plain
French for service pages and printed sheets. The grammar is opening-hours-py's, not ours."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import opening_hours
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

MAX_LENGTH = 1000


class HoursError(ValueError):
    pass


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse(expression: str) -> opening_hours.OpeningHours:
    expression = (expression or "").strip()
    if not expression:
        raise HoursError(_("Les horaires sont vides."))
    if len(expression) > MAX_LENGTH or "\x00" in expression:
        raise HoursError(_("Les horaires sont trop longs ou contiennent un caractère invalide."))
    try:
        # Public holidays ("PH off") follow the French calendar.
        return opening_hours.OpeningHours(expression, country="FR", timezone=_zone())
    except (opening_hours.ParserError, SyntaxError, ValueError, OverflowError) as error:
        first_line = str(error).splitlines()[0] if str(error) else ""
        raise HoursError(
            _(
                "Horaires illisibles (syntaxe OpenStreetMap attendue, par exemple "
                "« Mo-Fr 09:00-12:00,14:00-17:00; PH off ») : %(detail)s"
            )
            % {"detail": first_line}
        ) from None


def validate_opening_hours(value: str) -> None:
    """Model/form validator: empty is allowed, anything else must parse."""
    if value:
        try:
            parse(value)
        except HoursError as error:
            raise ValidationError(str(error), code="invalid_opening_hours") from None


@functools.lru_cache(maxsize=4096)
def _parsed(expression: str) -> opening_hours.OpeningHours:
    """Parsed once per process: a page of results repeats a few common expressions."""
    return parse(expression)


def is_open(expression: str, at: dt.datetime | None = None) -> bool | None:
    """True or False at the given moment (now by default); None when unknown or unreadable."""
    try:
        hours = _parsed(expression)
    except HoursError:
        return None
    moment = (at or dt.datetime.now(tz=_zone())).astimezone(_zone())
    if hours.is_unknown(moment):
        return None
    return hours.is_open(moment)


@dataclass(frozen=True)
class Day:
    date: dt.date
    label: str  # "lundi 21 décembre"
    slots: tuple[tuple[dt.time, dt.time], ...]
    comment: str = ""

    @property
    def is_closed(self) -> bool:
        return not self.slots

    def in_words(self) -> str:
        if not self.slots:
            return _("fermé")
        return ", ".join(
            f"{_clock(a)} \N{EN DASH} {_clock(b, closing=True)}" for a, b in self.slots
        )


def _clock(moment: dt.time, *, closing: bool = False) -> str:
    """French clock reading: "9 h", "14 h 30"; a slot closing at midnight ends at "24 h"."""
    if closing and moment == dt.time(0, 0):
        return "24 h"
    return f"{moment.hour} h" if not moment.minute else f"{moment.hour} h {moment.minute:02d}"


def week(expression: str, first_day: dt.date | None = None, days: int = 7) -> list[Day]:
    """The next `days` days from `first_day` (today by default), day by day."""
    hours = parse(expression)
    zone = _zone()
    first_day = first_day or dt.datetime.now(tz=zone).date()
    start = dt.datetime.combine(first_day, dt.time(0, 0), tzinfo=zone)
    end = start + dt.timedelta(days=days)
    slots: dict[dt.date, list[tuple[dt.time, dt.time]]] = {}
    comments: dict[dt.date, str] = {}
    for opens, closes, state, comment in hours.intervals(start, end):
        if state != opening_hours.State.OPEN:
            continue
        # An interval may span midnight: cut it into one slot per day.
        cursor = opens.astimezone(zone)
        closes = min(closes.astimezone(zone), end)
        while cursor < closes:
            midnight = dt.datetime.combine(
                cursor.date() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone
            )
            stop = min(closes, midnight)
            slots.setdefault(cursor.date(), []).append(
                (cursor.time(), stop.time() if stop != midnight else dt.time(0, 0))
            )
            if comment:
                comments[cursor.date()] = comment
            cursor = stop
    result = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        result.append(
            Day(
                date=day,
                label=date_format(day, "l j F"),
                slots=tuple(slots.get(day, [])),
                comment=comments.get(day, ""),
            )
        )
    return result


def open_on_weekday(expression: str, weekday: int, reference: dt.date | None = None) -> bool:
    """Whether the service opens on the next given weekday (0 = Monday), for "open on
    Saturday" filters."""
    try:
        days = week(expression, reference, days=14)
    except HoursError:
        return False
    return any(day.slots for day in days if day.date.weekday() == weekday)


# A week without any French public holiday: what an expression says of an ordinary week.
REFERENCE_MONDAY = dt.date(2026, 2, 2)


def ordinary_week(expression: str) -> dict[tuple[dt.time, dt.time], list[int]]:
    """Opening slots of an ordinary week, each with its weekdays (0 = Monday), for formats
    that hold weekly hours only (HSDS schedules, FHIR availableTime). Empty when unreadable."""
    try:
        days = week(expression, REFERENCE_MONDAY)
    except HoursError:
        return {}
    slots: dict[tuple[dt.time, dt.time], list[int]] = {}
    for day in days:
        for opens, closes in day.slots:
            slots.setdefault((opens, closes), []).append(day.date.weekday())
    return dict(sorted(slots.items()))


def in_words(expression: str) -> str:
    """An ordinary week in French, day by day (« lundi : 9 h – 12 h ; … ; dimanche : fermé »),
    for a reader who does not read the OpenStreetMap syntax (the moderator)."""
    days = week(expression, REFERENCE_MONDAY)
    return " ; ".join(f"{day.label.split()[0]} : {day.in_words()}" for day in days)


# -- opening hours written in French -------------------------------------------------------

_DAYS = {
    "lundi": "Mo",
    "mardi": "Tu",
    "mercredi": "We",
    "jeudi": "Th",
    "vendredi": "Fr",
    "samedi": "Sa",
    "dimanche": "Su",
}
_ORDER = list(_DAYS.values())
_DAY = r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?"
_HOUR = r"(\d{1,2})\s*(?:h|:)\s*(\d{2})?"
_RANGE = re.compile(rf"(?:de\s+)?{_HOUR}\s*(?:a|-|–)\s*{_HOUR}")
# « du lundi au vendredi », « lundi au vendredi », « lundi-vendredi », « de lundi à vendredi »
_SPAN = re.compile(rf"(?:du\s+|de\s+)?{_DAY}\s*(?:\bau\b|\ba\b|-|–)\s*{_DAY}")
# Where a clause names new days after hours (« …à 17h, le samedi de 9h à 12h »): a new rule.
_NEXT_DAYS = re.compile(
    r"(?:,|\bet\b)\s*(?=(?:le\s+|les\s+|du\s+|de\s+)?"
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|week-?end|en semaine))"
)
_ONE_DAY = re.compile(_DAY)


def _clock_of(hours: str, minutes: str | None) -> str:
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise HoursError(_("Heure impossible : %(h)sh%(m)02d.") % {"h": h, "m": m})
    return f"{h:02d}:{m:02d}"


def _days_of(text: str) -> str:
    if re.search(r"tous les jours|7\s*j\s*/\s*7|chaque jour", text):
        return "Mo-Su"
    if "en semaine" in text:
        return "Mo-Fr"
    span = _SPAN.search(text)
    if span:
        first, last = _DAYS[span.group(1)], _DAYS[span.group(2)]
        if _ORDER.index(first) >= _ORDER.index(last):
            raise HoursError(_("Jours dans le désordre : « %(t)s ».") % {"t": span.group(0)})
        return f"{first}-{last}"
    days = [_DAYS[d] for d in _ONE_DAY.findall(text)]
    if "week-end" in text or "weekend" in text:
        days += ["Sa", "Su"]
    if not days:
        raise HoursError(_("Aucun jour dans « %(t)s ».") % {"t": text.strip()})
    return ",".join(sorted(set(days), key=_ORDER.index))


def _clauses(plain: str) -> list[str]:
    """One clause per rule: split at « ; », « . », a new line, « puis », and where new days
    follow hours; days named without hours (« lundi et mardi de 9h à 12h ») take the hours
    of what follows them."""
    found = []
    for part in re.split(r"[;.\n]|\bpuis\b", plain):
        pending = ""
        for piece in _NEXT_DAYS.split(part):
            piece = piece.strip(" ,")
            if not piece:
                continue
            if not _RANGE.search(piece) and not re.search(r"ferme|feries?", piece):
                pending = f"{pending} {piece}"  # days waiting for their hours
                continue
            found.append(f"{pending} {piece}".strip())
            pending = ""
        if pending.strip():
            found.append(pending.strip())
    return found


def from_french(text: str) -> str:
    """« du lundi au vendredi de 9h à 12h et de 14h à 17h ; le samedi de 9h à 12h ; fermé
    les jours fériés » → « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ». One rule
    per clause (separated by « ; », « . », a new line or « puis »); HoursError in French
    when a clause is not understood."""
    plain = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    ).replace("’", "'")
    rules = []
    for clause in _clauses(plain):
        if re.search(r"feries?", clause):
            rules.append("PH off" if re.search(r"ferme|sauf", clause) else None)
            if rules[-1] is None:
                raise HoursError(_("Jours fériés : dites s'ils sont fermés."))
            continue
        ranges = [f"{_clock_of(a, b)}-{_clock_of(c, d)}" for a, b, c, d in _RANGE.findall(clause)]
        days = _days_of(_RANGE.sub(" ", clause))
        if re.search(r"\bferme", clause) and not ranges:
            rules.append(f"{days} off")
        elif ranges:
            rules.append(f"{days} {','.join(ranges)}")
        else:
            raise HoursError(_("Aucune heure dans « %(t)s ».") % {"t": clause})
    if not rules:
        raise HoursError(_("Les horaires sont vides."))
    expression = "; ".join(rules)
    parse(expression)  # what we wrote must be valid OSM
    return expression
