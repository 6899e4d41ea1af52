"""Patient statements (PDF and the print vendor's CSV), payment receipts, good-faith estimates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from medbill.core.claim import Address
from medbill.core.forms import (
    Aging,
    EstimateError,
    EstimateItem,
    GoodFaithEstimate,
    Practice,
    Receipt,
    ReceiptError,
    Statement,
    StatementError,
    StatementLine,
    StatementVisit,
    render_estimate,
    render_receipt,
    render_statement,
    statements_csv,
)
from medbill.core.forms.readback import page_count, plain_text
from medbill.core.money import Money

PRACTICE = Practice(
    name="Cedar Valley Family Practice",
    address=Address("2400 University Ave", "Madison", "WI", "537051212", "Suite 110"),
    phone="6085550100",
    npi="1746502933",
    tin="391847265",
)
HOME = Address("18 Spring Harbor Dr", "Madison", "WI", "537052233")


def flat(pdf: bytes) -> str:
    return " ".join(line.strip() for line in plain_text(pdf).splitlines() if line.strip())


def statement(**changes) -> Statement:
    january = StatementVisit(
        date(2026, 1, 5),
        "Erik Halvorsen",
        "Joan Whitaker, MD",
        (
            StatementLine("99214", "Office visit, moderate", Money("185.00")),
            StatementLine("83036", "Hemoglobin A1c", Money("38.00")),
        ),
        insurance_paid=Money("120.00"),
        insurance_adjusted=Money("63.00"),
        payer="Badger State Health Plan",
        claim_id="CVFP-000090",
        note="Applied to deductible",
    )
    march = StatementVisit(
        date(2026, 3, 2),
        "Erik Halvorsen",
        "Joan Whitaker, MD",
        (StatementLine("99213", "Office visit, low", Money("130.00")),),
        insurance_paid=Money("80.00"),
        insurance_adjusted=Money("20.00"),
        patient_paid=Money("25.00"),
        payer="Badger State Health Plan",
        claim_id="CVFP-000101",
    )
    old = StatementVisit(
        date(2025, 9, 1),
        "Nora Halvorsen",
        "Joan Whitaker, MD",
        (StatementLine("99212", "Office visit, short", Money("75.00")),),
        insurance_paid=Money("50.00"),
    )
    values = dict(
        practice=PRACTICE,
        statement_id="ST-2026-000123",
        statement_date=date(2026, 3, 20),
        account_number="A-10042",
        guarantor_name="Erik Halvorsen",
        guarantor_address=HOME,
        visits=(january, march, old),
        due_date=date(2026, 4, 10),
        pay_online="cedarvalley.example/pay",
    )
    values.update(changes)
    return Statement(**values)


def test_statement_shows_each_visit_insurance_and_what_is_owed():
    st = statement()
    text = flat(render_statement(st))
    assert "PATIENT STATEMENT" in text and "Statement ST-2026-000123" in text
    assert "ERIK HALVORSEN 18 SPRING HARBOR DR MADISON, WI 53705-2233" in text
    # One row per visit: date, who, charges, insurance paid, adjusted, patient paid, owed.
    assert (
        "01/05/2026 Erik Halvorsen · Joan Whitaker, MD · Badger State Health Plan "
        "Applied to deductible $223.00 -$120.00 -$63.00 $0.00 $40.00"
    ) in text
    assert "99214 Office visit, moderate $185.00" in text
    assert "03/02/2026" in text and "-$25.00 $5.00" in text
    assert "Totals $428.00 -$250.00 -$83.00 -$25.00 $70.00" in text
    # Aging from the statement date: 5.00 current, 40.00 at 74 days, 25.00 past 120 days.
    assert "$5.00 $0.00 $40.00 $0.00 $25.00 $70.00" in text
    assert st.amount_due == st.aging.total == Money("70.00")
    # The remit slip.
    assert "DETACH HERE" in text
    assert "REMIT TO CEDAR VALLEY FAMILY PRACTICE 2400 UNIVERSITY AVE SUITE 110" in text
    assert "A-10042 03/20/2026 $70.00" in text
    assert "cedarvalley.example/pay" in text


def test_statement_csv_for_the_print_vendor():
    st = statement()
    rows = list(
        csv.DictReader(
            io.StringIO(
                statements_csv(
                    [st, statement(statement_id="ST-2026-000124", account_number="A-20077")]
                )
            )
        )
    )
    assert len(rows) == 8  # four service lines on each of two statements
    first = rows[0]
    assert first["statement_id"] == "ST-2026-000123"
    assert first["amount_due"] == "70.00"
    assert (first["aging_0_30"], first["aging_61_90"], first["aging_120_plus"]) == (
        "5.00",
        "40.00",
        "25.00",
    )
    assert first["zip"] == "537052233" and first["address_line1"] == "18 Spring Harbor Dr"
    assert [r["code"] for r in rows[:4]] == ["99214", "83036", "99213", "99212"]
    assert rows[1]["visit_charges"] == "223.00" and rows[1]["you_owe"] == "40.00"
    assert rows[4]["account_number"] == "A-20077"
    # Money sums back exactly from the file.
    assert sum(Decimal(r["line_charge"]) for r in rows[:4]) == Decimal("428.00")


def test_statement_problems_are_named():
    with pytest.raises(StatementError) as err:
        render_statement(statement(guarantor_address=None))
    assert err.value.field == "guarantor_address"
    with pytest.raises(StatementError) as err:
        render_statement(statement(visits=()))
    assert err.value.field == "visits"
    bad = StatementVisit(
        date(2026, 3, 2),
        "X",
        "Y",
        (StatementLine("99213", "v", Money(10)),),
        insurance_paid=Money(-5),
    )
    with pytest.raises(StatementError) as err:
        statements_csv([statement(visits=(bad,))])
    assert err.value.field == "visits[0].insurance_paid"


def test_long_statements_run_onto_more_pages():
    visit = statement().visits[0]
    many = tuple(visit for _ in range(40))
    pdf = render_statement(statement(visits=many))
    assert page_count(pdf) >= 2
    assert "Page 2 of" in plain_text(pdf)


def receipt(**changes) -> Receipt:
    values = dict(
        practice=PRACTICE,
        receipt_number="R-000451",
        received_at=datetime(2026, 3, 2, 9, 41),
        payer_name="Erik Halvorsen",
        account_number="A-10042",
        amount=Money("60.00"),
        method="card",
        reference="Visa ending 4242, auth 08213C",
        received_by="Maria Lopez",
        applied_to=(
            ("Copay, visit 03/02/2026", Money("25.00")),
            ("Balance, visit 01/05/2026", Money("30.00")),
        ),
        balance_after=Money("10.00"),
    )
    values.update(changes)
    return Receipt(**values)


def test_receipt_for_a_card_payment_at_the_desk():
    text = flat(render_receipt(receipt()))
    for value in (
        "PAYMENT RECEIPT",
        "Receipt R-000451",
        "03/02/2026 09:41 AM",
        "Paid at the front desk",
        "Erik Halvorsen",
        "A-10042",
        "Maria Lopez",
        "$60.00",
        "Card · Visa ending 4242, auth 08213C",
        "Copay, visit 03/02/2026 $25.00",
        "Balance, visit 01/05/2026 $30.00",
        "Kept on account as a credit $5.00",
        "Total received $60.00",
        "Account balance after this payment: $10.00",
    ):
        assert value in text, value


def test_receipt_for_a_check_by_mail_and_for_cash():
    text = flat(
        render_receipt(
            receipt(
                method="check",
                channel="mail",
                reference="Check 1187",
                applied_to=(),
                amount=Money("40.00"),
            )
        )
    )
    assert "Received by mail" in text and "Check · Check 1187" in text and "$40.00" in text
    text = flat(render_receipt(receipt(method="cash", reference=None, applied_to=())))
    assert "Cash" in text and "Kept on account" in text


def test_receipt_refuses_unsafe_or_incomplete_payments():
    cases = {
        "reference": dict(reference="4111 1111 1111 1111"),
        "method": dict(method="barter"),
        "amount": dict(amount=Money(0)),
        "applied_to": dict(amount=Money("10.00")),
        "channel": dict(channel="pigeon"),
    }
    for field, change in cases.items():
        with pytest.raises(ReceiptError) as err:
            render_receipt(receipt(**change))
        assert err.value.field == field
    with pytest.raises(ReceiptError) as err:
        render_receipt(receipt(method="check", reference=None))
    assert err.value.field == "reference"


def estimate(**changes) -> GoodFaithEstimate:
    values = dict(
        practice=PRACTICE,
        estimate_number="GFE-2026-0007",
        issued_on=date(2026, 3, 1),
        valid_until=date(2026, 6, 30),
        patient_name="Sam Rivera",
        patient_dob=date(1990, 4, 12),
        items=(
            EstimateItem("99203", "New patient office visit, low complexity", Money("145.00")),
            EstimateItem("36415", "Blood draw from a vein", Money("12.00")),
            EstimateItem(
                "80053", "Comprehensive metabolic panel", Money("38.00"), quantity=Decimal(2)
            ),
        ),
        discount_percent=Decimal("20"),
        scheduled_on=date(2026, 3, 9),
        reason="New patient visit with routine blood work",
        expected_diagnoses=(("R5383", "Other fatigue"),),
        provider_name="Joan Whitaker, MD",
        provider_npi="1283746505",
        deposit=Money("50.00"),
    )
    values.update(changes)
    return GoodFaithEstimate(**values)


def test_good_faith_estimate_itemizes_discounts_and_dates():
    est = estimate()
    assert est.subtotal == Money("233.00")
    assert est.discount == Money("46.60")
    assert est.total == Money("186.40")
    text = flat(render_estimate(est))
    for value in (
        "GOOD FAITH ESTIMATE",
        "Estimate GFE-2026-0007",
        "Issued 03/01/2026 · valid until 06/30/2026",
        "Sam Rivera",
        "04/12/1990",
        "1746502933 · 39-1847265",
        "Joan Whitaker, MD · NPI 1283746505",
        "03/09/2026",
        "99203 New patient office visit, low complexity 1 $145.00 $145.00",
        "80053 Comprehensive metabolic panel 2 $38.00 $76.00",
        "Subtotal $233.00",
        "Self-pay discount (20%) -$46.60",
        "Total estimated cost $186.40",
        "Deposit requested before the visit: $50.00",
        "R53.83 Other fatigue",
        "at least $400 more",
        "Patient or guardian signature",
    ):
        assert value in text, value


def test_good_faith_estimate_without_discount_or_diagnoses():
    text = flat(
        render_estimate(estimate(discount_percent=Decimal(0), expected_diagnoses=(), deposit=None))
    )
    assert "Self-pay discount" not in text and "Expected diagnoses" not in text
    assert "Total estimated cost $233.00" in text


def test_good_faith_estimate_problems_are_named():
    cases = {
        "items": dict(items=()),
        "discount_percent": dict(discount_percent=Decimal(120)),
        "valid_until": dict(valid_until=date(2026, 2, 1)),
        "practice": dict(practice=Practice(name="No ids")),
    }
    for field, change in cases.items():
        with pytest.raises(EstimateError) as err:
            render_estimate(estimate(**change))
        assert err.value.field == field


def test_statement_takes_the_ledgers_aging_when_it_adds_up():
    ledger = Aging((Money("45.00"), Money("25.00"), Money(0), Money(0), Money(0)))
    text = flat(render_statement(statement(given_aging=ledger)))
    assert "$45.00 $25.00 $0.00 $0.00 $0.00 $70.00" in text
    wrong = Aging((Money("10.00"), Money(0), Money(0), Money(0), Money(0)))
    with pytest.raises(StatementError) as err:
        render_statement(statement(given_aging=wrong))
    assert err.value.field == "given_aging"


def test_the_printed_estimate_discounts_line_by_line_as_the_stored_one_does():
    from medbill.core.frontdesk.estimate import build_estimate

    prices = {"A1": ("Service one", Money("10.05")), "A2": ("Service two", Money("10.05"))}
    stored = build_estimate(
        "GFE-1", [("A1", 1), ("A2", 1)], prices, date(2026, 3, 1), discount_rate=Decimal("0.25")
    )
    printed = estimate(
        items=(
            EstimateItem("A1", "Service one", Money("10.05")),
            EstimateItem("A2", "Service two", Money("10.05")),
        ),
        discount_percent=Decimal(25),
    )
    assert stored.total == printed.total == Money("15.08")
    assert "$15.08" in flat(render_estimate(printed))


def test_a_statement_counts_payments_no_visit_holds():
    plain = statement()
    credited = statement(credits=Money("-40.00"))
    assert credited.amount_due == plain.amount_due - Money("40.00")
    assert credited.aging.total == credited.amount_due
    text = flat(render_statement(credited))
    assert "Payments and credits not applied to a visit above" in text
    assert credited.amount_due.format() in text
    with pytest.raises(StatementError, match="credits"):
        render_statement(statement(credits=Money("5.00")))
