"""Demo stage ``era``: the payer simulator answers the demo's 837P files with 835s (and
277CAs for rejected claims), each payer by the realistic medical policy of its type
(``payersim.realistic_profile``), the 835s are posted, and the A/R is written and shown."""

from __future__ import annotations

import csv
import datetime as dt
from typing import TYPE_CHECKING

from medbill.core.payersim import simulate, write_277ca
from medbill.core.x12.m835 import write_835
from medbill.core.x12.m837p import read_837p
from medbill.web.billing.era import import_era
from medbill.web.billing.reports import ar_aging, kpis
from medbill.web.practice.models import Practice

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["era_stage"]


def era_stage(ctx: StageContext) -> list[SummaryRow]:
    """Adjudicate each practice's 837P files, post the 835s, and report A/R by payer."""
    from medbill.web.demo.stages import SummaryRow

    source = ctx.out / "837p"
    out = ctx.dir("era")
    rows: list[SummaryRow] = []
    for practice in Practice.objects.order_by("id"):
        code = practice.short_code.lower()
        # The 837P stage writes <code>/<file>.837 (older layouts: <code>-<file>.837).
        files = (
            sorted(
                p
                for p in source.rglob("*.837")
                if p.parent.name == code or p.name.startswith(f"{code}-")
            )
            if source.is_dir()
            else []
        )
        last_paid: dt.date | None = None
        seen: set[str] = set()
        for number, path in enumerate(ctx.track(files, f"835 {practice.short_code}", len(files))):
            # A claim written to more than one file (a preview, then the batch sent) is
            # adjudicated once.
            read = [r for r in read_837p(path.read_bytes()) if r.claim.claim_id not in seen]
            seen |= {r.claim.claim_id for r in read}
            if not read:
                continue
            # Each payer by its medical policy, remembering the practice's patients it
            # answered before (in the history stage's months, when it ran).
            result = simulate(
                [r.claim for r in read],
                seed=ctx.seed * 100 + number,
                icd9=[r.code_set != "ICD-10-CM" for r in read],
                realistic=True,
                payers=ctx.shared.setdefault("payers", {}).setdefault(practice.short_code, {}),
            )
            if result.rejections:
                ack = out / f"{code}-{path.stem}.277ca"
                first = read[0].claim.payer
                ack.write_bytes(
                    write_277ca(
                        result.accepted,
                        result.rejections,
                        payer_id=first.payer_id or "PAYER",
                        payer_name=(first.name or "PAYER").upper(),
                        processed=max(r.claim.submission_date or ctx.start for r in read),
                    )
                )
                rows.append(
                    SummaryRow(
                        "era",
                        f"{practice.short_code} rejected (277CA)",
                        len(result.rejections),
                        "; ".join(r.reason for r in result.rejections[:3]),
                        ctx.relative(ack),
                    )
                )
            if not result.remittances:
                continue
            target = out / f"{code}-{path.stem}.835"
            data = write_835(result.remittances, control_number=number + 1)
            target.write_bytes(data)
            imported = import_era(None, practice, data, target.name, post=True)
            for s in imported.sets:
                rows.append(
                    SummaryRow(
                        "era",
                        f"{practice.short_code} {s.payer[:28]}",
                        len(s.posted),
                        f"{s.status}: paid {s.total_paid.format()}, {len(s.denied)} denied, "
                        f"{len(s.unmatched)} unmatched, {len(s.secondary)} secondary",
                        ctx.relative(target),
                    )
                )
            paid = [r.payment_date for r in result.remittances if r.payment_date]
            if paid:
                last_paid = max([*paid, last_paid] if last_paid else paid)
        as_of = last_paid or ctx.start
        table = ar_aging(practice, "payer", as_of)
        report = out / f"ar-aging-{code}.csv"
        with report.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.header)
            writer.writerows(table.rows)
        for row in table.rows:
            rows.append(
                SummaryRow(
                    "a/r",
                    f"{practice.short_code} {row[0][:30]}",
                    row[-1],
                    " ".join(
                        f"{h}:{v}" for h, v in zip(table.header[1:-1], row[1:-1], strict=True)
                    ),
                    ctx.relative(report),
                )
            )
        numbers = {r[0]: r[1] for r in kpis(practice, as_of).rows}
        rows.append(
            SummaryRow(
                "a/r",
                f"{practice.short_code} key numbers",
                numbers["total A/R"],
                f"days in A/R {numbers['days in A/R'] or '-'}, first pass "
                f"{numbers['first-pass rate %'] or '-'}%, net collection "
                f"{numbers['net collection rate %'] or '-'}%",
            )
        )
    return rows
