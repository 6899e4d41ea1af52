"""Patient statements and payment plans.

``run_statements`` is the statement cycle: every patient whose own balance is at
least the threshold gets a statement (PDF, plus one CSV for the print vendor),
unless a payment plan in good standing covers the account. Balances under the
small-balance limit are written off (an adjustment on the ledger, never an
edit). An account whose oldest unpaid visit is older than the collections age,
after the number of statements the practice sends first, is flagged for
collections.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from medbill.core.forms import Practice as PracticeDoc
from medbill.core.forms.statement import (
    Statement as StatementDoc,
)
from medbill.core.forms.statement import (
    StatementError,
    StatementLine,
    StatementVisit,
    check_statement,
    render_statement,
    statements_csv,
)
from medbill.core.money import ZERO, Money
from medbill.web.billing.documents import address_of
from medbill.web.billing.models import Entry
from medbill.web.billing.printing import practice_of
from medbill.web.billing.remittance_models import PaymentPlan, Statement
from medbill.web.billing.services import balances_of
from medbill.web.frontdesk.models import Coverage, Patient, Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.models import FeeScheduleEntry, Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef

__all__ = [
    "CycleResult",
    "Outcome",
    "accounts_owing",
    "create_payment_plan",
    "in_good_standing",
    "preview_statements",
    "run_statements",
]


@dataclass
class CycleResult:
    sent: list[tuple[str, Money, str]] = field(default_factory=list)  # account, due, pdf
    skipped: list[tuple[str, str]] = field(default_factory=list)  # account, why
    written_off: list[tuple[str, Money]] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    csv_path: str = ""
    statements: list[int] = field(default_factory=list)  # ids of the Statement rows


def _patient_paid(plan: PaymentPlan) -> Money:
    rows = Entry.objects.filter(
        patient_id=plan.patient_id,
        kind=Entry.Kind.PAYMENT,
        responsibility=Entry.Responsibility.PATIENT,
        posted_at__gte=plan.created_at,
    )
    return -Money(rows.aggregate(t=MoneySum("amount"))["t"] or 0)


def in_good_standing(plan: PaymentPlan, as_of: datetime.date) -> bool:
    """Active, and the patient has paid at least the installments due by ``as_of``."""
    if plan.status != PaymentPlan.Status.ACTIVE:
        return False
    if as_of < plan.first_due:
        return True
    due_count = min(
        plan.installments, (as_of - plan.first_due).days // max(plan.interval_days, 1) + 1
    )
    return _patient_paid(plan) >= Money(plan.installment) * due_count


def create_payment_plan(
    user: Actor,
    patient: Patient,
    total: object,
    installments: int,
    first_due: datetime.date,
    interval_days: int = 30,
) -> PaymentPlan:
    """A plan to pay ``total`` in equal installments (``user`` None: the command line)."""
    if user is not None:
        require(user, patient.practice_id, "post_payment")
    amount = Money(total)
    if amount <= ZERO:
        raise ServiceError("total", "must be more than zero")
    if installments < 1 or installments > 60:
        raise ServiceError("installments", "expected 1 to 60")
    # Rounded up to the cent so the payments cover the total (the last one is what is left).
    each = Money((amount.amount / installments).quantize(Decimal("0.01"), rounding=ROUND_UP))
    with transaction.atomic(), audit.acting_as(user, "cli" if user is None else None):
        return PaymentPlan.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            total=amount,
            installment=each,
            installments=installments,
            first_due=first_due,
            interval_days=interval_days,
        )


def _descriptions(practice: PracticeRef) -> dict[str, str]:
    rows = FeeScheduleEntry.objects.filter(practice=practice).order_by("effective_from")
    return {r.code: r.description for r in rows}


def _visits_of(
    patients: dict[int, Patient], words: dict[str, str], settled_too: bool = False
) -> dict[int, list[tuple[Visit, StatementVisit]]]:
    """For each patient, the visits they still owe on (with ``settled_too``, every visit
    with activity), with what insurance and they did.

    Three queries for any number of patients (statement runs work many at once).
    """
    rows = (
        Entry.objects.filter(patient_id__in=list(patients))
        .exclude(visit=None)
        .values("visit_id", "kind", "responsibility")
        .annotate(t=MoneySum("amount"))
        .order_by()
    )
    by_visit: dict[int, dict[tuple[str, str], Money]] = defaultdict(dict)
    for r in rows:
        by_visit[r["visit_id"]][(r["kind"], r["responsibility"])] = Money(r["t"])
    charges: dict[int, list[Entry]] = defaultdict(list)
    for e in (
        Entry.objects.filter(visit_id__in=list(by_visit), kind="charge")
        .select_related("claim_line")
        .order_by("id")
    ):
        if e.visit_id is not None:
            charges[e.visit_id].append(e)
    out: dict[int, list[tuple[Visit, StatementVisit]]] = defaultdict(list)
    for visit in (
        Visit.objects.filter(pk__in=list(by_visit))
        .select_related("provider")
        .order_by("scheduled_at", "id")
    ):
        sums = by_visit[visit.pk]
        owed = sum((v for (_, who), v in sums.items() if who == "patient"), ZERO)
        if owed <= ZERO and not settled_too:
            continue
        charged = sums.get(("charge", "payer"), ZERO) + sums.get(("charge", "patient"), ZERO)
        ins_paid = -sums.get(("payment", "payer"), ZERO)
        pat_paid = -sums.get(("payment", "patient"), ZERO)
        adjusted = charged - ins_paid - pat_paid - owed
        lines = tuple(
            StatementLine(
                e.claim_line.code if e.claim_line else "SVC",
                words.get(e.claim_line.code if e.claim_line else "", "Professional service"),
                Money(e.amount),
            )
            for e in charges[visit.pk]
        )
        if not lines or adjusted < ZERO:
            continue
        note = "Applied to deductible, coinsurance or copay" if ins_paid or adjusted else None
        out[visit.patient_id].append(
            (
                visit,
                StatementVisit(
                    visit.date_of_service,
                    patients[visit.patient_id].full_name,
                    f"{visit.provider.first_name} {visit.provider.last_name}".strip(),
                    lines,
                    insurance_paid=ins_paid,
                    insurance_adjusted=adjusted,
                    patient_paid=pat_paid,
                    note=note,
                ),
            )
        )
    return out


@dataclass
class Outcome:
    """What the cycle does with one patient's account: send, write off or skip (and why)."""

    patient: Patient
    balance: Money
    action: str  # "send", "write_off" or "skip"
    why: str = ""
    doc: StatementDoc | None = None
    visits: list[tuple[Visit, StatementVisit]] = field(default_factory=list)


@dataclass(frozen=True)
class CycleRules:
    day: datetime.date
    threshold: Money
    small: Money
    words: dict[str, str]
    who: PracticeDoc
    # A statement the patient asked for ("send statement now"): sent whatever the balance,
    # zero or a credit included, with every visit that had activity.
    on_request: bool = False


@dataclass
class Accounts:
    """What the cycle reads about a group of accounts, read in a few queries."""

    balances: dict[int, Money]
    plans: dict[int, list[PaymentPlan]]
    visits: dict[int, list[tuple[Visit, StatementVisit]]]
    medicaid: frozenset[int] = frozenset()  # patients with Medicaid coverage in effect


def _accounts(
    practice: PracticeRef,
    patients: dict[int, Patient],
    words: dict[str, str],
    settled_too: bool = False,
) -> Accounts:
    plans: dict[int, list[PaymentPlan]] = defaultdict(list)
    for plan in PaymentPlan.objects.filter(
        patient_id__in=list(patients), status=PaymentPlan.Status.ACTIVE
    ):
        plans[plan.patient_id].append(plan)
    today = timezone.localdate()
    medicaid = (
        Coverage.objects.filter(
            patient_id__in=list(patients), active=True, payer__payer_type="medicaid"
        )
        .exclude(termination_date__lt=today)
        .values_list("patient_id", flat=True)
    )
    return Accounts(
        balances_of(practice, Entry.Responsibility.PATIENT, list(patients)),
        plans,
        _visits_of(patients, words, settled_too),
        frozenset(medicaid),
    )


def _outcome(patient: Patient, balance: Money, rules: CycleRules, accounts: Accounts) -> Outcome:
    """The cycle's decision for one account; reads only, so the preview shares it."""
    account = patient.account_number
    if rules.on_request:
        pass  # asked for: no write-off, threshold or payment plan holds it back
    elif balance < rules.small:
        return Outcome(patient, balance, "write_off", "small balance write-off")
    elif balance < rules.threshold:
        return Outcome(
            patient, balance, "skip", f"balance {balance.format()} under {rules.threshold.format()}"
        )
    elif any(in_good_standing(p, rules.day) for p in accounts.plans.get(patient.pk, [])):
        return Outcome(patient, balance, "skip", "payment plan in good standing")
    elif patient.pk in accounts.medicaid:
        # 42 CFR 447.15: a Medicaid provider accepts the state's payment as payment in full,
        # apart from the cost sharing the state plan allows.
        return Outcome(
            patient,
            balance,
            "skip",
            "Medicaid patient: only the cost sharing the state allows may be billed; review "
            "the account and send from it if the balance is owed",
        )
    visits = accounts.visits.get(patient.pk, [])
    if not visits:
        return Outcome(
            patient,
            balance,
            "skip",
            "no visit with a patient balance"
            if not rules.on_request
            else "no visit on the account to show",
        )
    # The amount due is the balance: what no listed visit holds (a payment on
    # account, a deposit) shows as a credit line of its own.
    credits = balance - sum((v.you_owe for _, v in visits), ZERO)
    if credits > ZERO:
        return Outcome(
            patient,
            balance,
            "skip",
            f"the balance {balance.format()} is more than its visits show; review the account",
        )
    doc = StatementDoc(
        rules.who,
        f"{account}-{rules.day:%Y%m%d}",
        rules.day,
        account,
        f"{patient.first_name} {patient.last_name}",
        address_of(patient),
        tuple(v for _, v in visits),
        due_date=rules.day + datetime.timedelta(days=21),
        credits=credits,
    )
    try:
        check_statement(doc)
    except StatementError as exc:
        return Outcome(patient, balance, "skip", _in_words(exc))
    return Outcome(patient, balance, "send", doc=doc, visits=visits)


def _in_words(exc: StatementError) -> str:
    if exc.field == "guarantor_address":
        return "no mailing address on file"
    return str(exc)


def _rules(
    practice: Practice,
    day: datetime.date,
    threshold: object,
    small: object,
    on_request: bool = False,
) -> CycleRules:
    return CycleRules(
        day,
        Money(threshold),
        Money(small),
        _descriptions(practice),
        practice_of(practice),
        on_request,
    )


def accounts_owing(
    practice: PracticeRef, patient_ids: Iterable[int] | None, on_request: bool = False
) -> list[int]:
    """Patients of ``practice`` who owe something themselves, in a stable order; with
    ``on_request``, those of ``patient_ids`` with any activity on their account."""
    balances = balances_of(practice, Entry.Responsibility.PATIENT, open_only=True)
    wanted = None if patient_ids is None else set(patient_ids)
    if on_request and wanted is not None:
        active = Entry.objects.for_practice(practice).filter(patient_id__in=wanted)
        return sorted(set(active.values_list("patient_id", flat=True)))
    return sorted(
        pid
        for pid, balance in balances.items()
        if balance > ZERO and (wanted is None or pid in wanted)
    )


def preview_statements(
    user: Actor,
    practice: Practice,
    *,
    statement_date: datetime.date | None = None,
    threshold: object = "5.00",
    write_off_under: object = "1.00",
    patient_ids: Iterable[int] | None = None,
) -> list[Outcome]:
    """What ``run_statements`` would do with the same choices, changing nothing."""
    if user is not None:
        require(user, practice, "send_statements")
    rules = _rules(practice, statement_date or datetime.date.today(), threshold, write_off_under)
    ids = accounts_owing(practice, patient_ids)
    out = []
    for start in range(0, len(ids), 500):
        patients = Patient.objects.in_bulk(ids[start : start + 500])
        accounts = _accounts(practice, patients, rules.words)
        same_day = _sent_on(rules.day, patients, "")
        out += [
            Outcome(
                patients[pid],
                accounts.balances.get(pid, ZERO),
                "skip",
                f"a statement already went out on {rules.day:%m/%d/%Y}",
            )
            if pid in same_day
            else _outcome(patients[pid], accounts.balances.get(pid, ZERO), rules, accounts)
            for pid in ids[start : start + 500]
        ]
    return out


def run_statements(
    user: Actor,
    practice: Practice,
    out_dir: Path,
    *,
    statement_date: datetime.date | None = None,
    threshold: object = "5.00",
    write_off_under: object = "1.00",
    collections_after_days: int = 120,
    statements_before_collections: int = 3,
    patient_ids: Iterable[int] | None = None,
    run_id: str = "",
    progress: Callable[[int], None] | None = None,
    chunk: int = 100,
    on_request: bool = False,
) -> CycleResult:
    """The statement cycle for ``practice``; PDFs and ``statements.csv`` go to ``out_dir``.

    Accounts are worked ``chunk`` at a time, each chunk one transaction, and ``progress``
    hears how many accounts are done after each. With a ``run_id`` the cycle can be run
    again after an interruption: an account that already has a statement of that run keeps
    it (its PDF and CSV row are written again, no second statement is recorded).
    ``on_request``: the statements patients asked for (``patient_ids``), sent whatever the
    balance — zero, or a credit — never written off or held back.
    """
    if user is not None:
        require(user, practice, "send_statements")
    day = statement_date or datetime.date.today()
    rules = _rules(practice, day, threshold, write_off_under, on_request)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = CycleResult()
    docs: list[StatementDoc] = []
    ids = accounts_owing(practice, patient_ids, on_request)
    for start in range(0, len(ids), max(chunk, 1)):
        with transaction.atomic(), audit.acting_as(user, "cli" if user is None else None):
            patients = Patient.objects.select_for_update().in_bulk(ids[start : start + chunk])
            accounts = _accounts(practice, patients, rules.words, on_request)
            earlier = _statement_counts(patients)
            sent = _sent_in(run_id, patients) if run_id else {}
            # A cycle sends no account a second statement on one statement date, whatever
            # sent the first (another run, "send statement now"); one asked for may.
            same_day = set() if on_request else _sent_on(day, patients, run_id)
            for pid in ids[start : start + chunk]:
                balance = accounts.balances.get(pid, ZERO)
                if balance <= ZERO and not on_request:
                    continue
                if pid in same_day and pid not in sent:
                    result.skipped.append(
                        (
                            patients[pid].account_number,
                            f"a statement already went out on {day:%m/%d/%Y}",
                        )
                    )
                    continue
                doc = _apply(
                    _outcome(patients[pid], balance, rules, accounts),
                    out_dir,
                    result,
                    rules,
                    sent.get(pid),
                    earlier.get(pid, 0),
                    run_id,
                    collections_after_days,
                    statements_before_collections,
                )
                if doc is not None:
                    docs.append(doc)
        if progress is not None:
            progress(min(start + chunk, len(ids)))
    if docs:
        csv_path = out_dir / "statements.csv"
        csv_path.write_text(statements_csv(docs))
        result.csv_path = str(csv_path)
    return result


def _statement_counts(patients: dict[int, Patient]) -> dict[int, int]:
    rows = (
        Statement.objects.filter(patient_id__in=list(patients))
        .values("patient_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["patient_id"]: r["n"] for r in rows}


def _sent_on(day: datetime.date, patients: dict[int, Patient], run_id: str) -> set[int]:
    """Accounts of ``patients`` that already have a statement dated ``day`` from
    anything but run ``run_id``."""
    rows = Statement.objects.filter(patient_id__in=list(patients), statement_date=day)
    if run_id:
        rows = rows.exclude(run_id=run_id)
    return set(rows.values_list("patient_id", flat=True))


def _sent_in(run_id: str, patients: dict[int, Patient]) -> dict[int, Statement]:
    return {
        s.patient_id: s
        for s in Statement.objects.filter(patient_id__in=list(patients), run_id=run_id)
    }


def _apply(
    outcome: Outcome,
    out_dir: Path,
    result: CycleResult,
    rules: CycleRules,
    row: Statement | None,
    earlier: int,
    run_id: str,
    collections_after_days: int,
    statements_before_collections: int,
) -> StatementDoc | None:
    patient, balance = outcome.patient, outcome.balance
    account = patient.account_number
    if outcome.action == "write_off":
        Entry.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            kind=Entry.Kind.ADJUSTMENT,
            amount=-balance,
            responsibility=Entry.Responsibility.PATIENT,
            effective_date=rules.day,
            memo="small balance write-off",
            source="statement",
        )
        result.written_off.append((account, balance))
        return None
    if outcome.action == "skip" or outcome.doc is None:
        result.skipped.append((account, outcome.why))
        return None
    doc, visits = outcome.doc, outcome.visits
    try:
        pdf = render_statement(doc)
    except StatementError as exc:
        result.skipped.append((account, _in_words(exc)))
        return None
    path = out_dir / f"statement-{account}.pdf"
    path.write_bytes(pdf)
    if row is None:
        oldest = min(v.date_of_service for _, v in visits)
        flag = (
            (rules.day - oldest).days > collections_after_days
            and earlier >= statements_before_collections
            and doc.amount_due > ZERO
        )
        row = Statement.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            statement_date=rules.day,
            balance=doc.amount_due,
            aging={
                b: str(m)
                for b, m in zip(
                    ("0-30", "31-60", "61-90", "91-120", "120+"), doc.aging.buckets, strict=True
                )
            },
            lines=[
                {
                    "date": str(v.date_of_service),
                    "charges": str(v.charges),
                    "insurance_paid": str(v.insurance_paid),
                    "owed": str(v.you_owe),
                }
                for _, v in visits
            ],
            pdf_path=str(path),
            run_id=run_id or f"{rules.day:%Y%m%d}",
            collections=flag,
        )
    result.sent.append((account, doc.amount_due, str(path)))
    result.statements.append(row.pk)
    if row.collections:
        result.collections.append(account)
    return doc
