"""Statement cycle: threshold, payment plans in good standing, small balances, collections."""

from __future__ import annotations

import datetime
from pathlib import Path

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.money import Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import Statement
from medbill.web.billing.services import post_payment
from medbill.web.billing.statements import (
    create_payment_plan,
    in_good_standing,
    run_statements,
)

DAY = datetime.date(2026, 4, 20)


def owe(world):
    """Post an 835 for practice A's claim with no secondary: the patient owes the share."""
    site = world.a
    site.secondary.delete()
    data = write_835(simulate([claim_document(site.claim)], seed=3).remittances)
    era.import_era(world.users["biller"], site.practice, data, "s.835")
    owed = Money(
        sum(e.amount for e in Entry.objects.filter(patient=site.patient, responsibility="patient"))
    )
    assert owed > Money(5)
    return site, owed


def test_a_statement_with_pdf_and_vendor_csv(world, tmp_path):
    site, owed = owe(world)
    result = run_statements(world.users["biller"], site.practice, tmp_path, statement_date=DAY)
    ((account, due, path),) = result.sent
    assert account == site.patient.account_number and due == owed
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    assert site.patient.account_number in (tmp_path / "statements.csv").read_text()
    row = Statement.objects.get()
    assert Money(row.balance) == owed and not row.collections


def test_threshold_and_small_balance_write_off(world, tmp_path):
    site, owed = owe(world)
    skipped = run_statements(
        None, site.practice, tmp_path, statement_date=DAY, threshold=owed + Money(1)
    )
    assert skipped.sent == [] and "under" in skipped.skipped[0][1]
    gone = run_statements(
        None, site.practice, tmp_path, statement_date=DAY, write_off_under=owed + Money(1)
    )
    assert gone.written_off == [(site.patient.account_number, owed)]
    balance = sum(
        e.amount for e in Entry.objects.filter(patient=site.patient, responsibility="patient")
    )
    assert balance == 0


def test_payment_plan_in_good_standing_is_skipped(world, tmp_path):
    site, owed = owe(world)
    biller = world.users["biller"]
    plan = create_payment_plan(biller, site.patient, owed, 2, DAY - datetime.timedelta(days=5))
    assert not in_good_standing(plan, DAY)
    post_payment(biller, site.patient, plan.installment, method="cash", effective_date=DAY)
    assert in_good_standing(plan, DAY)
    result = run_statements(biller, site.practice, tmp_path, statement_date=DAY)
    assert result.sent == [] and result.skipped[0][1] == "payment plan in good standing"


def test_old_accounts_after_three_statements_are_flagged_for_collections(world, tmp_path):
    site, _ = owe(world)
    late = DAY + datetime.timedelta(days=200)
    # One statement a cycle, a month apart: a cycle sends no second one on one date.
    for month in range(3):
        earlier = late - datetime.timedelta(days=30 * (3 - month))
        run_statements(None, site.practice, tmp_path, statement_date=earlier)
    result = run_statements(None, site.practice, tmp_path, statement_date=late)
    assert result.collections == [site.patient.account_number]


def test_cli(world, tmp_path):
    site, owed = owe(world)
    run = CliRunner().invoke(
        app,
        ["statements", "run", "--practice", "CVFP", "-o", str(tmp_path), "--date", "2026-04-20"],
    )
    assert run.exit_code == 0, run.output
    assert "1 statement(s)" in run.output and (tmp_path / "statements.csv").exists()


def test_cli_plan(world):
    site = world.a
    runner = CliRunner()
    run = runner.invoke(
        app,
        [
            "statements",
            "plan",
            site.patient.account_number,
            "100.00",
            "--installments",
            "4",
            "--first-due",
            "2026-05-01",
            "--practice",
            "CVFP",
        ],
    )
    assert run.exit_code == 0, run.output
    assert "4 x 25.00" in run.output
    bad = runner.invoke(
        app,
        [
            "statements",
            "plan",
            site.patient.account_number,
            "100.00",
            "--installments",
            "0",
            "--first-due",
            "2026-05-01",
            "--practice",
            "CVFP",
        ],
    )
    assert bad.exit_code == 2 and "installments" in bad.output


def test_a_medicaid_patient_is_held_for_review_not_sent(world, tmp_path):
    from medbill.web.frontdesk.models import Coverage

    site, _owed = owe(world)
    Coverage.objects.create(
        practice=site.practice,
        patient=site.patient,
        payer=site.secondary_payer,
        order="secondary",
        member_id="WI00918273",
        relationship_to_subscriber="self",
    )
    result = run_statements(world.users["biller"], site.practice, tmp_path, statement_date=DAY)
    assert result.sent == []
    ((account, why),) = result.skipped
    assert account == site.patient.account_number and why.startswith("Medicaid patient")
    # a statement the office decides to send from the account goes out
    asked = run_statements(
        world.users["biller"],
        site.practice,
        tmp_path / "asked",
        statement_date=DAY,
        patient_ids=[site.patient.pk],
        on_request=True,
    )
    assert [a for a, _due, _path in asked.sent] == [site.patient.account_number]
