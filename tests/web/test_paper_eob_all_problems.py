"""A paper EOB keyed with several bad lines shows every problem at once, each beside the
line and field it is about, and posts nothing."""

from __future__ import annotations

import datetime
import re

import pytest

from medbill.core.money import Money
from medbill.core.x12.m835 import Adjustment
from medbill.web.banking.paper_eob import EobLine, check_paper_eob, post_paper_eob
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.billing.remittance_models import Remittance
from medbill.web.practice.errors import ServiceErrors

pytestmark = pytest.mark.django_db


def another_claim(site, number: str, *, payer=None, status=Claim.Status.SUBMITTED) -> Claim:
    """A claim of 130.00 (one line) for another visit of the site's patient."""
    visit = site.visit
    visit.pk = None
    visit.save()
    claim = Claim.objects.create(
        practice=site.practice,
        visit=visit,
        patient=site.patient,
        coverage=site.coverage if payer is None else site.secondary,
        payer=payer or site.payer,
        patient_control_number=number,
        diagnoses=["J020"],
        status=status,
    )
    ClaimLine.objects.create(
        practice=site.practice,
        claim=claim,
        line_number=1,
        code="99213",
        charge=Money("130.00"),
        dx_pointers=[1],
    )
    return claim


def errors_beside_inputs(html: str) -> dict[str, str]:
    found = re.findall(r'<span class="field-error" id="eob-([a-z_0-9]+)-error">(.*?)</span>', html)
    return dict(found)


def four_bad_rows(world) -> dict[str, str]:
    site = world.a
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    other_payer = another_claim(site, "CVFP-000201", payer=site.secondary_payer)
    overpaid = another_claim(site, "CVFP-000202")
    draft = another_claim(site, "CVFP-000203", status=Claim.Status.DRAFT)
    return {
        "payer": str(site.payer.pk),
        "check_number": "40017",
        "check_date": "2026-03-20",
        "check_total": "999.00",
        # 130.00 billed; 90 + 20 leaves 20.00 unaccounted for
        "claim_1": site.claim.patient_control_number,
        "paid_1": "90.00",
        "adjustments_1": "CO-45 20.00",
        # billed to the secondary payer, not to the one that sent the check
        "claim_2": other_payer.patient_control_number,
        "paid_2": "10.00",
        "adjustments_2": "CO-45 120.00",
        # 100 + 30 + 10 is 10.00 too much, and the patient's 5.00 is not the PR 10.00
        "claim_3": overpaid.patient_control_number,
        "paid_3": "100.00",
        "adjustments_3": "CO-45 30.00; PR-2 10.00",
        "patient_3": "5.00",
        # never sent
        "claim_4": draft.patient_control_number,
        "paid_4": "0.00",
        "adjustments_4": "CO-45 130.00",
    }


def test_every_bad_line_is_named_beside_its_field_at_once(world, client_for):
    form = four_bad_rows(world)
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    html = response.content.decode()
    assert response.status_code == 422
    errors = errors_beside_inputs(html)
    assert set(errors) == {
        "adjustments_1",
        "claim_2",
        "adjustments_3",
        "patient_3",
        "claim_4",
        "check_total",
    }
    assert "$20.00 is not accounted for" in errors["adjustments_1"]
    assert "CVFP-000201 was billed to Wisconsin Medicaid" in errors["claim_2"]
    assert "$10.00 too much" in errors["adjustments_3"]
    assert "$5.00 differs from its PR adjustments ($10.00)" in errors["patient_3"]
    assert "CVFP-000203 has not been sent to a payer yet" in errors["claim_4"]
    assert "Check total $999.00 is not the claims&#x27; payments $200.00" in errors["check_total"]
    # The list above the form names each line and field in words, in the form's order.
    assert "6 things to fix" in html
    listed = html.split('id="eob-problems"', 1)[1].split("</ul>", 1)[0]
    places = [
        listed.index(words)
        for words in (
            "Check total: check total $999.00",
            "Claim row 1 adjustments: charge $130.00",
            "Claim row 2: CVFP-000201 was billed",
            "Claim row 3 adjustments:",
            "Claim row 3 patient responsibility:",
            "Claim row 4: CVFP-000203",
        )
    ]
    assert places == sorted(places)
    assert 'value="CO-45 30.00; PR-2 10.00"' in html  # what was typed stays
    assert not Remittance.objects.exists()
    assert not Entry.objects.exists()


def test_lines_that_cannot_be_read_and_lines_the_rules_refuse_show_together(world, client_for):
    rows = four_bad_rows(world)
    form = {
        **{name: value for name, value in rows.items() if not name.endswith(("_3", "_4"))},
        "paid_1": "ninety",  # cannot be read: its own sums, and the check total, wait
    }
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    errors = errors_beside_inputs(response.content.decode())
    assert set(errors) == {"paid_1", "claim_2"}
    assert "Is not an amount" in errors["paid_1"]
    assert "was billed to Wisconsin Medicaid" in errors["claim_2"]
    assert not Remittance.objects.exists()


def test_the_service_refuses_every_problem_at_once_naming_line_and_field(world):
    site, biller = world.a, world.users["biller"]
    form = four_bad_rows(world)
    lines = [
        EobLine(form["claim_1"], Money("90.00"), (Adjustment("CO", "45", Money("20.00")),)),
        EobLine(form["claim_2"], Money("10.00"), ()),
        EobLine(
            form["claim_3"],
            Money("100.00"),
            (Adjustment("CO", "45", Money("30.00")), Adjustment("PR", "2", Money("10.00"))),
            Money("5.00"),
        ),
    ]
    when = datetime.date(2026, 3, 20)
    with pytest.raises(ServiceErrors) as refused:
        post_paper_eob(biller, site.practice, site.payer, "1", when, Money("999.00"), lines)
    fields = [e.field for e in refused.value.errors]
    assert fields == [
        "claims[0].adjustments",
        "claims[1].claim",
        "claims[2].adjustments",
        "claims[2].patient_responsibility",
        "check total",
    ]
    assert refused.value.field == "claims[0].adjustments"  # a caller showing one sees the first
    checked = check_paper_eob(biller, site.practice, site.payer, when, Money("999.00"), lines)
    assert [e.field for e in checked.problems] == fields
    assert not Remittance.objects.exists() and not Entry.objects.exists()
