"""Taking in messages from a practice's EHR: once per control id (MSH-10; a FHIR
bundle's identifier, else the hash of its bytes), all or nothing per message, and safe
when two importers or listeners take the same message at once (the unique control id and
the unique EHR links, not a look before an insert).

``receive(practice, text, source=...)`` takes an HL7 v2 message and answers with an
``Outcome``: the ACK code (AA, AE, AR), the problems in words and where, and the logged
message. ``take`` is what HL7 v2 and FHIR share: a message that cannot be applied is held
in the interface queue with every problem found (those of the message itself and, for
what could be read of it, those of matching it against the practice); ``replay``
applies a held message again, as the biller edited it; ``discard`` sets a junk message
aside (kept, with who, when and why).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from medbill.core.hl7 import (
    Fault,
    HL7MappingError,
    HL7ParseError,
    Intake,
    Message,
    Problem,
    ack,
    map_message,
    parse,
)
from medbill.web.billing.scrubbing import procedure_check
from medbill.web.interfaces.apply import (
    Applied,
    Context,
    Held,
    ReplayChoices,
    apply_intake,
    match_intake,
    practice_today,
    problems_of,
)
from medbill.web.interfaces.models import InboundMessage
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor

__all__ = [
    "Arrival",
    "Outcome",
    "ReplayChoices",
    "Taken",
    "ack_for",
    "discard",
    "receive",
    "replay",
    "take",
]


@dataclass(frozen=True)
class Outcome:
    """What became of a message: the ACK code (AA, AE, AR), the first problem (``error``
    at ``location``, of kind ``fault``) and every one (``problems``), and what an accepted
    message was taken with (``warnings``)."""

    code: str  # AA, AE or AR
    error: str = ""
    location: str = ""
    message: Message | None = None
    row: InboundMessage | None = None
    duplicate: bool = False
    problems: tuple[Problem, ...] = ()
    fault: Fault | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def every_problem(self) -> tuple[Problem, ...]:
        """``problems``, else the one problem ``error`` names."""
        if self.problems or not self.error:
            return self.problems
        return (Problem(self.location, self.error, self.fault or Fault.INTERNAL),)


def ack_for(outcome: Outcome, practice: Practice | None, control_id: str) -> str:
    """The ACK text for ``outcome`` (``control_id`` is the ACK's own MSH-10)."""
    return ack(
        outcome.code,
        control_id=control_id,
        now=timezone.now(),
        message=outcome.message,
        facility=practice.short_code if practice is not None else "",
        problems=outcome.every_problem,
        warnings=outcome.warnings,
    )


# -- what HL7 v2 and FHIR share --------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """A message as it arrived: the key it is taken once under, its type, its text (as
    the message log keeps it) and where it came from (file, mllp, page)."""

    control_id: str
    message_type: str
    text: str
    source: str


@dataclass
class Taken:
    """What became of a message: ``accepted`` (or replayed), ``held`` (with ``problems``),
    ``duplicate`` (taken before), ``conflict`` (another message under its control id) or
    ``not_held`` (a replay of a message that is no longer held)."""

    status: str
    row: InboundMessage | None = None
    problems: tuple[Problem, ...] = ()
    applied: Applied | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Unreadable(Exception):
    """The message was refused before it could be applied (its problems are known);
    ``found`` are those of matching what could be read of it against the practice."""

    def __init__(self, found: Sequence[Problem]) -> None:
        super().__init__("not applied")
        self.found = tuple(found)


def _matched(
    practice: Practice,
    choices: ReplayChoices | None,
    match: Callable[[Context], None] | None,
) -> list[Problem]:
    """What ``match`` finds wrong in matching a message against the practice (nothing
    written)."""
    if match is None:
        return []
    ctx = Context(practice, choices or ReplayChoices(), dry=True)
    match(ctx)
    return ctx.found


def _lazy_commit() -> None:
    # PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk.
    # The caller makes it durable before it reports (``flush``): every later durable
    # commit flushes the WAL written before it.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def flush() -> None:
    """Make every message taken with ``durable=False`` so far durable: one commit that
    waits for the WAL to reach the disk, and with it everything written before."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # A transaction id makes the commit write a commit record and wait for the flush.
        cursor.execute("SELECT txid_current()")


def _locked(practice: Practice, control_id: str, replaying: InboundMessage | None) -> Any:
    rows = InboundMessage.objects.select_for_update()
    if replaying is not None:
        return rows.get(pk=replaying.pk)
    # Almost every message is new: ask for its id alone (written out, as this runs for
    # every message), and read the row only when there is one.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {connection.ops.quote_name(InboundMessage._meta.db_table)} "
            f"WHERE practice_id = %s AND control_id = %s{lock}",
            [practice.pk, control_id],
        )
        found = cursor.fetchone()
    return rows.get(pk=found[0]) if found else None


def take(
    practice: Practice,
    arrival: Arrival,
    apply: Callable[[Context], Applied] | None,
    *,
    problems: Sequence[Problem] = (),
    match: Callable[[Context], None] | None = None,
    choices: ReplayChoices | None = None,
    replaying: InboundMessage | None = None,
    same: Callable[[str, str], bool] = lambda old, new: True,
    durable: bool = True,
) -> Taken:
    """Take one message for ``practice``: apply it (``apply``, inside one transaction
    with its audit events) and log it as accepted, or hold it with ``problems`` (those
    found before, or what ``apply`` was held for) and nothing of it applied. A message
    with ``problems`` is still matched against the practice as far as it was read
    (``match``, writing nothing), and held with those problems too.

    A control id seen before: the same message again (``same(old, new)``) is a duplicate
    unless it is held, when it is tried again; another message is a conflict.
    ``durable=False`` lets the commit return before its WAL reaches the disk (PostgreSQL;
    see ``flush``).
    """
    for attempt in range(3):
        try:
            with transaction.atomic(), audit.batched():
                if not durable:
                    _lazy_commit()
                row = _locked(practice, arrival.control_id, replaying)
                if row is not None and replaying is None:
                    if not same(row.raw, arrival.text):
                        return Taken("conflict", row)
                    if row.status != InboundMessage.Status.HELD:
                        return Taken("duplicate", row)
                if replaying is not None and row.status != InboundMessage.Status.HELD:
                    return Taken("not_held", row)
                if problems or apply is None:
                    raise _Unreadable(_matched(practice, choices, match))
                applied = apply(Context(practice, choices or ReplayChoices()))
                row = _logged(practice, arrival, row)
                row.status = (
                    InboundMessage.Status.REPLAYED
                    if replaying is not None
                    else InboundMessage.Status.ACCEPTED
                )
                row.error, row.problems = "", []
                row.patient, row.visit = applied.patient, applied.visit
                row.save()
                return Taken("accepted", row, applied=applied)
        except _Unreadable as exc:
            every = tuple(dict.fromkeys((*problems, *exc.found)))
            return _hold(practice, arrival, every, replaying, durable)
        except (Held, HL7MappingError, ServiceError) as exc:
            return _hold(practice, arrival, tuple(problems_of(exc)), replaying, durable)
        except IntegrityError:
            # Another importer made the same patient, visit or message meanwhile: the
            # next attempt finds its rows.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _logged(practice: Practice, arrival: Arrival, row: InboundMessage | None) -> InboundMessage:
    now = timezone.now()
    if row is None:
        row = InboundMessage(
            practice=practice,
            control_id=arrival.control_id,
            message_type=arrival.message_type[:20],
            received_at=now,
        )
    else:
        row.attempts += 1
    row.raw, row.source, row.updated_at = arrival.text, arrival.source, now
    return row


def _stored(problem: Problem) -> dict[str, str]:
    """A problem as the message log keeps it (with its HL7 error code, when it has one)."""
    kept = {"location": problem.location, "text": problem.text}
    if problem.fault is not None:
        kept["code"] = problem.fault.code
    return kept


def _hold(
    practice: Practice,
    arrival: Arrival,
    problems: tuple[Problem, ...],
    replaying: InboundMessage | None,
    durable: bool,
) -> Taken:
    for attempt in range(3):
        try:
            with transaction.atomic(), audit.batched():
                if not durable:
                    _lazy_commit()
                row = _locked(practice, arrival.control_id, replaying)
                if row is not None and row.status != InboundMessage.Status.HELD:
                    return Taken("duplicate", row)  # applied meanwhile by another importer
                row = _logged(practice, arrival, row)
                row.status = InboundMessage.Status.HELD
                row.error = problems[0][1] if problems else "not applied"
                row.problems = [_stored(p) for p in problems]
                row.save()
                return Taken("held", row, problems)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# -- HL7 v2 ---------------------------------------------------------------------------------


def _content(text: str) -> str:
    return text.replace("\r\n", "\r").replace("\n", "\r").strip("\r\ufeff ")


def _same(old: str, new: str) -> bool:
    return _content(old) == _content(new)


def _outcome(taken: Taken, message: Message, intake: Intake | None = None) -> Outcome:
    if taken.status == "accepted":
        warnings = intake.warnings if intake is not None else ()
        return Outcome("AA", message=message, row=taken.row, warnings=warnings)
    if taken.status == "duplicate":
        return Outcome("AA", message=message, row=taken.row, duplicate=True)
    if taken.status == "conflict":
        row = taken.row
        assert row is not None
        # A control id names one message: another message under it is the sender's
        # mistake, and applying it would lose one of the two.
        return Outcome(
            "AR",
            f"MSH-10 control id {row.control_id} was already used by another message "
            f"({row.message_type}, received {row.received_at:%Y-%m-%d %H:%M}); the EHR "
            "must give each message its own control id",
            "MSH-10",
            message,
            duplicate=True,
            fault=Fault.DUPLICATE_KEY,
        )
    first = taken.problems[0] if taken.problems else Problem("", "not applied", Fault.INTERNAL)
    return Outcome("AE", first.text, first.location, message, taken.row, problems=taken.problems)


def _mapped(message: Message, practice: Practice) -> tuple[Intake | None, tuple[Problem, ...]]:
    """The message's intake, checked against the practice's date and code sets at the same
    time as everything else the mapping checks (one replay shows every such problem); with
    problems, the intake as far as it could be read."""
    try:
        return (
            map_message(
                message,
                today=practice_today(practice),
                check_code=procedure_check(practice.pk),
            ),
            (),
        )
    except HL7MappingError as exc:
        if exc.reject:
            raise
        return exc.partial, exc.problems


def _steps(
    intake: Intake | None, problems: Sequence[Problem]
) -> tuple[Callable[[Context], Applied] | None, Callable[[Context], None] | None]:
    """``take``'s ``apply`` (a message that read cleanly) or ``match`` (one that did not:
    what of it could be read)."""
    if intake is None:
        return None, None
    read: Intake = intake

    def match(ctx: Context) -> None:
        match_intake(ctx, read)

    if problems:
        return None, match
    return (lambda ctx: apply_intake(ctx, read)), None


def receive(
    practice: Practice,
    text: str,
    *,
    source: str,
    choices: ReplayChoices | None = None,
    durable: bool = True,
) -> Outcome:
    """Take one message (CR-separated text) for ``practice``. ``durable=False``: see
    ``take`` (the caller calls ``flush`` before it reports the outcome)."""
    try:
        message = parse(text)
    except HL7ParseError as exc:
        return Outcome("AR", str(exc), exc.location, fault=exc.fault)
    try:
        intake, problems = _mapped(message, practice)
    except HL7MappingError as exc:
        return Outcome("AR", str(exc), exc.location, message, fault=exc.fault)
    arrival = Arrival(message.control_id[:199], "^".join(message.message_type), text, source)
    apply, match = _steps(intake, problems)
    with audit.acting_as(None, source="hl7"):
        taken = take(
            practice,
            arrival,
            apply,
            problems=problems,
            match=match,
            choices=choices,
            same=_same,
            durable=durable,
        )
    return _outcome(taken, message, intake)


def replay(
    user: Actor, row: InboundMessage, text: str, choices: ReplayChoices | None = None
) -> Outcome:
    """Apply a held message again, as edited by ``user`` (whose role must allow
    ``manage_interfaces``). The control id (MSH-10) must stay the message's own; a FHIR
    bundle goes to ``fhir_in.replay_bundle``."""
    require(user, row.practice_id, "manage_interfaces")
    if row.message_type.startswith("FHIR"):
        from medbill.web.interfaces.fhir_in import replay_bundle

        return replay_bundle(user, row, text, choices)
    text = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r") + "\r"
    try:
        message = parse(text)
    except HL7ParseError as exc:
        raise ServiceError("raw", str(exc)) from None
    if message.control_id[:199] != row.control_id:
        raise ServiceError("raw", f"MSH-10 must stay {row.control_id}, the message's control id")
    practice = Practice.objects.get(pk=row.practice_id)
    try:
        intake, problems = _mapped(message, practice)
    except HL7MappingError as exc:
        raise ServiceError("raw", str(exc)) from None
    arrival = Arrival(row.control_id, row.message_type, text, "page")
    apply, match = _steps(intake, problems)
    # What the replay changes is the biller's on the trail (source hl7): the use cases it
    # runs as the system keep the biller named here.
    with audit.acting_as(user, source="hl7"):
        taken = take(
            practice,
            arrival,
            apply,
            problems=problems,
            match=match,
            choices=choices,
            replaying=row,
        )
    if taken.status == "not_held":
        raise ServiceError("message", "only a held message can be replayed")
    return _outcome(taken, message)


def discard(user: Any, row: InboundMessage, reason: str) -> InboundMessage:
    """Set a held message aside for good (a test message, junk): it stays in the log,
    marked discarded with who, when and why; nothing of it is applied."""
    require(user, row.practice_id, "manage_interfaces")
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("reason", "say why the message is discarded")
    if len(reason) > 300:
        raise ServiceError("reason", "at most 300 characters")
    with transaction.atomic(), audit.acting_as(user):
        locked = InboundMessage.objects.select_for_update().get(pk=row.pk)
        if locked.status != InboundMessage.Status.HELD:
            raise ServiceError("message", "only a held message can be discarded")
        locked.status = InboundMessage.Status.DISCARDED
        locked.discarded_at = locked.updated_at = timezone.now()
        locked.discarded_by = user if getattr(user, "is_authenticated", False) else None
        locked.discard_reason = reason
        locked.save()  # audited by the model's signals, as ``user``
    return locked
