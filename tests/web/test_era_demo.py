"""Demo stage ``era``: the simulator's 835 for the demo's 837P files is posted; A/R shown."""

from __future__ import annotations

import datetime

from medbill.web.billing.era_demo import era_stage
from medbill.web.billing.models import Entry
from medbill.web.claims_out.demo import batch_stage
from medbill.web.demo.stages import STAGES, StageContext


def test_claims_out_payment_in(world, tmp_path):
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    batch_stage(ctx)
    rows = era_stage(ctx)
    posted = [r for r in rows if r.stage == "era"]
    assert len(posted) == 2 and all("posted" in r.detail for r in posted)
    assert Entry.objects.filter(source="era", kind="payment").count() == 2
    assert (tmp_path / "era" / "ar-aging-cvfp.csv").read_text().startswith("payer,0-30")
    assert any(r.item.endswith("key numbers") for r in rows)
    # A second run finds the same files already imported and posts nothing more.
    count = Entry.objects.count()
    era_stage(ctx)
    assert Entry.objects.count() == count


def test_the_stage_runs_after_the_837p_files():
    names = [name for name, _ in STAGES]
    assert ("era", "medbill.web.billing.era_demo:era_stage") in STAGES
    assert names.index("837p") < names.index("era")
