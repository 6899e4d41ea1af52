"""Taking in HL7 v2 messages: once per control id (MSH-10), all or nothing per message,
and safe when two importers or listeners take the same message at once (the unique
control id and the unique EHR links, not a look before an insert).

``receive(practice, text, source=...)`` answers with an ``Outcome``: the ACK code (AA,
AE, AR), the error in words and where, and the logged message. A message with errors is
held with its reason; ``replay`` applies a held message again, as the biller edited it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from medbill.core.hl7 import HL7MappingError, HL7ParseError, Message, ack, map_message, parse
from medbill.web.interfaces.apply import Held, ReplayChoices, apply_intake
from medbill.web.interfaces.models import InboundMessage
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor

__all__ = ["Outcome", "ReplayChoices", "ack_for", "receive", "replay"]


@dataclass(frozen=True)
class Outcome:
    code: str  # AA, AE or AR
    error: str = ""
    location: str = ""
    message: Message | None = None
    row: InboundMessage | None = None
    duplicate: bool = False


def ack_for(outcome: Outcome, practice: Practice | None, control_id: str) -> str:
    """The ACK text for ``outcome`` (``control_id`` is the ACK's own MSH-10)."""
    return ack(
        outcome.code,
        control_id=control_id,
        now=timezone.now(),
        message=outcome.message,
        error=outcome.error,
        location=outcome.location,
        facility=practice.short_code if practice is not None else "",
    )


def _problem(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, HL7MappingError | Held):
        return exc.location, str(exc)
    if isinstance(exc, ServiceError):
        field = getattr(exc, "field", "")
        return "", f"{field}: {getattr(exc, 'message', exc)}" if field else str(exc)
    return "", str(exc)


def receive(
    practice: Practice,
    text: str,
    *,
    source: str,
    choices: ReplayChoices | None = None,
) -> Outcome:
    """Take one message (CR-separated text) for ``practice``."""
    try:
        message = parse(text)
    except HL7ParseError as exc:
        return Outcome("AR", str(exc))
    try:
        intake: Any = map_message(message)
        problem: Exception | None = None
    except HL7MappingError as exc:
        if exc.reject:
            return Outcome("AR", str(exc), exc.location, message)
        intake, problem = None, exc
    with audit.acting_as(None, source="hl7"):
        for attempt in range(3):
            try:
                return _take(practice, message, text, intake, problem, source, choices, None)
            except IntegrityError:
                # Another importer made the same patient, visit or message meanwhile:
                # the next attempt finds its rows.
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def _claim(
    practice: Practice, message: Message, text: str, source: str
) -> tuple[InboundMessage, bool]:
    control = message.control_id[:199]
    try:
        with transaction.atomic():
            row = InboundMessage.objects.create(
                practice=practice,
                control_id=control,
                message_type="^".join(message.message_type)[:20],
                status=InboundMessage.Status.HELD,
                raw=text,
                source=source,
            )
        return row, True
    except IntegrityError:
        row = InboundMessage.objects.select_for_update().get(practice=practice, control_id=control)
        return row, False


def _content(text: str) -> str:
    return text.replace("\r\n", "\r").replace("\n", "\r").strip("\r\ufeff ")


def _take(
    practice: Practice,
    message: Message,
    text: str,
    intake: Any,
    problem: Exception | None,
    source: str,
    choices: ReplayChoices | None,
    replaying: InboundMessage | None,
) -> Outcome:
    with transaction.atomic():
        if replaying is None:
            row, created = _claim(practice, message, text, source)
            if not created:
                if _content(row.raw) != _content(text):
                    # A control id names one message: another message under it is the
                    # sender's mistake, and applying it would lose one of the two.
                    return Outcome(
                        "AR",
                        f"MSH-10 control id {row.control_id} was already used by another "
                        f"message ({row.message_type}, received "
                        f"{row.received_at:%Y-%m-%d %H:%M}); the EHR must give each "
                        "message its own control id",
                        "MSH-10",
                        message,
                        duplicate=True,
                    )
                if row.status != InboundMessage.Status.HELD:
                    return Outcome("AA", message=message, row=row, duplicate=True)
                row.raw, row.source, row.attempts = text, source, row.attempts + 1
        else:
            row = InboundMessage.objects.select_for_update().get(pk=replaying.pk)
            if row.status != InboundMessage.Status.HELD:
                raise ServiceError("message", "only a held message can be replayed")
            row.raw, row.source, row.attempts = text, source, row.attempts + 1
        try:
            with transaction.atomic():
                if problem is not None:
                    raise problem
                applied = apply_intake(practice, intake, choices or ReplayChoices())
        except (HL7MappingError, Held, ServiceError) as exc:
            location, error = _problem(exc)
            row.status, row.error = InboundMessage.Status.HELD, error
            row.updated_at = timezone.now()
            row.save()
            return Outcome("AE", error, location, message, row)
        row.status = InboundMessage.Status.REPLAYED if replaying else InboundMessage.Status.ACCEPTED
        row.error = ""
        row.patient, row.visit = applied.patient, applied.visit
        row.updated_at = timezone.now()
        row.save()
        return Outcome("AA", message=message, row=row)


def replay(
    user: Actor, row: InboundMessage, text: str, choices: ReplayChoices | None = None
) -> Outcome:
    """Apply a held message again, as edited by ``user`` (whose role must allow
    ``manage_interfaces``). The control id (MSH-10) must stay the message's own."""
    require(user, row.practice_id, "manage_interfaces")
    text = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r") + "\r"
    try:
        message = parse(text)
    except HL7ParseError as exc:
        raise ServiceError("raw", str(exc)) from None
    if message.control_id[:199] != row.control_id:
        raise ServiceError("raw", f"MSH-10 must stay {row.control_id}, the message's control id")
    try:
        intake: Any = map_message(message)
        problem: Exception | None = None
    except HL7MappingError as exc:
        intake, problem = None, exc
    practice = Practice.objects.get(pk=row.practice_id)
    # The message row's change is the biller's on the trail; what it applies is the
    # interface's (source hl7).
    with audit.acting_as(user, source="hl7"):
        return _take(practice, message, text, intake, problem, "page", choices, row)
