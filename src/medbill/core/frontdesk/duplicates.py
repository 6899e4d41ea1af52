"""Possible duplicate patients, found before a new registration is saved.

Registration desks create duplicates by typos, nicknames, swapped day and
month, and a new phone number. A candidate is scored on name, date of birth,
phone and address together, and every point comes with its reason so the
person at the desk can judge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

__all__ = ["DuplicateCandidate", "PersonFacts", "find_duplicates"]

NICKNAMES = {
    "bill": "william",
    "will": "william",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "bob": "robert",
    "rob": "robert",
    "jim": "james",
    "jimmy": "james",
    "mike": "michael",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "tom": "thomas",
    "dick": "richard",
    "rick": "richard",
    "peggy": "margaret",
    "maggie": "margaret",
    "sue": "susan",
    "jen": "jennifer",
    "jenny": "jennifer",
    "chris": "christopher",
    "dan": "daniel",
    "danny": "daniel",
    "joe": "joseph",
    "tony": "anthony",
    "sam": "samuel",
    "alex": "alexander",
    "andy": "andrew",
    "nick": "nicholas",
    "matt": "matthew",
    "pat": "patricia",
    "patty": "patricia",
    "ed": "edward",
    "ted": "edward",
    "larry": "lawrence",
    "steve": "steven",
    "dave": "david",
}


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What registration knows about a person; ``key`` identifies an existing record."""

    last: str
    first: str
    dob: date | None
    phone: str = ""
    line1: str = ""
    zip: str = ""
    key: object = None


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    key: object
    score: int  # 0-100
    reasons: tuple[str, ...]


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _digits(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[-10:]


def _first(text: str) -> str:
    name = _norm(text)
    return NICKNAMES.get(name, name)


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def _dob_points(a: date | None, b: date | None) -> tuple[int, str | None]:
    if a is None or b is None:
        return 0, None
    if a == b:
        return 40, "same date of birth"
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return 30, "date of birth with day and month swapped"
    same_parts = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    if same_parts == 2:
        return 15, "date of birth differs in one part"
    return -30, None


def score(new: PersonFacts, old: PersonFacts) -> DuplicateCandidate:
    """How likely ``old`` is the same person as ``new``, with reasons."""
    points = 0
    reasons: list[str] = []
    last_a, last_b = _norm(new.last), _norm(old.last)
    if last_a and last_a == last_b:
        points += 25
        reasons.append("same last name")
    elif _similar(last_a, last_b) >= 0.8:
        points += 15
        reasons.append("similar last name")
    first_a, first_b = _first(new.first), _first(old.first)
    if first_a and first_a == first_b:
        points += 20
        same_spelling = _norm(new.first) == _norm(old.first)
        reasons.append("same first name" if same_spelling else "first name is a nickname match")
    elif _similar(first_a, first_b) >= 0.8:
        points += 10
        reasons.append("similar first name")
    elif last_a == _norm(old.first) and first_a == _norm(old.last):
        points += 35
        reasons.append("first and last name swapped")
    dob_points, dob_reason = _dob_points(new.dob, old.dob)
    points += dob_points
    if dob_reason:
        reasons.append(dob_reason)
    phone_a, phone_b = _digits(new.phone), _digits(old.phone)
    if phone_a and len(phone_a) >= 7 and phone_a == phone_b:
        points += 20
        reasons.append("same phone number")
    addr_a, addr_b = _norm(new.line1), _norm(old.line1)
    if addr_a and addr_a == addr_b and new.zip[:5] == old.zip[:5]:
        points += 15
        reasons.append("same address")
    return DuplicateCandidate(old.key, max(0, min(100, points)), tuple(reasons))


# The most the names can add to a score: the same last name (25) and a first-name branch
# (a swap, 35, is the largest).
_MOST_FOR_NAMES = 60


def _most(new: PersonFacts, old: PersonFacts) -> int:
    """The highest score ``old`` can reach: what the exact comparisons give (birth date,
    phone, address) and the most the names could. Cheap: no string similarity."""
    points = _dob_points(new.dob, old.dob)[0] + _MOST_FOR_NAMES
    phone = _digits(new.phone)
    if phone and len(phone) >= 7 and phone == _digits(old.phone):
        points += 20
    line1 = _norm(new.line1)
    if line1 and line1 == _norm(old.line1) and new.zip[:5] == old.zip[:5]:
        points += 15
    return points


def find_duplicates(
    new: PersonFacts, existing: Iterable[PersonFacts], threshold: int = 60, limit: int = 5
) -> list[DuplicateCandidate]:
    """Existing records that may be ``new``, best first, above ``threshold``.

    A record that cannot reach ``threshold`` whatever its names (a different birth date,
    no shared phone or address) is not scored: a practice's thousands of patients born
    the same year cost no string comparison each.
    """
    candidates = (old for old in existing if _most(new, old) >= threshold)
    found = [c for c in (score(new, old) for old in candidates) if c.score >= threshold]
    found.sort(key=lambda c: -c.score)
    return found[:limit]
