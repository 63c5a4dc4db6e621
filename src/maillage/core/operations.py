"""One input per operation, filled by the page's form and by the API body alike.

An operation's input is a ninja `Schema` (a pydantic model): the fields a user gives, with
references to other records as their public ids. The API endpoint declares it as its body;
the page's form declares it as `input` and hands it over with `form.to_input()`; the action
takes it as `data`. So a field added to an operation is added to one class, and the parity
test (tests/core/test_parity.py) fails while the page's form or the API route lacks it.

Each app with pages that write lists them in its `operations.py`: `PAGE_OPERATIONS` (the
page, its API route, the input) and `PAGE_ONLY` (a page that writes with no API route, each
with the reason why). The parity test finds every page view that handles a POST and checks
that it is in one of the two.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

import pydantic
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, StringConstraints

from maillage.core.inputs import pydantic_reason


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("adresse e-mail invalide") from None
    return value


# An e-mail address in an input, checked as the page's EmailField checks it.
# Stripped first, as the form's field strips: "   " is missing, not an address.
Email = Annotated[
    str,
    BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
    StringConstraints(min_length=1, max_length=254),
    AfterValidator(_email),
]
EmailOrBlank = Annotated[
    str,
    BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
    StringConstraints(max_length=254),
    AfterValidator(_email),
]


_PHONE_CHARACTERS = re.compile(r"\+?[0-9 .\-()/]+")


def _phone(value: str) -> str:
    """A phone number as people write it: digits, spaces, dots, dashes, brackets, a leading
    +; between 3 digits (a short number: 115, 3975) and 15 (E.164)."""
    if value and not (
        _PHONE_CHARACTERS.fullmatch(value) and 3 <= sum(c.isdigit() for c in value) <= 15
    ):
        raise ValueError("numéro de téléphone invalide : des chiffres (espaces, points, + admis)")
    return value


# A phone number, or nothing.
Phone = Annotated[
    str,
    BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
    StringConstraints(max_length=30),
    AfterValidator(_phone),
]

OLDEST_AGE = 125  # years: a birth date further back is a typing error


def _birth_date(value: dt.date | None) -> dt.date | None:
    today = timezone.localdate()
    if value is not None and not (today.year - OLDEST_AGE <= value.year and value <= today):
        raise ValueError("date de naissance invalide : ni dans le futur, ni il y a plus de 125 ans")
    return value


def _birth_year(value: int | None) -> int | None:
    year = timezone.localdate().year
    if value is not None and not (year - OLDEST_AGE <= value <= year):
        raise ValueError(f"année de naissance invalide : entre {year - OLDEST_AGE} et {year}")
    return value


# A birth date (or year), or nothing: never in the future, never more than 125 years ago.
BirthDate = Annotated[dt.date | None, AfterValidator(_birth_date)]
BirthYear = Annotated[int | None, AfterValidator(_birth_year)]


@dataclass(frozen=True)
class PageOperation:
    page: str  # the page's URL name, "app:name"
    api: str  # the name of the API endpoint's function that takes the same input
    input: type[Schema] | None  # None: a button that names its record and nothing else
    from_path: tuple[str, ...] = ()  # input fields the page takes from its address


def _given(value):
    """A cleaned form value as the input takes it: a record by its public id."""
    if isinstance(value, models.Model):
        return getattr(value, "public_id", value.pk)
    if isinstance(value, list | tuple):
        return [_given(v) for v in value]
    return value


class InputForm:
    """A form that fills an operation's input.

    `input` is the operation's Schema; `ui_only` names the fields that help the user fill
    the form but are not the operation's (a search box, say); `composes` the input's fields
    that the form's clean() builds from fields made at run time (one per objective, say);
    `files` the uploads, which travel beside the input. Once the form's own checks
    pass, the input is built from the cleaned data; what the input refuses is shown on the
    field, in French, and the form is not valid."""

    input: type[Schema]
    ui_only: tuple[str, ...] = ()
    composes: tuple[str, ...] = ()  # input fields that clean() builds from several fields
    files: tuple[str, ...] = ()  # uploads, handed to the action beside the input

    def full_clean(self):
        super().full_clean()
        self.operation_input = None
        if not self.is_bound or self.errors:
            return
        given = self.given_from_path()
        for name, field in self.input.model_fields.items():
            if name not in self.cleaned_data:
                continue
            value = _given(self.cleaned_data[name])
            if value is None or (value == "" and field.default is None):
                continue  # the input's default applies
            given[name] = value
        try:
            self.operation_input = self.input.model_validate(given)
        except pydantic.ValidationError as error:
            for problem in error.errors():
                name = problem["loc"][0] if problem["loc"] else None
                self.add_error(
                    name if name in self.fields else None,
                    _("Cette valeur n'est pas acceptée (%(reason)s).")
                    % {"reason": pydantic_reason([problem], ignored=(name,))},
                )

    def given_from_path(self) -> dict:
        """The input's fields the page takes from its address (PageOperation.from_path)."""
        return {}

    def to_input(self):
        if self.operation_input is None:
            raise ValueError("to_input() is for a valid form")
        return self.operation_input


# The platform's own pages that write (core is both the machinery above and an app).
PAGE_OPERATIONS: tuple[PageOperation, ...] = ()
PAGE_ONLY = {
    "core:switch_role": (
        "le rôle en usage est celui de la session du navigateur ; un jeton d'API porte le sien"
    ),
    "core:notification_preferences": "ses préférences de rappel, depuis sa page",
    "core:platform_settings": (
        "le réglage de la plateforme par son administration, avec la double authentification"
    ),
}
