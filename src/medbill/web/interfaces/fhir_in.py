"""Taking in FHIR R4 Bundles from a practice's EHR: read and mapped in ``core.fhir`` to
the same intake records as HL7 v2, applied by the same use cases (``apply.py``), all or
nothing per bundle, once per bundle (its identifier, else the hash of its bytes) and once
per resource (the EHR links keyed by ``Patient/123``, ``Encounter/456``, a Claim's
identifier…), also when two imports run at once (the unique message row and links, not a
look before an insert).

Every charge (a Claim's item, an Encounter's Procedure) is checked as an HL7 v2 charge
is: its procedure code by the practice's rule (the scrubber's ``procedure_check``), its
date against the practice's today (``practice_today``) and the patient's birth date.

A bundle that cannot be applied is held in the interface queue like an HL7 message, with
every problem found (each resource's, not only the first; and, for the resources that
could be read, what does not match the practice), for a biller to see, fix (in the EHR,
in practice setup, or in the bundle itself) and replay, or discard.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from medbill.core.fhir import BundleIntake, FHIRError, bundle_id_of, map_bundle, read_bundle
from medbill.core.hl7 import Intake, PatientRecord, Problem
from medbill.web.billing.scrubbing import procedure_check
from medbill.web.interfaces.apply import (
    Applied,
    Context,
    Held,
    ReplayChoices,
    apply_intake,
    match_intake,
    practice_today,
    preload_links,
    problems_of,
)
from medbill.web.interfaces.models import InboundMessage
from medbill.web.interfaces.services import Arrival, Outcome, Taken, take
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice

__all__ = ["BundleOutcome", "bundle_patients", "import_bundle", "replay_bundle"]

MESSAGE_TYPE = "FHIR^Bundle"


@dataclass(frozen=True)
class BundleOutcome:
    status: str  # imported, duplicate, held
    bundle_id: str = ""
    error: str = ""
    patients: int = 0
    visits: int = 0
    notes: int = 0
    claims: int = 0
    ignored: tuple[str, ...] = field(default=())
    problems: tuple[Problem, ...] = ()
    row: InboundMessage | None = None


_HL7_FIELD = re.compile(r"^[A-Z][A-Z0-9]{2}[- ]")


def _words(subject: str, found: Problem) -> Problem:
    """A problem of one resource's intake in the bundle's terms: the shared use cases name
    HL7 fields (``PV1-19``), the resource names itself."""
    location, text, fault = found
    problem = text.removeprefix(f"{location} ") if location else text
    if location.startswith(subject) or "/" in location:
        return Problem(location, f"{location}: {problem}", fault)
    where = "" if _HL7_FIELD.match(location) else location
    return Problem(subject, f"{subject}: {problem}" + (f" ({where})" if where else ""), fault)


def _grouped(found: list[Problem]) -> list[Problem]:
    """One problem for the same words about several resources (a provider unknown to
    every encounter of a patient's history), naming them all."""
    by_words: dict[str, list[Problem]] = {}
    for problem in dict.fromkeys(found):
        location, text = problem.location, problem.text
        words = text.removeprefix(f"{location}: ") if location else text
        by_words.setdefault(words, []).append(problem)
    out = []
    for words, same in by_words.items():
        first = same[0].location
        text = f"{first}: {words}" if first else words
        if len(same) > 1:
            shown = ", ".join(p.location for p in same[1:6] if p.location)
            more = len(same) - 6
            text += f" (also {shown}" + (f" and {more} more" if more > 0 else "") + ")"
        out.append(Problem(first, text, same[0].fault))
    return out


@dataclass
class _Counts:
    patients: set[int] = field(default_factory=set)
    visits: int = 0
    notes: int = 0
    claims: int = 0


def _subject(intake: Intake) -> str:
    return intake.control_id.rsplit(":", 1)[-1]


def _match(partial: BundleIntake) -> Callable[[Context], None]:
    """Match the intakes of a bundle that could be read (nothing written): their problems
    in ``ctx.found``, in the bundle's terms."""

    def match(ctx: Context) -> None:
        found: list[Problem] = []
        preload_links(ctx, partial.intakes)
        for intake in partial.intakes:
            ctx.found = []
            match_intake(ctx, intake)
            found += [_words(_subject(intake), p) for p in ctx.found]
        ctx.found = _grouped(found)

    return match


def _apply(bundle: BundleIntake, counts: _Counts) -> Any:
    def apply(ctx: Context) -> Applied:
        found: list[Problem] = []
        last: Applied | None = None
        failed_visits: set[str] = set()
        preload_links(ctx, bundle.intakes)
        for intake in bundle.intakes:
            number = intake.visit.visit_number if intake.visit else ""
            if intake.kind in ("note", "claim") and number in failed_visits:
                continue  # its encounter's problem is reported; this one would only echo it
            # No savepoint per resource: a problem anywhere undoes the whole bundle, and
            # the resources after it are still tried (against what came before it) so
            # that every problem is reported at once.
            ctx.found = []
            try:
                applied = apply_intake(ctx, intake)
            except (Held, ServiceError) as exc:
                if intake.kind == "charges" and number:
                    failed_visits.add(number)
                found += [_words(_subject(intake), p) for p in problems_of(exc)]
                continue
            counts.patients.add(applied.patient.pk)
            counts.visits += intake.kind == "charges"
            counts.notes += intake.kind == "note"
            counts.claims += intake.kind == "claim"
            last = applied
        if found:
            ctx.found = _grouped(found)
            ctx.check()
        assert last is not None  # a bundle always has an intake
        return last

    return apply


@dataclass(frozen=True)
class _Read:
    """A bundle as read: its identity, its intakes (as far as they could be read, when
    there are ``problems``) and the problems that stop it before any use case runs."""

    bundle_id: str
    bundle: BundleIntake | None = None
    problems: tuple[Problem, ...] = ()

    def steps(self, counts: _Counts) -> tuple[Any, Callable[[Context], None] | None]:
        """``take``'s ``apply`` and ``match``."""
        if self.bundle is None:
            return None, None
        if self.problems:
            return None, _match(self.bundle)
        return _apply(self.bundle, counts), None


def _problems(exc: FHIRError) -> tuple[Problem, ...]:
    # No ACK answers a bundle: its problems have no HL7 error code.
    return tuple(Problem(location, text, None) for location, text in exc.problems)


def _read(data: bytes, practice: Practice) -> _Read:
    try:
        doc = read_bundle(data)
    except FHIRError as exc:
        return _Read(f"sha256:{hashlib.sha256(data).hexdigest()[:40]}", None, _problems(exc))
    try:
        intakes = map_bundle(
            doc, today=practice_today(practice), check_code=procedure_check(practice.pk)
        )
        return _Read(bundle_id_of(doc), intakes)
    except FHIRError as exc:
        return _Read(bundle_id_of(doc), exc.partial, _problems(exc))


def _outcome(taken: Taken, bundle: BundleIntake | None, bundle_id: str, counts: _Counts) -> Any:
    if taken.status in ("duplicate", "conflict"):
        return BundleOutcome("duplicate", bundle_id, row=taken.row)
    if taken.status == "held":
        error = taken.problems[0].text if taken.problems else "not applied"
        return BundleOutcome("held", bundle_id, error, problems=taken.problems, row=taken.row)
    assert bundle is not None
    return BundleOutcome(
        "imported",
        bundle_id,
        "",
        len(counts.patients),
        counts.visits,
        counts.notes,
        counts.claims,
        bundle.ignored,
        row=taken.row,
    )


def import_bundle(
    practice: Practice, data: bytes, *, source: str = "file", durable: bool = True
) -> BundleOutcome:
    """Import one bundle (or one resource) for ``practice``; what cannot be applied is
    held in the interface queue."""
    read = _read(data, practice)
    text = data.decode("utf-8-sig", errors="replace")
    counts = _Counts()
    arrival = Arrival(f"fhir:{read.bundle_id}"[:199], MESSAGE_TYPE, text, source)
    apply, match = read.steps(counts)
    with audit.acting_as(None, source="fhir"):
        taken = take(
            practice,
            arrival,
            apply,
            problems=read.problems,
            match=match,
            durable=durable,
        )
    return _outcome(taken, read.bundle, read.bundle_id, counts)


def replay_bundle(
    user: Any, row: InboundMessage, text: str, choices: ReplayChoices | None = None
) -> Outcome:
    """Apply a held bundle again, as the biller edited it (or as it was, once what it named
    exists), with the biller's ``choices`` for its patients (by their ``Patient/id``: link
    to an account, or register new although the duplicate check found one). A bundle
    that has an identifier must keep it."""
    data = text.encode("utf-8")
    practice = Practice.objects.get(pk=row.practice_id)
    read = _read(data, practice)
    bundle_id = read.bundle_id
    if not bundle_id.startswith("sha256:") and f"fhir:{bundle_id}"[:199] != row.control_id:
        raise ServiceError(
            "raw", f"Bundle.identifier must stay {row.control_id.removeprefix('fhir:')}"
        )
    counts = _Counts()
    apply, match = read.steps(counts)
    with audit.acting_as(user, source="fhir"):
        taken = take(
            practice,
            Arrival(row.control_id, row.message_type, text, "page"),
            apply,
            problems=read.problems,
            match=match,
            choices=choices,
            replaying=row,
        )
    if taken.status == "not_held":
        raise ServiceError("message", "only a held message can be replayed")
    if taken.status == "held":
        first = taken.problems[0] if taken.problems else Problem("", "not applied", None)
        return Outcome("AE", first.text, first.location, row=taken.row, problems=taken.problems)
    return Outcome("AA", row=taken.row)


def bundle_patients(text: str) -> list[PatientRecord]:
    """The patients a bundle registers or updates, by the EHR's id the replay's choices
    name them by (``Patient/123``; a patient contained in a Claim, ``Claim/9#p``); not
    those it only refers to, nor one that could not be read. None for a bundle that is
    not FHIR at all."""
    try:
        read: BundleIntake | None = map_bundle(read_bundle(text.encode("utf-8")))
    except FHIRError as exc:
        read = exc.partial
    found: dict[str, PatientRecord] = {}
    for intake in read.intakes if read is not None else ():
        if not intake.patient_by_reference and "patient" not in intake.unread:
            found.setdefault(intake.patient.ehr_id, intake.patient)
    return list(found.values())
