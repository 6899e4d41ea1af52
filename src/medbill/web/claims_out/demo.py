"""Demo stages ``claims`` (coded visits become claims) and ``837p`` (scrubbed claims are
sent as 837P batches into ``demo-out/837p/``).

Claims are grouped per clearinghouse route (the payer's ``clearinghouse_route``) and
split at the profile's claim count; every file is checked by the independent
validator pyx12 and read back by our own reader. Claims that an 837P cannot carry
are listed with the reason instead of stopping the demo.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from medbill.core.submission import ClearinghouseProfile, build_files
from medbill.core.x12 import ControlNumbers, X12WriteError, check_claim, read_837p
from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.claims_out.documents import claim_documents
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.claims_out.services import build_claims, next_control_number, submit_claims
from medbill.web.practice.models import Practice

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["batch_stage", "build_stage", "connection_settings"]

MAX_CLAIMS = 500


def _pyx12_errors(data: bytes) -> int:
    import pyx12.params
    import pyx12.x12n_document

    logger = logging.getLogger("pyx12")
    errors: list[str] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    handler = Count(logging.ERROR)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        ok = pyx12.x12n_document.x12n_document(
            pyx12.params.params(), io.StringIO(data.decode()), io.StringIO(), None
        )
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    return len(errors) or (0 if ok else 1)


def connection_settings(practice: Practice, route: str, folder: str) -> dict[str, Any]:
    """The demo's folder connection to the clearinghouse ``route``, writing into ``folder``."""
    return {
        "sender_id": practice.short_code,
        "receiver_id": route[:15].upper(),
        "submitter_name": practice.legal_name,
        "submitter_id": practice.group_npi,
        "contact_name": practice.contact_name or "Billing Office",
        "contact_phone": practice.phone or "6085550100",
        "receiver_name": route,
        "usage": "T",
        "transport": "folder",
        "folder": folder,
        "max_claims": MAX_CLAIMS,
        "name": route,
    }


def build_stage(ctx: StageContext) -> list[SummaryRow]:
    """Draft claims from every coded visit of each demo practice (``claims`` stage)."""
    from medbill.web.demo.stages import SummaryRow

    rows = []
    for practice in Practice.objects.order_by("id"):
        result = build_claims(None, practice)
        # Built on the demo's clock (the day the batch goes out), not the machine's.
        made = [c.pk for c in result.created]
        dates = ClaimLine.objects.filter(claim_id__in=made).values_list(
            "date_of_service", flat=True
        )
        Claim.objects.filter(pk__in=made).update(
            created_at=timezone.make_aware(ctx_now(ctx, [d for d in dates if d]))
        )
        reasons = Counter(result.skipped.values())
        detail = "; ".join(f"{why} x{n}" for why, n in reasons.most_common(3))
        rows.append(
            SummaryRow(
                "claims",
                f"{practice.short_code} claims built",
                len(result.created),
                detail or "every coded visit billed",
            )
        )
    return rows


def batch_stage(ctx: StageContext) -> list[SummaryRow]:
    """Send each demo practice's scrubbed claims as 837P files into ``demo-out/837p/``.

    One folder connection per clearinghouse route; every file is recorded as a
    submission, checked by pyx12 and read back. When no claim is scrubbed yet the
    practice's claims are written as a preview batch instead (nothing is recorded).
    """
    from medbill.web.demo.stages import SummaryRow

    out = ctx.dir("837p")
    rows: list[SummaryRow] = []
    ready_dates = ClaimLine.objects.filter(claim__status="scrubbed").values_list(
        "date_of_service", flat=True
    )
    now = timezone.make_aware(ctx_now(ctx, [d for d in ready_dates if d]))
    for practice in Practice.objects.order_by("id"):
        folder = out / practice.short_code.lower()
        ready = list(
            Claim.objects.filter(practice=practice, status="scrubbed")
            .select_related("payer")
            .order_by("id")
        )
        if not ready:
            rows += _preview(ctx, practice, folder)
            continue
        routes: dict[str, list[Claim]] = {}
        for claim in ready:
            routes.setdefault(claim.payer.clearinghouse_route or "clearinghouse", []).append(claim)
        for route, claims in routes.items():
            ClearinghouseConnection.objects.get_or_create(
                practice=practice,
                name=route,
                defaults={"settings": connection_settings(practice, route, str(folder.resolve()))},
            )
            for sub in submit_claims(None, practice, claims, route, now=now):
                sub.refresh_from_db()
                data = sub.content.encode("ascii")
                rows.append(
                    SummaryRow(
                        "837p",
                        f"{practice.short_code} {route} ({sub.status})",
                        sub.claim_count,
                        f"interchange {sub.interchange_control:09d}; pyx12 errors "
                        f"{_pyx12_errors(data)}; read back {len(read_837p(data))}",
                        ctx.relative(folder / sub.file_name),
                    )
                )
    return rows


def _preview(ctx: StageContext, practice: Practice, folder: Path) -> list[SummaryRow]:
    from medbill.web.demo.stages import SummaryRow

    rows = []
    refused: list[str] = []
    found = list(
        Claim.objects.filter(practice=practice)
        .exclude(status="closed")
        .select_related("payer")
        .order_by("id")
    )
    docs = []
    for doc in claim_documents(found):
        try:
            check_claim(doc)
            docs.append(doc)
        except X12WriteError as exc:
            refused.append(f"{exc.claim_id}: {exc.field}")
    if docs:
        profile = ClearinghouseProfile.from_dict(
            connection_settings(practice, "preview", str(folder))
        )

        def numbers() -> ControlNumbers:
            n = next_control_number(practice, "demo-preview")
            return ControlNumbers(n, n)

        folder.mkdir(parents=True, exist_ok=True)
        when = ctx_now(ctx, [d.date_of_service for d in docs if d.date_of_service])
        for f in build_files(docs, profile, numbers, when):
            (folder / f.name).write_bytes(f.data)
            rows.append(
                SummaryRow(
                    "837p",
                    f"{practice.short_code} preview (not sent)",
                    len(f.claim_ids),
                    f"interchange {f.control.interchange:09d}; pyx12 errors "
                    f"{_pyx12_errors(f.data)}; read back {len(read_837p(f.data))}",
                    ctx.relative(folder / f.name),
                )
            )
    if refused:
        rows.append(
            SummaryRow(
                "837p",
                f"{practice.short_code} claims refused",
                len(refused),
                "; ".join(refused[:5]),
            )
        )
    return rows


def ctx_now(ctx: StageContext, services: Iterable[dt.date] = ()) -> dt.datetime:
    """The demo's clock when it sends claims: noon on the Monday after the first week of
    visits (the week that is coded and billed), or on the weekday after the latest of
    ``services`` (dates of service) when that is later, so no file is ever sent before a
    service it bills. Fixed by the start date and the data: reruns write the same names."""
    day = ctx.start + dt.timedelta(days=7)
    latest = max(services, default=None)
    if latest is not None and latest >= day:
        day = latest + dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(12, 0))
