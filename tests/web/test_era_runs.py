"""The 835 import of the remittances page as a run: recorded, counted, its result in words."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from test_era_pages import denied_bytes, era_bytes

from medbill.web.billing.era_runs import perform_era_run
from medbill.web.billing.remittance_models import EraImportRun, Remittance


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def start(client, commits, data, name="pay.835", **fields):
    with commits(execute=True):  # the task runs once the run's row is committed
        return client.post(
            "/remittances/import/", {"file": SimpleUploadedFile(name, data), "post": "1", **fields}
        )


class TestEraImportRun:
    def test_it_imports_and_shows_what_was_posted_and_denied(self, world, client_for, commits):
        client = client_for(world.users["biller"])
        listing = client.get("/remittances/").content.decode()
        assert "data-progress-form" in listing and "data-progress-disable>Import" in listing
        resp = start(client, commits, denied_bytes(world.a), "denied.835")
        run = EraImportRun.objects.get()
        assert resp.status_code == 302 and resp.url == f"/remittances/imports/{run.pk}/"
        rem = Remittance.objects.get()
        assert run.status == "done" and (run.total, run.done) == (1, 1)
        assert run.file_id == rem.file_id and run.created_by == world.users["biller"]
        page = client.get(resp.url).content.decode()
        assert 'data-progress-running="false"' in page
        assert (
            "$0.00 paid: <strong>0</strong> claims posted,\n    <strong>1</strong> denial," in page
        )
        assert world.a.claim.patient_control_number in page.split("era-denied")[1]
        assert "authorization" in page  # CARC 197 in words
        assert f'href="/remittances/{rem.pk}/"' in page
        status = client.get(f"/remittances/imports/{run.pk}/status.json").json()
        assert status["status"] == "done" and status["percent"] == 100

    def test_a_preview_says_what_would_be_posted(self, world, client_for, commits):
        client = client_for(world.users["biller"])
        with commits(execute=True):
            resp = client.post(
                "/remittances/import/", {"file": SimpleUploadedFile("pay.835", era_bytes(world.a))}
            )
        run = EraImportRun.objects.get()
        assert not run.post and not Remittance.objects.exists()
        page = client.get(resp.url).content.decode()
        assert "<strong>1</strong> claim would be posted," in page
        assert "claim posted," not in page

    def test_the_same_file_again_posts_nothing_and_says_so(self, world, client_for, commits):
        client = client_for(world.users["biller"])
        start(client, commits, era_bytes(world.a))
        again = start(client, commits, era_bytes(world.a))
        page = client.get(again.url).content.decode()
        assert "pay.835 was imported before; nothing was posted." in page
        assert Remittance.objects.count() == 1

    def test_a_file_that_is_not_an_835_fails_in_words(self, world, client_for, commits):
        client = client_for(world.users["biller"])
        resp = start(client, commits, b"ISA*this is not an 835~", "junk.835")
        run = EraImportRun.objects.get()
        assert run.status == "failed" and run.error.startswith("File: junk.835: not a readable")
        page = client.get(resp.url).content.decode()
        assert '<p class="error">File: junk.835: not a readable 835' in page
        assert not Remittance.objects.exists()

    def test_the_count_of_claim_payments_is_known_before_the_posting(self, world, monkeypatch):
        from medbill.web.billing import era

        seen: list[tuple[str, int, int]] = []
        post = era._import_set

        def watch(*args, **kwargs):
            stored = EraImportRun.objects.get()  # what the page's poll reads meanwhile
            seen.append((stored.status, stored.total, stored.done))
            return post(*args, **kwargs)

        monkeypatch.setattr(era, "_import_set", watch)
        run = EraImportRun.objects.create(
            practice=world.a.practice, name="pay.835", created_by=world.users["biller"]
        )
        perform_era_run(run.pk, era_bytes(world.a))
        assert seen == [("running", 1, 0)]
        run.refresh_from_db()
        assert (run.status, run.total, run.done) == ("done", 1, 1)

    def test_refused_roles_and_other_practices(self, world, client_for, commits):
        for role in ("front_desk", "coder", "auditor"):
            client = client_for(world.users[role])
            assert start(client, commits, era_bytes(world.a)).status_code == 403
        assert not EraImportRun.objects.exists()
        start(client_for(world.users["biller"]), commits, era_bytes(world.a))
        run = EraImportRun.objects.get()
        outsider = client_for(world.outsider)
        assert outsider.get(f"/remittances/imports/{run.pk}/").status_code == 404
        assert outsider.get(f"/remittances/imports/{run.pk}/status.json").status_code == 404


def test_a_claim_with_several_denied_lines_is_listed_once_with_each_reason_once():
    from types import SimpleNamespace

    from medbill.web.billing.era_runs import _denied_claims

    s = SimpleNamespace(
        denied=[
            ("CLM1", "197 precertification absent"),
            ("CLM1", "197 precertification absent; 16 missing information"),
            ("CLM2", "50 not medically necessary"),
        ]
    )
    assert _denied_claims(s) == [
        ["CLM1", "197 precertification absent; 16 missing information"],
        ["CLM2", "50 not medically necessary"],
    ]


def test_a_payment_dated_ahead_says_when_it_settles(world):
    import datetime
    from dataclasses import replace

    from django.utils import timezone
    from test_era_pages import era_bytes

    from medbill.core.x12.m835 import read_835, write_835
    from medbill.web.billing import era

    (rem,) = read_835(era_bytes(world.a))
    ahead = timezone.localdate() + datetime.timedelta(days=3)
    data = write_835([replace(rem, payment_date=ahead)])
    result = era.import_era(world.users["biller"], world.a.practice, data, "ahead.835")
    (s,) = result.sets
    assert s.status == "posted"
    assert any("3 days from today" in w for w in s.warnings)
