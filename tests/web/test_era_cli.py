"""``medbill era import``: preview, post, and a second import that posts nothing."""

from __future__ import annotations

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Entry


def test_it_previews_posts_and_refuses_a_second_posting(world, tmp_path):
    site = world.a
    path = tmp_path / "pay.835"
    path.write_bytes(write_835(simulate([claim_document(site.claim)], seed=4).remittances))
    runner = CliRunner()
    preview = runner.invoke(app, ["era", "import", str(path), "--practice", "CVFP"])
    assert preview.exit_code == 0, preview.output
    assert "PREVIEW" in preview.output and "nothing was posted" in preview.output
    assert not Entry.objects.filter(source="era").exists()
    posted = runner.invoke(app, ["era", "import", str(path), "--post", "--practice", "CVFP"])
    assert posted.exit_code == 0, posted.output
    assert "POSTED" in posted.output and site.claim.patient_control_number in posted.output
    count = Entry.objects.count()
    again = runner.invoke(app, ["era", "import", str(path), "--post", "--practice", "CVFP"])
    assert "already imported" in again.output and Entry.objects.count() == count
    bad = runner.invoke(app, ["era", "import", str(path), "--practice", "NOPE"])
    assert bad.exit_code == 2 and "short code" in bad.output
    junk = tmp_path / "junk.835"
    junk.write_text("hello")
    failed = runner.invoke(app, ["era", "import", str(junk), "--practice", "CVFP"])
    assert failed.exit_code == 1 and "not a readable 835" in failed.output
