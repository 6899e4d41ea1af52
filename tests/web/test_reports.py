"""Reports after posting: A/R aging by payer and patient, denials, key numbers, CSV."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import replace
from decimal import Decimal

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import Adjustment, read_835, write_835
from medbill.web.billing import era, reports
from medbill.web.billing.documents import claim_document

AS_OF = datetime.date(2026, 4, 20)


def post(site, user, **changes):
    data = write_835(simulate([claim_document(site.claim)], seed=2).remittances)
    if changes:
        (rem,) = read_835(data)
        data = write_835([replace(rem, **changes)])
    return era.import_era(user, site.practice, data, "r.835")


def test_ar_aging_by_payer_and_patient(world):
    site = world.a
    site.secondary.delete()  # no secondary: the patient share goes to the patient
    post(site, world.users["biller"])
    by_payer = reports.ar_aging(site.practice, "payer", AS_OF)
    assert by_payer.header == [
        "payer",
        "0-30",
        "31-60",
        "61-90",
        "91-120",
        "120+",
        "credits",
        "total",
    ]
    by_patient = reports.ar_aging(site.practice, "patient", AS_OF)
    (row, total) = by_patient.rows
    assert row[0].startswith("Ortega, Mateo") and row[2] != "0.00"  # 31-60 days old
    assert total[0] == "TOTAL" and total[-1] == row[-1]
    assert by_payer.rows[-1][0] == "TOTAL"


def test_denials_and_kpis(world):
    site = world.a
    data = write_835(simulate([claim_document(site.claim)], seed=2).remittances)
    (rem,) = read_835(data)
    claim = rem.claims[0]
    svc = replace(
        claim.services[0],
        paid=claim.services[0].paid * 0,
        adjustments=(Adjustment("CO", "16", claim.services[0].charge),),
        remarks=(("HE", "MA130"),),
        amounts=(),
    )
    denied = replace(
        claim, status="4", paid=claim.paid * 0, patient_responsibility=None, services=(svc,)
    )
    data = write_835(
        [replace(rem, claims=(denied,), total_paid=rem.total_paid * 0, method="NON", handling="H")]
    )
    result = era.import_era(world.users["biller"], site.practice, data, "d.835")
    assert result.sets[0].denied
    table = reports.denials(site.practice)
    assert table.rows[0][:2] == ["Lakeland Commercial Insurance", "CO-16"]
    assert "lacks information" in table.rows[0][2] and table.rows[0][3] == "1"
    k = {r[0]: r[1] for r in reports.kpis(site.practice, AS_OF).rows}
    assert k["first-pass rate %"] == "0.0" and k["denials"] == "1"
    assert k["total A/R"] == "130.00"


def test_cli_writes_csv(world, tmp_path):
    site = world.a
    post(site, world.users["biller"])
    run = CliRunner().invoke(
        app, ["reports", "ar-aging", "--practice", "CVFP", "--as-of", "2026-04-20"]
    )
    assert run.exit_code == 0, run.output
    rows = list(csv.reader(io.StringIO(run.output)))
    assert rows[0][0] == "payer" and rows[-1][0] == "TOTAL"
    out = tmp_path / "k.csv"
    run = CliRunner().invoke(app, ["reports", "kpis", "--practice", "CVFP", "-o", str(out)])
    assert run.exit_code == 0 and "net collection rate %" in out.read_text()
    run = CliRunner().invoke(app, ["reports", "denials", "--practice", "CVFP"])
    assert run.exit_code == 0 and run.output.startswith("payer,reason")
    bad = CliRunner().invoke(app, ["reports", "ar-aging", "--by", "zip"])
    assert bad.exit_code != 0


def test_aging_totals_are_the_net_balances_credits_included(world, client_for):
    """A patient who owes on a visit but holds a larger credit shows the credit in the
    aging, and every total equals the balance the ledger gives."""
    from medbill.core.money import Money
    from medbill.web.billing.models import Entry
    from medbill.web.billing.services import balance_of, balances_of, post_payment

    site = world.a
    site.secondary.delete()
    post(site, world.users["biller"])
    owed = balance_of(site.patient, Entry.Responsibility.PATIENT)
    assert owed > Money(0)
    # Paid on the report's day: the aging as of that day counts it.
    post_payment(world.users["biller"], site.patient, str(owed.amount + 943), effective_date=AS_OF)
    net = balance_of(site.patient, Entry.Responsibility.PATIENT)
    assert net == Money("-943.00")

    by_patient = reports.ar_aging(site.practice, "patient", AS_OF)
    (row, total) = by_patient.rows
    assert Money(row[-2]) < Money(0)  # the credit, in its own column
    assert sum((Money(c) for c in row[1:-1]), Money(0)) == Money(row[-1])
    assert Money(row[-1]) == net and Money(total[-1]) == net

    by_payer = reports.ar_aging(site.practice, "payer", AS_OF)
    owed_by_payers = sum(balances_of(site.practice, Entry.Responsibility.PAYER).values(), Money(0))
    assert Money(by_payer.rows[-1][-1]) == owed_by_payers

    page = client_for(world.users["biller"]).get("/reports/", {"as_of": "2026-04-20"})
    html = page.content.decode()
    patients = html.split('id="ar-patient"')[1].split("</section>")[0]
    assert "<th>credits</th>" in patients and "credits" in patients.split("aging-note")[1]
    assert ">-$943.00</td>" in patients  # the page shows dollars, the CSV plain numbers
    csv_text = client_for(world.users["biller"]).get("/reports/?csv=ar-patient").content.decode()
    assert "$" not in csv_text and "-943.00" in csv_text


def test_first_pass_counts_each_claims_first_answer(world):
    """A claim the payer denied and then paid (a corrected claim) was not paid on its first
    remittance; the denied answer counts, once, however many answers follow."""
    from medbill.web.billing.remittance_models import RemittanceClaim

    site = world.a
    test_denials_and_kpis(world)  # the claim's first answer: denied
    post(site, world.users["biller"], trace_number="PAID-LATER")
    assert RemittanceClaim.objects.filter(claim=site.claim).count() == 2
    k = {r[0]: r for r in reports.kpis(site.practice, AS_OF).rows}
    assert k["first-pass rate %"][1] == "0.0"
    assert k["first-pass rate %"][2].startswith("0 of 1 ")


def test_first_pass_of_a_claim_paid_at_once(world):
    site = world.a
    post(site, world.users["biller"])
    k = {r[0]: r for r in reports.kpis(site.practice, AS_OF).rows}
    assert k["first-pass rate %"][1] == "100.0"
    assert k["first-pass rate %"][2].startswith("1 of 1 ")


def test_aging_writes_cents_as_money_does():
    from medbill.core.money import Money

    for cents in (-123456, -1205, -5, 0, 5, 99, 100, 123456789):
        assert reports._text(cents) == str(Money.from_cents(cents))


def test_key_numbers_show_amounts_as_money_and_rates_as_numbers(world, client_for):
    site = world.a
    post(site, world.users["biller"])
    table = reports.kpis(site.practice, AS_OF)
    total_ar = {r[0]: r[1] for r in table.rows}["total A/R"]
    html = client_for(world.users["biller"]).get("/reports/", {"as_of": "2026-04-20"})
    kpis = html.content.decode().split('id="kpis"')[1].split("</section>")[0]
    shown = f"${Decimal(total_ar):,.2f}"
    assert f">{shown}</td>" in kpis  # an amount: dollars and thousands
    assert "total A/R" in kpis and ">$" not in kpis.split("days in A/R")[1].split("</tr>")[0]
    csv_text = client_for(world.users["biller"]).get("/reports/?csv=kpis").content.decode()
    assert "$" not in csv_text and total_ar in csv_text
