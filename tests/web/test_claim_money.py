"""The claim page's money: charged, paid by each payer, adjustments, the patient's share,
the next payer's share and the balance, from the ledger, agreeing with the A/R aging."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

import pytest
from test_secondary_share_aging import post_primary

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.billing import era, reports
from medbill.web.billing.claim_money import claim_money
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim, Entry

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 4, 20)


def pay(site, user):
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    (rem,) = read_835(write_835(simulate([claim_document(site.claim)], seed=2).remittances))
    rem = replace(rem, payment_date=datetime.date(2026, 4, 2))
    era.import_era(user, site.practice, write_835([rem]), "r.835")
    return rem.claims[0]


def cells(html: str, section: str) -> dict[str, list[str]]:
    """The rows of the page's money table: label -> its amounts as shown."""
    table = html.split(f'id="{section}"', 1)[1].split("</table>", 1)[0]
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        found = re.findall(r"<t[hd][^>]*>(?:<strong>)?(.*?)(?:</strong>)?</t[hd]>", row, re.S)
        out[found[0].split(" <small", 1)[0]] = found[1:]
    return out


def aging_total(site, by: str) -> Money:
    return Money(reports.ar_aging(site.practice, by, AS_OF).rows[-1][-1])


def test_the_claim_page_shows_what_the_ledger_says_and_the_a_r_agrees(world, client_for):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()  # the patient's share goes to the patient
    payment = pay(site, biller)
    money = claim_money(site.claim)
    labels = [r.label for r in money.rows]
    assert labels[:2] == ["Charged", f"Paid by {site.payer.name}"]
    assert "Contractual adjustments (CO)" in labels and "Patient responsibility" in labels
    assert money.adds_up
    # One claim in the practice: its balances are the A/R's totals.
    assert money.payer_balance == aging_total(site, "payer")
    assert money.patient_balance == aging_total(site, "patient") == payment.patient_responsibility

    html = client_for(biller).get(f"/claims/{site.claim.pk}/").content.decode()
    shown = cells(html, "claim-money")
    assert shown["Charged"] == ["$130.00", "$0.00", "$130.00"]
    assert shown[f"Paid by {site.payer.name}"] == [f"-{payment.paid.format()}", "$0.00"] + [
        f"-{payment.paid.format()}"
    ]
    share = payment.patient_responsibility.format()
    assert shown["Patient responsibility"] == [f"-{share}", share, "$0.00"]
    balance = money.balance
    assert shown["Balance"] == [balance.payer.format(), share, balance.total.format()]
    # Every part is the ledger's: the columns add up to the balance.
    del shown["From the ledger"]  # the header
    for column in range(3):
        parts = [Money(v[column].replace("$", "").replace(",", "")) for v in shown.values()]
        assert sum(parts[:-1], ZERO) == parts[-1]

    # Per line: what the payer paid and adjusted on it, and what went to the patient.
    lines = html.split("<h2>Lines</h2>", 1)[1].split("</table>", 1)[0]
    line = Entry.objects.filter(claim=site.claim, claim_line__isnull=False)
    paid = -sum((e.money for e in line if e.kind == "payment"), ZERO)
    assert paid == payment.paid and f'<td class="num">{paid.format()}</td>' in lines
    assert f'<td class="num">{share}</td>' in lines


def test_the_next_payers_share_is_on_the_secondary_claim_as_the_a_r_has_it(world, client_for):
    site, biller = world.a, world.users["biller"]
    _, payment, secondary = post_primary(site, biller)
    share = payment.patient_responsibility
    primary, second = claim_money(site.claim), claim_money(secondary)
    moved = {r.label: r for r in primary.rows}["Next payer's share (moved between claims)"]
    assert moved.payer == -share and moved.patient == ZERO
    assert {r.label: r for r in second.rows}[moved.label].payer == share
    assert second.payer_balance == share and second.patient_balance == ZERO
    assert primary.adds_up and second.adds_up
    by_payer = {row[0]: Money(row[-1]) for row in reports.ar_aging(site.practice, "payer").rows}
    assert by_payer[site.secondary_payer.name] == second.payer_balance
    assert by_payer.get(site.payer.name, ZERO) == primary.payer_balance

    html = client_for(biller).get(f"/claims/{secondary.pk}/").content.decode()
    assert cells(html, "claim-money")["Balance"][0] == share.format()
    number = site.claim.patient_control_number
    assert f"(the visit&#x27;s charges are posted on claim {number})" in html


def test_a_claim_not_billed_yet_owes_nothing(world, client_for):
    html = client_for(world.users["biller"]).get(f"/claims/{world.a.claim.pk}/").content.decode()
    assert "(not sent yet: the charges go on the ledger when the claim is submitted)" in html
    assert cells(html, "claim-money") == {
        "From the ledger": ["Payer owes", "Patient owes", "Total"],
        "Charged": ["$0.00", "$0.00", "$0.00"],
        "Balance": ["$0.00", "$0.00", "$0.00"],
    }
