"""Demo stage ``coding``: the waiting visits coded from the suggestions, some reviewed."""

from __future__ import annotations

import datetime
import json

import pytest
from coding_support import new_visit

from medbill.web.coding.demo import coding_stage
from medbill.web.coding.models import CodingPolicy, CodingReview
from medbill.web.demo.stages import STAGES, StageContext
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.models import Membership

pytestmark = pytest.mark.django_db


def test_it_works(world, tmp_path):
    for role in ("coder", "manager"):
        Membership.objects.create(user=world.users[role], practice=world.b.practice, role=role)
    CodingPolicy.objects.create(practice=world.a.practice, review_percent=0, new_coder_visits=1)
    first = new_visit(world.a, day=5)
    second = new_visit(world.a, day=6)
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    rows = coding_stage(ctx)
    for visit in (first, second):
        visit.refresh_from_db()
    # the new coder's first visit goes to review (and the manager agrees), the next is coded
    assert first.status == Visit.Status.CODED and second.status == Visit.Status.CODED
    review = CodingReview.objects.get(visit=first)
    assert review.status == "agreed" and review.reasons == ["new coder (visit 1 of the first 1)"]
    assert "E119" in [d.code for d in second.diagnoses.all()]
    # the fixture's visits have no note: the provider is asked instead
    assert world.a.visit.queries.count() == 1 and world.b.visit.queries.count() == 1
    report = json.loads((tmp_path / "coding" / "decisions.json").read_text())
    assert {r["visit"]: r["outcome"] for r in report}[first.pk] == "review"
    assert [r.item for r in rows] == [
        "CVFP visits coded",
        "CVFP second reviews",
        "LKCD visits coded",
        "LKCD second reviews",
        "decisions",
    ]


def test_the_stage_is_listed():
    assert "coding" in [name for name, _ in STAGES]
