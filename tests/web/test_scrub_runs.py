"""Scrub all: every draft claim through the edits as one run, with progress and result."""

from __future__ import annotations

import pytest

from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.billing.remittance_models import ScrubRun
from medbill.web.billing.scrub_runs import perform_scrub_run


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def draft_like(site, number, pointers=(1,)):
    """Another draft claim of the site's visit; a pointer to no diagnosis is an error."""
    claim = Claim.objects.create(
        practice=site.practice,
        visit=site.visit,
        patient=site.patient,
        coverage=site.coverage,
        payer=site.payer,
        patient_control_number=f"{site.practice.short_code}-{number}",
        diagnoses=["J020"],
    )
    ClaimLine.objects.create(
        practice=site.practice,
        claim=claim,
        line_number=1,
        code="99213",
        charge="130.00",
        dx_pointers=list(pointers),
        date_of_service=site.visit.date_of_service,
    )
    return claim


class TestScrubAll:
    def test_it_scrubs_the_drafts_and_shows_what_to_fix(self, world, client_for, commits):
        a = world.a
        clean, broken = a.claim, draft_like(a, "000777", pointers=(3,))
        client = client_for(world.users["biller"])
        listing = client.get("/claims/?status=draft").content.decode()
        assert "data-progress-disable>Scrub all 2 draft claims</button>" in listing
        with commits(execute=True):  # the task runs once the run's row is committed
            resp = client.post("/claims/scrub-all/")
        run = ScrubRun.objects.get()
        assert resp.status_code == 302 and resp.url == f"/claims/scrub-runs/{run.pk}/"
        assert run.status == "done" and (run.total, run.done) == (2, 2)
        assert run.ready == [clean.pk] and [c for c, _ in run.with_errors] == [broken.pk]
        assert Claim.objects.get(pk=clean.pk).status == "scrubbed"
        assert Claim.objects.get(pk=broken.pk).status == "draft"

        page = client.get(resp.url).content.decode()
        assert "1</strong> claim ready to send, <strong>1</strong> with errors" in page
        errors = page.split("scrub-errors")[1].split("scrub-ready")[0]
        assert "CVFP-000777" in errors and "points to diagnosis 3; the claim has 1" in errors
        assert "CVFP-000102" in page.split("scrub-ready")[1]
        assert client.get(f"/claims/scrub-runs/{run.pk}/status.json").json()["percent"] == 100
        after = client.get("/claims/?status=draft").content.decode()
        assert "Scrub all 1 draft claim</button>" in after

    def test_progress_counts_each_claim(self, world, monkeypatch):
        a = world.a
        ids = [a.claim.pk, draft_like(a, "000778").pk, draft_like(a, "000779").pk]
        seen: list[tuple[str, int]] = []
        step = ScrubRun.step

        def watch(run, done):
            step(run, done)
            stored = ScrubRun.objects.get(pk=run.pk)  # what the page's poll reads
            seen.append((stored.status, stored.done))

        monkeypatch.setattr(ScrubRun, "step", watch)
        run = ScrubRun.objects.create(
            practice=a.practice, created_by=world.users["biller"], total=3
        )
        perform_scrub_run(run.pk, ids)
        assert seen == [("running", 1), ("running", 2), ("running", 3)]
        run.refresh_from_db()
        assert run.status == "done" and sorted(run.ready) == sorted(ids)

    def test_no_draft_says_so(self, world, client_for):
        a = world.a
        a.claim.status = "scrubbed"
        a.claim.save()
        client = client_for(world.users["biller"])
        assert (
            "data-progress-disable disabled>Scrub all 0 draft claims"
            in client.get("/claims/").content.decode()
        )
        resp = client.post("/claims/scrub-all/", follow=True)
        assert "no draft claim waits to be scrubbed" in resp.content.decode()
        assert not ScrubRun.objects.exists()

    def test_refused_roles_and_other_practices(self, world, client_for):
        for role in ("coder", "front_desk", "auditor"):
            client = client_for(world.users[role])
            assert client.post("/claims/scrub-all/").status_code == 403
            assert 'action="/claims/scrub-all/"' not in client.get("/claims/").content.decode()
        assert not ScrubRun.objects.exists()
        client_for(world.users["biller"]).post("/claims/scrub-all/")
        run = ScrubRun.objects.get()
        outsider = client_for(world.outsider)
        assert outsider.get(f"/claims/scrub-runs/{run.pk}/").status_code == 404
        assert outsider.get(f"/claims/scrub-runs/{run.pk}/status.json").status_code == 404
        # The outsider's practice scrubs its own draft only.
        assert outsider.post("/claims/scrub-all/").status_code == 302
        assert set(ScrubRun.objects.values_list("practice_id", flat=True)) == {
            world.a.practice.pk,
            world.b.practice.pk,
        }
