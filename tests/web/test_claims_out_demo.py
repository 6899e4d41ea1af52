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
    assert sorted(claims) == sorted(
        [world.a.claim.patient_control_number, world.b.claim.patient_control_number]
    )
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


def test_the_demo_never_sends_a_claim_before_its_date_of_service(world, tmp_path):
    from django.utils import timezone

    from medbill.core.x12 import read_837p as read

    late = coded_visit(world.a, day=13)  # a Friday, after the start's Monday week
    build_stage(context(tmp_path))
    Claim.objects.filter(visit=late).update(status="scrubbed")
    batch_stage(context(tmp_path))
    sub = Submission.objects.get()
    sent_on = timezone.localtime(sub.created_at).date()
    (claim,) = sub.claims.all()
    assert timezone.localtime(claim.created_at).date() == sent_on  # built that day too
    assert claim.visit.date_of_service == datetime.date(2026, 3, 13)
    assert sent_on == datetime.date(2026, 3, 16)  # the next weekday, at noon
    (read_back,) = read(sub.content.encode("ascii"))
    assert read_back.claim.date_of_service <= sent_on


def test_the_demo_clock_is_the_monday_after_the_billed_week():
    from medbill.web.claims_out.demo import ctx_now

    ctx = StageContext(out=None, seed=1, start=datetime.date(2026, 11, 9))
    assert ctx_now(ctx) == datetime.datetime(2026, 11, 16, 12, 0)
    assert ctx_now(ctx, [datetime.date(2026, 11, 13)]) == datetime.datetime(2026, 11, 16, 12)
    assert ctx_now(ctx, [datetime.date(2026, 11, 20)]) == datetime.datetime(2026, 11, 23, 12)
