"""A paper EOB never posts money the paper does not say: a claim typed on two rows, an
amount in fractions of a cent, an amount on a row without its claim are refused beside
their inputs, with every other problem, and nothing is written. What a claim-level EOB
posted shows on the claim page as posted to the claim, not as 0.00 on each line."""

from __future__ import annotations

import datetime

import pytest
from test_paper_eob_all_problems import another_claim, errors_beside_inputs

from medbill.core.money import Money
from medbill.core.x12.m835 import Adjustment
from medbill.web.banking.paper_eob import EobLine, check_paper_eob, post_paper_eob
from medbill.web.billing.claim_money import claim_money
from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.remittance_models import Remittance
from medbill.web.practice.errors import ServiceError

pytestmark = pytest.mark.django_db

WHEN = datetime.date(2026, 3, 20)


def sent(site) -> Claim:
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    site.claim.refresh_from_db()
    return site.claim


def check(site, total: str, **rows: str) -> dict[str, str]:
    return {
        "payer": str(site.payer.pk),
        "check_number": "40017",
        "check_date": WHEN.isoformat(),
        "check_total": total,
        **rows,
    }


def nothing_posted() -> bool:
    return not Remittance.objects.exists() and not Entry.objects.filter(source="era").exists()


def test_a_claim_on_two_rows_of_one_eob_is_refused_naming_both(world, client_for):
    site = world.a
    claim, other = sent(site), another_claim(site, "CVFP-000201")
    number = claim.patient_control_number
    form = check(
        site,
        "310.00",
        claim_1=number,
        paid_1="100.00",
        adjustments_1="CO-45 30.00",
        claim_2=other.patient_control_number,
        paid_2="110.00",
        adjustments_2="CO-45 10.00",  # 10.00 short: refused with the repeat
        claim_3=number,
        paid_3="100.00",
        adjustments_3="CO-45 30.00",
    )
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    assert response.status_code == 422
    errors = errors_beside_inputs(response.content.decode())
    assert set(errors) == {"adjustments_2", "claim_3"}
    assert errors["claim_3"].startswith(f"Claim {number} is on rows 1 and 3: one row a claim")
    assert "$10.00 is not accounted for" in errors["adjustments_2"]
    assert nothing_posted()


def test_the_service_refuses_a_claim_on_two_lines(world):
    site, biller = world.a, world.users["biller"]
    number = sent(site).patient_control_number
    line = EobLine(number, Money("100.00"), (Adjustment("CO", "45", Money("30.00")),))
    lines = [line, line]
    with pytest.raises(ServiceError) as refused:
        post_paper_eob(biller, site.practice, site.payer, "1", WHEN, Money("200.00"), lines)
    (problem,) = refused.value.errors
    assert problem.field == "claims[1].claim"
    assert problem.problem.startswith(f"claim {number} is on lines 1 and 2: one line a claim")
    assert nothing_posted()


def test_amounts_with_more_than_two_decimals_are_refused_not_rounded(world, client_for):
    site = world.a
    number = sent(site).patient_control_number
    form = check(
        site,
        "999.999",
        claim_1=number,
        paid_1="12.345",
        adjustments_1="CO-45 117.655",
        patient_1="199.995",
    )
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    assert response.status_code == 422
    errors = errors_beside_inputs(response.content.decode())
    assert set(errors) == {"check_total", "paid_1", "adjustments_1", "patient_1"}
    for name in errors:
        assert "more than two decimals" in errors[name], name
    assert errors["adjustments_1"].startswith("Adjustment 1 (CO-45) has more than two")
    html = response.content.decode()
    assert "Claim row 1 paid: has more than two decimals" in html
    assert "Check total: has more than two decimals" in html
    assert nothing_posted()


def test_an_amount_on_a_row_without_a_claim_is_refused(world, client_for):
    site = world.a
    number = sent(site).patient_control_number
    form = check(
        site,
        "100.00",
        claim_1=number,
        paid_1="100.00",
        adjustments_1="CO-45 30.00",
        paid_4="50.00",  # paid on the paper, the claim number left out
    )
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    assert response.status_code == 422
    errors = errors_beside_inputs(response.content.decode())
    assert set(errors) == {"claim_4"}
    assert errors["claim_4"].startswith("An amount without a claim")
    assert "Claim row 4: an amount without a claim" in response.content.decode()
    assert nothing_posted()


def test_the_service_refuses_a_line_without_its_claim_number(world):
    site, biller = world.a, world.users["biller"]
    sent(site)
    lines = [EobLine(" ", Money("50.00"), ())]
    checked = check_paper_eob(biller, site.practice, site.payer, WHEN, Money("50.00"), lines)
    (problem,) = checked.problems
    assert problem.field == "claims[0].claim"
    assert problem.problem.startswith("an amount without a claim")


def test_a_claim_level_eob_shows_on_the_claim_page_as_paid_for_the_claim(world, client_for):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()  # the patient's share goes to the patient
    claim = sent(site)
    form = check(
        site,
        "90.00",
        claim_1=claim.patient_control_number,
        paid_1="90.00",
        adjustments_1="CO-45 20.00; PR-2 20.00",
    )
    assert client_for(biller).post("/remittances/paper/", form).status_code == 302
    money = claim_money(claim)
    assert money.lines == {}  # the paper named no line
    level = money.claim_level
    assert level is not None
    assert (level.paid, level.adjusted, level.to_patient) == (
        Money("90.00"),
        Money("20.00"),
        Money("20.00"),
    )
    html = client_for(biller).get(f"/claims/{claim.pk}/").content.decode()
    table = html.split("<h2>Lines</h2>", 1)[1].split("</table>", 1)[0]
    line = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "$0.00" not in line and line.count('<td class="num">—</td>') == 3
    footer = table.split('<tr class="claim-level">', 1)[1]
    assert "At claim level" in footer
    amounts = ["$90.00", "$20.00", "$20.00"]
    assert footer.split("</tr>", 1)[0].count('<td class="num">') == len(amounts)
    assert [cell.split("</td>", 1)[0] for cell in footer.split('<td class="num">')[1:]] == amounts
