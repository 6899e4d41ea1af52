"""Claim status (276/277) in the database: ask the payer simulator, move the claim, show the
history on the claim page; the batch action and who may use them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from medbill.connect.payer_sim import PayerSimulator
from medbill.core.eligibility.simulator import PlanTable
from medbill.core.money import Money
from medbill.core.payersim import ClaimBook, ClaimRecord, simulate
from medbill.web.billing.documents import claim_document
from medbill.web.claims_out.claim_status import check_claim_status, claims_without_answer
from medbill.web.claims_out.models import ClaimEvent, ClaimWorkItem
from medbill.web.frontdesk.models import PayerEndpoint
from medbill.web.practice.models import AuditEvent

NOW = timezone.make_aware(datetime.datetime(2026, 4, 20, 9, 0))
SENT = NOW - datetime.timedelta(days=40)


def submitted(claim, status="submitted", when=SENT):
    claim.status = status
    claim.submitted_at = when
    claim.save()
    return claim


@pytest.fixture
def payer(world):
    """The payer simulator serving the world's payer, with an empty book to fill."""
    book = ClaimBook()
    with PayerSimulator(PlanTable({}), book=book, today=NOW.date(), payer_id="LCI220") as sim:
        PayerEndpoint.objects.create(
            practice=world.a.practice,
            payer=world.a.payer,
            url=sim.url,
            sender_id="CVFP01",
            receiver_id="LCI220",
        )
        yield book


def adjudicate(book, claim):
    book.record(simulate([claim_document(claim)], received=SENT.date()), SENT.date())


def events(claim):
    return list(ClaimEvent.objects.filter(claim=claim, source="277").order_by("id"))


def test_a_paid_claim_becomes_accepted_waiting_for_its_835(world, payer):
    claim = submitted(world.a.claim)
    adjudicate(payer, claim)
    (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert (outcome.category, outcome.code, outcome.error) == ("F1", "65", "")
    claim.refresh_from_db()
    assert claim.status == "accepted"
    assert claim.payer_claim_number  # the payer told us its number
    (event,) = events(claim)
    assert (event.from_status, event.to_status) == ("submitted", "accepted")
    assert event.reason == "277: finalized: paid: paid in full; awaiting the 835"


def test_a_rejected_claim_goes_to_the_rejection_queue(world, payer):
    claim = submitted(world.a.claim, "accepted")
    payer.add(
        "LCI220",
        ClaimRecord(
            claim.patient_control_number, Money("130.00"), "A7", "562", "85", decided=SENT.date()
        ),
    )
    (outcome,) = check_claim_status(world.users["manager"], world.a.practice, [claim], now=NOW)
    assert outcome.moved and outcome.after == "rejected"
    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert "NPI is missing or invalid (billing provider)" in claim.status_reason
    item = ClaimWorkItem.objects.get(claim=claim)
    assert (item.source, item.codes) == ("277", "A7:562")


def test_a_pending_claim_stays_and_the_answer_is_still_recorded(world, payer):
    claim = submitted(world.a.claim, "accepted")
    payer.add(
        "LCI220",
        ClaimRecord(claim.patient_control_number, Money("130.00"), "P2", "46", decided=SENT.date()),
    )
    (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert not outcome.moved
    claim.refresh_from_db()
    assert claim.status == "accepted"
    (event,) = events(claim)
    assert (event.from_status, event.to_status) == ("accepted", "accepted")
    assert event.reason == "277: pending: under the payer's review: under internal review or audit"
    assert not ClaimWorkItem.objects.filter(claim=claim).exists()  # nothing to do yet


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_a_request_for_documents_goes_to_the_work_queue(world, payer, status):
    claim = submitted(world.a.claim, status)
    payer.add(
        "LCI220",
        ClaimRecord(
            claim.patient_control_number, Money("130.00"), "R4", "297", decided=SENT.date()
        ),
    )
    (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert outcome.words == (
        "request for documentation: medical notes or report; the payer needs more information"
    )
    claim.refresh_from_db()
    assert claim.status == "accepted"
    assert ClaimWorkItem.objects.get(claim=claim).codes == "R4:297"


def test_a_claim_the_payer_cannot_find_stays_submitted(world, payer):
    claim = submitted(world.a.claim)
    (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert (outcome.category, outcome.code) == ("A4", "35")
    assert outcome.words == (
        "not found: the claim cannot be found; the payer has no record "
        "of it; check the submission and resend"
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    item = ClaimWorkItem.objects.get(claim=claim)
    assert (item.source, item.codes, item.resolved_at) == ("277", "A4:35", None)
    # Asking again while the item is open adds no second one.
    check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert ClaimWorkItem.objects.filter(claim=claim).count() == 1


def test_no_endpoint_or_a_claim_not_waiting_is_an_error_that_changes_nothing(world):
    claim = submitted(world.a.claim)
    (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert "no real-time endpoint" in outcome.error
    draft = world.a.claim
    draft.status = "draft"
    draft.save()
    (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [draft], now=NOW)
    assert outcome.error == "a draft claim is not waiting for its payer"
    assert not ClaimEvent.objects.filter(source="277").exists()


@pytest.mark.parametrize("role", ["front_desk", "coder", "auditor"])
def test_only_billers_and_managers_may_ask(world, role):
    with pytest.raises(PermissionDenied):
        check_claim_status(world.users[role], world.a.practice, [world.a.claim])


def test_claims_without_answer_after_n_days(world):
    old = submitted(world.a.claim)
    assert list(claims_without_answer(world.a.practice, 30, now=NOW)) == [old]
    assert list(claims_without_answer(world.a.practice, 45, now=NOW)) == []
    old.status = "paid"
    old.save()
    assert list(claims_without_answer(world.a.practice, 30, now=NOW)) == []


def test_claim_page_checks_status_and_shows_the_history(world, payer, client_for):
    claim = submitted(world.a.claim, when=timezone.now() - datetime.timedelta(days=40))
    adjudicate(payer, claim)
    client = client_for(world.users["biller"])
    page = client.get(f"/claims/{claim.pk}/")
    assert "Check status" in page.content.decode()
    reply = client.post(f"/claims-out/claims/{claim.pk}/status/", follow=True)
    text = reply.content.decode()
    assert "Status history" in text
    assert "finalized: paid: paid in full; awaiting the 835" in text
    assert AuditEvent.objects.filter(
        practice=world.a.practice, detail__search="claim status inquiry (276)"
    ).exists()
    claim.refresh_from_db()
    assert claim.status == "accepted"


def test_the_button_is_refused_to_other_roles(world, client_for):
    claim = submitted(world.a.claim)
    client = client_for(world.users["front_desk"])
    assert "Check status" not in client.get(f"/claims/{claim.pk}/").content.decode()
    assert client.post(f"/claims-out/claims/{claim.pk}/status/").status_code == 403
    other = client_for(world.outsider)
    assert other.post(f"/claims-out/claims/{claim.pk}/status/").status_code in (403, 404)


def test_batch_action_asks_about_claims_waiting_longer_than_n_days(world, payer, client_for):
    claim = submitted(world.a.claim, when=timezone.now() - datetime.timedelta(days=40))
    payer.add(
        "LCI220",
        ClaimRecord(claim.patient_control_number, Money("130.00"), "A6", "21", decided=SENT.date()),
    )
    client = client_for(world.users["biller"])
    reply = client.post("/claims-out/status/", {"days": "30"}, follow=True)
    assert "1 moved" in reply.content.decode()
    claim.refresh_from_db()
    assert claim.status == "rejected"


@pytest.mark.parametrize("days", ["-5", "ten", "99999"])
def test_batch_action_refuses_days_it_cannot_use(world, payer, client_for, days):
    claim = submitted(world.a.claim, when=timezone.now() - datetime.timedelta(days=40))
    payer.add(
        "LCI220",
        ClaimRecord(claim.patient_control_number, Money("130.00"), "A6", "21", decided=SENT.date()),
    )
    client = client_for(world.users["biller"])
    reply = client.post("/claims-out/status/", {"days": days}, follow=True)
    page = reply.content.decode()
    assert "enter a whole number of days from 0 to 3650" in page
    assert "moved" not in page  # nobody was asked (not silently 30 days)
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_cli_asks_about_one_claim_and_prints_the_answer_in_words(world, payer):
    from typer.testing import CliRunner

    from medbill.cli.main import app

    claim = submitted(world.a.claim)
    adjudicate(payer, claim)
    runner = CliRunner()
    result = runner.invoke(
        app, ["claims", "status", "--claim", claim.patient_control_number, "--practice", "CVFP"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "finalized: paid: paid in full; awaiting the 835 (submitted -> accepted)" in result.output
    )
    assert "1 claim(s) asked: 1 moved" in result.output


def test_cli_older_than_and_its_exit_statuses(world):
    from typer.testing import CliRunner

    from medbill.cli.main import app

    runner = CliRunner()
    submitted(world.a.claim, when=timezone.now() - datetime.timedelta(days=40))
    result = runner.invoke(app, ["claims", "status", "--older-than", "30", "--practice", "CVFP"])
    assert result.exit_code == 1  # no endpoint for the payer: not answered
    assert "no real-time endpoint is set up for Lakeland Commercial Insurance" in result.output
    result = runner.invoke(app, ["claims", "status", "--older-than", "60", "--practice", "CVFP"])
    assert result.exit_code == 0 and "no claim has waited more than 60 days" in result.output
    assert runner.invoke(app, ["claims", "status", "--practice", "CVFP"]).exit_code == 2
    result = runner.invoke(app, ["claims", "status", "--claim", "NOPE", "--practice", "CVFP"])
    assert result.exit_code == 2


def test_the_served_simulator_knows_the_claims_sent_from_the_database(world):
    from medbill.web.claims_out.sim_book import claim_book_from_database

    claim = submitted(world.a.claim)
    world.b.claim.status = "draft"  # never sent: not in the book
    world.b.claim.save()
    book = claim_book_from_database(NOW.date())
    assert len(book) == 1
    with PayerSimulator(PlanTable({}), book=book, today=NOW.date(), payer_id="LCI220") as sim:
        PayerEndpoint.objects.create(
            practice=world.a.practice,
            payer=world.a.payer,
            url=sim.url,
            sender_id="CVFP01",
            receiver_id="LCI220",
        )
        (outcome,) = check_claim_status(world.users["biller"], world.a.practice, [claim], now=NOW)
    assert outcome.category in ("F1", "F2") and outcome.after == "accepted"


def test_a_status_for_the_whole_request_is_the_answer_for_each_claim(world):
    from shared_data import shared_path

    claim = submitted(world.a.claim)
    PayerEndpoint.objects.create(
        practice=world.a.practice,
        payer=world.a.payer,
        url="http://127.0.0.1:9/core",
        sender_id="CVFP01",
        receiver_id="LCI220",
    )
    refusal = (shared_path("x12/277") / "stupidedi__info-receiver-response.edi").read_text()
    (outcome,) = check_claim_status(
        world.users["biller"],
        world.a.practice,
        [claim],
        now=NOW,
        exchange=lambda x12, endpoint: refusal,
    )
    assert outcome.error == (
        "the payer answered for the whole request: response not "
        "possible: error in the request: no further status can be given "
        "electronically"
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_api_checks_status_for_billers_only(world, payer, api_client_for):
    claim = submitted(world.a.claim)
    adjudicate(payer, claim)
    url = f"/api/claims-out/claims/{claim.pk}/status"
    assert api_client_for(world.users["coder"]).post(url).status_code == 403
    assert api_client_for(world.outsider).post(url).status_code == 404
    reply = api_client_for(world.users["biller"]).post(url)
    assert reply.status_code == 200
    body = reply.json()
    assert (body["answered"], body["category"], body["before"], body["after"]) == (
        True,
        "F1",
        "submitted",
        "accepted",
    )
    assert body["words"] == "finalized: paid: paid in full; awaiting the 835"


def test_an_endpoint_that_cannot_be_written_is_an_error_not_a_crash(world):
    claim = submitted(world.a.claim)
    PayerEndpoint.objects.create(
        practice=world.a.practice,
        payer=world.a.payer,
        url="http://127.0.0.1:9/core",
        sender_id="CV*FP",
        receiver_id="LCI220",
    )
    (outcome,) = check_claim_status(
        world.users["biller"], world.a.practice, [claim], now=NOW, exchange=lambda x12, endpoint: ""
    )
    assert outcome.error.startswith("cannot write the inquiry: value contains the delimiter")


def test_history_shows_answers_the_system_asked_for(world, payer, client_for):
    claim = submitted(world.a.claim)
    adjudicate(payer, claim)
    check_claim_status(None, world.a.practice, [claim], now=NOW)  # the command line
    page = client_for(world.users["auditor"]).get(f"/claims/{claim.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "submitted → accepted" in text and "system" in text
    assert "Check status" not in text  # an auditor reads the history, does not ask
