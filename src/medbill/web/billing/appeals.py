"""An appeal's answer: the next remittance for the appealed claim says whether the payer
overturned its denial (paid), paid part of it, or upheld it."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from medbill.web.billing.remittance_models import Appeal, DenialItem, Remittance, RemittanceClaim

__all__ = ["answer_appeals"]


def answer_appeals(remittance: Remittance) -> int:
    """Record the answer to each appeal waiting on a claim this remittance pays or denies
    again; returns how many were answered. An overturned denial is resolved; one upheld
    goes back to the denial queue for the next level of appeal."""
    answers = {
        rc.claim_id: rc
        for rc in RemittanceClaim.objects.filter(remittance=remittance, claim__isnull=False)
        .exclude(outcome__in=(RemittanceClaim.Outcome.UNMATCHED, RemittanceClaim.Outcome.HELD))
        .exclude(outcome=RemittanceClaim.Outcome.REVERSED)
    }
    if not answers:
        return 0
    waiting = Appeal.objects.filter(
        status=Appeal.Status.FILED, denial__claim_id__in=list(answers)
    ).select_related("denial")
    answered = 0
    day = remittance.payment_date
    for appeal in waiting:
        denial = appeal.denial
        rc = answers[denial.claim_id]
        if rc.pk == denial.remittance_claim_id:
            continue  # the answer that made the denial, not an answer to the appeal
        paid = Decimal(rc.paid)
        # the claim's new answer: paid with no line denied, paid with some denied, or not paid
        if rc.outcome == RemittanceClaim.Outcome.POSTED and paid > 0:
            appeal.status, denial.status = Appeal.Status.PAID, DenialItem.Status.RESOLVED
        elif paid > 0:
            appeal.status, denial.status = Appeal.Status.PARTLY_PAID, DenialItem.Status.OPEN
        else:
            appeal.status, denial.status = Appeal.Status.UPHELD, DenialItem.Status.OPEN
        appeal.paid, appeal.answer = paid, rc
        appeal.answered_on = day or timezone.localdate(remittance.posted_at)
        appeal.save()
        denial.save(update_fields=["status"])
        answered += 1
    return answered
