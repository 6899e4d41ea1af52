"""Demo stage ``forms``: print what a billing office prints, into ``demo-out/forms/``.

For each demo practice: the blank encounter form; for a few of its visits (those
with claims first, else coded visits): the superbill and the CMS-1500 in both
renderings, print (for red forms) and replica (for review).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medbill.core.forms import render_cms1500, render_encounter_form, render_superbill
from medbill.core.forms.lookups import common_diagnoses, icd10cm_describer
from medbill.web.billing import printing
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.models import Practice

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["forms_stage"]

PER_PRACTICE = 2


def _visits(practice: Practice) -> list[tuple[Visit, Claim | None]]:
    """Visits worth printing: those with a claim first, then coded or billed visits."""
    picked: list[tuple[Visit, Claim | None]] = []
    claims = Claim.objects.filter(practice=practice).exclude(frequency_code="8")
    for claim in claims.select_related("visit").order_by("created_at", "id")[:PER_PRACTICE]:
        picked.append((claim.visit, claim))
    if len(picked) < PER_PRACTICE:
        seen = {v.pk for v, _ in picked}
        coded = Visit.objects.filter(practice=practice, status__in=("coded", "billed"))
        for visit in coded.exclude(pk__in=seen).order_by("scheduled_at", "id"):
            if visit.service_lines.exists() and visit.diagnoses.exists():
                picked.append((visit, None))
            if len(picked) >= PER_PRACTICE:
                break
    return picked


def forms_stage(ctx: StageContext) -> list[SummaryRow]:
    """Write encounter forms, superbills and CMS-1500s for the demo practices."""
    from medbill.web.demo.stages import SummaryRow

    out = ctx.dir("forms")
    rows: list[SummaryRow] = []
    superbills = claims = 0
    for practice in Practice.objects.order_by("id"):
        code = practice.short_code.lower()
        form = printing.encounter_form_for(practice, diagnoses=common_diagnoses())
        if form.items:
            path = out / f"encounter-form-{code}.pdf"
            path.write_bytes(render_encounter_form(form))
            rows.append(
                SummaryRow(
                    "forms",
                    f"encounter form, {practice.name}",
                    len(form.items),
                    "codes with check boxes",
                    ctx.relative(path),
                )
            )
        for visit, claim in _visits(practice):
            try:
                bill = printing.superbill_for_visit(visit)
            except LookupError:
                continue
            path = out / f"superbill-{bill.claim.claim_id}.pdf"
            path.write_bytes(render_superbill(bill, icd10cm_describer(bill.date_of_service)))
            superbills += 1
            document = claim_document(claim) if claim is not None else bill.claim
            for mode in ("print", "replica"):
                path = out / f"cms1500-{document.claim_id}-{mode}.pdf"
                path.write_bytes(render_cms1500(document, mode=mode))
            claims += 1
    rows.append(SummaryRow("forms", "superbills", superbills, "one per visit", "forms/"))
    rows.append(
        SummaryRow(
            "forms", "CMS-1500 claims", claims, "print (red form) and replica each", "forms/"
        )
    )
    return rows
