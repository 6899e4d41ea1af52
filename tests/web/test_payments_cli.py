"""``medbill payments post``: a mailed check posts to the patient's balance with a receipt."""

from __future__ import annotations

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.billing.models import Entry


def test_mailed_check_with_receipt(world, tmp_path):
    site = world.a
    receipt = tmp_path / "r.pdf"
    run = CliRunner().invoke(
        app,
        [
            "payments",
            "post",
            site.patient.account_number,
            "25.00",
            "--method",
            "check",
            "--reference",
            "1042",
            "--practice",
            "CVFP",
            "--receipt",
            str(receipt),
        ],
    )
    assert run.exit_code == 0, run.output
    entry = Entry.objects.get(patient=site.patient, kind="payment")
    assert str(entry.amount) == "-25.00" and entry.source == "mail" and entry.reference == "1042"
    assert receipt.read_bytes()[:5] == b"%PDF-"


def test_refusals(world):
    runner = CliRunner()
    account = world.a.patient.account_number
    no_check = runner.invoke(app, ["payments", "post", account, "5", "--practice", "CVFP"])
    assert no_check.exit_code == 2 and "check number" in no_check.output
    card = runner.invoke(
        app,
        [
            "payments",
            "post",
            account,
            "5",
            "--method",
            "card",
            "--reference",
            "4111111111111111",
            "--practice",
            "CVFP",
        ],
    )
    assert card.exit_code == 2 and "last four" in card.output
    zero = runner.invoke(
        app, ["payments", "post", account, "0", "--method", "cash", "--practice", "CVFP"]
    )
    assert zero.exit_code == 2 and "more than zero" in zero.output
    nobody = runner.invoke(app, ["payments", "post", "NOPE", "5", "--practice", "CVFP"])
    assert nobody.exit_code == 2 and "no patient with account number 'NOPE'" in nobody.output
    # another practice's patient is not found either
    elsewhere = runner.invoke(
        app,
        [
            "payments",
            "post",
            world.b.patient.account_number,
            "5",
            "--method",
            "cash",
            "--practice",
            "CVFP",
        ],
    )
    assert elsewhere.exit_code == 2 and "no patient with account number" in elsewhere.output
    assert not Entry.objects.filter(kind="payment").exists()
