"""The claims an 835 pays, read as plain rows, and their charges on the ledger.

An 835 names claims by our claim id (CLP01) and the member; ``accounts_for`` reads the
claims it can mean, with their lines and the patient's coverages, in a few queries
(``ClaimRow`` instead of model instances: a large file reads thousands), and gives the
core posting rules their ``Account`` view. ``post_charges``/``uncharged`` keep a visit's
services charged once, whichever claim asks a payer for them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from medbill.core.ledger.posting import Account, AccountLine
from medbill.core.money import ZERO, Money
from medbill.core.x12.m835 import Remittance as RemittanceDoc
from medbill.web.billing.era_bulk import one_of
from medbill.web.billing.era_secondary import ORDERS
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.frontdesk.models import Coverage
from medbill.web.practice.models import Payer, Practice
from medbill.web.practice.tenancy import PracticeRef

__all__ = [
    "ClaimRow",
    "accounts_for",
    "charge_rows",
    "claim_rows",
    "entry_row",
    "next_coverage",
    "payer_for",
    "post_charges",
    "uncharged",
]


def payer_for(practice: Practice, rem: RemittanceDoc) -> Payer | None:
    ids = {v for q, v in rem.payer.references if q == "2U"} | {rem.payer.id, rem.payer_id}
    ids.discard("")
    rows = Payer.objects.filter(organization_id=practice.organization_id, payer_id__in=ids)
    return rows.first()


class ClaimRow:
    """A row read with ``values_list()``: attribute access without a model instance."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:  # the columns read, whatever they are

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    @classmethod
    def many(cls, query: Any, fields: tuple[str, ...]) -> list[ClaimRow]:
        """``query``'s ``fields`` as rows; ``a__b`` is read as attribute ``a_b``."""
        names = [f.replace("__", "_") for f in fields]
        rows = []
        for values in query.values_list(*fields):
            row = cls.__new__(cls)
            row.__dict__ = dict(zip(names, values, strict=True))
            rows.append(row)
        return rows

    def is_in_effect(self, on: datetime.date) -> bool:
        if not self.active:
            return False
        if self.effective_date and on < self.effective_date:
            return False
        return not (self.termination_date and on > self.termination_date)


_CLAIM_FIELDS = (
    "pk",
    "practice_id",
    "patient_id",
    "visit_id",
    "payer_id",
    "coverage_id",
    "patient_control_number",
    "payer_claim_number",
    "status",
)


def claim_rows(query: Any) -> list[ClaimRow]:
    """Our claims as plain rows, with their lines, coverage and the patient's coverages."""
    rows = ClaimRow.many(
        query, (*_CLAIM_FIELDS, "coverage__member_id", "coverage__order", "visit__scheduled_at")
    )
    if not rows:
        return rows
    lines: dict[int, list[ClaimRow]] = {}
    line_query = ClaimLine.objects.filter(one_of("claim_id", [c.pk for c in rows]))
    for r in ClaimRow.many(
        line_query.order_by("line_number"),
        ("pk", "claim_id", "line_number", "code", "charge", "modifiers", "line_control_number"),
    ):
        lines.setdefault(r.claim_id, []).append(r)
    coverages: dict[int, list[ClaimRow]] = {}
    coverage_query = Coverage.objects.filter(one_of("patient_id", {c.patient_id for c in rows}))
    for r in ClaimRow.many(
        coverage_query,
        ("pk", "patient_id", "order", "payer_id", "active", "effective_date", "termination_date"),
    ):
        coverages.setdefault(r.patient_id, []).append(r)
    tz = timezone.get_current_timezone()  # looked up once: localtime() asks settings each call
    for line in (line for group in lines.values() for line in group):
        line.charge = Money(line.charge)
    for c in rows:
        c.lines = lines.get(c.pk, [])
        c.coverages = coverages.get(c.patient_id, [])
        c.date_of_service = c.visit_scheduled_at.astimezone(tz).date()
    return rows


def accounts_for(
    practice: PracticeRef, rem: RemittanceDoc
) -> tuple[list[Account], dict[int, ClaimRow]]:
    base = Claim.objects.for_practice(practice)
    ours = base.filter(one_of("patient_control_number", {c.claim_id for c in rem.claims}))
    rows = claim_rows(ours)
    by_pcn = {c.patient_control_number: c for c in rows}
    # Look by member only for payments whose claim id is not ours, or belongs to another
    # member (payers that repeat one CLP01 for every claim on a check).
    members = set()
    for pay in rem.claims:
        found = by_pcn.get(pay.claim_id)
        if pay.member_id and (
            found is None
            or found.coverage_member_id.upper() not in {n.id.upper() for n in pay.names if n.id}
        ):
            members |= {pay.member_id, pay.member_id.upper()}
    if members:
        seen = {c.pk for c in rows}
        rows += [
            c for c in claim_rows(base.filter(coverage__member_id__in=members)) if c.pk not in seen
        ]
    accounts, claims = [], {}
    for claim in rows:
        claims[claim.pk] = claim
        lines = tuple(
            AccountLine(
                line.line_number,
                line.code,
                line.charge,
                tuple(line.modifiers or ()),
                line.line_control_number,
            )
            for line in claim.lines
        )
        accounts.append(
            Account(
                claim.patient_control_number,
                claim.coverage_member_id,
                claim.date_of_service,
                sum((line.charge for line in lines), ZERO),
                lines,
                has_next_payer=next_coverage(claim) is not None,
                is_secondary=claim.coverage_order != "primary",
                key=claim.pk,
            )
        )
    return accounts, claims


def post_charges(claim: Claim, effective: datetime.date | None = None) -> list[Entry]:
    """Post the claim's line charges to the ledger unless they already are (idempotent)."""
    # The services of a visit are charged once, whichever claim asks a payer for them: a
    # secondary claim or a replacement bills the same services again, it does not add any.
    if (
        Entry.objects.filter(practice_id=claim.practice_id, kind=Entry.Kind.CHARGE)
        .filter(Q(claim=claim) | Q(visit_id=claim.visit_id))
        .exists()
    ):
        return []
    rows = [
        Entry(
            practice_id=claim.practice_id,
            patient_id=claim.patient_id,
            visit_id=claim.visit_id,
            claim=claim,
            claim_line=line,
            payer_id=claim.payer_id,
            kind=Entry.Kind.CHARGE,
            amount=Money(line.charge),
            responsibility=Entry.Responsibility.PAYER,
            effective_date=effective or claim.visit.date_of_service,
            memo=f"{line.code} charge",
            source="system",
            source_ref=f"claim {claim.patient_control_number}",
        )
        for line in claim.lines.all()
    ]
    return Entry.objects.bulk_create(rows)


def uncharged(claims: list[ClaimRow]) -> set[int]:
    """Those of ``claims`` whose visit's charges are not on the ledger yet (``post_charges``'s
    test, for many claims in two statements)."""
    if not claims:
        return set()
    charged = Entry.objects.filter(practice_id=claims[0].practice_id, kind=Entry.Kind.CHARGE)
    done = set(
        charged.filter(one_of("claim_id", [c.pk for c in claims])).values_list(
            "claim_id", flat=True
        )
    )
    done_visits = set(
        charged.filter(one_of("visit_id", {c.visit_id for c in claims})).values_list(
            "visit_id", flat=True
        )
    )
    return {c.pk for c in claims if c.pk not in done and c.visit_id not in done_visits}


def charge_rows(claim: ClaimRow, now: datetime.datetime) -> list[dict[str, Any]]:
    """The ledger rows of ``claim``'s line charges."""
    return [
        entry_row(
            now,
            practice_id=claim.practice_id,
            patient_id=claim.patient_id,
            visit_id=claim.visit_id,
            claim_id=claim.pk,
            claim_line_id=line.pk,
            payer_id=claim.payer_id,
            kind=Entry.Kind.CHARGE,
            amount=line.charge,
            responsibility=Entry.Responsibility.PAYER,
            effective_date=claim.date_of_service,
            memo=f"{line.code} charge",
            source="system",
            source_ref=f"claim {claim.patient_control_number}",
        )
        for line in claim.lines
    ]


def entry_row(posted_at: datetime.datetime, **values: Any) -> dict[str, Any]:
    """One ledger row for ``insert_rows``: every column named, so all rows line up.

    ``posted_at`` is taken once per batch by the caller: ``timezone.now()`` per row was a
    measurable part of posting a large file.
    """
    row = {
        "group_code": "",
        "reason_code": "",
        "method": "",
        "reference": "",
        "memo": "",
        "source": "era",
        "source_ref": "",
        "reverses_id": None,
        "created_by_id": None,
        "visit_id": None,
        "claim_id": None,
        "claim_line_id": None,
        "payer_id": None,
        "posted_at": posted_at,
    }
    row.update(values)
    return row


def next_coverage(claim: ClaimRow) -> ClaimRow | None:
    order = ORDERS.index(claim.coverage_order)
    later = sorted(
        (
            c
            for c in claim.coverages
            if c.pk != claim.coverage_id
            and ORDERS.index(c.order) > order
            and c.is_in_effect(claim.date_of_service)
        ),
        key=lambda c: ORDERS.index(c.order),
    )
    return later[0] if later else None
