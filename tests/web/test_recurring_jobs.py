"""Recurring jobs: each does its work once per day or slot, records what it did, and is
shown to managers (only of their practices), who can switch it and run it now."""

from __future__ import annotations

import datetime
import html as html_text
import os
import subprocess
import sys
import time

import pytest
from desk_support import simulator
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from test_claim_status import payer  # noqa: F401  (the payer simulator fixture)
from test_claims_out import connect
from test_era_import import era_for
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.billing.remittance_models import RemittanceFile, StatementRun
from medbill.web.frontdesk.models import EligibilityCheck, Visit
from medbill.web.jobs import recurring
from medbill.web.jobs.models import JobRun, JobSetting, PickedUpFile
from medbill.web.jobs.pickup import kind_of
from medbill.web.jobs.runner import run_job
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def _visit_on(site, day: datetime.date, hour: int = 10) -> Visit:
    when = datetime.datetime.combine(day, datetime.time(hour), tzinfo=site.practice.zone)
    return Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=when,
        reason="Follow-up",
    )


def _noon(day: datetime.date, site) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(19), tzinfo=site.practice.zone)


def test_nightly_eligibility_checks_the_next_days_visits_once(world):
    site = world.a
    today = timezone.localdate()
    tomorrow_visit = _visit_on(site, today + datetime.timedelta(days=1))
    _visit_on(site, today + datetime.timedelta(days=2))  # not tomorrow: left alone
    now = _noon(today, site)
    with simulator(site):
        (run,) = run_job("eligibility", now=now, practices=[site.practice])
        assert run_job("eligibility", now=now, practices=[site.practice]) == []
    # The run is named by the day it checks.
    assert run.status == JobRun.Status.OK
    assert run.key == (today + datetime.timedelta(days=1)).isoformat()
    assert run.summary["visits"] == 1 and run.summary["active"] == 1
    (check,) = EligibilityCheck.objects.filter(practice=site.practice, source="nightly")
    assert check.patient_id == tomorrow_visit.patient_id
    words = recurring.job_named("eligibility").words(run.summary)
    assert words.startswith(f"1 visits on {today + datetime.timedelta(days=1)} checked")


def test_a_failed_run_is_recorded_without_phi_and_tried_again(world, monkeypatch):
    site = world.a
    now = _noon(timezone.localdate(), site)

    def broken(practice, day):
        raise RuntimeError(f"payer refused member {site.coverage.member_id} born 1990-04-02")

    job = recurring.job_named("eligibility")
    monkeypatch.setattr(
        recurring,
        "JOBS",
        tuple(
            j if j.name != "eligibility" else recurring.Job(**{**j.__dict__, "run": broken})
            for j in recurring.JOBS
        ),
    )
    (run,) = run_job("eligibility", now=now, practices=[site.practice])
    assert run.status == JobRun.Status.FAILED
    assert site.coverage.member_id not in run.error and "1990-04-02" not in run.error
    assert "payer refused member" in run.error
    monkeypatch.setattr(
        recurring, "JOBS", tuple(j if j.name != "eligibility" else job for j in recurring.JOBS)
    )
    (again,) = run_job("eligibility", now=now, practices=[site.practice])
    assert again.pk == run.pk and again.status == JobRun.Status.OK and again.attempts == 2


def test_switched_off_practices_are_skipped_by_the_scheduler(world):
    JobSetting.objects.create(job="eligibility", practice=world.a.practice, enabled=False)
    runs = run_job("eligibility", now=_noon(timezone.localdate(), world.a))
    assert [r.practice_id for r in runs] == [world.b.practice.pk]


def test_statements_run_on_the_statement_day_only(world, tmp_path, settings):
    site = world.a
    JobSetting.objects.create(
        job="statements", practice=site.practice, enabled=True, options={"day_of_month": 31}
    )
    assert run_job("statements", now=_noon(datetime.date(2026, 11, 29), site)) == []
    # A month without a 31st runs on its last day.
    (run,) = run_job("statements", now=_noon(datetime.date(2026, 11, 30), site))
    assert run.status == JobRun.Status.OK, run.error
    (statement_run,) = StatementRun.objects.filter(practice=site.practice)
    assert statement_run.created_by is None
    assert statement_run.statement_date == datetime.date(2026, 11, 30)
    assert run.summary["run"] == statement_run.pk
    assert run_job("statements", now=_noon(datetime.date(2026, 11, 30), site)) == []


def test_statements_are_off_until_a_manager_turns_them_on(world):
    assert run_job("statements", now=_noon(datetime.date(2026, 12, 1), world.a)) == []


def test_pick_up_imports_each_new_file_once(world, tmp_path):
    site = world.a
    inbox = tmp_path / "in"
    inbox.mkdir()
    row = connect(site, tmp_path / "out")
    row.settings = {**row.settings, "inbound_folder": str(inbox)}
    row.save()
    (inbox / "payment.835").write_bytes(era_for(site.claim))
    (inbox / ".partial.835").write_bytes(b"ISA*half")  # still being written
    (inbox / "notes.txt").write_text("hello")
    (first,) = run_job("pickup", now=_noon(timezone.localdate(), site), practices=[site.practice])
    assert first.status == JobRun.Status.OK, first.summary
    assert first.summary["files"] == 2 and first.summary["kinds"] == {"835": 1, "unknown": 1}
    assert RemittanceFile.objects.filter(practice=site.practice).count() == 1
    outcomes = dict(PickedUpFile.objects.values_list("name", "outcome"))
    assert outcomes["payment.835"].startswith("835: 1 claims posted")
    assert "left for a person" in outcomes["notes.txt"]
    later = _noon(timezone.localdate(), site) + datetime.timedelta(minutes=30)
    (second,) = run_job("pickup", now=later, practices=[site.practice])
    assert second.summary["files"] == 0
    assert RemittanceFile.objects.filter(practice=site.practice).count() == 1


def test_a_missing_inbound_folder_needs_attention(world, tmp_path):
    site = world.a
    row = connect(site, tmp_path / "out")
    row.settings = {**row.settings, "inbound_folder": str(tmp_path / "nowhere")}
    row.save()
    (run,) = run_job("pickup", now=_noon(timezone.localdate(), site), practices=[site.practice])
    assert run.status == JobRun.Status.ATTENTION
    assert "no such folder" in recurring.job_named("pickup").words(run.summary)


def test_kind_of_reads_the_transaction_set(world):
    assert kind_of(era_for(world.a.claim)) == "835"
    assert kind_of(b"not x12 at all") == "unknown"


def test_code_set_reminder_warns_before_october():
    job = recurring.job_named("codesets")
    fine = job.run(None, datetime.date(2026, 3, 2))
    late = job.run(None, datetime.date(2030, 9, 1))
    assert fine["attention"] == [] and "code sets are current" in job.words(fine)
    assert any("no ICD-10-CM release covers 2030-09-01" in n for n in late["attention"])
    assert any("effective 2030-10-01 is not built" in n for n in late["attention"])


def test_the_beat_schedule_sends_every_job():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(schedule) == {j.name for j in recurring.JOBS}
    for name, entry in schedule.items():
        assert entry["task"] == "jobs.run" and entry["args"] == (name,)
        assert entry["schedule"].is_due(timezone.now() - datetime.timedelta(days=8))[0] in (
            True,
            False,
        )


def test_managers_see_switch_and_run_their_jobs(world, client_for):
    site = world.a
    manager = client_for(world.users["manager"])
    page = manager.get(reverse("list_jobs"))
    assert page.status_code == 200
    html = html_text.unescape(page.content.decode())
    for job in recurring.JOBS:
        assert job.title in html
    response = manager.post(
        reverse("change_job", args=["statements"]),
        {"enabled": "on", "day_of_month": "15"},
        follow=True,
    )
    assert "Statement cycle: on." in response.content.decode()
    setting = JobSetting.objects.get(job="statements", practice=site.practice)
    assert setting.enabled and setting.options == {"day_of_month": 15}
    assert AuditEvent.objects.filter(
        object_type="jobs.JobSetting", user=world.users["manager"]
    ).exists()
    bad = manager.post(
        reverse("change_job", args=["statements"]),
        {"enabled": "on", "day_of_month": "40"},
        follow=True,
    )
    # Sent back to the page (post/redirect/get), so a reload does not post the form again.
    assert bad.redirect_chain == [(reverse("list_jobs"), 302)]
    assert bad.status_code == 200 and bad.request["REQUEST_METHOD"] == "GET"
    bad_html = bad.content.decode()
    assert "Statement cycle: not saved. Enter a day of the month from 1 to 31." in bad_html
    # said beside the field, with what was typed, and nothing saved
    assert (
        'class="field-error" id="statements-day-error">Enter a day of the month from 1 to 31.'
        in bad_html
    )
    assert 'name="day_of_month" inputmode="numeric" size="2" value="40"' in bad_html
    assert JobSetting.objects.get(job="statements", practice=site.practice).options == {
        "day_of_month": 15
    }
    reloaded = manager.get(reverse("list_jobs")).content.decode()
    assert "statements-day-error" not in reloaded and 'size="2" value="15"' in reloaded
    ran = manager.post(reverse("run_job_now", args=["codesets"]), follow=True)
    (run,) = JobRun.objects.filter(job="codesets")
    words = recurring.job_named("codesets").words(run.summary)
    assert words and words in html_text.unescape(ran.content.decode())


def test_run_now_records_the_manager_not_the_system(world, client_for, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    manager = world.users["manager"]
    client_for(manager).post(reverse("run_job_now", args=["statements"]))
    (statement_run,) = StatementRun.objects.filter(practice=world.a.practice)
    assert statement_run.created_by == manager
    (run,) = JobRun.objects.filter(job="statements")
    assert run.status == JobRun.Status.OK, run.error


def test_other_roles_and_practices_do_not_see_the_jobs(world, client_for):
    assert client_for(world.users["front_desk"]).get(reverse("list_jobs")).status_code == 403
    assert (
        client_for(world.users["biller"]).post(reverse("run_job_now", args=["pickup"])).status_code
        == 403
    )
    JobRun.objects.create(
        job="eligibility",
        practice=world.a.practice,
        scope=f"practice-{world.a.practice.pk}",
        key="2026-12-01",
        status="ok",
        started_at=timezone.now(),
        summary={"day": "2026-12-02", "visits": 7, "active": 7},
    )
    html = client_for(world.outsider).get(reverse("list_jobs")).content.decode()
    assert "7 visits on 2026-12-02" not in html


def test_the_command_line_runs_a_job_and_refuses_unknown_ones(world):
    runner = CliRunner()
    result = runner.invoke(app, ["jobs", "run", "codesets"])
    assert result.exit_code == 0, result.output
    assert "codesets all" in result.output
    again = runner.invoke(app, ["jobs", "run", "codesets"])
    assert "nothing to do" in again.output
    unknown = runner.invoke(app, ["jobs", "run", "backflips"])
    assert unknown.exit_code == 2 and "no recurring job 'backflips'" in unknown.output
    listing = runner.invoke(app, ["jobs", "list"])
    assert "Code-set update reminders" in listing.output


def test_the_scheduler_needs_a_broker(world):
    result = CliRunner().invoke(app, ["scheduler"])
    assert result.exit_code == 2 and "CELERY_BROKER_URL is not set" in result.output


def test_the_scheduler_starts_beat_on_a_real_broker(tmp_path):
    url = os.environ.get("MEDBILL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = dict(os.environ, CELERY_BROKER_URL=url, MEDBILL_DEBUG="1", MEDBILL_DATA_DIR=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbill.cli.main", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, seen = time.monotonic() + 120, []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "beat: Starting" in line:
                break
        assert any("beat: Starting" in s for s in seen), "".join(seen)
        # Beat opens its schedule file just after it says it starts: on a busy machine,
        # give it the time to, rather than stopping it first.
        while time.monotonic() < deadline and not _schedule_files(tmp_path):
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert _schedule_files(tmp_path)


def _schedule_files(folder) -> list:
    return [p for p in folder.iterdir() if p.name.startswith("celerybeat-schedule")]


def test_claim_status_job_asks_about_claims_left_without_an_answer(world, payer):  # noqa: F811
    from test_claim_status import adjudicate, submitted

    site = world.a
    claim = submitted(site.claim)
    adjudicate(payer, claim)
    (run,) = run_job(
        "claimstatus", now=_noon(timezone.localdate(), site), practices=[site.practice]
    )
    assert run.status == JobRun.Status.OK, run.summary
    assert run.summary == {"days": 30, "asked": 1, "moved": 1, "unchanged": 0, "not_answered": 0}
    claim.refresh_from_db()
    assert claim.status == "accepted"
    words = recurring.job_named("claimstatus").words(run.summary)
    assert (
        words == "asked about 1 claims waiting more than 30 days: 1 moved, 0 unchanged, "
        "0 not answered"
    )


def test_claim_status_job_needs_attention_when_no_payer_answers(world):
    from test_claim_status import submitted

    submitted(world.a.claim)  # no real-time endpoint for its payer
    (run,) = run_job(
        "claimstatus", now=_noon(timezone.localdate(), world.a), practices=[world.a.practice]
    )
    assert run.status == JobRun.Status.ATTENTION
    assert "no payer answered" in recurring.job_named("claimstatus").words(run.summary)


def test_history_names_the_job_and_what_it_covered_in_words(world, client_for):
    JobRun.objects.create(
        job="eligibility",
        practice=world.a.practice,
        scope=f"practice-{world.a.practice.pk}",
        key="2026-12-08",
        status="ok",
        started_at=timezone.now(),
        summary={"day": "2026-12-08", "visits": 3, "active": 3},
    )
    JobRun.objects.create(
        job="pickup", scope="all", key="2026-12-07T09:30", status="ok", started_at=timezone.now()
    )
    page = client_for(world.users["manager"]).get(reverse("list_jobs"))
    history = html_text.unescape(page.content.decode()).split("<h2>History</h2>")[1]
    assert "Eligibility for the next day's visits" in history
    assert "visits of Tue 8 Dec 2026" in history and "Mon 7 Dec 2026, 09:30" in history
    assert "2026-12-07T09:30" not in history
    assert "inbound_folder" not in page.content.decode()
