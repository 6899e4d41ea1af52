"""Use cases of the front desk: registration, coverage, check-in and out, desk payments.

Each use case checks the acting user's role itself and runs inside
``transaction.atomic()`` with the audit trail attributed to that user, so it is safe
from a web view, the API or the command line. Paperwork, eligibility and self-pay
estimates have their own modules (``paperwork``, ``eligibility``, ``estimates``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from medbill.core.frontdesk.desk import METHODS, DeskPayment, DeskReport, desk_report
from medbill.core.frontdesk.duplicates import DuplicateCandidate, PersonFacts, find_duplicates
from medbill.core.identifiers import PLAN_ID_RULE, STATE_CODES, plan_id_is_valid
from medbill.core.ledger import entry_checks
from medbill.core.money import Money
from medbill.web.billing.models import Entry
from medbill.web.billing.services import PaymentAmount, balance_of, post_payment
from medbill.web.frontdesk.models import (
    AccountSequence,
    Coverage,
    DeskSettings,
    Guarantor,
    InsuranceCard,
    Patient,
    Visit,
)
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Location, Practice, Provider
from medbill.web.practice.permissions import require, require_unless_system
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = [
    "DESK_KINDS",
    "CARD_TYPES",
    "billing_gaps",
    "book_visit",
    "record_visit",
    "check_in",
    "check_out",
    "collect_payment",
    "copay_status",
    "desk_day",
    "desk_settings",
    "plan_id_problem",
    "possible_duplicates",
    "refund_payment",
    "register_patient",
    "save_card_image",
    "save_coverage",
    "save_guarantor",
    "update_contact",
    "update_patient",
]

DESK_KINDS = {"copay": "Copay", "deposit": "Deposit", "balance": "Payment on balance"}
CARD_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_CARD_BYTES = 5_000_000


def desk_settings(practice: PracticeRef) -> DeskSettings:
    """The practice's desk settings (the defaults until someone saves them)."""
    pid = practice_pk(practice)
    found = DeskSettings.objects.for_practice(pid).first()
    return found or DeskSettings(practice_id=pid)


# -- registration -------------------------------------------------------------------------


def _facts(row: Patient, key: object = None) -> PersonFacts:
    return PersonFacts(
        last=row.last_name,
        first=row.first_name,
        dob=row.date_of_birth,
        phone=row.phone or getattr(row, "mobile_phone", "") or "",
        line1=row.line1,
        zip=row.zip,
        key=key,
    )


def possible_duplicates(
    practice: PracticeRef, candidate: Patient
) -> list[tuple[Patient, DuplicateCandidate]]:
    """Existing patients of the practice who may be ``candidate`` (best first), with reasons.

    Compared: names (nicknames, typos, swapped), date of birth (swapped day and month),
    phone and address. Runs before a registration is saved. The comparison reads only the
    columns it compares; the patients found are then read whole.
    """
    last = (candidate.last_name or "")[:2]
    near = Q(last_name__istartswith=last) | Q(first_name__istartswith=last)
    if candidate.date_of_birth:
        near |= Q(date_of_birth__year=candidate.date_of_birth.year)
    rows = Patient.objects.for_practice(practice).filter(near)
    if candidate.pk:
        rows = rows.exclude(pk=candidate.pk)
    facts = [
        PersonFacts(last=l_, first=f_, dob=b_, phone=p_ or m_ or "", line1=a_, zip=z_, key=k_)
        for k_, l_, f_, b_, p_, m_, a_, z_ in rows.values_list(
            "pk",
            "last_name",
            "first_name",
            "date_of_birth",
            "phone",
            "mobile_phone",
            "line1",
            "zip",
        )[:2000]
    ]
    found = find_duplicates(_facts(candidate), facts)
    by_id: dict[object, Patient] = (
        dict(Patient.objects.in_bulk([c.key for c in found])) if found else {}
    )
    return [(by_id[c.key], c) for c in found]


def _highest_account(practice: Practice, prefix: str) -> int:
    """The highest number of the practice's account numbers ``<prefix><digits>``, read from
    its patients (0 when none has one)."""
    # Worked out by the database with plain string functions every backend has (no
    # regular expression): a practice's thousands of account numbers are not sent over.
    # Digits only, one to eighteen of them; numbers compare by their length once their
    # leading zeros are dropped, then as text.
    table = connection.ops.quote_name(Patient._meta.db_table)
    start = len(prefix) + 1
    digits = f"substr(account_number, {start})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ltrim({digits}, '0') FROM {table} "
            f"WHERE practice_id = %s AND substr(account_number, 1, %s) = %s "
            f"AND ltrim({digits}, '0123456789') = '' "
            f"AND length(account_number) BETWEEN %s AND %s "
            f"ORDER BY length(ltrim({digits}, '0')) DESC, 1 DESC LIMIT 1",
            [practice.pk, len(prefix), prefix, start, start + 17],
        )
        top = cursor.fetchone()
    return int(top[0] or 0) if top else 0


def _account_prefix(practice: Practice) -> str:
    return f"{practice.short_code}-"


_SEQUENCE = AccountSequence._meta.db_table


def _take_account_number(practice: Practice, *, recount: bool = False) -> str:
    """The practice's next account number, counted in its ``AccountSequence`` row.

    The row is read again from the patients when there is none, when the practice's short
    code changed, or with ``recount``. Updating the row locks it to the end of the
    transaction, so on PostgreSQL the registrations of one practice take their numbers one
    at a time instead of colliding.
    """
    prefix = _account_prefix(practice)
    with connection.cursor() as cursor:
        if not recount:
            cursor.execute(
                f"UPDATE {_SEQUENCE} SET last = last + 1 WHERE practice_id = %s AND prefix = %s "
                "RETURNING last",
                [practice.pk, prefix],
            )
            row = cursor.fetchone()
            if row is not None:
                return f"{prefix}{row[0]:04d}"
        # Two first registrations at once both find no row: the second one's insert waits
        # for the first and then counts on from it.
        cursor.execute(
            f"INSERT INTO {_SEQUENCE} (practice_id, prefix, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (practice_id) DO UPDATE SET "
            f"last = CASE WHEN {_SEQUENCE}.prefix = excluded.prefix AND %s = 0 "
            f"THEN {_SEQUENCE}.last + 1 ELSE excluded.last END, prefix = excluded.prefix "
            "RETURNING last",
            [practice.pk, prefix, _highest_account(practice, prefix) + 1, int(recount)],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}{last:04d}"


def _count_account(practice: Practice, account_number: str) -> None:
    """Keep the practice's sequence at or above a number typed by hand, so the next number
    follows the highest one."""
    prefix = _account_prefix(practice)
    digits = account_number[len(prefix) :] if account_number.startswith(prefix) else ""
    if not re.fullmatch(r"[0-9]{1,18}", digits):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_SEQUENCE} SET last = CASE WHEN last < %s THEN %s ELSE last END "
            "WHERE practice_id = %s AND prefix = %s",
            [int(digits), int(digits), practice.pk, prefix],
        )


def _refuse_taken_account(
    practice: PracticeRef, account_number: str, pk: int | None = None
) -> None:
    """Refuse ``account_number`` when another patient of the practice has it (in any case)."""
    taken = Patient.objects.for_practice(practice).filter(account_number__iexact=account_number)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise ServiceError("account_number", "another patient has this account number")


def _account_text(account_number: str) -> str:
    """An account number as kept: without surrounding spaces, in capitals (``khr-0200``
    and ``KHR-0200`` are one account)."""
    return (account_number or "").strip().upper()


def register_patient(user: Actor, practice: Practice, patient: Patient) -> Patient:
    """Save a new patient of ``practice`` (an unsaved ``Patient`` built from a form).

    Gives the patient the next account number when none is set.
    """
    require_unless_system(user, practice.pk, "edit_patients")
    patient.practice = practice
    patient.account_number = _account_text(patient.account_number)
    if patient.account_number:
        with transaction.atomic(), audit.acting_as(user):
            _refuse_taken_account(practice, patient.account_number)
            patient.save()
            _count_account(practice, patient.account_number)
        return patient
    # A number the sequence gives may be taken after all (a patient saved by other means
    # with a higher number): then the sequence is read again from the patients.
    with transaction.atomic(), audit.acting_as(user):
        for attempt in range(ACCOUNT_ATTEMPTS):
            patient.account_number = _take_account_number(practice, recount=attempt > 0)
            try:
                with transaction.atomic():
                    patient.save()
                return patient
            except IntegrityError:
                patient.pk = None
                taken = Patient.objects.for_practice(practice).filter(
                    account_number=patient.account_number
                )
                if attempt == ACCOUNT_ATTEMPTS - 1 or not taken.exists():
                    raise
    raise AssertionError("unreachable")


ACCOUNT_ATTEMPTS = 3  # a taken number makes the sequence be read again from the patients


def update_patient(user: Actor, patient: Patient) -> Patient:
    """Save changes to a patient's demographics (audited field by field)."""
    require_unless_system(user, patient.practice_id, "edit_patients")
    patient.account_number = _account_text(patient.account_number)
    if not patient.account_number:
        raise ServiceError("account_number", "is required")
    # Most updates (an EHR's A08, a new phone) keep the number: nothing to check then.
    renumbered = patient._audit_before.get("account_number") != patient.account_number
    with transaction.atomic(), audit.acting_as(user):
        if renumbered:
            _refuse_taken_account(patient.practice_id, patient.account_number, patient.pk)
        patient.save()
        if renumbered:
            _count_account(patient.practice, patient.account_number)
    return patient


CONTACT_FIELDS = ("line1", "line2", "city", "state", "zip", "phone", "mobile_phone", "email")
_ZIP = re.compile(r"\d{5}(\d{4})?")


def update_contact(
    user: Actor, patient: Patient, values: dict[str, str], kiosk: bool = False
) -> list[str]:
    """Change the patient's address, phones or e-mail (from the desk, or the kiosk).

    Returns the names of the fields that changed. The kiosk is authorised by its pass,
    so ``kiosk`` skips the role check and marks the audit events as coming from it.
    """
    if not kiosk:
        require(user, patient.practice_id, "edit_patients")
    changes: dict[str, str] = {}
    for name in CONTACT_FIELDS:
        if name not in values:
            continue
        value = (values[name] or "").strip()
        if name == "state":
            value = value.upper()
            if value and value not in STATE_CODES:
                raise ServiceError("state", "a US state's two-letter code, e.g. WI")
        elif name == "zip":
            value = value.replace("-", "").replace(" ", "")
            if value and not _ZIP.fullmatch(value):
                raise ServiceError("zip", "5 or 9 digits")
        elif name == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                raise ServiceError("email", "not an e-mail address") from None
        field = Patient._meta.get_field(name)
        assert isinstance(field, Field)  # the fields a desk form changes are columns
        limit = field.max_length
        if limit and len(value) > limit:
            raise ServiceError(name, f"at most {limit} characters")
        if getattr(patient, name) != value:
            changes[name] = value
    if changes:
        with (
            transaction.atomic(),
            audit.acting_as(user, source="kiosk" if kiosk else None),
        ):
            for name, value in changes.items():
                setattr(patient, name, value)
            patient.save(update_fields=list(changes))
    return sorted(changes)


def save_guarantor(user: Actor, patient: Patient, guarantor: Guarantor | None) -> Guarantor | None:
    """Set who is responsible for the balance; ``None`` or relationship self: the patient."""
    require_unless_system(user, patient.practice_id, "edit_patients")
    with transaction.atomic(), audit.acting_as(user):
        existing = Guarantor.objects.filter(patient=patient).first()
        if guarantor is None or guarantor.relationship == "self":
            if existing is not None:
                existing.delete()
            return None
        if not guarantor.last_name or not guarantor.first_name:
            raise ServiceError("guarantor", "a guarantor other than the patient needs a name")
        if existing is not None and existing.pk != guarantor.pk:
            guarantor.pk = existing.pk
            guarantor._state.adding = False
        guarantor.patient = patient
        guarantor.practice_id = patient.practice_id
        guarantor.save()
        return guarantor


def plan_id_problem(coverage: Coverage) -> ServiceError | None:
    """The coverage's member id or group number that the payer cannot be sent as it is
    (anything but letters, digits and hyphens), named by its field; None when both can."""
    for field in ("member_id", "group_number"):
        value = getattr(coverage, field)
        if value and not plan_id_is_valid(value):
            return ServiceError(field, PLAN_ID_RULE)
    return None


def save_coverage(user: Actor, patient: Patient, coverage: Coverage) -> Coverage:
    """Add or change one of the patient's coverages.

    One active coverage per order (primary, secondary, tertiary); a dependant's coverage
    names its subscriber; the end date may not come before the start; the member id and
    group number are letters, digits and hyphens (``plan_id_problem``).
    """
    require_unless_system(user, patient.practice_id, "edit_patients")
    if coverage.relationship_to_subscriber != "self" and not (
        coverage.subscriber_last_name and coverage.subscriber_first_name
    ):
        raise ServiceError(
            "subscriber_last_name", "the subscriber's name is needed when it is not the patient"
        )
    if (
        coverage.effective_date
        and coverage.termination_date
        and coverage.termination_date < coverage.effective_date
    ):
        raise ServiceError("termination_date", "ends before it starts")
    if not coverage.member_id.strip():
        raise ServiceError("member_id", "is required")
    coverage.member_id = coverage.member_id.strip().upper()
    coverage.group_number = coverage.group_number.strip()
    problem = plan_id_problem(coverage)
    if problem is not None:
        raise problem
    coverage.patient = patient
    coverage.practice_id = patient.practice_id
    with transaction.atomic(), audit.acting_as(user):
        if coverage.active:
            clash = (
                Coverage.objects.for_practice(patient.practice_id)
                .filter(patient=patient, order=coverage.order, active=True)
                .exclude(pk=coverage.pk)
            )
            if clash.exists():
                raise ServiceError(
                    "order", f"the patient already has an active {coverage.order} coverage"
                )
        coverage.save()
    return coverage


def save_card_image(
    user: Actor, coverage: Coverage, side: str, content_type: str, data: bytes
) -> InsuranceCard:
    """Store the image of one side of the insurance card (replacing an earlier one)."""
    require(user, coverage.practice_id, "edit_patients")
    if side not in ("front", "back"):
        raise ServiceError("side", "expected front or back")
    if content_type not in CARD_TYPES:
        raise ServiceError(f"card_{side}", "expected a JPEG, PNG, WebP image or a PDF")
    if not data:
        raise ServiceError(f"card_{side}", "the file is empty")
    if len(data) > MAX_CARD_BYTES:
        raise ServiceError(f"card_{side}", "the file is larger than 5 MB")
    with transaction.atomic(), audit.acting_as(user):
        card = InsuranceCard.objects.filter(coverage=coverage, side=side).first()
        card = card or InsuranceCard(practice_id=coverage.practice_id, coverage=coverage, side=side)
        card.content_type = content_type
        card.image = data
        card.uploaded_at = timezone.now()
        card.save()
    return card


def billing_gaps(patient: Patient, on: datetime.date | None = None) -> list[str]:
    """What a claim for the patient would be missing (required-for-billing fields)."""
    gaps = []
    for attr, label in (
        ("last_name", "last name"),
        ("first_name", "first name"),
        ("line1", "street address"),
        ("city", "city"),
        ("state", "state"),
        ("zip", "ZIP"),
    ):
        if not getattr(patient, attr):
            gaps.append(f"patient {label} is missing")
    if patient.sex not in ("F", "M"):
        gaps.append("patient sex is unknown")
    on = on or timezone.localdate()
    for c in patient.coverages.select_related("payer").filter(active=True):
        if not c.is_in_effect(on):
            continue
        where = f"{c.get_order_display().lower()} coverage ({c.payer.name})"
        if not c.member_id:
            gaps.append(f"{where}: member id is missing")
        if c.relationship_to_subscriber != "self":
            for attr, label in (
                ("subscriber_last_name", "subscriber last name"),
                ("subscriber_first_name", "subscriber first name"),
                ("subscriber_date_of_birth", "subscriber date of birth"),
            ):
                if not getattr(c, attr):
                    gaps.append(f"{where}: {label} is missing")
            if c.subscriber_sex not in ("F", "M"):
                gaps.append(f"{where}: subscriber sex is missing")
    return gaps


# -- check-in, money, check-out ------------------------------------------------------------


def book_visit(
    user: Actor,
    patient: Patient,
    provider: Provider | None,
    location: Location | None,
    when: datetime.datetime,
    reason: str = "",
    minutes: int = 15,
    *,
    anyway: bool = False,
) -> Visit:
    """Book an appointment for the patient with one of the practice's providers (see
    ``scheduler.check_slot`` for what is refused, and what ``anyway`` lets through)."""
    return _new_visit(user, patient, provider, location, when, reason, minutes, anyway=anyway)


def record_visit(
    user: Actor,
    patient: Patient,
    provider: Provider | None,
    location: Location | None,
    when: datetime.datetime,
    reason: str,
    desk_note: str,
) -> Visit:
    """A visit that has taken place and is reported after the fact (an EHR sends its
    charges): booked as ``book_visit`` books it, with the patient checked in and out at
    once, so that it waits on the coding queue with ``desk_note``. The schedule may be
    double-booked: the visit happened."""
    now = timezone.now()
    return _new_visit(
        user,
        patient,
        provider,
        location,
        when,
        reason,
        15,
        anyway=True,
        status=Visit.Status.CHECKED_OUT,
        checked_in_at=now,
        checked_out_at=now,
        desk_note=desk_note.strip(),
    )


def _new_visit(
    user: Actor,
    patient: Patient,
    provider: Provider | None,
    location: Location | None,
    when: datetime.datetime,
    reason: str,
    minutes: int,
    *,
    anyway: bool,
    **state: Any,
) -> Visit:
    from medbill.web.frontdesk.scheduler import check_slot

    require_unless_system(user, patient.practice_id, "check_in")
    if provider is None or provider.practice_id != patient.practice_id:
        raise ServiceError("provider", "not one of this practice's")
    if location is None or location.practice_id != patient.practice_id:
        raise ServiceError("location", "not one of this practice's")
    if not 5 <= minutes <= 240:
        raise ServiceError("duration_minutes", "between 5 and 240 minutes")
    with transaction.atomic(), audit.acting_as(user):
        check_slot(patient.practice, patient, provider, when, minutes, anyway=anyway)
        return Visit.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            provider=provider,
            location=location,
            scheduled_at=when,
            duration_minutes=minutes,
            reason=reason.strip()[:120],
            **state,
        )


def check_in(user: Actor, visit: Visit) -> bool:
    """Mark a scheduled visit as arrived. False when it was not scheduled (already in)."""
    require_unless_system(user, visit.practice_id, "check_in")
    with transaction.atomic(), audit.acting_as(user):
        changed = audit.update_where(
            Visit,
            visit.pk,
            {"status": Visit.Status.SCHEDULED},
            refresh=visit,
            status=Visit.Status.CHECKED_IN,
            checked_in_at=timezone.now(),
        )
    return changed


@dataclass(frozen=True)
class CopayStatus:
    """A visit's copay: what the plan asks (None when unknown), taken so far, still due."""

    copay: Money | None
    collected: Money
    # The payer answered for the visit's date (coverage active) and named no copay.
    none_on_answer: bool = False

    @property
    def left(self) -> Money | None:
        if self.copay is None or self.copay <= self.collected:
            return None
        return self.copay - self.collected


def copay_status(visit: Visit) -> CopayStatus:
    """The copay of ``visit`` from its latest eligibility answer (else the desk's default)
    and the copays taken for it, less refunds."""
    from medbill.web.frontdesk import eligibility

    coverage = eligibility.coverage_to_check(visit.patient, visit.date_of_service)
    check = eligibility.latest_check(coverage, visit.date_of_service)
    settings = desk_settings(visit.practice_id)
    if check is not None and check.copay is not None:
        copay: Money | None = Money(check.copay)
    elif coverage is not None and settings.default_copay is not None:
        copay = Money(settings.default_copay)
    else:
        copay = None
    desk = Entry.objects.for_practice(visit.practice_id).filter(visit=visit, source="desk")
    taken = desk.filter(kind=Entry.Kind.PAYMENT, source_ref="copay")
    given_back = desk.filter(kind=Entry.Kind.REFUND, reverses__in=taken)
    collected = -sum((Money(e.amount) for e in (*taken, *given_back)), Money(0))
    none_on_answer = copay is None and check is not None and check.status == "active"
    return CopayStatus(copay, collected, none_on_answer)


def _check_copay(patient: Patient, visit: Visit | None, amount: PaymentAmount) -> None:
    """A copay is the plan's copay, once: more, or a second one, is another kind of payment."""
    try:
        received = entry_checks.payment_amount(amount)
    except entry_checks.EntryProblem:
        return  # the payment's own checks say what is wrong with the amount
    ceiling = Money(desk_settings(patient.practice_id).copay_ceiling)
    if received > ceiling:
        raise ServiceError(
            "amount",
            f"{received.format()} is more than {ceiling.format()}, "
            "the most the desk takes as a copay; take it as a "
            "payment on balance or a deposit",
        )
    if visit is None:
        return
    status = copay_status(visit)
    if status.copay is None:
        if status.none_on_answer:
            raise ServiceError(
                "amount",
                "the eligibility answer for this visit shows no copay; take the money as a "
                "payment on balance or a deposit",
            )
        return
    if status.left is None:
        raise ServiceError(
            "amount",
            f"the copay for this visit ({status.copay.format()}) was "
            "already collected; take more as a payment on balance, "
            "or refund the copay first",
        )
    if received > status.left:
        raise ServiceError(
            "amount",
            f"the plan's copay is {status.copay.format()} and "
            f"{status.left.format()} of it is due; take the rest as "
            "a payment on balance",
        )


def _card_reference(method: str, reference: str) -> str:
    reference = reference.strip()
    try:
        entry_checks.check_no_card_number("reference", reference)
    except entry_checks.EntryProblem as exc:
        raise ServiceError(exc.field, exc.problem) from None
    if method == "check" and not reference:
        raise ServiceError("reference", "the check number is needed")
    return reference


def collect_payment(
    user: Actor,
    patient: Patient,
    amount: PaymentAmount,
    method: str,
    *,
    kind: str = "copay",
    reference: str = "",
    visit: Visit | None = None,
) -> Entry:
    """Take a payment at the desk (cash, check or card reference) onto the patient's ledger."""
    if method not in METHODS:
        raise ServiceError("method", "expected cash, check or card")
    if kind not in DESK_KINDS:
        raise ServiceError("kind", f"expected one of {', '.join(DESK_KINDS)}")
    if visit is not None and visit.patient_id != patient.pk:
        raise ServiceError("visit", "the visit is not this patient's")
    reference = _card_reference(method, reference)
    if kind == "copay":
        _check_copay(patient, visit, amount)
    memo = DESK_KINDS[kind] + (f" for the visit of {visit.date_of_service}" if visit else "")
    return post_payment(
        user,
        patient,
        amount,
        method=method,
        reference=reference,
        memo=memo,
        source="desk",
        source_ref=kind,
        effective_date=timezone.localdate(),
        visit=visit,
    )


def refund_payment(user: Actor, entry: Entry, reason: str) -> Entry:
    """Give back a desk payment: a reversing entry (the original stays on the ledger)."""
    require(user, entry.practice_id, "post_adjustment")
    if entry.kind != Entry.Kind.PAYMENT or entry.source != "desk":
        raise ServiceError("entry", "only payments taken at the desk are refunded here")
    if not reason.strip():
        raise ServiceError("reason", "say why the money is given back")
    with transaction.atomic(), audit.acting_as(user):
        if Entry.objects.filter(reverses=entry).exists():
            raise ServiceError("entry", "this payment was already refunded")
        return Entry.objects.create(
            practice_id=entry.practice_id,
            patient_id=entry.patient_id,
            visit_id=entry.visit_id,
            kind=Entry.Kind.REFUND,
            amount=-Money(entry.amount),
            responsibility=Entry.Responsibility.PATIENT,
            effective_date=timezone.localdate(),
            method=entry.method,
            reference=entry.reference,
            memo=f"Refund: {reason.strip()}"[:200],
            source="desk",
            source_ref="refund",
            reverses=entry,
            created_by=signed_in(user),
        )


@dataclass(frozen=True)
class DeskDay:
    day: datetime.date
    report: DeskReport
    entries: list[Entry]


def desk_day(practice: PracticeRef, day: datetime.date) -> DeskDay:
    """Everything taken in and given back at the desk on ``day``, by method and by user."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    entries = list(
        Entry.objects.for_practice(practice)
        .filter(source="desk", posted_at__gte=start, posted_at__lt=end)
        .select_related("created_by", "patient")
        .order_by("posted_at", "id")
    )
    payments = [
        DeskPayment(
            user=e.created_by.get_username() if e.created_by else "system",
            method=e.method if e.method in METHODS else "cash",
            amount=-Money(e.amount),
            kind=e.source_ref or "copay",
        )
        for e in entries
    ]
    return DeskDay(day, desk_report(payments), entries)


def check_out(
    user: Actor,
    visit: Visit,
    desk_note: str = "",
    follow_up_at: datetime.datetime | None = None,
    follow_up_reason: str = "",
) -> Visit | None:
    """Finish a checked-in visit and send it to the coding queue; book the follow-up.

    Returns the follow-up visit when one was booked.
    """
    require_unless_system(user, visit.practice_id, "check_in")
    if follow_up_at is not None and follow_up_at <= timezone.now():
        raise ServiceError("follow_up_at", "the follow-up must be in the future")
    with transaction.atomic(), audit.acting_as(user):
        changed = audit.update_where(
            Visit,
            visit.pk,
            {"status": Visit.Status.CHECKED_IN},
            refresh=visit,
            status=Visit.Status.CHECKED_OUT,
            checked_out_at=timezone.now(),
            desk_note=desk_note.strip(),
        )
        if not changed:
            raise ServiceError("status", "only a checked-in visit can be checked out")
        follow_up = None
        if follow_up_at is not None:
            follow_up = Visit.objects.create(
                practice_id=visit.practice_id,
                patient_id=visit.patient_id,
                provider_id=visit.provider_id,
                location_id=visit.location_id,
                scheduled_at=follow_up_at,
                duration_minutes=visit.duration_minutes,
                reason=(follow_up_reason or f"Follow-up: {visit.reason}")[:120],
                follow_up_of=visit,
            )
    return follow_up


def account_balance(patient: Patient) -> Money:
    """What the patient owes the practice now (their part of the ledger)."""
    return balance_of(patient, Entry.Responsibility.PATIENT)


def parse_amount(value: object, field: str = "amount") -> Money:
    """An amount typed at the desk, by the rules every payment entry follows (no rounding:
    ``25.005`` is refused, not taken as $25.01)."""
    try:
        return entry_checks.payment_amount(value, field=field)
    except entry_checks.EntryProblem as exc:
        raise ServiceError(exc.field, exc.problem) from None
