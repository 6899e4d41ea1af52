"""The build-claims page: preview of ready and held visits, the build as a run, its progress."""

from __future__ import annotations

import pytest
from test_claims_out import coded_visit

from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import ClaimBuildRun
from medbill.web.claims_out.services import build_claims
from medbill.web.frontdesk.models import Visit


def held_visit(site):
    """A coded visit with no service lines: it must be held with that reason."""
    visit = coded_visit(site, day=5)
    visit.service_lines.all().delete()
    return visit


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


class TestBuildClaimsPage:
    def test_it_previews_builds_and_shows_the_result(self, world, client_for, commits):
        a = world.a
        ready, held = coded_visit(a), held_visit(a)
        client = client_for(world.users["biller"])
        page = client.get("/claims-out/build/").content.decode()
        assert "1</strong> coded visit will become" in page
        assert f'href="/visits/{ready.pk}/"' in page.split("build-held")[0].split("build-ready")[1]
        held_rows = page.split("build-held")[1].split("build-runs")[0]
        assert f'href="/visits/{held.pk}/"' in held_rows
        assert "the visit has no service lines" in held_rows
        assert a.payer.name in page
        assert Claim.objects.filter(visit=ready).count() == 0  # a preview builds nothing

        with commits(execute=True):  # the task is sent once the run row is committed
            resp = client.post("/claims-out/build/start/")
        run = ClaimBuildRun.objects.get()
        assert resp.status_code == 302 and resp.url == f"/claims-out/build/runs/{run.pk}/"
        # only the ready visit is built; the held one is on the run with its reason
        assert run.status == "done" and run.total == 1 and run.done == 1
        assert list(run.held) == [str(held.pk)]
        claim = Claim.objects.get(visit=ready)
        assert run.built == [claim.pk] and run.created_by == world.users["biller"]
        assert Visit.objects.get(pk=ready.pk).status == Visit.Status.BILLED

        shown = client.get(resp.url).content.decode()
        assert claim.patient_control_number in shown
        assert 'data-progress-running="false"' in shown
        assert "1</strong> claim built" in shown and "1</strong> visit held" in shown
        assert "the visit has no service lines" in shown
        status = client.get(f"/claims-out/build/runs/{run.pk}/status.json").json()
        assert status == {
            "id": run.pk,
            "status": "done",
            "label": "Finished",
            "total": 1,
            "done": 1,
            "percent": 100,
            "running": False,
            "error": "",
        }
        assert "No coded visit is ready." in client.get("/claims-out/build/").content.decode()

    def test_a_visit_held_at_build_time_is_listed_with_its_reason(self, world, client_for):
        a = world.a
        visit = coded_visit(a)
        client = client_for(world.users["biller"])
        # The preview saw the visit ready; its codes were taken away before the worker ran.
        from medbill.web.claims_out.build_runs import perform_build_run

        run = ClaimBuildRun.objects.create(
            practice=a.practice, created_by=world.users["biller"], total=1
        )
        visit.diagnoses.all().delete()
        perform_build_run(run.pk, [visit.pk])
        run.refresh_from_db()
        assert run.status == "done" and run.built == []
        assert run.held == {str(visit.pk): "the visit has no diagnoses"}
        page = client.get(f"/claims-out/build/runs/{run.pk}/").content.decode()
        assert "the visit has no diagnoses" in page and "0</strong> claims built" in page

    def test_nothing_ready_says_so(self, world, client_for):
        client = client_for(world.users["biller"])
        page = client.get("/claims-out/build/").content.decode()
        assert "data-progress-disable disabled>Build 0 claims</button>" in page
        resp = client.post("/claims-out/build/start/", follow=True)
        assert "no coded visit is ready to become a claim" in resp.content.decode()
        assert not ClaimBuildRun.objects.exists()

    def test_progress_is_counted_per_chunk_of_visits(self, world):
        a = world.a
        visits = [coded_visit(a, day=d).pk for d in (4, 5, 6)]
        seen: list[int] = []
        result = build_claims(
            world.users["biller"], a.practice, visits, progress=seen.append, chunk=2
        )
        assert seen == [2, 3] and len(result.created) == 3

    def test_roles_and_tenancy(self, world, client_for):
        coded_visit(world.a)
        for role in ("coder", "front_desk", "auditor"):
            client = client_for(world.users[role])
            assert client.get("/claims-out/build/").status_code == 403
            assert client.post("/claims-out/build/start/").status_code == 403
            assert "Build claims" not in client.get("/").content.decode()
        assert not ClaimBuildRun.objects.exists()
        biller = client_for(world.users["biller"])
        assert "/claims-out/build/" in biller.get("/").content.decode()
        biller.post("/claims-out/build/start/")
        run = ClaimBuildRun.objects.get()
        outsider = client_for(world.outsider)
        assert outsider.get(f"/claims-out/build/runs/{run.pk}/").status_code == 404
        assert outsider.get(f"/claims-out/build/runs/{run.pk}/status.json").status_code == 404
        # The outsider's own practice has no coded visit: nothing of A is built for B.
        assert outsider.post("/claims-out/build/start/").status_code in (302, 403)
        assert ClaimBuildRun.objects.count() == 1


def test_a_long_preview_lists_the_first_visits_and_counts_them_all(world, client_for, monkeypatch):
    from medbill.web.claims_out import build_views

    monkeypatch.setattr(build_views, "SHOWN", 2)
    for day in (4, 5, 6):
        coded_visit(world.a, day=day)
    page = client_for(world.users["biller"]).get("/claims-out/build/").content.decode()
    ready = page.split("build-ready")[1].split("build-held")[0]
    assert "3</strong> coded visits will become" in page
    assert ready.count('href="/visits/') == 2 and "… and 1 more." in ready
