"""Claims wait for the intake packet, as the practice's desk settings say."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from test_claims_out import coded_visit

from medbill.core.frontdesk.paperwork import DEFAULT_PACKET
from medbill.web.claims_out.services import build_claims
from medbill.web.frontdesk.models import DeskSettings, PaperworkSignature

pytestmark = pytest.mark.django_db


def _sign(site, visit, documents):
    signed = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0))
    for name in documents:
        PaperworkSignature.objects.create(
            practice=site.practice,
            patient=site.patient,
            visit=visit,
            document=name,
            signer_name="Lucia Ortega",
            method="typed",
            signed_at=signed,
            channel="staff",
            pdf=b"%PDF",
        )


def _settings(site, mode):
    DeskSettings.objects.update_or_create(
        practice=site.practice, defaults={"hold_claims_for_paperwork": mode}
    )


def test_nothing_on_file_is_billed_by_default(world):
    site = world.a
    visit = coded_visit(site)
    result = build_claims(world.users["biller"], site.practice, [visit.pk])
    assert [c.visit_id for c in result.created] == [visit.pk]


def test_incomplete_paperwork_on_file_holds_the_claim(world):
    site, biller = world.a, world.users["biller"]
    visit = coded_visit(site)
    _sign(site, visit, ["demographics", "consent"])
    result = build_claims(biller, site.practice, [visit.pk])
    assert result.created == []
    why = result.skipped[visit.pk]
    assert why.startswith("intake paperwork is not complete")
    assert "Financial policy" in why and "Assignment of benefits" in why

    _sign(site, visit, [item.document for item in DEFAULT_PACKET])
    result = build_claims(biller, site.practice, [visit.pk])
    assert [c.visit_id for c in result.created] == [visit.pk]


def test_always_holds_patients_with_nothing_on_file(world):
    site = world.a
    _settings(site, "always")
    visit = coded_visit(site)
    result = build_claims(world.users["biller"], site.practice, [visit.pk])
    assert result.created == [] and "not complete" in result.skipped[visit.pk]


def test_off_bills_despite_missing_paperwork(world):
    site = world.a
    _settings(site, "off")
    visit = coded_visit(site)
    _sign(site, visit, ["consent"])
    result = build_claims(world.users["biller"], site.practice, [visit.pk])
    assert [c.visit_id for c in result.created] == [visit.pk]
