"""Demo stage ``837p``: the demo practices' claims as 837P batches in ``demo-out/837p/``.

Claims are grouped per clearinghouse route (the payer's ``clearinghouse_route``) and
split at the profile's claim count; every file is checked by the independent
validator pyx12 and read back by our own reader. Claims that an 837P cannot carry
are listed with the reason instead of stopping the demo.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from medbill.core.submission import ClearinghouseProfile, build_files
from medbill.core.x12 import ControlNumbers, X12WriteError, check_claim, read_837p
from medbill.web.billing.models import Claim
from medbill.web.claims_out.documents import claim_documents
from medbill.web.claims_out.services import next_control_number
from medbill.web.practice.models import Practice

__all__ = ["batch_stage"]

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
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(),
                                               io.StringIO(data.decode()), io.StringIO(), None)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    return len(errors) or (0 if ok else 1)


def _profile(practice: Practice, route: str, folder: str) -> ClearinghouseProfile:
    return ClearinghouseProfile.from_dict({
        "name": route, "sender_id": practice.short_code, "receiver_id": route[:15].upper(),
        "submitter_name": practice.legal_name, "submitter_id": practice.group_npi,
        "contact_name": practice.contact_name or "Billing Office",
        "contact_phone": practice.phone or "6085550100", "receiver_name": route,
        "usage": "T", "transport": "folder", "folder": folder, "max_claims": MAX_CLAIMS,
    })


def batch_stage(ctx: Any) -> list[Any]:
    """Write each demo practice's claims as 837P files, one per route and claim count."""
    from medbill.web.demo.stages import SummaryRow

    out = ctx.dir("837p")
    rows: list[SummaryRow] = []
    for practice in Practice.objects.order_by("id"):
        routes: dict[str, list[Any]] = {}
        refused: list[str] = []
        claims = Claim.objects.filter(practice=practice).select_related("payer")
        found = list(claims.order_by("id"))
        for claim, doc in ctx.track(zip(found, claim_documents(found), strict=True),
                                    f"837P {practice.short_code}", len(found)):
            try:
                check_claim(doc)
            except X12WriteError as exc:
                refused.append(f"{exc.claim_id}: {exc.field}")
                continue
            route = claim.payer.clearinghouse_route or "clearinghouse"
            routes.setdefault(route, []).append(doc)
        for route, docs in routes.items():
            profile = _profile(practice, route, str(out))

            def numbers(route: str = route, practice: Practice = practice) -> ControlNumbers:
                n = next_control_number(practice, f"demo-{route}")
                return ControlNumbers(n, n)

            for f in build_files(docs, profile, numbers, ctx_now(ctx)):
                path = out / f"{practice.short_code.lower()}-{f.name}"
                path.write_bytes(f.data)
                errors = _pyx12_errors(f.data)
                read_back = len(read_837p(f.data))
                rows.append(SummaryRow(
                    "837p", f"{practice.short_code} {route}", len(f.claim_ids),
                    f"interchange {f.control.interchange:09d}; pyx12 errors {errors}; "
                    f"read back {read_back}", ctx.relative(path)))
        if refused:
            rows.append(SummaryRow("837p", f"{practice.short_code} claims refused",
                                   len(refused), "; ".join(refused[:5])))
    return rows


def ctx_now(ctx: Any) -> Any:
    """The demo's clock: noon on its start date, so reruns write the same file names."""
    import datetime as dt

    return dt.datetime.combine(ctx.start, dt.time(12, 0))
