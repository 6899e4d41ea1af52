"""Eligibility from the desk: 270 over real HTTP to the payer simulator, the 271 kept."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time

from desk_support import simulator, visit_today
from django.urls import reverse
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.frontdesk.eligibility import check_coverage, inquiry_for
from medbill.web.frontdesk.models import EligibilityCheck, PayerEndpoint
from medbill.web.frontdesk.tasks import check_eligibility_batch


def test_the_inquiry_asks_for_the_dependant_under_the_subscriber(world):
    inquiry = inquiry_for(world.a.coverage, datetime.date(2026, 3, 3))
    assert inquiry.subscriber.first == "Lucia" and inquiry.subscriber.member_id == "UHW5512093301"
    assert inquiry.dependent.first == "Mateo"
    assert inquiry.provider.npi == world.a.practice.group_npi
    assert inquiry.trace_originator == "1391847265"


def test_it_checks_from_the_patient_page_and_keeps_the_answer(world, client_for):
    client = client_for(world.users["front_desk"])
    with simulator(world.a):
        response = client.post(reverse("check_eligibility", args=[world.a.patient.pk]), follow=True)
    assert response.status_code == 200
    check = EligibilityCheck.objects.get(patient=world.a.patient)
    assert check.status == "active"
    assert check.coverage == world.a.coverage
    assert check.summary.startswith("Active · copay $25")
    assert str(check.copay) == "25.00"
    assert check.raw_271.startswith("ISA*") and "EB*B" in check.raw_271
    assert check.checked_by == world.users["front_desk"]
    html = response.content.decode()
    assert "Active · copay $25" in html
    detail = client.get(reverse("show_eligibility", args=[check.pk]))
    assert "271 as received" in detail.content.decode()


def test_an_unknown_member_is_a_rejection_in_words(world):
    coverage = world.a.secondary
    with simulator(world.a):
        coverage.member_id = "NOSUCH1"
        coverage.save()
        check = check_coverage(world.users["front_desk"], coverage)
    assert check.status == "rejected"
    assert "Not verified" in check.summary
    assert any("Invalid/Missing Subscriber/Insured ID" in p or "75" in p for p in check.problems)


def test_a_payer_that_does_not_answer_leaves_an_error_with_the_reason(world):
    with simulator(world.a, delay=1.0, timeout="0.2"):
        check = check_coverage(world.users["front_desk"], world.a.coverage)
    assert check.status == "error"
    assert "did not answer within 0.2 s" in check.error
    assert check.summary == (
        "Lakeland Commercial Insurance's eligibility service did not answer in time: "
        "coverage is not verified. Try again in a few minutes, or call the payer."
    )


def test_an_unreachable_payer_is_named_on_the_check_in_page(world, client_for):
    from desk_support import visit_today

    from medbill.web.frontdesk.models import PayerEndpoint

    visit = visit_today(world.a)
    with simulator(world.a) as sim:
        url = sim.url
    # The simulator is gone: nothing listens on its port any more.
    PayerEndpoint.objects.filter(practice=world.a.practice).update(url=url)
    client = client_for(world.users["front_desk"])
    client.post(
        reverse("check_eligibility", args=[world.a.patient.pk]),
        {"visit": visit.pk, "next": reverse("check_in_visit", args=[visit.pk])},
    )
    page = client.get(reverse("check_in_visit", args=[visit.pk])).content.decode()
    assert (
        "Lakeland Commercial Insurance&#x27;s eligibility service could not be reached: "
        "coverage is not verified."
    ) in page
    check = EligibilityCheck.objects.get()
    assert check.status == "error" and "could not be reached" in check.error


def test_without_an_endpoint_the_desk_is_told_which_payer(world, client_for):
    client = client_for(world.users["front_desk"])
    response = client.post(reverse("check_eligibility", args=[world.a.patient.pk]), follow=True)
    assert "no eligibility endpoint is set up for Lakeland Commercial Insurance" in (
        response.content.decode()
    )
    assert not EligibilityCheck.objects.exists()


def test_a_coder_may_not_check_eligibility(world, client_for):
    client = client_for(world.users["coder"])
    response = client.post(reverse("check_eligibility", args=[world.a.patient.pk]))
    assert response.status_code == 403


def test_the_command_line_checks_a_patient(world):
    runner = CliRunner()
    with simulator(world.a):
        result = runner.invoke(
            app, ["eligibility", "check", world.a.patient.account_number, "--practice", "CVFP"]
        )
    assert result.exit_code == 0, result.output
    assert "Active · copay $25" in result.output
    assert EligibilityCheck.objects.get().source == "cli"
    missing = runner.invoke(app, ["eligibility", "check", "NOPE", "--practice", "CVFP"])
    assert missing.exit_code == 2 and "no patient 'NOPE'" in missing.output


def test_the_batch_checks_a_days_appointments_with_a_progress_bar(world):
    visit = visit_today(world.a)
    day = visit.date_of_service.isoformat()
    with simulator(world.a):
        result = CliRunner().invoke(app, ["eligibility", "batch", "--date", day])
    assert result.exit_code == 0, result.output
    assert "1 appointments of" in result.output and "1 active" in result.output
    check = EligibilityCheck.objects.get(visit=visit)
    assert check.source == "batch" and check.status == "active"


def test_the_celery_task_checks_the_visits_it_is_given(world):
    visit = visit_today(world.a)
    with simulator(world.a):
        summary = check_eligibility_batch.delay([visit.pk]).get()
    assert summary == {"visits": 1, "active": 1}
    assert PayerEndpoint.objects.count() == 2


def test_payer_sim_serve_answers_over_http(tmp_path):
    table = {
        "payers": {"BSHP01": {"name": "Badger State"}},
        "plans": {"S": {"name": "Silver", "copay_office": "30"}},
        "members": [{"payer_id": "BSHP01", "member_id": "M1", "last": "Doe", "plan": "S"}],
    }
    path = tmp_path / "plans.json"
    path.write_text(json.dumps(table))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "medbill.cli.main",
            "payer-sim",
            "serve",
            "--port",
            "0",
            "--table",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline()
            if "listening on" in line:
                url = line.split("listening on ")[1].split()[0]
        assert url and url.startswith("http://127.0.0.1:")
        from medbill.connect.realtime import EligibilityEndpoint, check_eligibility
        from medbill.core.x12.m270 import EligibilityInquiry, InquiryPerson, InquiryProvider

        answer = check_eligibility(
            EligibilityInquiry(
                "T1",
                "Badger",
                "BSHP01",
                InquiryProvider("Clinic", "1746502933"),
                InquiryPerson("Doe", member_id="M1"),
                datetime.date(2026, 3, 2),
            ),
            EligibilityEndpoint(url, "MEDBILL", "PAYERSIM"),
        )
        assert answer.status == "active"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_specialist_visit_takes_the_specialist_copay(world):
    from medbill.web.frontdesk.eligibility import is_specialist

    assert not is_specialist("207Q00000X") and is_specialist("207RC0000X")
    assert not is_specialist("")
    visit = visit_today(world.a)
    provider = visit.provider
    provider.taxonomy = "207RC0000X"  # cardiovascular disease
    provider.save()
    with simulator(world.a):
        check = check_coverage(world.users["front_desk"], world.a.coverage, visit)
    assert str(check.copay) == "50.00"
    # The one-line summary the desk reads says the copay it is about to collect.
    assert "specialist copay $50.00" in check.summary and "$25.00" not in check.summary


def test_the_batch_can_go_to_the_workers(world):
    visit = visit_today(world.a)
    with simulator(world.a):
        result = CliRunner().invoke(
            app,
            ["eligibility", "batch", "--date", visit.date_of_service.isoformat(), "--background"],
        )
    assert result.exit_code == 0, result.output
    assert "1 appointments of" in result.output and "sent to the workers" in result.output
    # Without a broker the task runs in-process (eager), so the answer is already stored.
    assert EligibilityCheck.objects.get(visit=visit).source == "batch"


def test_the_plan_table_from_the_database_puts_dependants_under_subscribers(world):
    from medbill.core.eligibility.simulator import PlanTable
    from medbill.web.frontdesk.models import Coverage
    from medbill.web.frontdesk.plan_table import plan_table_from_coverages

    rows = Coverage.objects.filter(practice=world.a.practice).select_related("payer", "patient")
    data = plan_table_from_coverages(rows, datetime.date(2026, 3, 3))
    members = {m["member_id"]: m for m in data["members"]}
    parent = members["UHW5512093301"]
    assert (parent["first"], parent["plan"]) == ("Lucia", "commercial")
    assert parent["dependents"][0]["first"] == "Mateo"
    assert members["WI00918273"]["plan"] == "medicaid"
    assert len(PlanTable(data).members) == 2


def test_no_patient_data_reaches_the_logs(world, caplog):
    with caplog.at_level("DEBUG"), simulator(world.a):
        check_coverage(world.users["front_desk"], world.a.coverage)
    text = caplog.text
    for secret in ("Ortega", "UHW5512093301", "2019-06-30", "20190630"):
        assert secret not in text


def test_the_simulated_medicare_plan_has_the_part_b_deductible_of_the_year(world):
    from medbill.web.frontdesk.models import Coverage
    from medbill.web.frontdesk.plan_table import plan_table_from_coverages

    rows = Coverage.objects.filter(practice=world.a.practice)

    def deductible(year: int) -> str:
        table = plan_table_from_coverages(rows, datetime.date(year, 6, 1))
        return table["plans"]["medicare"]["deductible"]

    assert [deductible(y) for y in (2024, 2025, 2026)] == ["240", "257", "283"]
    assert deductible(2030) == "283"  # the last announced until the table learns a new one
