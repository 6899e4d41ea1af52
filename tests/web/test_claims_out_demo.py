"""Demo stage ``837p``: batches of the demo practices' claims, valid by pyx12."""

from __future__ import annotations

import datetime

from medbill.core.x12 import read_837p
from medbill.web.claims_out.demo import batch_stage
from medbill.web.demo.stages import STAGES, StageContext


def test_it_writes_valid_batches(world, tmp_path):
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    rows = batch_stage(ctx)
    files = sorted((tmp_path / "837p").iterdir())
    assert len(files) == 2  # one practice each, one route each
    for row in rows:
        assert "pyx12 errors 0" in row.detail and row.count == 1
    claims = [r.claim.claim_id for f in files for r in read_837p(f.read_bytes())]
    assert sorted(claims) == sorted([world.a.claim.patient_control_number,
                                     world.b.claim.patient_control_number])


def test_the_stage_is_registered():
    assert ("837p", "medbill.web.claims_out.demo:batch_stage") in STAGES
