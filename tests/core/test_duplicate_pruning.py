"""``find_duplicates`` leaves out records that cannot reach the threshold before it
compares names: the result is what scoring every record gives."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from medbill.core.frontdesk.duplicates import PersonFacts, find_duplicates, score

NAMES = st.sampled_from(
    ["Smith", "Smyth", "Bill", "William", "Liz", "Elizabeth", "Lee", "Jones", "Jonas", "", "Ann"]
)
DAYS = st.sampled_from(
    [None, datetime.date(1980, 3, 4), datetime.date(1980, 4, 3), datetime.date(1980, 3, 5)]
    + [datetime.date(1981, 3, 4), datetime.date(1979, 1, 1)]
)
PHONES = st.sampled_from(["", "6085550100", "608-555-0100", "6085550199"])
LINES = st.sampled_from(["", "12 Pine St", "12 pine st.", "9 Oak Ave"])
ZIPS = st.sampled_from(["", "53703", "537031418", "53711"])
PEOPLE = st.builds(
    PersonFacts, last=NAMES, first=NAMES, dob=DAYS, phone=PHONES, line1=LINES, zip=ZIPS
)


@settings(max_examples=400, deadline=None)
@given(PEOPLE, st.lists(PEOPLE, max_size=8), st.sampled_from([30, 45, 60, 75]))
def test_pruning_changes_no_result(new, existing, threshold):
    existing = [PersonFacts(**{**_fields(p), "key": n}) for n, p in enumerate(existing)]
    every = [c for c in (score(new, old) for old in existing) if c.score >= threshold]
    every.sort(key=lambda c: -c.score)
    assert find_duplicates(new, existing, threshold=threshold) == every[:5]


def _fields(person: PersonFacts) -> dict:
    return {name: getattr(person, name) for name in PersonFacts.__slots__}
