"""Demo stage ``coding``: the demo coder works the visits still waiting for coding.

Each checked-out visit is coded from the engine's suggestions (confident diagnoses in the
suggested order, the documented services and the E/M level, the less certain diagnoses
turned down), then finished: routine visits go to billing, high-risk ones and the new coder's
first visits to second review, where the demo manager agrees with half. A visit whose note
yields no confident diagnosis gets a question to the provider instead. What was decided is
written to ``demo-out/coding/decisions.json`` (visit ids and codes only).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from medbill.web.coding import review as reviewing
from medbill.web.coding import workspace
from medbill.web.coding.models import CodeChoice, CodingReview
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice
from medbill.web.practice.services import fee_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["coding_stage"]

MAX_DIAGNOSES = 12


def _lines(visit: Visit, suggestions: dict[str, Any], n_dx: int) -> list[dict[str, Any]]:
    """Services the practice has a price for, pointing at the first diagnoses."""
    pointers = list(range(1, min(n_dx, 4) + 1))
    wanted = [
        (p["code"], p.get("units", 1), p.get("modifiers", []))
        for p in suggestions.get("procedures", [])
    ]
    em = suggestions.get("em") or {}
    if em.get("code"):
        wanted.insert(0, (em["code"], 1, em.get("modifiers", [])))
    out: list[dict[str, Any]] = []
    for code, units, modifiers in wanted:
        if fee_for(visit.practice_id, code, visit.date_of_service) is None:
            continue
        if any(line["code"] == code for line in out):
            continue
        out.append(
            {"code": code, "units": str(units), "modifiers": modifiers, "dx_pointers": pointers}
        )
    return out


def _code_visit(coder: User, visit: Visit) -> dict[str, Any]:
    suggestions = workspace.suggestions_for(coder, visit)
    sure = [d for d in suggestions["diagnoses"] if d["status"] == "suggested"][:MAX_DIAGNOSES]
    if not sure:
        workspace.ask_query(
            coder,
            visit,
            "The note has no assessment we can code; please add the diagnosis.",
            "specificity",
        )
        return {"visit": visit.pk, "outcome": "query"}
    lines = _lines(visit, suggestions, len(sure))
    if not lines:
        return {"visit": visit.pk, "outcome": "left for the coder: no priced service"}
    rejected = [d["code"] for d in suggestions["diagnoses"] if d["status"] != "suggested"]
    workspace.save_codes(coder, visit, [d["code"] for d in sure], lines, rejected)
    review = reviewing.finish_coding(coder, visit)
    return {
        "visit": visit.pk,
        "outcome": "review" if review else "coded",
        "reasons": review.reasons if review else [],
        "codes": dict(CodeChoice.objects.filter(visit=visit).values_list("code", "origin")),
    }


def coding_stage(ctx: StageContext) -> list[SummaryRow]:
    """Code the checked-out visits of each demo practice from the suggestions."""
    from medbill.web.demo.stages import SummaryRow

    users = get_user_model().objects
    coder = users.get(username="coder")
    manager = users.get(username="manager")
    out = ctx.dir("coding")
    rows: list[SummaryRow] = []
    decisions: list[dict[str, Any]] = []
    for practice in Practice.objects.order_by("id"):
        visits = list(
            Visit.objects.filter(practice=practice, status=Visit.Status.CHECKED_OUT)
            .select_related("patient")
            .order_by("scheduled_at", "id")
        )
        outcomes: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        for visit in ctx.track(visits, f"code {practice.short_code}", len(visits)):
            try:
                done = _code_visit(coder, visit)
            except ServiceError as exc:
                done = {"visit": visit.pk, "outcome": f"left for the coder: {exc.field}"}
            decisions.append({"practice": practice.short_code, **done})
            outcomes[done["outcome"].split(":")[0]] += 1
            reasons.update(r.split(" (")[0].split(":")[0] for r in done.get("reasons", []))
        open_reviews = list(
            CodingReview.objects.filter(practice=practice, status=CodingReview.Status.OPEN)
        )
        agreed = 0
        for review in open_reviews[::2]:
            reviewing.decide_review(manager, review, True, "agree: documentation supports it")
            agreed += 1
        detail = ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())) or "nothing waiting"
        rows.append(
            SummaryRow("coding", f"{practice.short_code} visits coded", len(visits), detail)
        )
        why = ", ".join(f"{k} x{n}" for k, n in sorted(reasons.items())) or "none"
        rows.append(
            SummaryRow(
                "coding",
                f"{practice.short_code} second reviews",
                f"{agreed}/{len(open_reviews)} agreed",
                why,
            )
        )
    path = out / "decisions.json"
    path.write_text(json.dumps(decisions, indent=2), encoding="utf-8")
    rows.append(SummaryRow("coding", "decisions", len(decisions), "", ctx.relative(path)))
    return rows
