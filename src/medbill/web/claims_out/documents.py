"""Claim documents for many claims at once: what ``claim_document`` returns, in a handful
of queries instead of several per claim (a 1,000-claim batch must build in seconds)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch

from medbill.core import claim as doc
from medbill.web.billing.documents import (
    _facility,
    _line,
    _patient,
    billing_provider_of,
    payer_of,
    provider_of,
    subscriber_of,
)
from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.frontdesk.models import Coverage
from medbill.web.frontdesk.paperwork import indicators_from, signatures_on_file

__all__ = ["claim_documents"]


def claim_documents(claims: Iterable[Claim]) -> list[doc.Claim]:
    """The core documents of ``claims``, in the order given."""
    ids = [c.pk for c in claims]
    rows = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=ids)
        .select_related("practice", "patient", "coverage", "payer", "visit", "visit__provider",
                        "visit__location")
        .prefetch_related(Prefetch("lines", queryset=ClaimLine.objects.order_by("line_number")),
                          "visit__diagnoses")
    }
    patients = {c.patient_id for c in rows.values()}
    coverages: dict[int, list[Coverage]] = defaultdict(list)
    for cov in Coverage.objects.filter(patient_id__in=patients).select_related("payer") \
            .order_by("order", "id"):
        coverages[cov.patient_id].append(cov)
    signed = signatures_on_file(patients)
    providers: dict[int, doc.BillingProvider] = {}
    out = []
    for pk in ids:
        claim = rows[pk]
        visit = claim.visit
        day = visit.date_of_service
        diagnoses = claim.diagnoses or [
            d.code for d in sorted(visit.diagnoses.all(), key=lambda d: d.position)]
        if claim.practice_id not in providers:
            providers[claim.practice_id] = billing_provider_of(claim.practice)
        others = tuple(
            doc.OtherCoverage(payer=payer_of(c.payer), subscriber=subscriber_of(c, claim.patient),
                              relationship_to_subscriber=c.relationship_to_subscriber,
                              order=c.order)
            for c in coverages[claim.patient_id]
            if c.pk != claim.coverage_id and c.practice_id == claim.practice_id
            and c.is_in_effect(day))
        out.append(doc.Claim(
            claim_id=claim.patient_control_number,
            date_of_service=day,
            place_of_service=visit.location.place_of_service or None,
            frequency_code=claim.frequency_code,
            billing_provider=providers[claim.practice_id],
            payer=payer_of(claim.payer),
            subscriber=subscriber_of(claim.coverage, claim.patient),
            patient=_patient(claim.patient, claim.coverage),
            diagnoses=tuple(str(c).upper().replace(".", "") for c in diagnoses),
            lines=tuple(_line(line, day) for line in claim.lines.all()),
            submission_date=claim.submitted_at.date() if claim.submitted_at else None,
            original_claim_ref=claim.original_claim_ref or None,
            rendering_provider=provider_of(visit.provider),
            service_facility=_facility(visit.location, claim.practice),
            other_coverage=others,
            prior_authorization=claim.prior_authorization or None,
            **indicators_from(signed.get(claim.patient_id), day),
        ))
    return out
