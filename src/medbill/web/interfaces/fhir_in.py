"""Taking in FHIR R4 Bundles from a practice's EHR: read and mapped in ``core.fhir`` to
the same intake records as HL7 v2, applied by the same use cases (``apply.py``), all or
nothing per bundle, once per bundle (its identifier, else the hash of its bytes) and once
per resource (the EHR links keyed by ``Patient/123``, ``Encounter/456``…), also when two
imports run at once (the unique message row and links, not a look before an insert)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from medbill.core.fhir import BundleIntake, FHIRError, map_bundle, read_bundle
from medbill.web.interfaces.apply import Held, ReplayChoices, apply_intake
from medbill.web.interfaces.models import InboundMessage
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice

__all__ = ["BundleOutcome", "import_bundle"]


@dataclass(frozen=True)
class BundleOutcome:
    status: str  # imported, duplicate, refused
    bundle_id: str = ""
    error: str = ""
    patients: int = 0
    visits: int = 0
    notes: int = 0
    ignored: tuple[str, ...] = field(default=())


_HL7_FIELD = re.compile(r"^[A-Z][A-Z0-9]{2}[- ]")


class _Refused(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def import_bundle(practice: Practice, data: bytes, *, source: str = "file") -> BundleOutcome:
    """Import one bundle (or one resource) for ``practice``."""
    try:
        bundle = map_bundle(read_bundle(data))
    except FHIRError as exc:
        return BundleOutcome("refused", error=str(exc))
    control = f"fhir:{bundle.bundle_id}"[:199]
    text = data.decode("utf-8-sig", errors="replace")
    with audit.acting_as(None, source="fhir"):
        for attempt in range(3):
            try:
                return _take(practice, bundle, control, text, source)
            except _Refused as exc:
                return BundleOutcome("refused", bundle.bundle_id, exc.error)
            except IntegrityError:
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def _take(
    practice: Practice, bundle: BundleIntake, control: str, text: str, source: str
) -> BundleOutcome:
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundMessage.objects.create(
                    practice=practice,
                    control_id=control,
                    message_type="FHIR^Bundle",
                    status=InboundMessage.Status.ACCEPTED,
                    raw=text,
                    source=source,
                )
        except IntegrityError:
            InboundMessage.objects.select_for_update().get(practice=practice, control_id=control)
            return BundleOutcome("duplicate", bundle.bundle_id)
        patients: set[int] = set()
        visits = notes = 0
        for intake in bundle.intakes:
            try:
                applied = apply_intake(practice, intake, ReplayChoices())
            except (Held, ServiceError) as exc:
                subject = intake.control_id.split(":", 1)[-1].rsplit(":", 1)[-1]
                where = getattr(exc, "location", "") or getattr(exc, "field", "")
                problem = getattr(exc, "problem", "") or getattr(exc, "message", "") or str(exc)
                if _HL7_FIELD.match(where):
                    where = ""  # the shared use cases name HL7 fields; the resource says it
                raise _Refused(f"{subject}: {problem}" + (f" ({where})" if where else "")) from None
            patients.add(applied.patient.pk)
            if intake.kind == "charges":
                visits += 1
            elif intake.kind == "note":
                notes += 1
            row.patient = applied.patient
        row.updated_at = timezone.now()
        row.save()
        return BundleOutcome(
            "imported", bundle.bundle_id, "", len(patients), visits, notes, bundle.ignored
        )
