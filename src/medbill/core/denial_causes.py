"""Why a claim was denied, at the root: the step of the revenue cycle that let it through.

A CARC says what the payer refused; the office needs to know which of its own steps to fix
so the next claim is not refused the same way. Each denial is put in one category by rule
(its reason codes, the remark codes where a CARC is too broad, as 16 is), the biller may
change it, and each category names the check that would have caught it before the claim
left.

The categories follow the front-end/back-end split billing offices report denials by
(registration and eligibility at the desk, authorization, coding, then payer-side causes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CATEGORIES", "Category", "category_for", "root_cause"]


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    stage: str  # the step of the revenue cycle that owns the fix
    prevention: str  # the check that catches it before the claim goes out


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category(
            "eligibility",
            "Eligibility",
            "front desk",
            "Check eligibility before the visit (the nightly eligibility job, or a check at "
            "the desk) and update the coverage when the 271 says it ended.",
        ),
        Category(
            "registration",
            "Registration",
            "front desk",
            "Copy the member id, name and date of birth from the card as printed; the desk's "
            "duplicate check and the scrubber's subscriber edits flag what does not match.",
        ),
        Category(
            "authorization",
            "Authorization",
            "front desk",
            "Record the authorization number on the visit before the service; a payer rule "
            "can hold this payer's claims for these codes without one.",
        ),
        Category(
            "coding",
            "Coding",
            "coding",
            "Scrub before sending: NCCI procedure-to-procedure and MUE edits, modifiers, "
            "diagnosis-to-procedure and age/sex edits; add a payer rule for this payer's own.",
        ),
        Category(
            "medical_necessity",
            "Medical necessity",
            "coding",
            "Point each service at the diagnosis that supports it; for Medicare, check the "
            "coverage determination and have the patient sign an ABN when it is likely denied.",
        ),
        Category(
            "coordination",
            "Coordination of benefits",
            "front desk",
            "Ask the Medicare secondary payer questions and keep the coverage order current; "
            "bill the primary first and send its payment with the secondary claim.",
        ),
        Category(
            "non_covered",
            "Not covered",
            "front desk",
            "Check the plan's benefits for the service; collect or get a signed waiver before "
            "a service the plan does not cover.",
        ),
        Category(
            "duplicate",
            "Duplicate",
            "billing",
            "Do not send a claim again while the first is in process: ask for its status "
            "(276) instead, and send a replacement (frequency 7) to change it.",
        ),
        Category(
            "timely_filing",
            "Timely filing",
            "billing",
            "Work the deadlines list every day; keep the clearinghouse's acceptance report "
            "as proof of when the claim was filed.",
        ),
        Category(
            "provider",
            "Provider enrollment",
            "billing",
            "Enroll and credential each rendering provider with the payer before billing "
            "under their NPI.",
        ),
        Category("other", "Other", "billing", "Read the remark codes and the payer's policy."),
    )
}

# CARC -> category. Codes absent here fall back on their remark codes, then "other".
_BY_CARC: dict[str, str] = {
    **dict.fromkeys(("26", "27", "31", "32", "33", "177", "200"), "eligibility"),
    **dict.fromkeys(("109", "140"), "registration"),
    **dict.fromkeys(("15", "197", "198", "62"), "authorization"),
    **dict.fromkeys(
        ("4", "5", "6", "7", "8", "9", "10", "11", "97", "146", "151", "181", "182", "234", "236"),
        "coding",
    ),
    **dict.fromkeys(("50", "55", "56", "57", "58", "150", "167"), "medical_necessity"),
    **dict.fromkeys(("22", "24"), "coordination"),
    **dict.fromkeys(("49", "96", "119", "204", "273"), "non_covered"),
    "18": "duplicate",
    "29": "timely_filing",
    **dict.fromkeys(("170", "171", "185", "B7"), "provider"),
}
# RARC -> category, for CARCs too broad to say (16 "claim lacks information" above all).
_BY_RARC: dict[str, str] = {
    **dict.fromkeys(("MA27", "MA130", "N382", "MA61", "N245", "N329", "MA92"), "registration"),
    **dict.fromkeys(("M76", "M81", "M51", "N56", "M77", "MA66"), "coding"),
    **dict.fromkeys(("N54", "N115"), "medical_necessity"),
    **dict.fromkeys(("N30", "MA04"), "coordination"),
    **dict.fromkeys(("N290", "N286", "N265"), "provider"),
    "M86": "duplicate",
}


def root_cause(carcs: Sequence[str], rarcs: Iterable[str] = ()) -> str:
    """The category key of a denial with these reason codes (first decisive one wins)."""
    for carc in carcs:
        found = _BY_CARC.get(carc)
        if found:
            return found
    for rarc in rarcs:
        found = _BY_RARC.get(rarc)
        if found:
            return found
    return "other"


def category_for(key: str) -> Category:
    return CATEGORIES.get(key, CATEGORIES["other"])
