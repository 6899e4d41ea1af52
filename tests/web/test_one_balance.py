"""One balance: the statement, the account page and the API say the same amount for every
patient of the demo office, including patients with payments not applied to a visit."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from medbill.core.money import ZERO, Money
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import Statement
from medbill.web.billing.services import balance_of, balances_of, post_payment
from medbill.web.billing.statements import run_statements
from medbill.web.demo.generate import DEFAULT_SEED, DEFAULT_START
from medbill.web.demo.stages import STAGES, StageContext, run_stages
from medbill.web.frontdesk.models import Coverage, Patient
from medbill.web.practice.models import Practice

pytestmark = pytest.mark.django_db

PATIENT = Entry.Responsibility.PATIENT
OWES = re.compile(r"<dt>Patient (?:owes|balance)</dt><dd id=\"patient-balance\">([^<]*)</dd>")


@pytest.fixture
def demo_office(tmp_path):
    wanted = {"seed", "eligibility", "claims", "scrub", "837p", "era"}
    run_stages(
        StageContext(out=tmp_path / "demo", seed=DEFAULT_SEED, start=DEFAULT_START),
        [s for s in STAGES if s[0] in wanted],
    )
    return get_user_model().objects.get(username="biller")


def test_statement_page_and_api_agree_for_every_demo_patient(
    demo_office, tmp_path, client_for, api_client_for
):
    biller = demo_office
    medicaid = set(
        Coverage.objects.filter(active=True, payer__payer_type="medicaid").values_list(
            "patient_id", flat=True
        )
    )
    owing = [
        p
        for p in Patient.objects.order_by("pk")
        if balance_of(p, PATIENT) > ZERO and p.pk not in medicaid
    ][:6]
    assert owing, "the demo should leave some patients owing"
    # Payments on account, not applied to any visit: the page counts them, and so must
    # the statement.
    for patient in owing[::2]:
        post_payment(
            biller,
            patient,
            "4.00",
            method="cash",
            memo="on account",
            effective_date=timezone.localdate(),
        )
    web, api = client_for(biller), api_client_for(biller)
    checked = 0
    for practice in Practice.objects.all():
        web.post("/practice/switch/", {"practice": practice.pk})
        run_statements(
            biller,
            practice,
            tmp_path / f"statements-{practice.pk}",
            threshold="0.01",
            write_off_under="0.00",
        )
        for patient_id, balance in balances_of(practice, PATIENT).items():
            patient = Patient.objects.get(pk=patient_id)
            assert balance == balance_of(patient, PATIENT)
            page = web.get(reverse("show_account", args=[patient_id])).content.decode()
            assert OWES.search(page).group(1) == balance.as_balance(), patient.account_number
            body = api.get(f"/api/ledger/patients/{patient_id}").json()
            assert Money(body["patient_balance"]) == balance
            statement = Statement.objects.filter(patient=patient).first()
            if patient_id in medicaid:  # reviewed by hand, never sent by the cycle
                assert statement is None, patient.account_number
            elif balance > ZERO:
                assert statement is not None, patient.account_number
                assert Money(statement.balance) == balance, patient.account_number
            checked += 1
    assert checked >= len(owing)
    credited = Statement.objects.filter(patient__in=owing[::2])
    assert credited.count() == len(owing[::2])
