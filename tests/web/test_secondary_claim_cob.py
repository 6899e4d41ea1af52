"""A secondary claim built from an ERA carries the primary payer's decision as COB data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_era_import import era_for

from medbill.core.money import Money
from medbill.core.x12.m837p import read_837p, write_837p
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.remittance_models import SecondaryClaimLink
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER
from x12_pyx12 import pyx12_errors

pytestmark = pytest.mark.django_db


def test_secondary_claim_document_carries_the_primary_adjudication(world):
    site, biller = world.a, world.users["biller"]
    era.import_era(biller, site.practice, era_for(site.claim), "primary.835")
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)

    document = claim_document(link.claim)
    assert document.payer.payer_id == site.secondary_payer.payer_id
    (prior,) = [c for c in document.other_coverage if c.adjudication is not None]
    assert prior.payer.payer_id == site.claim.payer.payer_id
    assert prior.adjudication.paid == Money(Decimal(link.adjudication["paid"]))
    charge = sum((line.charge for line in document.lines), Money(0))
    adjusted = sum((a.amount for a in prior.adjudication.adjustments), Money(0))
    adjusted += sum(
        (a.amount for line in prior.adjudication.lines for a in line.adjustments), Money(0)
    )
    assert prior.adjudication.paid + adjusted == charge

    data = write_837p([document], ENVELOPE, CONTROL, SUBMITTER, CREATED)
    assert pyx12_errors(data) == []
    text = data.decode()
    assert "AMT*D*" in text  # 2320: the amount the prior payer paid
    assert "SVD*" in text  # 2430: line adjudication from the remittance
    (back,) = read_837p(data)
    assert back.payer_responsibility == "secondary"
    (read_prior,) = [c for c in back.claim.other_coverage if c.adjudication is not None]
    assert read_prior.adjudication.paid == prior.adjudication.paid


def test_a_primary_claim_has_no_cob_data(world):
    document = claim_document(world.a.claim)
    assert all(c.adjudication is None for c in document.other_coverage)


def test_bulk_and_single_documents_agree_on_cob(world):
    from medbill.web.billing.documents import claim_documents

    site, biller = world.a, world.users["biller"]
    era.import_era(biller, site.practice, era_for(site.claim), "primary.835")
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    single = claim_document(link.claim)
    assert claim_documents([site.claim, link.claim]) == [claim_document(site.claim), single]
    assert any(c.adjudication is not None for c in single.other_coverage)
