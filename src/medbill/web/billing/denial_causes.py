"""Denials to the root: the practice's denials grouped by the step that let them through,
with who and what they cluster on (payer, provider, code and modifier, reason codes) and
how each category moves month by month. The categories and their rules are
``medbill.core.denial_causes``."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from medbill.core.denial_causes import CATEGORIES, Category, category_for, root_cause
from medbill.web.billing.dashboard import denials_answered_between, months_ending
from medbill.web.billing.remittance_models import DenialItem
from medbill.web.practice import audit
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest

__all__ = ["cause_of", "rule_cause", "show_denial_causes"]

TOP = 5  # rows shown per breakdown


def cause_of(denial: DenialItem) -> str:
    """The denial's root-cause category: the biller's choice when made, else the rule's."""
    chosen = getattr(denial, "root_cause", "")
    return str(chosen) if chosen else rule_cause(denial)


def rule_cause(denial: DenialItem) -> str:
    """The category the rule reads from the denial's CARCs and remark codes (each remark is
    stored in words, its code first)."""
    carcs = [str(code) for _group, code in denial.reasons or []]
    rarcs = [str(words).split(" ", 1)[0] for words in denial.remark_words or []]
    return root_cause(carcs, rarcs)


@dataclass
class Group:
    category: Category
    count: int = 0
    amount: Decimal = Decimal("0.00")
    payers: Counter[str] = field(default_factory=Counter)
    providers: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def top(self, counter: Counter[str]) -> list[tuple[str, int]]:
        return counter.most_common(TOP)

    @property
    def breakdowns(self) -> list[tuple[str, list[tuple[str, int]]]]:
        return [
            ("Payer", self.top(self.payers)),
            ("Provider", self.top(self.providers)),
            ("Code and modifiers", self.top(self.codes)),
            ("Reason", self.top(self.reasons)),
        ]


@requires("view_reports")
def show_denial_causes(request: PracticeRequest) -> HttpResponse:
    text = request.GET.get("months", "").strip() or "12"
    error = ""
    if not text.isdigit() or not 1 <= int(text) <= 36:
        error = "Enter a number of months from 1 to 36."
        text = "12"
    today = timezone.localdate()
    months = months_ending(today, int(text)).starts
    # Dated by the payer's answer (the remittance's payment date), as every denial report is.
    denials = denials_answered_between(request.practice, months[0], today).select_related(
        "payer", "claim__payer", "claim__visit__provider", "claim_line"
    )
    groups: dict[str, Group] = {}
    trend: dict[str, Counter[datetime.date]] = defaultdict(Counter)
    total, total_amount = 0, Decimal("0.00")
    for d in denials.iterator(chunk_size=2000):
        key = cause_of(d)
        g = groups.setdefault(key, Group(category_for(key)))
        g.count += 1
        g.amount += d.amount
        total += 1
        total_amount += d.amount
        payer = d.payer or d.claim.payer
        g.payers[payer.name] += 1
        provider = d.claim.visit.provider
        g.providers[str(provider) if provider else "—"] += 1
        if d.claim_line is not None:
            mods = " ".join(d.claim_line.modifiers or [])
            g.codes[f"{d.claim_line.code} {mods}".strip()] += 1
        for words in d.reason_words or []:
            g.reasons[str(words)] += 1
        trend[key][d.answered_on.replace(day=1)] += 1
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.category.label))
    practice = request.practice
    audit.record(
        practice,
        "list",
        user=request.user,
        detail={"report": "denials by root cause", "denials": total},
        patients=(),
    )
    return render(
        request,
        "billing/denial_causes.html",
        {
            "groups": ordered,
            "total": total,
            "total_amount": total_amount,
            "months": months,
            "months_text": text,
            "error": error,
            "trend": [(g.category, [trend[g.category.key][m] for m in months]) for g in ordered],
            "categories": CATEGORIES,
        },
        status=422 if error else 200,
    )
