"""PDF downloads: a claim's CMS-1500, a visit's superbill, the practice's encounter form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medbill.core.forms.readback import grid_text, plain_text
from medbill.web.billing.models import Entry
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_works(world, client_for):
    claim = world.a.claim
    response = client_for(world.users["biller"]).get(f"/claims/{claim.pk}/cms1500.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    grid = grid_text(response.content)
    assert grid[(1, 56, 23)] == "CVFP-000102"  # item 26
    assert grid[(1, 10, 1)] == "ORTEGA, MATEO"  # item 2
    assert grid[(1, 44, 25)] == "99213"  # item 24D, line 1
    assert AuditEvent.objects.filter(object_type="billing.Claim", action="view").exists()


def test_replica_mode_draws_the_form(world, client_for):
    response = client_for(world.users["biller"]).get(
        f"/claims/{world.a.claim.pk}/cms1500.pdf", {"mode": "replica"}
    )
    assert "HEALTH INSURANCE CLAIM FORM" in plain_text(response.content)


def test_superbill_shows_the_copay_taken_at_the_desk(world, client_for):
    site = world.a
    Entry.objects.create(
        practice=site.practice,
        kind=Entry.Kind.PAYMENT,
        amount=Decimal("-25.00"),
        patient=site.patient,
        visit=site.visit,
        method="cash",
        source="desk",
    )
    response = client_for(world.users["front_desk"]).get(f"/visits/{site.visit.pk}/superbill.pdf")
    assert response.status_code == 200
    text = plain_text(response.content)
    assert "SUPERBILL" in text and "Cedar Valley Clinic" in text
    assert "-$25.00" in text
    # The practice's own words for the code, from its fee schedule.
    assert "Office visit, established, low complexity" in text


def test_encounter_form_lists_the_fee_schedule(world, client_for):
    response = client_for(world.users["front_desk"]).get("/forms/encounter-form.pdf")
    assert response.status_code == 200
    text = plain_text(response.content)
    assert "ENCOUNTER FORM" in text and "Rapid strep test" in text and "$32.00" in text
    assert "Joan Whitaker, MD" in text


def test_other_practices_documents_are_not_found(world, client_for):
    client = client_for(world.outsider)
    assert client.get(f"/claims/{world.a.claim.pk}/cms1500.pdf").status_code == 404
    assert client.get(f"/visits/{world.a.visit.pk}/superbill.pdf").status_code == 404


def test_signed_out_users_are_sent_to_sign_in(world, client):
    response = client.get(f"/claims/{world.a.claim.pk}/cms1500.pdf")
    assert response.status_code == 302


def test_visit_page_links_the_pdfs(world, client_for):
    page = client_for(world.users["biller"]).get(f"/visits/{world.a.visit.pk}/")
    text = page.content.decode()
    assert f"/visits/{world.a.visit.pk}/superbill.pdf" in text
    assert f"/claims/{world.a.claim.pk}/cms1500.pdf" in text


def test_superbill_before_the_claim_is_built(world, client_for):
    site = world.a
    site.claim.lines.all().delete()
    site.claim.delete()
    response = client_for(world.users["biller"]).get(f"/visits/{site.visit.pk}/superbill.pdf")
    assert response.status_code == 200
    text = plain_text(response.content)
    assert f"CVFP{site.visit.pk:07d}" in text  # the number the claim will get
    assert "Lakeland Commercial Insurance" in text and "Wisconsin Medicaid" in text


def test_demo_stage_prints_forms_for_each_practice(world, tmp_path):
    import datetime

    from medbill.web.billing.forms_demo import forms_stage
    from medbill.web.demo.stages import StageContext

    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    rows = forms_stage(ctx)
    names = sorted(p.name for p in (tmp_path / "forms").iterdir())
    claim = world.a.claim.patient_control_number
    assert f"superbill-{claim}.pdf" in names
    assert f"cms1500-{claim}-print.pdf" in names and f"cms1500-{claim}-replica.pdf" in names
    assert "encounter-form-cvfp.pdf" in names
    counts = {row.item: row.count for row in rows}
    assert counts["superbills"] == 2 and counts["CMS-1500 claims"] == 2


def test_claim_page_links_the_pdfs(world, client_for):
    claim = world.a.claim
    text = client_for(world.users["biller"]).get(f"/claims/{claim.pk}/").content.decode()
    assert f"/claims/{claim.pk}/cms1500.pdf" in text
    assert f"/claims/{claim.pk}/cms1500.pdf?mode=replica" in text
    assert f"/visits/{claim.visit.pk}/superbill.pdf" in text
