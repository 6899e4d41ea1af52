"""Every door a payment comes in by refuses card numbers and amounts or dates that
cannot be right, in words, and writes nothing."""

from __future__ import annotations

import datetime
import json

import pytest
from desk_support import visit_today
from django.urls import reverse
from django.utils import timezone

from medbill.web.billing.models import Entry
from medbill.web.frontdesk.desk_models import DeskSettings, EligibilityCheck
from medbill.web.frontdesk.models import Visit
from medbill.web.frontdesk.services import collect_payment, copay_status
from medbill.web.practice.errors import ServiceError

pytestmark = pytest.mark.django_db

PAN = "4111111111111111"


def payments():
    return Entry.objects.filter(kind="payment")


class TestBillerPaymentForm:
    def post(self, world, client_for, **data):
        url = reverse("post_payment", args=[world.a.patient.pk])
        form = {"amount": "20", "method": "card", "reference": "", "memo": "", **data}
        return client_for(world.users["biller"]).post(url, form)

    def test_a_full_card_number_is_refused_and_not_stored(self, world, client_for):
        response = self.post(world, client_for, reference=PAN)
        assert response.status_code == 422
        assert "last four digits only" in response.content.decode()
        assert not payments().exists()
        assert PAN not in response.content.decode()

    def test_a_card_number_in_the_memo_is_refused_too(self, world, client_for):
        response = self.post(world, client_for, memo="card 4111-1111-1111-1111")
        assert response.status_code == 422 and not payments().exists()

    @pytest.mark.parametrize(
        ("amount", "words"),
        [
            ("25.005", "more than two decimals"),
            ("1e20", "type it as digits"),
            ("1000000", "more than $999,999.99"),
            ("NaN", "not an amount"),
        ],
    )
    def test_impossible_amounts_are_refused_in_words(self, world, client_for, amount, words):
        response = self.post(world, client_for, amount=amount)
        assert response.status_code == 422 and words in response.content.decode()
        assert not payments().exists()

    def test_a_payment_dated_in_the_future_is_refused(self, world, client_for):
        later = timezone.localdate() + datetime.timedelta(days=3)
        response = self.post(world, client_for, effective_date=later.isoformat())
        assert response.status_code == 422 and "in the future" in response.content.decode()

    def test_a_payment_before_the_books_begin_is_refused(self, world, client_for):
        response = self.post(world, client_for, effective_date="1999-01-04")
        assert response.status_code == 422 and "books begin" in response.content.decode()


class TestApi:
    def post(self, world, api_client_for, **data):
        body = {"patient_id": world.a.patient.pk, "amount": "20", **data}
        return api_client_for(world.users["biller"]).post(
            "/api/ledger/payments", json.dumps(body), content_type="application/json"
        )

    @pytest.mark.parametrize(
        "data",
        [
            {"reference": "4111 1111 1111 1111"},
            {"memo": f"pan {PAN}"},
            {"amount": "1e20"},
            {"amount": "25.005"},
            {"effective_date": "2099-01-01"},
        ],
    )
    def test_bad_payments_are_4xx_with_an_error(self, world, api_client_for, data):
        response = self.post(world, api_client_for, **data)
        assert response.status_code == 422, response.content
        assert response.json()["error"]
        assert not payments().exists()


class TestDeskCopay:
    def test_a_copay_over_the_desk_limit_is_refused(self, world):
        visit = visit_today(world.a)
        with pytest.raises(ServiceError, match=r"more than \$1,000.00"):
            collect_payment(world.users["front_desk"], world.a.patient, "2500", "cash", visit=visit)
        assert not payments().exists()

    def test_no_copay_on_the_eligibility_answer_refuses_a_copay(self, world):
        visit = visit_today(world.a)
        EligibilityCheck.objects.create(
            practice=world.a.practice,
            patient=world.a.patient,
            coverage=world.a.coverage,
            service_date=visit.date_of_service,
            status="active",
            summary="Active",
        )
        assert copay_status(visit).copay is None
        with pytest.raises(ServiceError, match="shows no copay"):
            collect_payment(world.users["front_desk"], world.a.patient, "1000", "cash", visit=visit)
        assert not payments().exists()
        entry = collect_payment(
            world.users["front_desk"], world.a.patient, "1000", "cash", kind="balance", visit=visit
        )
        assert entry.source_ref == "balance"

    def test_the_limit_is_the_practices_setting(self, world):
        DeskSettings.objects.create(practice=world.a.practice, copay_ceiling="50.00")
        with pytest.raises(ServiceError, match=r"more than \$50.00"):
            collect_payment(world.users["front_desk"], world.a.patient, "60", "cash")

    def test_a_second_copay_for_a_paid_visit_is_refused(self, world):
        DeskSettings.objects.create(practice=world.a.practice, default_copay="25.00")
        visit = visit_today(world.a)
        collect_payment(world.users["front_desk"], world.a.patient, "25", "cash", visit=visit)
        assert copay_status(visit).left is None
        with pytest.raises(ServiceError, match="already collected"):
            collect_payment(world.users["front_desk"], world.a.patient, "25", "cash", visit=visit)
        # The same money as a payment on the balance is fine.
        collect_payment(
            world.users["front_desk"], world.a.patient, "25", "cash", visit=visit, kind="balance"
        )
        assert payments().count() == 2

    def test_more_than_the_plans_copay_is_refused(self, world):
        DeskSettings.objects.create(practice=world.a.practice, default_copay="25.00")
        visit = visit_today(world.a)
        with pytest.raises(ServiceError, match=r"copay is \$25.00"):
            collect_payment(world.users["front_desk"], world.a.patient, "40", "cash", visit=visit)

    def test_the_desk_form_says_so_next_to_the_amount(self, world, client_for):
        DeskSettings.objects.create(practice=world.a.practice, default_copay="25.00")
        visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
        client = client_for(world.users["front_desk"])
        url = reverse("collect_payment", args=[visit.pk])
        page = client.post(
            url, {"amount": "400", "method": "cash", "kind": "copay"}, follow=True
        ).content.decode()
        assert "copay is $25.00" in page
        assert not payments().exists()


class TestDeskAmounts:
    def test_the_desk_form_refuses_fractions_of_a_cent(self, world, client_for):
        visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
        page = (
            client_for(world.users["front_desk"])
            .post(
                reverse("collect_payment", args=[visit.pk]),
                {"amount": "25.005", "method": "cash", "kind": "balance"},
                follow=True,
            )
            .content.decode()
        )
        assert "more than two decimals" in page
        assert not payments().exists()

    def test_a_receipt_printed_later_shows_the_balance_after_its_own_payment(self, world):
        from medbill.web.billing.services import balance_of
        from medbill.web.frontdesk.receipts import receipt_pdf

        first = collect_payment(
            world.users["front_desk"], world.a.patient, "25", "cash", kind="balance"
        )
        collect_payment(world.users["front_desk"], world.a.patient, "20", "cash", kind="balance")
        then = balance_of(world.a.patient, "patient", through=first)
        now = balance_of(world.a.patient, "patient")
        assert now == then - 20
        from medbill.core.forms.readback import plain_text

        text = plain_text(receipt_pdf(first))
        assert then.format() in text and now.format() not in text


class TestRefusedCardNumberKeepsTheForm:
    """A refused card number is said beside the reference field; what else was typed stays,
    the card number does not come back."""

    def test_at_the_desk(self, world, client_for):
        from desk_support import visit_today

        visit = visit_today(world.a)
        client = client_for(world.users["front_desk"])
        response = client.post(
            reverse("collect_payment", args=[visit.pk]),
            {
                "amount": "17.40",
                "method": "card",
                "kind": "balance",
                "reference": "4111 1111 1111 1111",
            },
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert "4111 1111 1111 1111" not in page and PAN not in page
        error = page.index('id="pay-reference-error"')
        assert "last four digits only" in page[error : error + 300]
        assert page.index('name="reference"') < error  # next to its input, not a banner
        assert 'class="msg error"' not in page
        assert 'id="pay-amount" inputmode="decimal" required value="17.40"' in page
        assert '<input type="radio" name="method" value="card" checked>' in page
        assert '<option value="balance" selected>' in page
        assert not payments().exists()

    def test_on_the_biller_form(self, world, client_for):
        url = reverse("post_payment", args=[world.a.patient.pk])
        response = client_for(world.users["biller"]).post(
            url,
            {
                "amount": "63.10",
                "method": "check",
                "reference": PAN,
                "memo": "mailed in",
                "effective_date": timezone.localdate().isoformat(),
            },
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert PAN not in page
        error = page.index('id="reference-error"')
        assert "last four digits only" in page[error : error + 300]
        assert 'role="alert"' not in page
        assert 'name="amount" value="63.10"' in page and "<option selected>check</option>" in page
        assert f'name="effective_date" value="{timezone.localdate().isoformat()}"' in page
        assert 'value="mailed in"' in page
