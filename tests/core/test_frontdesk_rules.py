"""Front-desk rules: duplicates, packet completeness, estimates, copays, desk report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medbill.core.frontdesk.desk import DeskPayment, copay_due, desk_report
from medbill.core.frontdesk.duplicates import PersonFacts, find_duplicates
from medbill.core.frontdesk.estimate import EstimateError, build_estimate, exceeds_estimate
from medbill.core.frontdesk.paperwork import (
    DEFAULT_PACKET,
    SignedDocument,
    check_packet,
    claim_indicators,
)
from medbill.core.money import Money
from medbill.core.x12.m271 import Benefit, EligibilityResponse, Rejection

EXISTING = [
    PersonFacts(
        "Halvorsen",
        "William",
        date(1971, 8, 19),
        "(608) 555-0142",
        "18 Spring Harbor Dr",
        "53705",
        key=1,
    ),
    PersonFacts(
        "Ortega", "Lucia", date(1988, 2, 11), "608-555-0199", "905 Williamson St", "53703", key=2
    ),
    PersonFacts("Halvorsen", "Anna", date(2015, 4, 2), "", "18 Spring Harbor Dr", "53705", key=3),
]


def test_exact_and_nickname_duplicate_found():
    new = PersonFacts("HALVORSEN", "Bill", date(1971, 8, 19), "6085550142")
    (hit,) = find_duplicates(new, EXISTING)
    assert hit.key == 1
    assert "first name is a nickname match" in hit.reasons
    assert "same phone number" in hit.reasons
    assert hit.score >= 90


def test_swapped_day_and_month_and_typo():
    new = PersonFacts("Ortegaa", "Lucia", date(1988, 11, 2))  # a typo and a swapped date
    hits = find_duplicates(new, EXISTING)
    assert [h.key for h in hits] == [2]
    assert "date of birth with day and month swapped" in hits[0].reasons


def test_family_member_at_same_address_is_not_a_duplicate():
    new = PersonFacts("Halvorsen", "Erik", date(1973, 1, 5), "", "18 Spring Harbor Dr", "53705")
    assert find_duplicates(new, EXISTING) == []


def test_packet_completeness_and_expiry():
    on_file = [
        SignedDocument("demographics", date(2026, 1, 5), False),
        SignedDocument("insurance", date(2026, 1, 5), False),
        SignedDocument("hipaa_notice", date(2019, 1, 5), True),
        SignedDocument("consent", date(2024, 1, 5), True),
        SignedDocument("assignment_of_benefits", date(2026, 1, 5), True),
    ]
    result = check_packet(DEFAULT_PACKET, on_file, date(2026, 3, 2), insured=True)
    assert result.missing == ("release_of_information", "financial_policy")
    assert result.expired == ("consent",)  # the HIPAA acknowledgement never expires
    assert not result.complete
    assert any("Financial policy" in line for line in result.describe())
    self_pay = check_packet(DEFAULT_PACKET, on_file, date(2026, 3, 2), insured=False)
    assert "release_of_information" not in self_pay.missing


def test_claim_indicators_follow_signatures():
    signed = [
        SignedDocument("release_of_information", date(2026, 1, 5), True),
        SignedDocument("assignment_of_benefits", date(2026, 1, 5), True),
    ]
    assert claim_indicators(signed, date(2026, 3, 2)) == {
        "release_of_information": "Y",
        "benefits_assigned": True,
    }
    # A signature dated after the visit does not count for that visit.
    assert claim_indicators(signed, date(2025, 12, 1)) == {
        "release_of_information": "I",
        "benefits_assigned": False,
    }


PRICES = {
    "99203": ("New patient visit, low complexity", Money("150")),
    "36415": ("Blood draw from a vein", Money("15")),
    "80053": ("Comprehensive metabolic panel", Money("42.50")),
}


def test_estimate_with_discount():
    est = build_estimate(
        "GFE-1",
        [("99203", 1), ("36415", 1), ("80053", 2)],
        PRICES,
        date(2026, 3, 1),
        Decimal("0.25"),
        date(2026, 3, 9),
        ["E11.9"],
    )
    assert est.gross == Money("250.00")
    assert est.discount == Money("62.50")
    assert est.total == Money("187.50")
    assert est.valid_until == date(2027, 3, 1)
    assert exceeds_estimate(est, Money("587.50"))
    assert not exceeds_estimate(est, Money("587.49"))


def test_estimate_errors_name_the_code():
    with pytest.raises(EstimateError, match="^99999: not on the fee schedule"):
        build_estimate("GFE-2", [("99999", 1)], PRICES, date(2026, 3, 1))
    with pytest.raises(EstimateError, match="discount_rate"):
        build_estimate("GFE-3", [("99203", 1)], PRICES, date(2026, 3, 1), Decimal("1.5"))


def response(*benefits, rejections=()):
    return EligibilityResponse("T", "", "", "", "", benefits=benefits, rejections=rejections)


def test_copay_due_from_eligibility():
    resp = response(
        Benefit("1", "IND", ("30",)),
        Benefit("B", "IND", ("98",), amount=Money("25"), in_network="Y"),
        Benefit("B", "IND", ("98",), amount=Money("60"), in_network="N"),
        Benefit("B", "IND", ("A0",), amount=Money("50"), in_network="Y"),
    )
    assert copay_due(resp) == Money("25")
    assert copay_due(resp, specialist=True) == Money("50")
    rejected = response(rejections=(Rejection("subscriber", "75", "N"),))
    assert copay_due(rejected, fallback=Money("30")) == Money("30")
    assert copay_due(None) is None


def test_desk_report_by_method_and_user():
    report = desk_report(
        [
            DeskPayment("maria", "cash", Money("25")),
            DeskPayment("maria", "card", Money("40")),
            DeskPayment("tom", "check", Money("100"), "balance"),
            DeskPayment("tom", "cash", Money("-25"), "refund"),
        ]
    )
    assert report.by_method == {"cash": Money(0), "check": Money(100), "card": Money(40)}
    assert report.by_user["maria"]["card"] == Money(40)
    assert report.refunds == Money(-25)
    assert report.total == Money(140)
    assert report.count == 4
    with pytest.raises(ValueError, match="bitcoin"):
        desk_report([DeskPayment("x", "bitcoin", Money(1))])
