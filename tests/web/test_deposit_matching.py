"""Pairs of deposits and 835 payments undone by the biller, and pairs made when the 835
arrives after its deposit (the usual order), on both databases."""

from __future__ import annotations

import datetime
import threading
from dataclasses import replace

import pytest
from django.db import IntegrityError, connection, transaction
from test_era_pages import era_bytes

from medbill.core.bank import Deposit as BankDeposit
from medbill.core.bank import write_bai2
from medbill.core.money import Money
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.banking import services
from medbill.web.banking.models import Deposit, DepositMatch, DepositUnmatch
from medbill.web.billing import era
from medbill.web.billing.remittance_models import Remittance
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent


def _eft(trace, amount, day, text=None):
    return BankDeposit(
        day,
        Money(amount),
        type_code="165",
        bank_reference="BR1",
        text=text if text is not None else f"HCCLAIMPMT TRN*1*{trace}*1999999999\\",
    )


def _era(site, seed=5, trace=None):
    """An 835 for the site's claim and the core remittance it carries."""
    (rem,) = read_835(era_bytes(site, seed))
    if trace is not None:
        rem = replace(rem, trace_number=trace)
    return write_835([rem]), rem


def _bank_for(*rems, name="d.bai"):
    return write_bai2([_eft(r.trace_number, r.total_paid, r.effective_date) for r in rems]), name


def _matched_pair(site, biller):
    data, rem = _era(site)
    era.import_era(biller, site.practice, data, "p.835")
    bank, name = _bank_for(rem)
    services.import_bank_file(biller, site.practice, bank, name)
    return DepositMatch.objects.get()


class TestUndoAMatch:
    def test_it_works(self, world, client_for):
        site, biller = world.a, world.users["biller"]
        match = _matched_pair(site, biller)
        dep, rem = match.deposit, match.remittance
        client = client_for(biller)
        page = client.get(f"/deposits/{dep.pk}/")
        assert page.status_code == 200 and b"Undo the match" in page.content
        # Without a reason: refused, nothing changes.
        response = client.post(f"/deposits/{dep.pk}/unmatch/", {"reason": "  "}, follow=True)
        assert b"say why this deposit is not this payment" in response.content
        assert not DepositUnmatch.objects.exists()
        response = client.post(
            f"/deposits/{dep.pk}/unmatch/",
            {"reason": "bank reversed the credit (R01)"},
            follow=True,
        )
        assert b"are no longer matched" in response.content
        undone = DepositUnmatch.objects.get()
        assert (undone.match, undone.undone_by, undone.reason) == (
            match,
            biller,
            "bank reversed the credit (R01)",
        )
        # Both are back on the unmatched lists; the pair stays on record.
        assert list(services.unmatched_deposits(site.practice)) == [dep]
        assert list(services.unmatched_remittances(site.practice)) == [rem]
        assert DepositMatch.objects.count() == 1
        unmatched = client.get("/deposits/unmatched/").content.decode()
        assert "was undone on" in unmatched and "bank reversed the credit" in unmatched
        history = client.get(f"/deposits/{dep.pk}/").content.decode()
        assert "bank reversed the credit (R01)" in history and "Match by hand" in history
        assert "none matched yet" in client.get(f"/remittances/{rem.pk}/").content.decode()
        # Audited, with who and why.
        event = AuditEvent.objects.get(object_type="banking.DepositUnmatch", action="create")
        assert event.user == biller and "R01" in str(event.changes)

    def test_the_rule_does_not_pair_them_again_but_the_biller_may(self, world):
        site, biller = world.a, world.users["biller"]
        match = _matched_pair(site, biller)
        services.undo_match(biller, site.practice, match.deposit_id, "wrong payer")
        assert services.match_deposits(biller, site.practice) == 0
        plan = services.reassociation(site.practice)
        assert plan.matched == [] and plan.suggested == {}
        with pytest.raises(ServiceError, match="say why"):
            services.confirm_match(biller, site.practice, match.deposit_id, match.remittance_id)
        again = services.confirm_match(
            biller, site.practice, match.deposit_id, match.remittance_id, "payer confirmed it"
        )
        assert (again.how, again.deposit_turn, again.remittance_turn) == ("manual", 1, 1)
        assert services.standing_matches(site.practice).get() == again
        assert not services.unmatched_deposits(site.practice).exists()

    def test_an_undone_deposit_pairs_with_another_payment(self, world):
        site, biller = world.a, world.users["biller"]
        match = _matched_pair(site, biller)
        # The same money in an 835 under another trace (held as a repeat of the first).
        era.import_era(biller, site.practice, _era(site, trace="REALTRACE")[0], "p2.835")
        rem = Remittance.objects.get(trace_number="REALTRACE")
        services.undo_match(biller, site.practice, match.deposit_id, "trace was mistyped")
        paired = services.confirm_match(
            biller, site.practice, match.deposit_id, rem.pk, "payer confirmed"
        )
        assert (paired.deposit_turn, paired.remittance_turn) == (1, 0)
        # The first payment is unmatched again, waiting for its own deposit.
        assert list(services.unmatched_remittances(site.practice)) == [match.remittance]

    def test_a_match_is_undone_once_and_only_a_standing_one(self, world):
        site, biller = world.a, world.users["biller"]
        match = _matched_pair(site, biller)
        services.undo_match(biller, site.practice, match.deposit_id, "wrong")
        with pytest.raises(ServiceError, match="not matched"):
            services.undo_match(biller, site.practice, match.deposit_id, "again")
        with pytest.raises(IntegrityError), transaction.atomic():
            DepositUnmatch.objects.create(practice=site.practice, match=match, reason="twice")

    def test_the_database_refuses_a_second_pair_while_one_stands(self, world):
        site, biller = world.a, world.users["biller"]
        match = _matched_pair(site, biller)
        era.import_era(biller, site.practice, _era(site, 6, "OTHER")[0], "p6.835")
        other = Remittance.objects.get(trace_number="OTHER")
        with pytest.raises(IntegrityError), transaction.atomic():
            DepositMatch.objects.create(
                practice=site.practice, deposit=match.deposit, remittance=other, how="manual"
            )
        # Undone, the next pair takes the next turn; the old turn stays taken.
        services.undo_match(biller, site.practice, match.deposit_id, "wrong")
        with pytest.raises(IntegrityError), transaction.atomic():
            DepositMatch.objects.create(
                practice=site.practice, deposit=match.deposit, remittance=other, how="manual"
            )
        DepositMatch.objects.create(
            practice=site.practice,
            deposit=match.deposit,
            remittance=other,
            deposit_turn=1,
            how="manual",
        )

    def test_roles_and_practices(self, world, client_for):
        site, biller = world.a, world.users["biller"]
        match = _matched_pair(site, biller)
        url = f"/deposits/{match.deposit_id}/"
        desk = client_for(world.users["front_desk"])
        assert desk.post(f"{url}unmatch/", {"reason": "x"}).status_code == 403
        outsider = client_for(world.outsider)
        assert outsider.get(url).status_code == 404
        assert outsider.post(f"{url}unmatch/", {"reason": "x"}).status_code in (302, 403, 404)
        assert not DepositUnmatch.objects.exists()
        # The auditor may see claims but not import: the pair, without the form.
        page = client_for(world.users["auditor"]).get(url)
        assert page.status_code == 200 and b"Undo the match" not in page.content
        assert match.remittance.trace_number.encode() in page.content


class TestPairedWhenThe835ComesLater:
    def test_deposit_first_then_the_835(self, world, client_for):
        site, biller = world.a, world.users["biller"]
        data, rem = _era(site)
        bank, name = _bank_for(rem)
        first = services.import_bank_file(biller, site.practice, bank, name)
        assert (first.new, first.matched) == (1, 0)
        result = era.import_era(biller, site.practice, data, "p.835")
        (match,) = DepositMatch.objects.all()
        assert match.remittance.trace_number == rem.trace_number and match.how == "trace"
        assert match.matched_by == biller
        (s,) = result.sets
        assert s.deposit.startswith(Money(rem.total_paid).format())
        assert any("matched to the bank deposit" in line for line in era.summary_lines(result))
        # The same 835 again, and "Match them": nothing more.
        again = era.import_era(biller, site.practice, data, "p.835")
        assert again.already_imported
        assert services.match_deposits(biller, site.practice) == 0
        assert DepositMatch.objects.count() == 1
        page = client_for(biller).get(f"/remittances/{match.remittance_id}/").content.decode()
        assert f"/deposits/{match.deposit_id}/" in page

    def test_the_835_first_then_the_deposit(self, world):
        site, biller = world.a, world.users["biller"]
        data, rem = _era(site)
        result = era.import_era(biller, site.practice, data, "p.835")
        assert result.sets[0].deposit == ""
        bank, name = _bank_for(rem)
        assert services.import_bank_file(biller, site.practice, bank, name).matched == 1
        assert DepositMatch.objects.get().how == "trace"

    def test_only_the_rule_pairs_on_import(self, world):
        site, biller = world.a, world.users["biller"]
        data, rem = _era(site)
        # Same amount and date but no trace: a suggestion for the biller, not a pair.
        no_trace = write_bai2([_eft("", rem.total_paid, rem.effective_date, text="HCCLAIMPMT")])
        services.import_bank_file(biller, site.practice, no_trace, "n.bai")
        result = era.import_era(biller, site.practice, data, "p.835")
        assert result.sets[0].deposit == "" and not DepositMatch.objects.exists()
        dep = Deposit.objects.get()
        assert services.reassociation(site.practice).suggested == {
            dep.pk: [Remittance.objects.get().pk]
        }

    def test_a_preview_pairs_nothing(self, world):
        site, biller = world.a, world.users["biller"]
        data, rem = _era(site)
        services.import_bank_file(biller, site.practice, *_bank_for(rem))
        era.import_era(biller, site.practice, data, "p.835", post=False)
        assert not DepositMatch.objects.exists()

    def test_a_paper_eob_pairs_with_its_check_deposit(self, world, client_for):
        site, biller = world.a, world.users["biller"]
        day = datetime.date(2026, 3, 20)
        services.import_bank_file(
            biller,
            site.practice,
            write_bai2([_eft("100234", "90.00", day, text="CHECK 100234 TRN*1*100234*1\\")]),
            "c.bai",
        )
        # The claim went to the payer (a paper EOB answers a claim that was sent).
        site.claim.status = "submitted"
        site.claim.save(update_fields=["status"])
        form = {
            "payer": site.payer.pk,
            "check_number": "100234",
            "check_date": "2026-03-20",
            "check_total": "90.00",
            "claim_1": site.claim.patient_control_number,
            "paid_1": "90.00",
            "adjustments_1": "CO-45 20.00; PR-2 20.00",
            "patient_1": "20.00",
        }
        assert client_for(biller).post("/remittances/paper/", form).status_code == 302
        match = DepositMatch.objects.get()
        assert match.remittance.trace_number == "100234"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="concurrent writers need PostgreSQL; SQLite serialises them",
)
@pytest.mark.parametrize("first", ["bank", "835"])
def test_a_bank_import_and_an_835_import_at_once_pair_once(world, first):
    """The first import keeps its transaction open after its work is done; the second
    runs meanwhile. Neither sees the other's rows before they commit, so only the lock
    both take makes the second wait and then pair the two."""
    site, biller = world.a, world.users["biller"]
    data, rem = _era(site)
    bank, name = _bank_for(rem)
    work = {
        "bank": lambda: services.import_bank_file(biller, site.practice, bank, name),
        "835": lambda: era.import_era(biller, site.practice, data, "p.835"),
    }
    second = "835" if first == "bank" else "bank"
    first_done, second_done = threading.Event(), threading.Event()
    errors = []

    def hold_open():
        try:
            with transaction.atomic():
                work[first]()
                first_done.set()
                second_done.wait(timeout=2)  # a second import without the lock is done
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            first_done.set()
            connection.close()

    def then():
        try:
            first_done.wait(timeout=30)
            work[second]()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=hold_open), threading.Thread(target=then)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Remittance.objects.count() == 1 and Deposit.objects.count() == 1
    (match,) = DepositMatch.objects.all()
    assert match.remittance.trace_number == rem.trace_number
    assert services.match_deposits(biller, site.practice) == 0


def test_an_age_in_the_lists_never_goes_negative():
    """A file dated ahead (stored before such dates were refused, or a payer's typo in an
    835) says so instead of a negative number of days."""
    from medbill.web.banking.services import age_text

    today = datetime.date(2026, 12, 7)
    assert age_text(datetime.date(2026, 11, 27), today) == "10"
    assert age_text(today, today) == "0"
    assert age_text(datetime.date(2026, 12, 8), today) == "dated 1 day ahead"
    assert age_text(datetime.date(2026, 12, 10), today) == "dated 3 days ahead"
    assert age_text(None, today) == ""


def test_matching_by_hand_starts_with_no_payment_chosen(world, client_for):
    """Every deposit's "match by hand" list used to open on the same 835 payment, a
    click away from pairing a cash deposit with an insurer's check."""
    site, biller = world.a, world.users["biller"]
    data, rem = _era(site)
    era.import_era(biller, site.practice, data, "p.835")
    cash = _eft("NONE", "125.00", rem.effective_date, text="BRANCH DEPOSIT CASH")
    services.import_bank_file(biller, site.practice, write_bai2([cash]), "c.bai")
    dep = Deposit.objects.get()
    client = client_for(biller)
    page = client.get("/deposits/unmatched/").content.decode()
    hand = page.split("<summary>Match by hand</summary>", 1)[1].split("</form>", 1)[0]
    assert '<select name="remittance" aria-label="835 payment" required>' in hand
    assert hand.split("<option", 2)[1].startswith(' value="">Choose the 835 payment')
    detail = client.get(f"/deposits/{dep.pk}/").content.decode()
    assert '<option value="">Choose the 835 payment' in detail
    # Sent without a choice (an old page), it is refused in words.
    response = client.post(f"/deposits/{dep.pk}/match/", {"remittance": "", "reason": "x"})
    assert response.status_code == 302
    followed = client.get(response["Location"]).content.decode()
    assert "Choose the 835 payment this deposit is." in followed
