"""The denials-by-root-cause report."""

from __future__ import annotations

import pytest
from django.urls import reverse
from test_era_pages import denied_bytes

from medbill.web.billing import era

pytestmark = pytest.mark.django_db


def test_a_missing_authorization_is_an_authorization_denial_with_its_check(world, client_for):
    site = world.a
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")  # CO-197
    manager = client_for(world.users["manager"])
    page = manager.get(reverse("show_denial_causes"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-cause="authorization"' in html and "Record the authorization number" in html
    section = html.split('id="cause-authorization"')[1]
    assert site.payer.name in section and "99213" in section
    assert "authorization" in section.lower()
    other = client_for(world.outsider).get(reverse("show_denial_causes")).content.decode()
    assert 'data-cause="authorization"' not in other
    bad = manager.get(reverse("show_denial_causes"), {"months": "100"})
    assert bad.status_code == 422 and "from 1 to 36" in bad.content.decode()
    assert (
        client_for(world.users["front_desk"]).get(reverse("show_denial_causes")).status_code == 403
    )


def test_a_denial_becomes_a_payer_rule_the_scrubber_applies_to_the_next_claim(world, client_for):
    from medbill.web.billing.remittance_models import DenialItem, PayerRuleFromDenial
    from medbill.web.billing.scrubbing import scrub_claim

    site = world.a
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")  # CO-197
    denial = DenialItem.objects.get()
    biller = client_for(world.users["biller"])
    page = biller.get(reverse("show_denial", args=[denial.pk])).content.decode()
    assert "Add a payer rule" in page and "no authorization number" in page
    before = [f.code for f in scrub_claim(world.users["biller"], site.claim).findings]
    assert "PAY002" not in before
    biller.post(reverse("make_payer_rule", args=[denial.pk]))
    biller.post(reverse("make_payer_rule", args=[denial.pk]))  # a second click adds nothing
    (rule,) = PayerRuleFromDenial.objects.all()
    assert (rule.kind, rule.code, rule.payer) == ("prior_auth_required", "99213", site.payer)
    after = scrub_claim(world.users["biller"], site.claim).findings
    (held,) = [f for f in after if f.code == "PAY002"]
    assert f"made from denial {denial.pk}" in held.citation or f"P{rule.pk}" in held.message
    shown = biller.get(reverse("show_denial", args=[denial.pk])).content.decode()
    assert "Payer rule made from this denial" in shown
    # the rule is the practice's: another practice's claims for the same code are not held
    other = scrub_claim(None, world.b.claim).findings
    assert "PAY002" not in [f.code for f in other]


def test_the_biller_corrects_the_root_cause_and_the_report_follows(world, client_for):
    from medbill.web.billing.remittance_models import DenialItem

    site = world.a
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")
    denial = DenialItem.objects.get()
    biller = client_for(world.users["biller"])
    page = biller.get(reverse("show_denial", args=[denial.pk])).content.decode()
    assert "Authorization (from the reason codes)" in page
    biller.post(reverse("set_root_cause", args=[denial.pk]), {"root_cause": "registration"})
    denial.refresh_from_db()
    assert denial.root_cause == "registration"
    report = client_for(world.users["manager"]).get(reverse("show_denial_causes"))
    html = report.content.decode()
    assert 'data-cause="registration"' in html and 'data-cause="authorization"' not in html
    biller.post(reverse("set_root_cause", args=[denial.pk]), {"root_cause": "astrology"})
    denial.refresh_from_db()
    assert denial.root_cause == "registration"
    biller.post(reverse("set_root_cause", args=[denial.pk]), {"root_cause": ""})
    denial.refresh_from_db()
    assert denial.root_cause == ""


def test_no_code_rule_is_offered_for_a_cause_the_desk_prevents(world, client_for):
    from medbill.web.billing.remittance_models import DenialItem

    site = world.a
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")
    denial = DenialItem.objects.get()
    biller = client_for(world.users["biller"])
    biller.post(reverse("set_root_cause", args=[denial.pk]), {"root_cause": "eligibility"})
    page = biller.get(reverse("show_denial", args=[denial.pk])).content.decode()
    assert "Add a payer rule" not in page
