"""Identifiers on claims: the NPI check digit, the shape of a provider taxonomy code, the
characters of a plan's member and group ids, and phone numbers as typed and as shown.

An NPI is ten digits whose last is a Luhn check digit computed over the first
nine with the prefix 80840 (the ISO card-issuer prefix for US health
identifiers), as the CMS NPI standard defines it.
"""

from __future__ import annotations

import re

__all__ = [
    "PLAN_ID",
    "PLAN_ID_RULE",
    "STATE_CODES",
    "US_STATES",
    "npi_check_digit",
    "npi_is_valid",
    "npi_with_check_digit",
    "phone_digits",
    "phone_display",
    "plan_id_is_valid",
    "taxonomy_is_valid",
]

# NUCC Health Care Provider Taxonomy codes: ten characters, three digits, six letters or
# digits, and a closing X (207Q00000X family medicine, 363LF0000X family nurse practitioner).
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")

# The digits of the 80840 prefix as the Luhn algorithm weighs them, ahead of an NPI's nine.
_PREFIX_SUM = 24


def npi_check_digit(first_nine: str) -> int:
    """The check digit for the first nine digits of an NPI."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError(f"an NPI stem is nine digits, got {first_nine!r}")
    total = _PREFIX_SUM
    for i, ch in enumerate(reversed(first_nine)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_with_check_digit(first_nine: str) -> str:
    """The ten-digit NPI made of ``first_nine`` and its check digit."""
    return first_nine + str(npi_check_digit(first_nine))


def npi_is_valid(npi: str) -> bool:
    """True for ten digits whose last is the right check digit."""
    if not npi or len(npi) != 10 or not npi.isdigit():
        return False
    return npi_check_digit(npi[:9]) == ord(npi[9]) - 48


def taxonomy_is_valid(code: str) -> bool:
    """True for a code shaped as the NUCC taxonomy writes them (``207Q00000X``).

    Checks the format only: whether the code is on the current NUCC list is the payer's
    enrollment question, and the list changes twice a year.
    """
    return bool(code) and _TAXONOMY.fullmatch(code) is not None


# A member id or group number as payers print them on cards (XYZ123456789, 1EG4-TE5-MK72,
# 0012-A): ASCII letters, digits and hyphens. Anything else cannot be sent to the payer as
# it is (an X12 separator, an accented letter) and an identifier is never rewritten.
PLAN_ID = re.compile(r"^[A-Za-z0-9-]+\Z")
PLAN_ID_RULE = "letters, digits and - only"


def plan_id_is_valid(value: str) -> bool:
    """True for a member id or group number of letters, digits and hyphens only."""
    return PLAN_ID.match(value) is not None


def phone_digits(text: str) -> str | None:
    """The ten digits of a North American phone number as typed ("(555) 201-3344", "1 555
    201 3344", "555.201.3344"); None when it is not one."""
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or re.search(r"[^\d\s().+\-]", text):
        return None
    return digits


def phone_display(number: str | None) -> str:
    """A phone number as people write it: ``(555) 201-3344``; other text as it was stored."""
    digits = phone_digits(number or "")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if digits else (number or "")


# US states, DC and the territories by name, as USPS abbreviates them.
US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "american samoa": "AS",
    "guam": "GU", "northern mariana islands": "MP", "puerto rico": "PR",
    "virgin islands": "VI", "u.s. virgin islands": "VI",
}  # fmt: skip

# Every code a US postal address may carry as its state: the above and the armed forces'
# (AA Americas, AE Europe and elsewhere, AP Pacific).
STATE_CODES = frozenset(US_STATES.values()) | {"AA", "AE", "AP"}
