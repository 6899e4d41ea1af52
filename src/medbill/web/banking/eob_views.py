"""The paper EOB form and the provider-level adjustments (PLB) page."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from medbill.core.ledger.paper_eob import (
    EobError,
    check_claim_named,
    check_claim_sent,
    eob_amount,
    parse_adjustments,
    repeated_claims,
)
from medbill.core.ledger.provider_balances import PlbItem, follow
from medbill.core.money import Money
from medbill.web.banking.paper_eob import (
    EobLine,
    check_paper_eob,
    claims_by_number,
    post_paper_eob,
)
from medbill.web.billing.remittance_models import ProviderAdjustment, Remittance
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.models import Payer
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest

ROWS = 6


def _payers(request: PracticeRequest) -> QuerySet[Payer]:
    """The payers of the practice's organization (where payers are kept)."""
    practice = request.practice
    return Payer.objects.filter(organization_id=practice.organization_id)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one input of the form (``name``; "" for the whole form)."""

    name: str
    label: str  # the input in words: "check total", "claim row 2 paid"
    problem: str

    @property
    def words(self) -> str:
        if not self.label:
            return self.problem
        return f"{self.label[:1].upper()}{self.label[1:]}: {self.problem}"


@dataclass
class Entry:
    """The form as typed, read: what ``post_paper_eob`` takes, and every problem found."""

    payer: Payer | None = None
    number: str = ""
    when: datetime.date | None = None
    total: Money | None = None
    lines: list[EobLine] = field(default_factory=list)  # the rows whose amounts were read
    rows: list[int] = field(default_factory=list)  # the form row of each line
    problems: list[Problem] = field(default_factory=list)
    unread: bool = False  # an amount of some row could not be read

    def wrong(self, name: str, label: str, problem: str) -> None:
        self.problems.append(Problem(name, label, problem))


def _money(
    entry: Entry, value: str, name: str, label: str, *, optional: bool = False
) -> Money | None:
    text = value.strip()
    if not text:
        if not optional:
            entry.wrong(name, label, "enter the amount (0.00 when none)")
        return None
    try:  # as typed: 12.345 is refused, never rounded to 12.35
        return eob_amount(text, label)
    except EobError as exc:
        entry.wrong(name, label, exc.problem)
    return None


def _read(request: PracticeRequest) -> Entry:
    """Every input read, each problem noted beside its input, so the biller sees all that
    is wrong at once rather than one problem per try."""
    post, entry = request.POST, Entry()
    chosen = post.get("payer") or ""
    entry.payer = _payers(request).filter(pk=chosen).first() if chosen.isdigit() else None
    if entry.payer is None:
        entry.wrong("payer", "payer", "choose the payer that sent the EOB")
    entry.number = post.get("check_number", "").strip()
    if not entry.number:
        entry.wrong("check_number", "check number", "enter the check or EFT number")
    try:  # the posting rules judge the day itself (``check_paper_eob``)
        entry.when = datetime.date.fromisoformat(post.get("check_date", "").strip())
    except ValueError:
        entry.wrong("check_date", "check date", "enter the check's date (YYYY-MM-DD)")
    entry.total = _money(entry, post.get("check_total", ""), "check_total", "check total")
    typed = [(row, post.get(f"claim_{row}", "").strip()) for row in range(1, ROWS + 1)]
    known = claims_by_number(request.practice, [number for _, number in typed])
    repeated = repeated_claims(typed, "row")
    for row, number in typed:
        where = f"claim row {row}"
        if not number and not any(post.get(f"{key}_{row}", "").strip() for key in _ROW[1:]):
            continue  # a row left empty
        try:
            check_claim_named(number)
            if row in repeated:
                raise EobError("claim", repeated[row])
            if number not in known:
                raise EobError("claim", f"no claim {number!r} in this practice")
            check_claim_sent(number, known[number].status)
        except EobError as exc:
            entry.wrong(f"claim_{row}", where, exc.problem)
        before = len(entry.problems)
        paid = _money(entry, post.get(f"paid_{row}", ""), f"paid_{row}", f"{where} paid")
        adjustments: tuple[Any, ...] = ()
        try:
            adjustments = parse_adjustments(post.get(f"adjustments_{row}", ""), where)
        except EobError as exc:
            entry.wrong(f"adjustments_{row}", f"{where} adjustments", exc.problem)
        patient = _money(
            entry,
            post.get(f"patient_{row}", ""),
            f"patient_{row}",
            f"{where} patient responsibility",
            optional=True,
        )
        if not number or paid is None or len(entry.problems) > before:
            # Its amounts (and the check's total) are judged once they can be read and
            # belong to a claim.
            entry.unread = True
            continue
        entry.lines.append(EobLine(number, paid, adjustments, patient))
        entry.rows.append(row)
    if not entry.lines and not entry.unread:
        entry.wrong("claim_1", "claims", "enter at least one claim the check pays")
    return entry


# A service's name for a part of a line -> the form's input and its words.
_INPUTS = {
    "claim": ("claim", ""),
    "paid": ("paid", " paid"),
    "adjustments": ("adjustments", " adjustments"),
    "patient_responsibility": ("patient", " patient responsibility"),
}
_LINE = re.compile(r"^claims\[(\d+)\]\.([a-z_]+)$")


def _problem_of(exc: ServiceError, entry: Entry) -> Problem:
    """The service's refusal placed on the input it is about: ``claims[1].paid`` is the
    paid amount of the form row of the entry's second line; the whole form when it names
    no input."""
    line = _LINE.match(exc.field)
    if line and int(line[1]) < len(entry.rows) and line[2] in _INPUTS:
        row = entry.rows[int(line[1])]
        name, words = _INPUTS[line[2]]
        return Problem(f"{name}_{row}", f"claim row {row}{words}", exc.problem)
    if exc.field in ("check number", "check date", "check total"):
        name = exc.field.replace(" ", "_")
        return Problem(name, exc.field, exc.problem)
    return Problem("", "", in_words(exc))


def _checked(request: PracticeRequest, entry: Entry) -> list[Problem]:
    """What the form could not read and what the posting rules refuse of what it could,
    together: one problem per input (the first found), in the form's order."""
    refused = check_paper_eob(
        request.user,
        request.practice,
        entry.payer,
        entry.when,
        None if entry.unread else entry.total,
        entry.lines,
    ).problems
    problems = list(entry.problems)
    named = {p.name for p in problems if p.name}
    for problem in (_problem_of(e, entry) for e in refused):
        if problem.name not in named and problem not in problems:
            named.add(problem.name)
            problems.append(problem)
    return sorted(problems, key=_place)


_CHECK = ("payer", "check_number", "check_date", "check_total")
_ROW = ("claim", "paid", "adjustments", "patient")


def _place(problem: Problem) -> tuple[int, int]:
    """Where the input is on the form: the check first, then the rows, top to bottom."""
    if problem.name in _CHECK:
        return (0, _CHECK.index(problem.name))
    key, _, row = problem.name.rpartition("_")
    if key in _ROW and row.isdigit():
        return (int(row), _ROW.index(key))
    return (ROWS + 1, 0)  # about the whole form


@requires("import_remittance")
def enter_paper_eob(request: PracticeRequest) -> HttpResponse:
    payers = _payers(request).order_by("name")
    problems: list[Problem] = []
    if request.method == "POST":
        entry = _read(request)
        problems = _checked(request, entry)
        if not problems:
            assert entry.payer and entry.when and entry.total is not None  # read without problems
            try:
                result = post_paper_eob(
                    request.user,
                    request.practice,
                    entry.payer,
                    entry.number,
                    entry.when,
                    entry.total,
                    entry.lines,
                )
            except ServiceError as exc:
                problems = [_problem_of(e, entry) for e in exc.errors]
            else:
                return _posted(request, result)
    by_input = {p.name: p.problem for p in problems if p.name}
    return render(
        request,
        "banking/paper_eob.html",
        {
            "payers": payers,
            "rows": [
                {
                    "i": i,
                    **{
                        key: request.POST.get(f"{key}_{i}", "") if request.method == "POST" else ""
                        for key in ("claim", "paid", "adjustments", "patient")
                    },
                    "errors": {
                        key: by_input.get(f"{key}_{i}", "")
                        for key in ("claim", "paid", "adjustments", "patient")
                    },
                }
                for i in range(1, ROWS + 1)
            ],
            "problems": problems,
            "errors": by_input,
            "form": request.POST if request.method == "POST" else {},
        },
        status=422 if problems else 200,
    )


def _posted(request: PracticeRequest, result: Any) -> HttpResponse:
    if result.already_imported:
        messages.info(request, "This EOB was entered before; nothing new was posted.")
    for s in result.sets:
        if s.status == "posted":
            messages.success(
                request,
                f"Check {s.trace_number} {s.total_paid.format()} posted: "
                f"{len(s.posted)} claim(s), {len(s.denied)} denial(s), "
                f"{len(s.unmatched)} unmatched.",
            )
        else:
            messages.warning(
                request,
                f"Check {s.trace_number} is {s.status}: " + "; ".join(s.reasons),
            )
    if result.file_id is not None and result.sets:
        rem = Remittance.objects.filter(file_id=result.file_id).first()
        if rem is not None:
            return redirect("show_remittance", rem.pk)
    return redirect("list_remittances")


@requires("view_claims")
def list_provider_adjustments(request: PracticeRequest) -> HttpResponse:
    rows = ProviderAdjustment.objects.for_user(request.user, request.practice).select_related(
        "remittance"
    )
    by_id = {r.pk: r for r in rows}
    threads = follow(
        PlbItem(
            r.pk,
            r.provider_identifier,
            r.reason,
            r.reference,
            Money(r.amount),
            r.remittance.payment_date,
        )
        for r in by_id.values()
    )
    shown = request.GET.get("show", "open")
    if shown in ("open", "netted", "final"):
        threads = [t for t in threads if t.state == shown]
    view = [
        {"thread": t, "rows": [by_id[i.id] for i in t.items]}
        for t in sorted(threads, key=lambda t: t.first or datetime.date.min, reverse=True)
    ]
    return render(
        request,
        "banking/provider_adjustments.html",
        {"threads": view, "show": shown},
    )
