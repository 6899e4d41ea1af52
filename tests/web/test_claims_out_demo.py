"""Demo stages ``claims`` and ``837p``: claims from coded visits, batches valid by pyx12."""

from __future__ import annotations

import datetime

from test_claims_out import coded_visit

from medbill.core.x12 import read_837p
from medbill.web.billing.models import Claim
from medbill.web.claims_out.demo import batch_stage, build_stage
from medbill.web.claims_out.models import Submission
from medbill.web.demo.stages import STAGES, StageContext


def context(tmp_path):
    return StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))


def test_draft_claims_are_written_as_a_preview(world, tmp_path):
    rows = batch_stage(context(tmp_path))
    files = sorted((tmp_path / "837p").rglob("*.837"))
    assert len(files) == 2  # one per practice
    for row in rows:
        assert "pyx12 errors 0" in row.detail and "preview" in row.item
    claims = [r.claim.claim_id for f in files for r in read_837p(f.read_bytes())]
    assert sorted(claims) == sorted([world.a.claim.patient_control_number,
                                     world.b.claim.patient_control_number])
    assert Submission.objects.count() == 0


def test_built_and_scrubbed_claims_are_sent(world, tmp_path):
    visit = coded_visit(world.a)
    (row_a, row_b) = build_stage(context(tmp_path))
    assert row_a.count == 1 and row_b.count == 0
    claim = Claim.objects.get(visit=visit)
    claim.status = "scrubbed"
    claim.save()
    rows = batch_stage(context(tmp_path))
    sent = [r for r in rows if "(sent)" in r.item]
    assert len(sent) == 1 and "pyx12 errors 0" in sent[0].detail
    sub = Submission.objects.get()
    assert sub.status == "sent" and list(sub.claims.all()) == [claim]
    assert (tmp_path / sent[0].path).read_text() == sub.content


def test_the_stages_are_registered_in_order():
    names = [name for name, _ in STAGES]
    assert ("claims", "medbill.web.claims_out.demo:build_stage") in STAGES
    assert ("837p", "medbill.web.claims_out.demo:batch_stage") in STAGES
    assert names.index("claims") < names.index("837p")
    if "scrub" in names:
        assert names.index("claims") < names.index("scrub") < names.index("837p")
