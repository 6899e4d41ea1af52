"""Money in the bank: deposits imported and paired with their 835, the unmatched lists,
paper EOBs posted by the 835 rules, and PLB takebacks followed until they net out."""

from __future__ import annotations

import datetime
import threading
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from test_era_pages import era_bytes

from medbill.core.bank import Deposit as BankDeposit
from medbill.core.bank import write_bai2
from medbill.core.money import Money
from medbill.core.x12.m835 import ProviderAdjustment as PLB
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.banking import services
from medbill.web.banking.models import BankFile, Deposit, DepositMatch
from medbill.web.banking.paper_eob import EobLine, post_paper_eob
from medbill.web.billing import era
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import Remittance
from medbill.web.practice.errors import ServiceError


def _posted(site, user, seed=5):
    era.import_era(user, site.practice, era_bytes(site, seed), f"p{seed}.835")
    return Remittance.objects.get(practice=site.practice, status="posted")


def _bank(*deposits):
    return write_bai2(list(deposits))


def _eft(rem, *, amount=None, trace=None, day=None):
    return BankDeposit(
        day or rem.payment_date,
        Money(amount if amount is not None else rem.total_paid),
        type_code="165",
        bank_reference="BR1",
        text=f"HCCLAIMPMT TRN*1*{trace or rem.trace_number}*1999999999\\",
    )


def test_bai2_deposit_is_matched_to_its_835_by_trace_and_amount_once(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    client = client_for(biller)
    data = _bank(_eft(rem))
    response = client.post("/deposits/import/", {"file": SimpleUploadedFile("d.bai", data)})
    assert response.status_code == 302
    (match,) = DepositMatch.objects.all()
    assert match.remittance == rem and match.how == "trace"
    page = client.get("/deposits/")
    assert b"1</strong> of 1 deposits matched" in page.content
    assert rem.trace_number.encode() in page.content
    # The same file again: nothing new, nothing matched twice.
    again = services.import_bank_file(biller, site.practice, data, "d.bai")
    assert again.already_imported and again.new == 0
    assert (BankFile.objects.count(), Deposit.objects.count()) == (1, 1)
    # The same deposit in another (overlapping) file is not added again.
    other = _bank(_eft(rem), BankDeposit(rem.payment_date, Money("3.00"), type_code="301"))
    result = services.import_bank_file(biller, site.practice, other, "d2.bai")
    assert (result.new, result.seen_before) == (1, 1)
    assert DepositMatch.objects.count() == 1


def test_a_file_whose_totals_do_not_add_up_is_refused_whole(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    good = _bank(_eft(rem))
    bad = good.replace(b"\n49,", b"\n49,1")
    client = client_for(biller)
    response = client.post(
        "/deposits/import/", {"file": SimpleUploadedFile("bad.bai", bad)}, follow=True
    )
    assert b"refused, nothing imported" in response.content
    assert b"line 5" in response.content and b"control total" in response.content
    assert not BankFile.objects.exists() and not Deposit.objects.exists()
    with pytest.raises(ServiceError, match="not a bank file"):
        services.import_bank_file(biller, site.practice, b"ISA*00*", "x.edi")


def test_an_amount_too_large_or_a_future_date_is_refused_in_words_not_a_500(world, client_for):
    site, biller = world.a, world.users["biller"]
    client = client_for(biller)
    today = datetime.date.today()
    big = (
        f"Date,Amount,Description,Reference\n{today:%Y-%m-%d},10.00,ok,\n"
        f"{today:%Y-%m-%d},99999999999.99,HC PMT,R1\n"
    ).encode()
    response = client.post(
        "/deposits/import/", {"file": SimpleUploadedFile("big.csv", big)}, follow=True
    )
    assert response.status_code == 200
    assert b"refused, nothing imported" in response.content
    assert b"line 3, Amount: at most $999,999,999.99" in response.content
    future = b"Date,Amount,Description\n2099-12-31,5.00,HC PMT\n"
    response = client.post(
        "/deposits/import/", {"file": SimpleUploadedFile("f.csv", future)}, follow=True
    )
    assert b"line 2, Date: 12/31/2099 is after today" in response.content
    with pytest.raises(ServiceError, match="after today"):
        services.import_bank_file(
            None,
            site.practice,
            _bank(BankDeposit(datetime.date(2099, 12, 31), Money("5"))),
            "f.bai",
        )
    assert not BankFile.objects.exists() and not Deposit.objects.exists()
    assert client.get("/deposits/unmatched/").status_code == 200


def test_csv_with_configured_columns(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    data = (
        f"Posted,Credit,Memo\n{rem.payment_date:%Y-%m-%d},{rem.total_paid},"
        f"ACH TRN*1*{rem.trace_number}*1\\\n"
    ).encode()
    client_for(biller).post(
        "/deposits/import/",
        {
            "file": SimpleUploadedFile("d.csv", data),
            "column_date": "Posted",
            "column_amount": "Credit",
            "column_description": "Memo",
        },
    )
    assert DepositMatch.objects.get().remittance == rem


def test_unmatched_lists_with_a_suggestion_confirmed_and_a_match_by_hand(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    near = _eft(rem, trace="NOTOURS", day=rem.payment_date + datetime.timedelta(days=2))
    stray = BankDeposit(rem.payment_date, Money("12.34"), type_code="301", text="BRANCH DEP")
    services.import_bank_file(biller, site.practice, _bank(near, stray), "d.bai")
    assert not DepositMatch.objects.exists()
    client = client_for(biller)
    page = client.get("/deposits/unmatched/")
    assert page.status_code == 200
    assert b"Suggested:" in page.content and b"BRANCH DEP" in page.content
    assert rem.trace_number.encode() in page.content  # the ERA without a deposit
    dep_near = Deposit.objects.get(amount=rem.total_paid)
    dep_stray = Deposit.objects.get(amount=Decimal("12.34"))
    # By hand without a reason: refused; the stray deposit is not this payment's amount.
    client.post(f"/deposits/{dep_stray.pk}/match/", {"remittance": rem.pk})
    assert not DepositMatch.objects.exists()
    # With a reason but another amount: refused, saying both amounts and the difference.
    other = client.post(
        f"/deposits/{dep_stray.pk}/match/",
        {"remittance": rem.pk, "reason": "branch deposit"},
        follow=True,
    ).content.decode()
    assert not DepositMatch.objects.exists()
    assert "the deposit is $12.34" in other and "of the same amount" in other
    client.post(f"/deposits/{dep_near.pk}/match/", {"remittance": rem.pk})
    match = DepositMatch.objects.get()
    assert (match.deposit, match.how, match.matched_by) == (dep_near, "suggested", biller)
    # The payment is taken: the stray deposit cannot have it too, even with a reason.
    client.post(f"/deposits/{dep_stray.pk}/match/", {"remittance": rem.pk, "reason": "bank"})
    assert DepositMatch.objects.count() == 1
    page = client.get("/deposits/unmatched/")
    assert b"Every 835 payment has its deposit" in page.content


def test_a_refused_match_from_the_deposit_page_goes_back_to_it(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    stray = BankDeposit(rem.payment_date, Money("12.34"), type_code="301", text="BRANCH DEP")
    services.import_bank_file(biller, site.practice, _bank(stray), "d.bai")
    dep = Deposit.objects.get()
    client = client_for(biller)
    url = f"/deposits/{dep.pk}/match/"
    for form in ({"remittance": rem.pk}, {"remittance": rem.pk, "reason": "x"}, {}):
        response = client.post(url, {**form, "next": "deposit"})
        assert response.status_code == 302
        assert response["Location"] == f"/deposits/{dep.pk}/"
    page = client.get(f"/deposits/{dep.pk}/").content.decode()
    assert "the deposit is $12.34" in page and "Choose the 835 payment" in page
    assert not DepositMatch.objects.exists()
    # From the unmatched list (no next), a refusal goes back there.
    assert client.post(url, {"remittance": rem.pk})["Location"] == "/deposits/unmatched/"


def test_a_deposit_is_never_matched_twice_by_the_database(world):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    services.import_bank_file(biller, site.practice, _bank(_eft(rem)), "d.bai")
    dep = Deposit.objects.get()
    era.import_era(biller, site.practice, era_bytes(site, 6), "p6.835")
    other = Remittance.objects.exclude(pk=rem.pk).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositMatch.objects.create(practice=site.practice, deposit=dep, remittance=other)


def test_roles_and_practices(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    services.import_bank_file(biller, site.practice, _bank(_eft(rem)), "d.bai")
    upload = SimpleUploadedFile("d.bai", _bank(_eft(rem, amount="1.00")))
    assert (
        client_for(world.users["front_desk"])
        .post("/deposits/import/", {"file": upload})
        .status_code
        == 403
    )
    outsider = client_for(world.outsider)
    assert b"No deposits" in outsider.get("/deposits/").content
    assert rem.trace_number.encode() not in outsider.get("/deposits/unmatched/").content
    dep = Deposit.objects.get()
    assert outsider.post(f"/deposits/{dep.pk}/match/", {"remittance": rem.pk}).status_code in (
        302,
        403,
    )
    assert DepositMatch.objects.filter(deposit=dep).count() == 1


def _sent(site, status="submitted"):
    """The claim as the payer has it: a paper EOB answers a claim that was sent."""
    site.claim.status = status
    site.claim.save(update_fields=["status"])


def _eob(site, check, total, paid, adjustments, patient=""):
    _sent(site)
    return {
        "payer": site.payer.pk,
        "check_number": check,
        "check_date": "2026-03-20",
        "check_total": total,
        "claim_1": site.claim.patient_control_number,
        "paid_1": paid,
        "adjustments_1": adjustments,
        "patient_1": patient,
    }


def test_paper_eob_posts_through_the_835_rules(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    form = _eob(site, "100234", "90.00", "90.00", "CO-45 20.00; PR-2 20.00", "20.00")
    response = client.post("/remittances/paper/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    rem = Remittance.objects.get()
    assert (rem.status, rem.trace_number, rem.method) == ("posted", "100234", "CHK")
    assert rem.total_paid == Decimal("90.00") and rem.payer == site.payer
    (rc,) = rem.claims.all()
    assert rc.claim == site.claim and rc.outcome == "posted"
    assert rc.patient_responsibility == Decimal("20.00")
    assert Entry.objects.filter(claim=site.claim, source="era").exists()
    # Entered again: the same payment, nothing posted twice.
    client.post("/remittances/paper/", form)
    assert Remittance.objects.filter(status="posted").count() == 1
    assert client.get("/remittances/paper/").status_code == 200


def test_paper_eob_from_another_payer_than_the_claims_is_refused_beside_the_claim(
    world, client_for
):
    site = world.a
    form = {
        **_eob(site, "100234", "90.00", "90.00", "CO-45 20.00; PR-2 20.00", "20.00"),
        "payer": site.secondary_payer.pk,
    }
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    assert response.status_code == 422
    error = response.content.decode().split('id="eob-claim_1-error">', 1)[1].split("</span>")[0]
    number = site.claim.patient_control_number
    assert f"{number} was billed to {site.payer.name}, not {site.secondary_payer.name}" in error
    assert not Remittance.objects.exists()
    assert not Entry.objects.filter(claim=site.claim, source="era").exists()


def test_a_second_paper_eob_on_a_paid_claim_is_refused_as_a_likely_copy(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    form = _eob(site, "100234", "90.00", "90.00", "CO-45 20.00; PR-2 20.00", "20.00")
    assert client.post("/remittances/paper/", form).status_code == 302
    before = Entry.objects.filter(claim=site.claim).count()
    again = {**form, "check_number": "100999"}
    response = client.post("/remittances/paper/", again)
    assert response.status_code == 422
    error = response.content.decode().split('id="eob-claim_1-error">', 1)[1].split("</span>")[0]
    number = site.claim.patient_control_number
    assert f"{number} is already paid by {site.payer.name} (03/20/2026, check or trace" in error
    assert "100234" in error
    assert Entry.objects.filter(claim=site.claim).count() == before
    assert Remittance.objects.filter(trace_number="100999").count() == 0


def test_paper_eob_that_does_not_balance_is_refused_on_the_form_in_words(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    # 130.00 billed; 90 + 20 = 110 accounted for, and the check says 95.00.
    response = client.post(
        "/remittances/paper/", _eob(site, "555", "95.00", "90.00", "CO-45 20.00")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "$20.00 is not accounted for" in html and "check total $95.00" in html
    assert not Remittance.objects.exists()
    assert not Entry.objects.filter(claim=site.claim, source="era").exists()
    assert 'value="90.00"' in html  # what was typed stays on the form


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"adjustments_1": "CO45"}, b"as in CO-45 20.00"),
        ({"adjustments_1": "ZZ-45 1.00"}, b"not a group code"),
        ({"claim_1": "NOPE"}, b"no claim"),
        ({"check_total": "ninety"}, b"not an amount"),
        ({"patient_1": "5.00"}, b"differs from its PR adjustments"),
    ],
)
def test_paper_eob_entry_errors_are_named(world, client_for, change, words):
    site, client = world.a, client_for(world.users["biller"])
    form = {**_eob(site, "1", "90.00", "90.00", "CO-45 40.00"), **change}
    response = client.post("/remittances/paper/", form)
    assert response.status_code == 422 and words in response.content
    assert not Remittance.objects.exists()


def test_paper_eob_shows_every_wrong_field_at_once_beside_its_input(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    form = {
        **_eob(site, "", "ninety", "9O.00", "CO45"),
        "check_date": "03/02/2026",
        "claim_2": "NOPE",
        "paid_2": "1.00",
        "patient_2": "abc",
    }
    response = client.post("/remittances/paper/", form)
    html = response.content.decode()
    assert response.status_code == 422
    wrong = {
        "check_number": "Enter the check or EFT number",
        "check_date": "Enter the check&#x27;s date (YYYY-MM-DD)",
        "check_total": "Is not an amount; type it as digits",
        "paid_1": "Is not an amount; type it as digits",
        "adjustments_1": "as in CO-45 20.00",
        "claim_2": "No claim &#x27;NOPE&#x27; in this practice",
        "patient_2": "Is not an amount; type it as digits",
    }
    for name, words in wrong.items():
        error = html.split(f'id="eob-{name}-error">', 1)[1].split("</span>", 1)[0]
        assert words in error, name
        assert f'aria-describedby="eob-{name}-error"' in html
    assert "7 things to fix" in html
    assert html.count('class="field-error"') == len(wrong)
    assert 'value="ninety"' in html and 'value="NOPE"' in html  # what was typed stays
    assert not Remittance.objects.exists()


def test_paper_eob_refusal_of_the_posting_rules_sits_beside_its_row(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    _sent(site)
    form = {
        "payer": site.payer.pk,
        "check_number": "77",
        "check_date": "2026-03-20",
        "check_total": "90.00",
        "claim_3": site.claim.patient_control_number,
        "paid_3": "90.00",
        "adjustments_3": "CO-45 40.00",
        "patient_3": "5.00",
    }
    html = client.post("/remittances/paper/", form).content.decode()
    error = html.split('id="eob-patient_3-error">', 1)[1].split("</span>", 1)[0]
    assert "differs from its PR adjustments" in error
    assert "Claim row 3 patient responsibility: $5.00 differs" in html


def test_forward_balance_taken_then_recovered_shows_netted(world, client_for):
    site, biller = world.a, world.users["biller"]
    (first,) = read_835(era_bytes(site, 5))
    taken = PLB("1234567893", datetime.date(2026, 12, 31), "FB", "ICN777", Money("10.00"))
    one = replace(first, provider_adjustments=(taken,), total_paid=first.total_paid - 10)
    era.import_era(biller, site.practice, write_835([one]), "one.835")
    client = client_for(biller)
    page = client.get("/remittances/provider-adjustments/")
    assert b"ICN777" in page.content and b"open" in page.content
    back = replace(taken, amount=Money("-10.00"))
    two = replace(
        first,
        trace_number="T2",
        claims=(),
        provider_adjustments=(back,),
        total_paid=Money("10.00"),
    )
    era.import_era(biller, site.practice, write_835([two]), "two.835")
    assert b"ICN777" not in client.get("/remittances/provider-adjustments/").content
    netted = client.get("/remittances/provider-adjustments/?show=netted")
    assert b"ICN777" in netted.content and b"netted" in netted.content


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="concurrent writers need PostgreSQL; SQLite serialises them",
)
def test_two_imports_at_once_add_each_deposit_once_and_match_it_once(world):
    site, biller = world.a, world.users["biller"]
    rem = _posted(site, biller)
    same = _bank(_eft(rem))
    overlapping = _bank(_eft(rem), BankDeposit(rem.payment_date, Money("3.00"), type_code="301"))
    files = [same, same, overlapping, overlapping]
    errors = []

    def worker(data):
        try:
            services.import_bank_file(biller, site.practice, data, "d.bai")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert BankFile.objects.count() == 2
    assert Deposit.objects.count() == 2
    assert DepositMatch.objects.count() == 1


@pytest.mark.parametrize("status", ["draft", "scrubbed"])
def test_paper_eob_for_a_claim_never_sent_is_refused_naming_it(world, client_for, status):
    site, biller = world.a, world.users["biller"]
    client = client_for(biller)
    form = _eob(site, "100234", "90.00", "90.00", "CO-45 20.00; PR-2 20.00", "20.00")
    _sent(site, status)
    response = client.post("/remittances/paper/", form)
    html = response.content.decode()
    number = site.claim.patient_control_number
    assert response.status_code == 422
    error = html.split('id="eob-claim_1-error">', 1)[1].split("</span>", 1)[0]
    assert f"{number} has not been sent to a payer yet; post a payment at the desk" in error
    assert not Remittance.objects.exists()
    assert not Entry.objects.filter(claim=site.claim, source="era").exists()
    site.claim.refresh_from_db()
    assert site.claim.status == status
    # The service refuses it too, whichever door the entry comes in by.
    line = EobLine(number, Money("90.00"), ())
    with pytest.raises(ServiceError, match="has not been sent to a payer yet") as err:
        post_paper_eob(
            biller, site.practice, site.payer, "1", datetime.date(2026, 3, 20), Money("90"), [line]
        )
    assert err.value.field == "claims[0].claim"


def test_paper_eob_check_dated_in_the_future_is_refused_beside_the_date(world, client_for):
    site, biller = world.a, world.users["biller"]
    client = client_for(biller)
    form = {
        **_eob(site, "100234", "90.00", "90.00", "CO-45 20.00; PR-2 20.00", "20.00"),
        "check_date": "2099-12-31",
    }
    response = client.post("/remittances/paper/", form)
    html = response.content.decode()
    assert response.status_code == 422
    error = html.split('id="eob-check_date-error">', 1)[1].split("</span>", 1)[0]
    assert "12/31/2099 is in the future" in error
    assert not Remittance.objects.exists()
    line = EobLine(site.claim.patient_control_number, Money("90.00"), ())
    with pytest.raises(ServiceError, match="in the future") as err:
        post_paper_eob(
            biller, site.practice, site.payer, "1", datetime.date(2099, 12, 31), Money("90"), [line]
        )
    assert err.value.field == "check date"


def test_paper_eob_check_dated_before_the_books_begin_is_refused(world, client_for):
    from medbill.web.billing.services import books_begin

    site, biller = world.a, world.users["biller"]
    first = books_begin(site.practice.pk)
    before = first - datetime.timedelta(days=1)
    form = {
        **_eob(site, "100234", "90.00", "90.00", "CO-45 20.00; PR-2 20.00", "20.00"),
        "check_date": before.isoformat(),
    }
    response = client_for(biller).post("/remittances/paper/", form)
    html = response.content.decode()
    assert response.status_code == 422
    error = html.split('id="eob-check_date-error">', 1)[1].split("</span>", 1)[0]
    assert f"{before:%m/%d/%Y} is before {first:%m/%d/%Y}, when this practice" in error
    assert not Remittance.objects.exists()


def test_paper_eob_negative_or_huge_amounts_are_errors_beside_their_inputs(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    form = {
        **_eob(site, "100234", "-90.00", "-90.00", "CO-45 20.00", "-20.00"),
        "claim_2": site.claim.patient_control_number,
        "paid_2": "99999999999.99",
        "adjustments_2": "",
    }
    response = client.post("/remittances/paper/", form)
    html = response.content.decode()
    assert response.status_code == 422
    wrong = {
        "check_total": "must not be negative",
        "paid_1": "must not be negative",
        "patient_1": "must not be negative",
        "paid_2": "is more than $999,999.99",
    }
    for name, words in wrong.items():
        error = html.split(f'id="eob-{name}-error">', 1)[1].split("</span>", 1)[0]
        assert words in error.lower(), name
    assert "Balance:" not in html
    assert not Remittance.objects.exists()
