"""Denial risk: each claim's chance of denial, learned from the practice's own remittances.

A claim is seen as the payer will see it: per line the payer × code, the modifiers, the
diagnosis category, the codes billed beside it, the provider, the place of service, how
long after the visit it goes out, how recently the patient had the same service, and the
scrubber's warnings. Each of these is a one-hot feature of a regularised logistic
regression, fitted with numpy on the lines of earlier remittances (a line is denied when
the payer paid nothing on it for a reason of its own, not the patient's share).

A line's probability is the logistic of the bias plus the weights of its features, so each
prediction comes with the features that drove it: their weights, and how often the payer
denied lines with that feature in the training history ("Aetna denied 99214 with modifier
25 in 4 of 9 claims"). A claim is denied when any of its lines is: its probability is
``1 - Π(1 - p_line)``.

Training and evaluation split by month (``split_by_month``): the model learns from earlier
months and is measured on later ones — AUC, precision and recall at the hold threshold, and
a reliability table of predicted against observed rates.

Sans-IO: the model is a value that becomes JSON and back; no files, no database, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from medbill.core.claim import Claim
from medbill.core.x12.m835 import ClaimPayment

__all__ = [
    "DEFAULT_THRESHOLD",
    "ClaimFeatures",
    "LineFeatures",
    "Prediction",
    "Reason",
    "ReliabilityBin",
    "RiskModel",
    "auc",
    "claim_features",
    "denied_lines",
    "fit",
    "lag_bucket",
    "precision_recall",
    "reliability",
    "split_by_month",
]

DEFAULT_THRESHOLD = 0.30  # a claim at or above this chance of denial is flagged
FORMAT = 1  # the JSON layout of a stored model

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LineFeatures:
    """One service line as the payer will judge it."""

    code: str
    modifiers: tuple[str, ...] = ()
    diagnoses: tuple[str, ...] = ()  # the codes the line points to, first is primary
    days_since_same: int | None = None  # since this patient's last line of the same code


@dataclass(frozen=True, slots=True)
class ClaimFeatures:
    """One claim before it goes out (or as it went out, for training)."""

    claim_id: str
    service_date: date
    payer: str  # the payer's name as the biller knows it
    provider: str = ""
    place_of_service: str = ""
    lines: tuple[LineFeatures, ...] = ()
    warnings: tuple[str, ...] = ()  # scrubber finding codes (warnings that did not block)
    filing_lag_days: int | None = None  # from the date of service to sending

    @property
    def month(self) -> str:
        return f"{self.service_date:%Y-%m}"


def lag_bucket(days: int | None) -> str:
    if days is None:
        return "unknown"
    for limit, words in ((30, "within 30 days"), (60, "31-60 days"), (90, "61-90 days")):
        if days <= limit:
            return words
    return "91-180 days" if days <= 180 else ("181-365 days" if days <= 365 else "over a year")


def _since_bucket(days: int | None) -> str | None:
    if days is None:
        return None
    for limit, words in ((90, "within 90 days"), (365, "within a year")):
        if days < limit:
            return words
    return None


def _mods(line: LineFeatures) -> str:
    return "+".join(sorted(line.modifiers)) or "none"


def line_keys(claim: ClaimFeatures, line: LineFeatures) -> list[tuple[str, ...]]:
    """The features of ``line`` on ``claim``: tuples whose first item names the kind."""
    payer, code = claim.payer, line.code
    dx = line.diagnoses[0][:3] if line.diagnoses else "none"
    keys: list[tuple[str, ...]] = [
        ("payer", payer),
        ("code", code),
        ("payer_code", payer, code),
        ("payer_code_mods", payer, code, _mods(line)),
        ("code_dx", code, dx),
        ("payer_code_dx", payer, code, dx),
        ("payer_provider", payer, claim.provider),
        ("payer_pos", payer, claim.place_of_service),
        ("payer_lag", payer, lag_bucket(claim.filing_lag_days)),
    ]
    for other in sorted({o.code for o in claim.lines if o.code != code}):
        keys.append(("code_mods_with", code, _mods(line), other))
        keys.append(("payer_code_mods_with", payer, code, _mods(line), other))
    since = _since_bucket(line.days_since_same)
    if since:
        keys.append(("payer_code_since", payer, code, since))
    keys.extend(("warning", w) for w in sorted(set(claim.warnings)))
    return keys


def _key(parts: tuple[str, ...]) -> str:
    return "\x1f".join(parts)


def _mod_words(mods: str) -> str:
    return "without a modifier" if mods == "none" else f"with modifier {mods.replace('+', ', ')}"


def describe(parts: Sequence[str], denied: int, seen: int) -> str:
    """A feature and its history in words: "Aetna denied 99214 with modifier 25 in 4 of 9"."""
    kind, *v = parts
    what = {
        "payer": lambda: f"{v[0]} denied",
        "code": lambda: f"payers denied {v[0]}",
        "payer_code": lambda: f"{v[0]} denied {v[1]}",
        "payer_code_mods": lambda: f"{v[0]} denied {v[1]} {_mod_words(v[2])}",
        "code_dx": lambda: f"payers denied {v[0]} for a diagnosis in {v[1]}",
        "payer_code_dx": lambda: f"{v[0]} denied {v[1]} for a diagnosis in {v[2]}",
        "payer_provider": lambda: f"{v[0]} denied claims of {v[1] or 'no named provider'}",
        "payer_pos": lambda: f"{v[0]} denied claims at place of service {v[1] or 'unknown'}",
        "payer_lag": lambda: f"{v[0]} denied claims sent {v[1]} after the visit",
        "code_mods_with": lambda: f"payers denied {v[0]} {_mod_words(v[1])} billed with {v[2]}",
        "payer_code_mods_with": lambda: (
            f"{v[0]} denied {v[1]} {_mod_words(v[2])} billed with {v[3]}"
        ),
        "payer_code_since": lambda: f"{v[0]} denied {v[1]} repeated {v[2]}",
        "warning": lambda: f"payers denied claims with scrubber warning {v[0]}",
    }.get(kind, lambda: " ".join(parts))()
    return f"{what.strip()} in {denied} of {seen} claims"


@dataclass(frozen=True, slots=True)
class Reason:
    """One feature's share in a prediction."""

    feature: tuple[str, ...]
    weight: float  # its contribution to the log-odds
    denied: int  # lines with it the payer denied in the training history
    seen: int  # lines with it in the training history

    @property
    def words(self) -> str:
        return describe(self.feature, self.denied, self.seen)


@dataclass(frozen=True, slots=True)
class Prediction:
    claim_id: str
    probability: float  # of the claim
    lines: tuple[float, ...]  # of each line
    reasons: tuple[Reason, ...]  # the features that raised it most, strongest first

    def flagged(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        return self.probability >= threshold


def _sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return out


@dataclass(slots=True)
class RiskModel:
    """Weights per feature, the bias, and each feature's training counts."""

    bias: float
    weights: dict[str, float]
    counts: dict[str, tuple[int, int]]  # key -> (denied, seen)
    meta: dict[str, Any] = field(default_factory=dict)

    # -- predicting ----------------------------------------------------------------------------

    def line_probability(self, claim: ClaimFeatures, line: LineFeatures) -> float:
        z = self.bias + sum(self.weights.get(_key(k), 0.0) for k in line_keys(claim, line))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict(self, claim: ClaimFeatures, top: int = 3) -> Prediction:
        probs = [self.line_probability(claim, line) for line in claim.lines]
        keep = 1.0
        for p in probs:
            keep *= 1.0 - p
        best: dict[tuple[str, ...], float] = {}
        for line in claim.lines:
            for k in line_keys(claim, line):
                w = self.weights.get(_key(k), 0.0)
                if w > 0 and w > best.get(k, 0.0):
                    best[k] = w
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        reasons = tuple(Reason(k, w, *self.counts.get(_key(k), (0, 0))) for k, w in ranked)
        return Prediction(claim.claim_id, 1.0 - keep, tuple(probs), reasons)

    # -- storing -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "bias": self.bias,
            "meta": self.meta,
            "features": {
                k: [round(w, 6), *self.counts.get(k, (0, 0))] for k, w in self.weights.items()
            },
        }

    @classmethod
    def from_json(cls, data: Any) -> RiskModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("format: not a denial risk model this version reads")
        features = data.get("features")
        if not isinstance(features, dict) or not isinstance(data.get("bias"), int | float):
            raise ValueError("features: expected an object of [weight, denied, seen]")
        weights, counts = {}, {}
        for k, row in features.items():
            if not (isinstance(row, list) and len(row) == 3):
                raise ValueError(f"features.{k!r}: expected [weight, denied, seen]")
            weights[k] = float(row[0])
            counts[k] = (int(row[1]), int(row[2]))
        return cls(float(data["bias"]), weights, counts, dict(data.get("meta") or {}))


# -- fitting ---------------------------------------------------------------------------------


def fit(
    examples: Iterable[tuple[ClaimFeatures, Sequence[bool]]],
    *,
    l2: float = 1.0,
    min_count: int = 2,
    iterations: int = 400,
    meta: Mapping[str, Any] | None = None,
) -> RiskModel:
    """Fit the model to claims and, per line, whether the payer denied it.

    ``l2`` is the strength of the Gaussian prior on each weight (larger: weights shrink
    toward the payer-wide rate); features seen on fewer than ``min_count`` lines are left
    out. Full-batch gradient descent (Adagrad) on the penalised log-likelihood.
    """
    rows: list[list[str]] = []
    labels: list[float] = []
    for claim, denied in examples:
        if len(denied) != len(claim.lines):
            raise ValueError(f"{claim.claim_id}: {len(denied)} labels for {len(claim.lines)} lines")
        for line, d in zip(claim.lines, denied, strict=True):
            rows.append([_key(k) for k in line_keys(claim, line)])
            labels.append(1.0 if d else 0.0)
    if not rows:
        raise ValueError("examples: no lines to learn from")
    seen: dict[str, int] = {}
    denied_n: dict[str, int] = {}
    for keys, label in zip(rows, labels, strict=True):
        for k in set(keys):
            seen[k] = seen.get(k, 0) + 1
            denied_n[k] = denied_n.get(k, 0) + int(label)
    vocab = sorted(k for k, n in seen.items() if n >= min_count)
    index = {k: i for i, k in enumerate(vocab)}
    flat: list[int] = []
    starts: list[int] = []
    for keys in rows:
        starts.append(len(flat))
        flat.extend(index[k] for k in set(keys) if k in index)
    idx = np.asarray(flat, dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), np.diff(np.asarray([*starts, len(flat)])))
    y = np.asarray(labels)
    n = len(y)
    rate = min(max(float(y.mean()), 1e-4), 1 - 1e-4)
    w = np.zeros(len(vocab))
    b = math.log(rate / (1 - rate))
    gw_sum = np.full(len(vocab), 1e-8)
    gb_sum = 1e-8
    step = 0.5
    for _ in range(iterations):
        z = b + np.bincount(owner, weights=w[idx], minlength=n)
        residual = _sigmoid(z) - y
        grad_w = np.bincount(idx, weights=residual[owner], minlength=len(vocab)) / n
        grad_w += l2 * w / n
        grad_b = float(residual.mean())
        gw_sum += grad_w**2
        gb_sum += grad_b**2
        w -= step * grad_w / np.sqrt(gw_sum)
        b -= step * grad_b / math.sqrt(gb_sum)
    weights = {k: float(w[i]) for k, i in index.items() if abs(w[i]) > 1e-4}
    counts = {k: (denied_n[k], seen[k]) for k in weights}
    info = {"lines": n, "denied": int(y.sum()), "features": len(weights), **(meta or {})}
    return RiskModel(float(b), weights, counts, info)


# -- time split and evaluation ---------------------------------------------------------------


def split_by_month(
    items: Sequence[T], month_of: Callable[[T], str], test_from: str
) -> tuple[list[T], list[T]]:
    """Items of months before ``test_from`` ("YYYY-MM") to train on, the rest to test on.

    Never shuffled: the model only ever learns from months before the ones it is judged on.
    """
    if len(test_from) != 7 or test_from[4] != "-":
        raise ValueError(f"test_from: expected YYYY-MM, got {test_from!r}")
    train = [i for i in items if month_of(i) < test_from]
    test = [i for i in items if month_of(i) >= test_from]
    return train, test


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve (the chance a denied claim outranks a paid one)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if not pos or not neg:
        raise ValueError("labels: need both denied and paid claims")
    order = s.argsort(kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):  # average ranks of ties
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def precision_recall(
    scores: Sequence[float], labels: Sequence[bool], threshold: float
) -> tuple[float, float, int]:
    """Precision and recall of flagging scores at or above ``threshold``, and how many."""
    flagged = [y for s, y in zip(scores, labels, strict=True) if s >= threshold]
    hits = sum(flagged)
    positives = sum(labels)
    precision = hits / len(flagged) if flagged else 0.0
    recall = hits / positives if positives else 0.0
    return precision, recall, len(flagged)


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    predicted: float  # mean predicted probability in the bin
    observed: float  # share actually denied


def reliability(
    scores: Sequence[float], labels: Sequence[bool], bins: int = 10
) -> list[ReliabilityBin]:
    """Predicted against observed denial rates in equal-width probability bins (empty ones
    left out)."""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            (s, y)
            for s, y in zip(scores, labels, strict=True)
            if low <= s < high or (b == bins - 1 and s == 1.0)
        ]
        if inside:
            out.append(
                ReliabilityBin(
                    low,
                    high,
                    len(inside),
                    sum(s for s, _ in inside) / len(inside),
                    sum(1 for _, y in inside if y) / len(inside),
                )
            )
    return out


# -- from claim documents and remittances ----------------------------------------------------


def claim_features(
    claim: Claim,
    *,
    sent: date | None = None,
    warnings: Sequence[str] = (),
    last_seen: Mapping[str, date] | None = None,
) -> ClaimFeatures:
    """The features of a claim document sent (or to be sent) on ``sent``.

    ``last_seen`` maps a code to the last earlier date the same patient had it billed to
    the same payer (the practice's own history; empty when unknown).
    """
    dates = [d for d in claim.line_dates() if d]
    day = claim.date_of_service or (min(dates) if dates else None)
    if day is None:
        raise ValueError(f"{claim.claim_id}: date_of_service: a claim needs a date of service")
    seen = last_seen or {}
    lines = []
    for line in claim.lines:
        when = line.date_of_service or day
        before = seen.get(line.code)
        lines.append(
            LineFeatures(
                line.code,
                tuple(line.modifiers),
                tuple(
                    claim.diagnoses[p - 1]
                    for p in line.dx_pointers
                    if 0 < p <= len(claim.diagnoses)
                )
                or tuple(claim.diagnoses[:1]),
                (when - before).days if before is not None and before <= when else None,
            )
        )
    provider = claim.rendering_provider
    name = (
        " ".join(p for p in (provider.name.first, provider.name.last) if p)
        if provider
        else claim.billing_provider.name
    )
    lag = (sent - day).days if sent is not None else None
    return ClaimFeatures(
        claim.claim_id,
        day,
        claim.payer.name or claim.payer.payer_id or "unknown payer",
        name,
        claim.place_of_service or "",
        tuple(lines),
        tuple(warnings),
        lag,
    )


def denied_lines(payment: ClaimPayment, lines: int) -> list[bool]:
    """Which of a claim's ``lines`` the payer denied, read from its 835 claim payment.

    A line is denied when nothing was paid on it, the patient owes nothing for it, and
    the payer adjusted it for a reason other than the contract (CO-45); a claim denied as
    a whole (no service lines in the 835) denies every line.
    """
    if not payment.services:
        return [payment.status == "4"] * lines
    out = []
    for service in payment.services[:lines]:
        groups = {(a.group, a.reason) for a in service.adjustments}
        own = any(g in ("CO", "PI", "OA") and r not in ("45", "23") for g, r in groups)
        patient = any(g == "PR" for g, _ in groups)
        out.append(not service.paid and own and not patient)
    return out + [False] * (lines - len(out))
