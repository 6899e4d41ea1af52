"""The share a secondary payer owes, posted before it went onto the secondary claim, moved
there now.

Posting used to leave the next payer's share of a claim (the "from prior payer" side of
the primary's "to next payer" transfers) on the primary claim, while that payer's own 835
posted on the secondary claim: the A/R aging showed the share owed on the primary claim
and a payer credit of the same size on the secondary claim. Posting now moves the share
with a pair of transfers (``billing.era_secondary``, source ``cob``). This appends the
same pair for every secondary claim that is not closed and whose prior claim still holds
such a share, dated with the share's latest entry, and records one audit event per
practice linked to the patients touched.

The pairs net to nothing per patient, payer, visit and practice; only the claim that
carries the share changes. Entries are only added (the ledger is append-only), so going
back removes nothing: the moved shares stay where they belong.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

from medbill.web.practice.fields import MoneySum

# The memo core posting gives the next payer's side of a transfer (``posting.post_claim``).
NEXT_PAYER_MEMO = "from prior payer: "
SOURCE = "cob"


def _shares(entry) -> dict[tuple[int, int], tuple[Decimal, object]]:
    """Per (prior claim, payer): the next payer's share on that claim (what posting put
    there less what was moved off it already), and the date of its latest entry."""
    rows = (
        entry.objects.filter(
            source="era",
            kind="transfer",
            responsibility="payer",
            memo__startswith=NEXT_PAYER_MEMO,
            claim__isnull=False,
        )
        .order_by()
        .values("claim_id", "payer_id")
        .annotate(total=MoneySum("amount"), last=Max("effective_date"))
    )
    out = {(r["claim_id"], r["payer_id"]): (r["total"] or Decimal(0), r["last"]) for r in rows}
    moved = (
        entry.objects.filter(source=SOURCE, responsibility="payer", claim__isnull=False)
        .order_by()
        .values("claim_id", "payer_id")
        .annotate(total=MoneySum("amount"))
    )
    for r in moved:
        key = (r["claim_id"], r["payer_id"])
        if key in out:
            out[key] = (out[key][0] + (r["total"] or Decimal(0)), out[key][1])
    return out


def forwards(apps, schema_editor):
    entry = apps.get_model("billing", "Entry")
    link = apps.get_model("billing", "SecondaryClaimLink")
    audit = apps.get_model("practice", "AuditEvent")
    audit_patient = apps.get_model("practice", "AuditEventPatient")
    shares = _shares(entry)
    if not shares:
        return
    # The live secondary claim of each prior claim: the latest one not closed.
    live = {}
    for row in (
        link.objects.exclude(claim__status="closed")
        .order_by("id")
        .values(
            "prior_claim_id",
            "prior_claim__patient_control_number",
            "claim_id",
            "claim__patient_control_number",
            "claim__payer_id",
            "claim__practice_id",
            "claim__patient_id",
            "claim__visit_id",
        )
    ):
        live[row["prior_claim_id"]] = row
    now = timezone.now()
    rows = []
    touched = defaultdict(lambda: {"patients": set(), "claims": []})
    for prior, row in live.items():
        share, day = shares.get((prior, row["claim__payer_id"]), (Decimal(0), None))
        if not share:
            continue
        practice = touched[row["claim__practice_id"]]
        practice["patients"].add(row["claim__patient_id"])
        practice["claims"].append(row["claim_id"])
        common = dict(
            practice_id=row["claim__practice_id"],
            patient_id=row["claim__patient_id"],
            visit_id=row["claim__visit_id"],
            payer_id=row["claim__payer_id"],
            kind="transfer",
            responsibility="payer",
            effective_date=day,
            posted_at=now,
            source=SOURCE,
            source_ref="billing migration 0016",
        )
        to = row["claim__patient_control_number"]
        prior_number = row["prior_claim__patient_control_number"]
        rows += [
            entry(
                claim_id=prior,
                amount=-share,
                memo=f"next payer's share moved to claim {to}",
                **common,
            ),
            entry(
                claim_id=row["claim_id"],
                amount=share,
                memo=f"next payer's share from claim {prior_number}",
                **common,
            ),
        ]
    entry.objects.bulk_create(rows, batch_size=2000)
    for practice_id, done in sorted(touched.items()):
        event = audit.objects.create(
            at=now,
            practice_id=practice_id,
            object_type="billing.Entry",
            object_id="",
            object_repr="next payer's shares moved to their secondary claims",
            action="create",
            source="migration",
            detail={"migration": "billing 0016", "secondary_claims": sorted(done["claims"])},
        )
        audit_patient.objects.bulk_create(
            [audit_patient(event=event, patient_id=p) for p in sorted(done["patients"])],
            batch_size=2000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0015_entry_reference_checks"),
        ("practice", "0011_payer_deadlines_run_job"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
