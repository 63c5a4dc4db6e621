import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillage.accounts.validators import luhn_valid, siret_valid, validate_finess, validate_siret


def _with_luhn_key(body: str) -> str:
    for key in "0123456789":
        if luhn_valid(body + key):
            return body + key
    raise AssertionError("a Luhn key always exists")


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_every_13_digit_body_has_exactly_one_luhn_key(body):
    keys = [k for k in "0123456789" if luhn_valid(body + k)]
    assert len(keys) == 1


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 13))
def test_changing_one_digit_of_a_siret_is_detected(body, position):
    siret = _with_luhn_key(body)
    if siret.startswith("356000000"):
        return  # La Poste's numbering follows another rule
    digit = str((int(siret[position]) + 1) % 10)
    altered = siret[:position] + digit + siret[position + 1 :]
    assert siret_valid(siret)
    assert not siret_valid(altered)


@pytest.mark.parametrize(
    "value",
    [
        "73282932000074",  # a real SIRET (INSEE's example)
        "356 000 000 12346",  # La Poste: not Luhn, but its digits sum to a multiple of 5
        "130 005 481 00010",
    ],
)
def test_valid_sirets_are_accepted_with_or_without_spaces(value):
    validate_siret(value)


@pytest.mark.parametrize("value", ["73282932000075", "1234", "ABCDEFGHIJKLMN", ""])
def test_invalid_sirets_are_refused_in_french(value):
    with pytest.raises(ValidationError, match="SIRET"):
        validate_siret(value)


@pytest.mark.parametrize("value", ["850000019", "2A0000012", "2B0001234", "750712184", "9A0000123"])
def test_finess_numbers_accept_corsican_and_overseas_departements(value):
    validate_finess(value)


@pytest.mark.parametrize("value", ["85000001", "8500000190", "A50000019", "ABCDEFGHI", "85000001X"])
def test_malformed_finess_numbers_are_refused(value):
    with pytest.raises(ValidationError, match="FINESS"):
        validate_finess(value)
