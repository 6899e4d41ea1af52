"""Send batch: scrubbed claims to the clearinghouse as a run, with progress and result."""

from __future__ import annotations

import pytest
from test_claims_out import connect, scrubbed
from test_scrub_runs import draft_like

from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import Submission, SubmissionRun
from medbill.web.claims_out.submit_runs import perform_submit_run


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


class TestSendBatch:
    def test_it_sends_and_shows_the_files(self, world, client_for, commits, tmp_path):
        a = world.a
        connect(a, tmp_path)
        claim = scrubbed(a.claim)
        client = client_for(world.users["biller"])
        queue = client.get("/claims-out/").content.decode()
        assert "data-progress-form" in queue and "data-progress-disable>Send as 837P" in queue
        with commits(execute=True):  # the task runs once the run's row is committed
            resp = client.post(
                "/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"}
            )
        run = SubmissionRun.objects.get()
        assert resp.status_code == 302 and resp.url == f"/claims-out/submit/runs/{run.pk}/"
        sub = Submission.objects.get()
        assert run.status == "done" and (run.total, run.done) == (1, 1)
        assert run.submissions == [sub.pk] and run.created_by == world.users["biller"]
        assert Claim.objects.get(pk=claim.pk).status == "submitted"
        page = client.get(resp.url).content.decode()
        assert "1</strong> file written for <strong>1</strong> claim." in page
        assert sub.file_name in page and "$130.00" in page and "Sent" in page
        assert client.get(f"/claims-out/submit/runs/{run.pk}/status.json").json()["percent"] == 100

    def test_progress_counts_claims_file_by_file(self, world, tmp_path, monkeypatch):
        a = world.a
        row = connect(a, tmp_path)
        row.settings = {**row.settings, "max_claims": 1}  # one claim per file
        row.save()
        ids = [scrubbed(a.claim).pk, scrubbed(draft_like(a, "000780")).pk]
        seen: list[tuple[str, int]] = []
        step = SubmissionRun.step

        def watch(run, done):
            step(run, done)
            stored = SubmissionRun.objects.get(pk=run.pk)  # what the page's poll reads
            seen.append((stored.status, stored.done))

        monkeypatch.setattr(SubmissionRun, "step", watch)
        run = SubmissionRun.objects.create(
            practice=a.practice,
            created_by=world.users["biller"],
            total=2,
            connection="prairie",
            claims=ids,
        )
        perform_submit_run(run.pk)
        assert seen == [("running", 1), ("running", 2)]
        run.refresh_from_db()
        assert run.status == "done" and len(run.submissions) == 2

    def test_a_file_that_cannot_be_delivered_is_said_in_words(
        self, world, client_for, commits, tmp_path
    ):
        a = world.a
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("a file where the outbox folder should be")
        connect(a, blocked)
        claim = scrubbed(a.claim)
        client = client_for(world.users["biller"])
        with commits(execute=True):
            resp = client.post(
                "/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"}
            )
        page = client.get(resp.url).content.decode()
        assert "Its claims are back in the queue." in page
        assert Claim.objects.get(pk=claim.pk).status == "scrubbed"

    def test_a_claim_sent_meanwhile_fails_the_run_in_words(self, world, tmp_path):
        a = world.a
        connect(a, tmp_path)
        run = SubmissionRun.objects.create(
            practice=a.practice,
            created_by=world.users["biller"],
            total=1,
            connection="prairie",
            claims=[a.claim.pk],
        )
        perform_submit_run(run.pk)  # the claim is a draft: nothing waits to be sent
        run.refresh_from_db()
        assert run.status == "failed" and "none of these claims is waiting" in run.error
        assert not Submission.objects.exists()

    def test_an_unknown_connection_is_refused_before_a_run_starts(self, world, client_for):
        claim = scrubbed(world.a.claim)
        resp = client_for(world.users["biller"]).post(
            "/claims-out/submit/", {"claim": [claim.pk], "connection": "nowhere"}, follow=True
        )
        assert (
            "no active clearinghouse connection named &#x27;nowhere&#x27;" in resp.content.decode()
        )
        assert not SubmissionRun.objects.exists()

    def test_refused_roles_and_other_practices(self, world, client_for, tmp_path):
        connect(world.a, tmp_path)
        claim = scrubbed(world.a.claim)
        for role in ("front_desk", "coder", "auditor"):
            client = client_for(world.users[role])
            assert (
                client.post(
                    "/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"}
                ).status_code
                == 403
            )
        assert not SubmissionRun.objects.exists()
        client_for(world.users["biller"]).post(
            "/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"}
        )
        run = SubmissionRun.objects.get()
        outsider = client_for(world.outsider)
        assert outsider.get(f"/claims-out/submit/runs/{run.pk}/").status_code == 404
        assert outsider.get(f"/claims-out/submit/runs/{run.pk}/status.json").status_code == 404


def test_a_large_batch_is_not_refused_for_its_number_of_fields(
    world, client_for, tmp_path, django_capture_on_commit_callbacks
):
    connect(world.a, tmp_path)
    claim = scrubbed(world.a.claim)
    # The queue lists every scrubbed claim with its checkbox: a big day sends thousands.
    ids = [claim.pk, *range(10**6, 10**6 + 1500)]
    with django_capture_on_commit_callbacks(execute=True):
        resp = client_for(world.users["biller"]).post(
            "/claims-out/submit/", {"claim": ids, "connection": "prairie"}
        )
    assert resp.status_code == 302
    assert SubmissionRun.objects.get().claims == [claim.pk]  # others' or unknown ids drop
