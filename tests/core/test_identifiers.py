"""The NPI check digit (Luhn over the 80840 prefix and the first nine digits)."""

from __future__ import annotations

import pytest

from medbill.core.identifiers import (
    npi_check_digit,
    npi_is_valid,
    npi_with_check_digit,
    taxonomy_is_valid,
)


@pytest.mark.parametrize("npi", ["1234567893", "1746502933", "1283746505"])
def test_known_valid_npis(npi):
    # 1234567893 is the worked example of the CMS NPI check-digit standard.
    assert npi_is_valid(npi)
    assert npi_with_check_digit(npi[:9]) == npi


@pytest.mark.parametrize("npi", ["1234567890", "123456789", "12345678931", "12345678a3", "", None])
def test_invalid_npis(npi):
    assert not npi_is_valid(npi)


def test_every_single_digit_change_is_caught():
    npi = "1746502933"
    for i in range(10):
        for d in "0123456789":
            changed = npi[:i] + d + npi[i + 1 :]
            assert npi_is_valid(changed) == (changed == npi)


def test_stem_must_be_nine_digits():
    with pytest.raises(ValueError, match="nine digits"):
        npi_check_digit("12345")


@pytest.mark.parametrize("code", ["207Q00000X", "363LF0000X", "2084N0400X", "122300000X"])
def test_taxonomy_codes_shaped_as_nucc_writes_them_pass(code):
    assert taxonomy_is_valid(code)


@pytest.mark.parametrize(
    "code",
    ["1234567890", "207Q00000", "207Q00000x", "20AQ00000X", "207Q0000X", "207Q00000XX", ""],
)
def test_other_taxonomy_text_fails(code):
    assert not taxonomy_is_valid(code)


def test_phone_numbers_as_typed_and_as_shown() -> None:
    from medbill.core.identifiers import phone_digits, phone_display

    for typed in ("(555) 201-3344", "555.201.3344", "1 555 201 3344", "+1-555-201-3344"):
        assert phone_digits(typed) == "5552013344", typed
    for typed in ("555-2013", "call me", "555 201 3344 ext 12", ""):
        assert phone_digits(typed) is None, typed
    assert phone_display("5552013344") == "(555) 201-3344"
    assert phone_display("front desk") == "front desk"
    assert phone_display(None) == ""
