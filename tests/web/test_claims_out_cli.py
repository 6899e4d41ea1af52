"""``medbill claims build``, ``medbill claims submit`` and ``medbill acks import``."""

from __future__ import annotations

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import ClaimWorkItem, ClearinghouseConnection, Submission
from medbill.web.frontdesk.models import Visit
from shared_data import shared_path
from x12_pyx12 import pyx12_errors

runner = CliRunner()


def test_build_submit_and_import(world, tmp_path):
    a = world.a
    a.visit.claims.all().delete()
    a.visit.status = Visit.Status.CODED
    a.visit.save()
    result = runner.invoke(app, ["claims", "build", "--practice", "CVFP"])
    assert result.exit_code == 0, result.output
    assert "1 claim(s) built" in result.output
    claim = Claim.objects.get(visit=a.visit)
    claim.status = "scrubbed"
    claim.save()
    ClearinghouseConnection.objects.create(
        practice=a.practice,
        name="prairie",
        settings={
            "sender_id": "CVFP01",
            "receiver_id": "PRAIRIE",
            "submitter_name": "Cedar Valley",
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "transport": "folder",
            "folder": str(tmp_path / "out"),
        },
    )
    result = runner.invoke(
        app, ["claims", "submit", "--connection", "prairie", "--practice", "CVFP"]
    )
    assert result.exit_code == 0, result.output
    sub = Submission.objects.get()
    assert f"sent: {sub.file_name} (1 claims" in result.output
    assert pyx12_errors((tmp_path / "out" / sub.file_name).read_bytes()) == []
    claim.refresh_from_db()
    assert claim.status == "submitted"

    # A 277CA from the shared samples names claims we never sent: imported, nothing moves.
    sample = shared_path("x12/277ca") / "imsweb__x12_277CA_rejected.txt"
    result = runner.invoke(app, ["acks", "import", str(sample), "--practice", "CVFP"])
    assert result.exit_code == 0, result.output
    assert "0 accepted, 0 rejected, 1 not ours" in result.output
    again = runner.invoke(app, ["acks", "import", str(sample), "--practice", "CVFP"])
    assert "already imported" in again.output
    assert ClaimWorkItem.objects.count() == 0


def test_acks_import_of_a_file_that_is_not_x12(world, tmp_path):
    bad = tmp_path / "note.txt"
    bad.write_text("not an acknowledgement")
    result = runner.invoke(app, ["acks", "import", str(bad), "--practice", "CVFP"])
    assert result.exit_code == 1
    assert "not an X12 acknowledgement" in result.output
