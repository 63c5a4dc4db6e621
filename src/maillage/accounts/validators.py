"""Identifiers of French organisations: SIRET (INSEE) and FINESS (health ministry)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"
# Two characters of département (2A/2B for Corsica, 9A to 9F overseas), then seven digits.
FINESS_PATTERN = re.compile(r"^[0-9][0-9A-Z][0-9]{7}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_valid(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    # La Poste's establishments do not follow the Luhn key: their digits sum to a multiple of 5.
    if value.startswith(LA_POSTE_SIREN):
        return luhn_valid(value) or sum(int(c) for c in value) % 5 == 0
    return luhn_valid(value)


def normalise_identifier(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_siret(value: str) -> None:
    if not siret_valid(normalise_identifier(value)):
        raise ValidationError(
            _("Le SIRET doit compter 14 chiffres et sa clé de contrôle doit être juste."),
            code="invalid_siret",
        )


def validate_finess(value: str) -> None:
    if not FINESS_PATTERN.match(normalise_identifier(value)):
        raise ValidationError(
            _(
                "Le numéro FINESS compte 9 caractères : le département (par exemple 85, 2A "
                "ou 9A) puis 7 chiffres."
            ),
            code="invalid_finess",
        )
