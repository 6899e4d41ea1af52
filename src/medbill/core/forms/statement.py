"""Patient statements: what each visit cost, what insurance did, what the patient owes.

A :class:`Statement` is built by the remittance side from the ledger; this module
lays it out as a PDF with aging and a remit slip to tear off, and writes the CSV
that print-and-mail vendors take (one row per service line, statement columns
repeated, so a vendor can group rows by ``statement_id``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from medbill.core.claim import Address
from medbill.core.forms import _layout as ui
from medbill.core.forms._layout import Practice
from medbill.core.money import Money

__all__ = [
    "AGING_BUCKETS",
    "Aging",
    "Statement",
    "StatementError",
    "StatementLine",
    "StatementVisit",
    "check_statement",
    "render_statement",
    "statements_csv",
]

AGING_BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")


class StatementError(ValueError):
    """The statement does not add up or misses something; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One service on a visit, in the practice's own words."""

    code: str
    description: str
    charge: Money


@dataclass(frozen=True, slots=True)
class StatementVisit:
    """A visit on the statement, with what insurance paid and adjusted and what was paid."""

    date_of_service: date
    patient_name: str
    provider: str
    lines: tuple[StatementLine, ...]
    insurance_paid: Money = field(default_factory=lambda: Money(0))
    insurance_adjusted: Money = field(default_factory=lambda: Money(0))
    patient_paid: Money = field(default_factory=lambda: Money(0))
    payer: str | None = None
    claim_id: str | None = None
    note: str | None = None  # "Applied to deductible", "Waiting on insurance" ...
    billed_on: date | None = None  # ages from here when given, else the date of service

    @property
    def charges(self) -> Money:
        return sum((line.charge for line in self.lines), Money(0))

    @property
    def you_owe(self) -> Money:
        return self.charges - self.insurance_paid - self.insurance_adjusted - self.patient_paid


@dataclass(frozen=True, slots=True)
class Aging:
    """The amount due split by age: 0-30, 31-60, 61-90, 91-120 and over 120 days."""

    buckets: tuple[Money, Money, Money, Money, Money]

    @classmethod
    def of(cls, visits: Iterable[StatementVisit], as_of: date, credits: Money = Money(0)) -> Aging:
        """What the visits owe by age; ``credits`` (zero or less) pay the oldest first."""
        sums = [Money(0)] * 5
        for visit in visits:
            age = (as_of - (visit.billed_on or visit.date_of_service)).days
            index = (
                0 if age <= 30 else 1 if age <= 60 else 2 if age <= 90 else 3 if age <= 120 else 4
            )
            sums[index] = sums[index] + visit.you_owe
        left = -credits
        for index in range(4, -1, -1):
            used = min(left, sums[index]) if sums[index] > Money(0) else Money(0)
            sums[index] = sums[index] - used
            left = left - used
        # Credit beyond every visit's balance stays in the newest bucket, so the buckets
        # still add up to the amount due.
        sums[0] = sums[0] - left
        return cls(tuple(sums))  # type: ignore[arg-type]

    @property
    def total(self) -> Money:
        return sum(self.buckets, Money(0))


@dataclass(frozen=True, slots=True)
class Statement:
    practice: Practice
    statement_id: str
    statement_date: date
    account_number: str
    guarantor_name: str
    guarantor_address: Address | None
    visits: tuple[StatementVisit, ...]
    due_date: date | None = None
    remit_to: Address | None = None  # default: the practice's address
    message: str | None = None
    pay_online: str | None = None  # a web address or phone line for card payments
    # Aging as the ledger computed it (from billing dates, payment plans ...); when absent
    # it is worked out from the visits. Either way it must add up to the amount due.
    given_aging: Aging | None = None
    # Payments and credits on the account that no visit above holds (zero or less): a
    # payment on account, a deposit, a visit's overpaid copay. The amount due is the
    # account's balance, so they count against it.
    credits: Money = field(default_factory=lambda: Money(0))

    @property
    def visits_owe(self) -> Money:
        return sum((v.you_owe for v in self.visits), Money(0))

    @property
    def amount_due(self) -> Money:
        return self.visits_owe + self.credits

    @property
    def aging(self) -> Aging:
        return self.given_aging or Aging.of(self.visits, self.statement_date, self.credits)


def check_statement(statement: Statement) -> None:
    """Raise ``StatementError`` naming what keeps ``statement`` from being sent."""
    _check(statement)


def _check(statement: Statement) -> None:
    if not statement.visits:
        raise StatementError("visits", "a statement needs at least one visit")
    if not statement.account_number:
        raise StatementError("account_number", "is required")
    if statement.guarantor_address is None:
        raise StatementError("guarantor_address", "is required to mail a statement")
    if statement.credits > Money(0):
        raise StatementError("credits", "are payments and credits: zero or less")
    if statement.given_aging is not None and statement.given_aging.total != statement.amount_due:
        raise StatementError("given_aging", "does not add up to the amount due")
    for i, visit in enumerate(statement.visits):
        if not visit.lines:
            raise StatementError(f"visits[{i}].lines", "a visit needs at least one service")
        for name in ("insurance_paid", "insurance_adjusted", "patient_paid"):
            if getattr(visit, name) < 0:
                raise StatementError(f"visits[{i}].{name}", "cannot be negative")


def _activity(statement: Statement) -> Table:
    rows: list[list[object]] = []
    for visit in statement.visits:
        who = f"{visit.patient_name} · {visit.provider}"
        if visit.payer:
            who += f" · {visit.payer}"
        rows.append(
            [
                ui.day(visit.date_of_service),
                ui.para(
                    f"<b>{ui.esc(who)}</b>"
                    + (f"<br/><i>{ui.esc(visit.note)}</i>" if visit.note else "")
                ),
                visit.charges.format(),
                _minus(visit.insurance_paid),
                _minus(visit.insurance_adjusted),
                _minus(visit.patient_paid),
                visit.you_owe.format(),
            ]
        )
        for line in visit.lines:
            rows.append(
                [
                    "",
                    ui.plain(f"{line.code}  {line.description}", ui.SMALL),
                    ui.plain(line.charge.format(), ui.SMALL_RIGHT),
                    "",
                    "",
                    "",
                    "",
                ]
            )
    if statement.credits:
        rows.append(
            [
                "",
                ui.para("<b>Payments and credits not applied to a visit above</b>"),
                "",
                "",
                "",
                _minus(-statement.credits),
                statement.credits.format(),
            ]
        )
    totals = [
        [
            "",
            "Totals",
            sum((v.charges for v in statement.visits), Money(0)).format(),
            _minus(sum((v.insurance_paid for v in statement.visits), Money(0))),
            _minus(sum((v.insurance_adjusted for v in statement.visits), Money(0))),
            _minus(sum((v.patient_paid for v in statement.visits), Money(0)) - statement.credits),
            statement.amount_due.as_balance(),
        ]
    ]
    return ui.grid_table(
        [
            "Date",
            "Visit and services",
            "Charges",
            "Insurance paid",
            "Insurance adjusted",
            "You paid",
            "You owe",
        ],
        rows,
        [10.5, 36, 10.5, 11, 11.5, 10, 10.5],
        right=(2, 3, 4, 5, 6),
        totals=totals,
        zebra=False,
    )


def _minus(value: Money) -> str:
    return f"-{value.format()}" if value else "$0.00"


def _aging(statement: Statement) -> Table:
    aging = statement.aging
    head = [f"{b} days" for b in AGING_BUCKETS] + ["Amount due"]
    values = [m.as_balance() for m in aging.buckets] + [statement.amount_due.as_balance()]
    return ui.grid_table(head, [values], [1, 1, 1, 1, 1, 1.2], right=range(6), zebra=False)


def _summary_box(statement: Statement) -> Table:
    due = ui.day(statement.due_date) if statement.due_date else "Upon receipt"
    data = [
        [
            ui.plain("STATEMENT DATE", ui.LABEL),
            ui.plain(ui.day(statement.statement_date), ui.RIGHT),
        ],
        [ui.plain("ACCOUNT NUMBER", ui.LABEL), ui.plain(statement.account_number, ui.RIGHT)],
        [ui.plain("PAYMENT DUE", ui.LABEL), ui.plain(due, ui.RIGHT)],
        [
            ui.plain("AMOUNT DUE", ui.STRONG),
            ui.plain(statement.amount_due.as_balance(), ui.BIG_RIGHT),
        ],
    ]
    table = Table(data, colWidths=[1.25 * 72, 1.35 * 72])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, ui.ACCENT),
                ("BACKGROUND", (0, -1), (-1, -1), ui.TINT),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, ui.RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _address_block(name: str, address: Address | None) -> Flowable:
    lines = [name] + ui.address_lines(address)
    return ui.para("<br/>".join(ui.esc(line.upper()) for line in lines), ui.ADDRESS)


def _remit_slip(statement: Statement) -> KeepTogether:
    practice = statement.practice
    remit = statement.remit_to or practice.address
    left = [
        ui.plain(
            "Please detach and return this part with your payment. "
            "Make checks payable to the practice; write the account number on the check.",
            ui.SMALL,
        ),
        Spacer(1, 6),
        _address_block(statement.guarantor_name, statement.guarantor_address),
        Spacer(1, 10),
        ui.plain("REMIT TO", ui.LABEL),
        _address_block(practice.name, remit),
    ]
    card = ui.grid_table(
        ["Account", "Statement date", "Amount due", "Amount enclosed"],
        [
            [
                statement.account_number,
                ui.day(statement.statement_date),
                statement.amount_due.as_balance(),
                "$ _______",
            ]
        ],
        [1.1, 1, 1, 1.2],
        right=(2,),
        zebra=False,
        width=ui.panel_width(2, gap=14),
    )
    right = [
        card,
        Spacer(1, 8),
        ui.plain("PAY BY CARD   [  ] Visa   [  ] Mastercard   [  ] Discover   [  ] Amex", ui.SMALL),
        Spacer(1, 12),
        ui.signature_lines(["Card number", "Expires"], width=ui.panel_width(2), space=12),
        Spacer(1, 4),
        ui.signature_lines(
            ["Name on card and signature", "Security code"], width=ui.panel_width(2), space=12
        ),
    ]
    if statement.pay_online:
        right += [
            Spacer(1, 6),
            ui.plain(f"Or pay online or by phone: {statement.pay_online}", ui.SMALL),
        ]
    return KeepTogether(
        [
            Spacer(1, 14),
            ui.CutLine(),
            Spacer(1, 8),
            ui.side_by_side([ui.stack(left), ui.stack(right)], gap=14),
        ]
    )


def render_statement(statement: Statement) -> bytes:
    """The statement as PDF bytes, remit slip at the foot of the last page."""
    _check(statement)
    practice = statement.practice
    story: list[Flowable] = [
        ui.header(practice, "PATIENT STATEMENT", [f"Statement {statement.statement_id}"]),
        Spacer(1, 14),
        ui.side_by_side(
            [
                _address_block(statement.guarantor_name, statement.guarantor_address),
                _summary_box(statement),
            ],
            last_right=True,
        ),
        Spacer(1, 14),
        ui.section_bar("Account activity"),
        _activity(statement),
        Spacer(1, 10),
        ui.section_bar("How long the balance has been due"),
        _aging(statement),
    ]
    contact = ui.phone(practice.phone)
    message = statement.message or (
        "Questions about this bill? Call our billing office"
        + (f" at {contact}" if contact else "")
        + ". We are glad to set up a payment plan."
    )
    story += [Spacer(1, 10), ui.plain(message, ui.BODY), _remit_slip(statement)]
    return ui.build_pdf(
        story,
        title=f"Statement {statement.statement_id}",
        author=practice.name,
        subject="Patient statement",
        footer=f"Statement {statement.statement_id} · Account {statement.account_number}",
    )


CSV_COLUMNS = (
    "statement_id",
    "statement_date",
    "due_date",
    "account_number",
    "guarantor_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
    "amount_due",
    "credits",
    *(f"aging_{b.replace('-', '_').replace('+', '_plus')}" for b in AGING_BUCKETS),
    "visit_date",
    "patient_name",
    "provider",
    "payer",
    "claim_id",
    "code",
    "description",
    "line_charge",
    "visit_charges",
    "insurance_paid",
    "insurance_adjusted",
    "patient_paid",
    "you_owe",
    "practice_name",
    "practice_phone",
    "remit_line1",
    "remit_city",
    "remit_state",
    "remit_zip",
)


def statements_csv(statements: Iterable[Statement]) -> str:
    """The print vendor's file: one row per service line, amounts as plain decimals."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for statement in statements:
        _check(statement)
        addr = statement.guarantor_address
        remit = statement.remit_to or statement.practice.address
        aging = statement.aging
        head = [
            statement.statement_id,
            statement.statement_date.isoformat(),
            statement.due_date.isoformat() if statement.due_date else "",
            statement.account_number,
            statement.guarantor_name,
            addr.line1 if addr else "",
            (addr.line2 or "") if addr else "",
            addr.city if addr else "",
            addr.state if addr else "",
            addr.zip if addr else "",
            str(statement.amount_due),
            str(statement.credits),
            *(str(m) for m in aging.buckets),
        ]
        tail = [
            statement.practice.name,
            statement.practice.phone or "",
            remit.line1 if remit else "",
            remit.city if remit else "",
            remit.state if remit else "",
            remit.zip if remit else "",
        ]
        for visit in statement.visits:
            for line in visit.lines:
                writer.writerow(
                    head
                    + [
                        visit.date_of_service.isoformat(),
                        visit.patient_name,
                        visit.provider,
                        visit.payer or "",
                        visit.claim_id or "",
                        line.code,
                        line.description,
                        str(line.charge),
                        str(visit.charges),
                        str(visit.insurance_paid),
                        str(visit.insurance_adjusted),
                        str(visit.patient_paid),
                        str(visit.you_owe),
                    ]
                    + tail
                )
    return buf.getvalue()
