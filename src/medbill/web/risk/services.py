"""Denial risk in the practice: train from its remittances, predict its queue, hold claims.

The model (``medbill.core.denial_risk``) is fitted per practice from the claims its payers
answered — a line is denied when a ``DenialItem`` names it (or names none: the whole claim)
— and stored as JSON under ``<data dir>/risk/practice-<id>.json``. Claims waiting to be sent
are scored against it; a biller may hold a claim out of sending with a reason.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from medbill.core.denial_risk import (
    DEFAULT_THRESHOLD,
    ClaimFeatures,
    Prediction,
    RiskModel,
    auc,
    claim_features,
    fit,
    precision_recall,
    split_by_month,
)
from medbill.core.paths import data_dir
from medbill.web.billing.documents import claim_documents
from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.billing.remittance_models import DenialItem, RemittanceClaim
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in
from medbill.web.risk.models import ClaimHold, RiskSettings

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "evaluate_by_month",
    "hold_claim",
    "held_claim_ids",
    "load_model",
    "model_path",
    "predict_claims",
    "release_hold",
    "threshold_of",
    "train_practice",
    "training_examples",
]

# Less history than this and there is no model: a handful of denials would only be echoed
# back as percentages that look like knowledge.
MIN_LINES = 200  # answered claim lines
MIN_DENIED = 20  # of them denied
ANSWERED = (RemittanceClaim.Outcome.POSTED, RemittanceClaim.Outcome.DENIED, "partial")


def model_path(practice: PracticeRef) -> Path:
    return data_dir() / "risk" / f"practice-{getattr(practice, 'pk', practice)}.json"


_cache: dict[Path, tuple[float, RiskModel]] = {}


def _owner(practice: PracticeRef) -> str:
    """Whose model a file holds: the practice's id and when it was made. A database made
    again under the same data directory (the demo's reset, a restore elsewhere) has other
    practices under the same ids, which must not read the earlier ones' models."""
    row = practice if isinstance(practice, Practice) else Practice.objects.get(pk=practice)
    return f"{row.pk}:{row.created_at.isoformat()}"


def load_model(practice: PracticeRef) -> RiskModel | None:
    """The practice's fitted model, or None when it has none yet (read again when changed)."""
    path = model_path(practice)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        model = cached[1]
    else:
        model = RiskModel.from_json(json.loads(path.read_text()))
        _cache[path] = (mtime, model)
    owner = model.meta.get("practice")
    return model if owner in (None, _owner(practice)) else None


def threshold_of(practice: PracticeRef) -> float:
    row = RiskSettings.objects.filter(practice_id=practice_pk(practice)).first()
    return float(row.threshold) if row else DEFAULT_THRESHOLD


def _features(
    claims: Sequence[Claim], warnings: dict[int, Sequence[str]] | None = None
) -> list[ClaimFeatures]:
    """Each claim's features, with each patient's earlier lines at the same payer."""
    docs = claim_documents(claims)
    patients = {c.patient_id for c in claims}
    earlier: dict[tuple[int, int, str], list[datetime.date]] = {}
    rows = ClaimLine.objects.filter(
        claim__patient_id__in=patients, claim__submitted_at__isnull=False
    ).values_list("claim__patient_id", "claim__payer_id", "code", "claim__visit__scheduled_at")
    for patient, payer, code, moment in rows:
        day = timezone.localtime(moment).date()
        earlier.setdefault((patient, payer, code), []).append(day)
    out = []
    for claim, doc in zip(claims, docs, strict=True):
        day = doc.date_of_service or datetime.date.min
        last = {}
        for line in doc.lines:
            before = [
                d for d in earlier.get((claim.patient_id, claim.payer_id, line.code), []) if d < day
            ]
            if before:
                last[line.code] = max(before)
        sent = claim.submitted_at.date() if claim.submitted_at else timezone.localdate()
        out.append(
            claim_features(
                doc, sent=sent, warnings=(warnings or {}).get(claim.pk, ()), last_seen=last
            )
        )
    return out


def training_examples(
    practice: PracticeRef, until: datetime.date | None = None
) -> list[tuple[ClaimFeatures, list[bool]]]:
    """The practice's answered claims (of services before ``until``) with their denied lines."""
    answered = (
        RemittanceClaim.objects.for_practice(practice)
        .filter(claim__isnull=False, outcome__in=ANSWERED)
        .values_list("claim_id", flat=True)
    )
    claims = list(
        Claim.objects.for_practice(practice)
        .filter(pk__in=answered, submitted_at__isnull=False)
        .select_related("patient", "payer", "coverage", "visit")
        .order_by("submitted_at", "id")
    )
    denied: dict[int, set[int | None]] = {}
    for claim_id, line_id in DenialItem.objects.for_practice(practice).values_list(
        "claim_id", "claim_line_id"
    ):
        denied.setdefault(claim_id, set()).add(line_id)
    feats = _features(claims)
    out = []
    for claim, f in zip(claims, feats, strict=True):
        if until is not None and f.service_date >= until:
            continue
        marks = denied.get(claim.pk, set())
        lines = list(claim.lines.order_by("line_number").values_list("pk", flat=True))
        labels = [None in marks or pk in marks for pk in lines]
        if len(labels) == len(f.lines):
            out.append((f, labels))
    return out


def train_practice(
    practice: PracticeRef, today: datetime.date | None = None, min_lines: int = MIN_LINES
) -> dict[str, Any]:
    """Fit the practice's model from its remittances and store it; counts, never PHI."""
    examples = training_examples(practice)
    lines = sum(len(f.lines) for f, _ in examples)
    denied = sum(sum(1 for x in labels if x) for _, labels in examples)
    if lines < min_lines or not lines or denied < min(MIN_DENIED, min_lines):
        return {
            "claims": len(examples),
            "lines": lines,
            "denied_lines": denied,
            "trained": False,
            "needs": f"{min_lines} answered lines with {min(MIN_DENIED, min_lines)} denied",
        }
    when = (today or timezone.localdate()).isoformat()
    model = fit(
        examples, meta={"trained_on": when, "claims": len(examples), "practice": _owner(practice)}
    )
    path = model_path(practice)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model.to_json()))
    os.replace(tmp, path)
    return {
        "claims": len(examples),
        "lines": lines,
        "denied_lines": model.meta["denied"],
        "features": model.meta["features"],
        "trained": True,
    }


def evaluate_by_month(
    practice: PracticeRef, test_from: str, threshold: float | None = None
) -> dict[str, Any]:
    """How the model would have done: fitted on the practice's answered claims of services
    before ``test_from`` ("YYYY-MM") and judged on those from then on, per claim (AUC,
    and precision and recall at the practice's threshold). Counts and rates, never PHI."""
    examples = training_examples(practice)
    train, test = split_by_month(examples, lambda e: e[0].month, test_from)
    labels = [any(denied) for _, denied in test]
    out: dict[str, Any] = {
        "test_from": test_from,
        "train_claims": len(train),
        "train_denied": sum(1 for _, denied in train if any(denied)),
        "test_claims": len(test),
        "test_denied": sum(labels),
        "auc": None,
    }
    if not any(any(denied) for _, denied in train) or not test:
        return out
    model = fit(train)
    scores = [model.predict(f).probability for f, _ in test]
    cut = threshold_of(practice) if threshold is None else threshold
    precision, recall, flagged = precision_recall(scores, labels, cut)
    out.update(threshold=cut, flagged=flagged, precision=precision, recall=recall)
    if 0 < sum(labels) < len(labels):
        out["auc"] = auc(scores, labels)
    return out


def predict_claims(
    practice: PracticeRef, claims: Iterable[Claim], warnings: dict[int, Sequence[str]] | None = None
) -> dict[int, Prediction]:
    """Each claim's chance of denial by pk (empty when the practice has no model yet)."""
    model = load_model(practice)
    claims = list(claims)
    if model is None or not claims:
        return {}
    return {
        c.pk: model.predict(f) for c, f in zip(claims, _features(claims, warnings), strict=True)
    }


def held_claim_ids(practice: PracticeRef) -> set[int]:
    return set(
        ClaimHold.objects.for_practice(practice)
        .filter(released_at__isnull=True)
        .values_list("claim_id", flat=True)
    )


def hold_claim(
    user: User, claim: Claim, reason: str, probability: float | None = None
) -> ClaimHold:
    """Keep ``claim`` out of sending until released; the reason is required."""
    require(user, claim.practice, "submit_claims")
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason", "say why the claim is held")
    if len(reason) > 200:
        raise ServiceError("reason", "at most 200 characters")
    if claim.status != Claim.Status.SCRUBBED:
        raise ServiceError("claim", "only a claim ready to send can be held")
    with transaction.atomic(), audit.acting_as(user):
        if ClaimHold.objects.filter(claim=claim, released_at__isnull=True).exists():
            raise ServiceError("claim", "this claim is already held")
        return ClaimHold.objects.create(
            practice_id=claim.practice_id,
            claim=claim,
            reason=reason,
            probability=Decimal(f"{probability:.3f}") if probability is not None else None,
            held_by=user,
        )


def release_hold(user: Actor, hold: ClaimHold) -> ClaimHold:
    require(user, hold.practice, "submit_claims")
    with transaction.atomic(), audit.acting_as(user):
        if hold.released_at is not None:
            raise ServiceError("hold", "this hold was released already")
        hold.released_at = timezone.now()
        hold.released_by = signed_in(user)
        hold.save()
    return hold
