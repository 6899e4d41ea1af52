"""HL7 v2 in: messages from a practice's EHR read into typed intake records, and the
acknowledgements medbill answers with. Sans-IO: bytes in, records and bytes out.

``split_messages(data)`` splits a file (CR, LF or CRLF; a BOM) into messages;
``parse(text)`` reads one (``HL7ParseError`` when it is not HL7 v2);
``map_message(message)`` turns it into an ``Intake`` (``HL7MappingError`` naming the
segment and field, and its ``Fault``: the kind of problem, which decides the ACK's
HL7 error code); ``ChargeChecks`` are the checks of every charge an EHR sends (its
procedure code, its date), the FHIR mapping's too; ``ack(...)`` writes the ACK; ``mllp``
frames and unframes them.
"""

from medbill.core.hl7._ack import ack
from medbill.core.hl7._checks import ChargeChecks, CodeCheck
from medbill.core.hl7._errors import Fault, HL7MappingError, HL7ParseError, Problem
from medbill.core.hl7._map import SUPPORTED, map_message
from medbill.core.hl7._read import Message, Segment, decode, split_messages
from medbill.core.hl7._read import read_message as parse
from medbill.core.hl7._records import (
    Address,
    AppointmentRecord,
    ChargeRecord,
    ClaimRecord,
    CoverageRecord,
    DiagnosisRecord,
    GuarantorRecord,
    Intake,
    Name,
    NoteRecord,
    PatientRecord,
    ProviderRef,
    VisitRecord,
)

__all__ = [
    "SUPPORTED",
    "Address",
    "AppointmentRecord",
    "ChargeChecks",
    "ChargeRecord",
    "ClaimRecord",
    "CodeCheck",
    "CoverageRecord",
    "DiagnosisRecord",
    "Fault",
    "GuarantorRecord",
    "HL7MappingError",
    "HL7ParseError",
    "Intake",
    "Message",
    "Name",
    "NoteRecord",
    "PatientRecord",
    "Problem",
    "ProviderRef",
    "Segment",
    "VisitRecord",
    "ack",
    "decode",
    "map_message",
    "parse",
    "split_messages",
]
