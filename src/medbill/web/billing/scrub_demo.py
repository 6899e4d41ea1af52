"""Demo stage ``scrub``: run the claim edits over the demo practices' claims.

Draft claims without errors become scrubbed (ready to send); every finding is written to
``demo-out/scrub/findings.json`` with the claim it belongs to, and the summary counts
findings per edit.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim
from medbill.web.practice.models import Practice

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["scrub_stage"]


def scrub_stage(ctx: StageContext) -> list[SummaryRow]:
    """Scrub every draft or scrubbed claim of each demo practice."""
    from medbill.web.demo.stages import SummaryRow

    out = ctx.dir("scrub")
    report: list[dict[str, Any]] = []
    rows: list[SummaryRow] = []
    for practice in Practice.objects.order_by("id"):
        claims = list(
            Claim.objects.filter(practice=practice, status__in=("draft", "scrubbed"))
            .order_by("id")
            .values_list("pk", flat=True)
        )
        codes: Counter[str] = Counter()
        ready = 0
        for result in scrubbing.mark_scrubbed_many(None, practice, claims):
            ready += result.can_submit
            codes.update(f.code for f in result.findings)
            report.append({**result.to_dict(), "practice": practice.short_code})
        detail = ", ".join(f"{c} x{n}" for c, n in sorted(codes.items())) or "no findings"
        rows.append(
            SummaryRow(
                "scrub", f"{practice.short_code} claims ready", f"{ready}/{len(claims)}", detail
            )
        )
    path = out / "findings.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    rows.append(
        SummaryRow(
            "scrub", "findings", sum(len(r["findings"]) for r in report), "", ctx.relative(path)
        )
    )
    return rows
