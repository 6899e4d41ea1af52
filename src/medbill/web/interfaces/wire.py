"""Messages as they arrive on a wire or in a file, to the intake and back to ACK bytes:
which practice a message is for, one message per MLLP frame, the ACK's own control id."""

from __future__ import annotations

import logging
import uuid

from django.db import close_old_connections, connection

from medbill.core.hl7 import Fault, HL7ParseError, parse, split_messages
from medbill.web.interfaces.services import Outcome, ack_for, receive
from medbill.web.practice.models import Practice

__all__ = ["answer_frame", "practice_for", "prepare"]

log = logging.getLogger("medbill.hl7")


def prepare() -> None:
    """Load what taking a message otherwise loads on first use (the intake's modules, the
    code tables the charges are checked against): once, before the listener forks, so
    that every process shares them and none spends its first message loading them."""
    from medbill.web.billing.scrubbing import preload_references
    from medbill.web.interfaces import apply_claims, apply_visits  # noqa: F401

    preload_references()


def practice_for(text: str, fixed: Practice | None) -> Practice | None:
    """The practice a message is for: ``fixed`` (``--practice``), else the one whose short
    code is the message's receiving facility (MSH-6)."""
    if fixed is not None:
        return fixed
    try:
        code = parse(text).msh.get(6)
    except HL7ParseError:
        return None
    return Practice.objects.filter(short_code=code, active=True).first() if code else None


def answer_frame(payload: bytes, fixed: Practice | None) -> bytes:
    """The ACK bytes for one MLLP frame: AR when the server fails while taking it (the
    message is not applied; the sender sends it again)."""
    try:
        return _answer(payload, fixed)
    except Exception as exc:
        # The kind of failure only: a database error quotes the values it refused.
        log.error("hl7 message not taken: %s", type(exc).__name__)
        connection.close_if_unusable_or_obsolete()
        try:  # the ACK names the message it answers (MSA-2) when it can be read
            message = parse(split_messages(payload)[0])
        except (HL7ParseError, IndexError):
            message = None
        outcome = Outcome(
            "AR",
            "the message could not be taken just now (a server error); nothing of it was "
            "applied: send it again",
            message=message,
            fault=Fault.INTERNAL,
        )
        return ack_for(outcome, fixed, f"MB{uuid.uuid4().hex[:18]}").encode("utf-8")


def _answer(payload: bytes, fixed: Practice | None) -> bytes:
    practice: Practice | None = None
    try:
        texts = split_messages(payload)
    except HL7ParseError as exc:
        outcome = Outcome("AR", str(exc), exc.location, fault=exc.fault)
    else:
        if len(texts) != 1:
            outcome = Outcome("AR", "one message per MLLP frame", fault=Fault.SEGMENT)
        else:
            practice = practice_for(texts[0], fixed)
            if practice is None:
                try:
                    message = parse(texts[0])
                except HL7ParseError as exc:
                    outcome = Outcome("AR", str(exc), exc.location, fault=exc.fault)
                else:
                    outcome = Outcome(
                        "AR",
                        f"MSH-6 receiving facility '{message.msh.get(6)}' is no practice here",
                        "MSH-6",
                        message,
                        fault=Fault.TABLE_VALUE,
                    )
            else:
                outcome = receive(practice, texts[0], source="mllp")
    # Ids and codes only: the error may quote a field of the message (PHI).
    log.info(
        "hl7 message %s: %s%s",
        outcome.message.control_id if outcome.message else "-",
        outcome.code,
        f" at {outcome.location}" if outcome.location else "",
    )
    return ack_for(outcome, practice, f"MB{uuid.uuid4().hex[:18]}").encode("utf-8")


def connection_closed() -> None:
    close_old_connections()
