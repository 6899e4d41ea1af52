"""Demo stage ``risk``: each demo practice's denial-risk model, learned from its remittances
(the ``history`` stage's months and the demo's own 835s), judged on the months it did not
learn from, and the claims waiting to be sent scored with it.

The visits coded in the ``coding`` stage are billed and every draft claim (the secondary
claims the last 835s started too) is scrubbed, so the claim queue opens on claims ready
to send, each with its chance of denial and the reasons behind it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.billing.scrubbing import mark_scrubbed_many
from medbill.web.claims_out.demo import ctx_now
from medbill.web.claims_out.services import build_claims
from medbill.web.practice.models import Practice
from medbill.web.risk.services import (
    evaluate_by_month,
    predict_claims,
    threshold_of,
    train_practice,
)

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["risk_stage"]


def _ready(ctx: StageContext, practice: Practice) -> list[Claim]:
    """Bill today's coded visits and scrub every draft: the claims ready to send."""
    made = [c.pk for c in build_claims(None, practice).created]
    if made:
        dates = ClaimLine.objects.filter(claim_id__in=made).values_list(
            "date_of_service", flat=True
        )
        when = timezone.make_aware(ctx_now(ctx, [d for d in dates if d]))
        Claim.objects.filter(pk__in=made).update(created_at=when)
    drafts = Claim.objects.filter(practice=practice, status="draft").values_list("pk", flat=True)
    mark_scrubbed_many(None, practice, list(drafts))
    return list(Claim.objects.filter(practice=practice, status="scrubbed").order_by("id"))


def _judged(result: dict[str, Any]) -> str:
    if result["auc"] is None:
        return (
            f"not judged: {result['train_claims']} claims to learn from and "
            f"{result['test_claims']} to test on"
        )
    return (
        f"learned from {result['train_claims']} claims of services before "
        f"{result['test_from']} ({result['train_denied']} with a denial), tested on "
        f"{result['test_claims']} from then on ({result['test_denied']} with a denial): "
        f"AUC {result['auc']:.3f}; at {result['threshold']:.0%} it flags {result['flagged']}, "
        f"precision {result['precision']:.2f}, recall {result['recall']:.2f}"
    )


def risk_stage(ctx: StageContext) -> list[SummaryRow]:
    """Train each practice's model, judge it by time, and score the claims ready to send."""
    from medbill.web.demo.stages import SummaryRow

    today = ctx.start + dt.timedelta(days=11)  # the demo's last day
    test_from = f"{ctx.start - dt.timedelta(days=28):%Y-%m}"
    rows = []
    for practice in Practice.objects.order_by("id"):
        code = practice.short_code
        ready = _ready(ctx, practice)
        trained = train_practice(practice, today)
        if not trained["trained"]:
            rows.append(
                SummaryRow(
                    "risk",
                    f"{code} denial model",
                    "not trained",
                    f"{trained['lines']} answered lines, {trained['denied_lines']} denied; "
                    f"needs {trained['needs']}",
                )
            )
            continue
        rows.append(
            SummaryRow(
                "risk",
                f"{code} denial model",
                trained["features"],
                f"features from {trained['claims']} answered claims, {trained['lines']} "
                f"lines, {trained['denied_lines']} denied",
            )
        )
        rows.append(
            SummaryRow(
                "risk",
                f"{code} judged on later months",
                "",
                _judged(evaluate_by_month(practice, test_from)),
            )
        )
        chances = predict_claims(practice, ready)
        cut = threshold_of(practice)
        flagged = sorted(
            (p for p in chances.values() if p.probability >= cut),
            key=lambda p: -p.probability,
        )
        top = (
            f"; highest {flagged[0].probability:.0%}: {flagged[0].reasons[0].words}"
            if flagged and flagged[0].reasons
            else ""
        )
        rows.append(
            SummaryRow(
                "risk",
                f"{code} claims ready to send",
                len(ready),
                f"{len(flagged)} at or above the {cut:.0%} threshold{top}",
            )
        )
    return rows
