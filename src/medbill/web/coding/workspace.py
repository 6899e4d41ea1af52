"""Use cases of the coder's workspace: the queue, suggestions, saving codes with where each
came from, the live scrub of the draft claim, finishing, and questions to the provider.

A visit being coded stays ``coding`` (not billable) until it is finished; a finished visit is
``coded`` (ready for a claim) or ``review`` when it needs a second look (see ``review.py``).
While a provider query is open the visit cannot be finished.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from medbill.core import claim as doc
from medbill.core.money import Money, MoneyError
from medbill.core.scrubber import Policy, Scrubber
from medbill.web.coding.models import CodeChoice, CodingWork, ProviderQuery
from medbill.web.coding.services import _diagnoses, set_visit_codes
from medbill.web.frontdesk.models import Coverage, Visit
from medbill.web.interfaces.models import EhrLink
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import FeeScheduleEntry

if TYPE_CHECKING:
    from medbill.core.suggest import SuggestEngine
from medbill.web.practice.permissions import require
from medbill.web.practice.services import fee_for
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

__all__ = [
    "QUEUE_STATUSES",
    "DraftKept",
    "draft_for_screen",
    "draft_problems",
    "answer_query",
    "ask_query",
    "codes_from_ehr",
    "coding_queue",
    "primary_coverage",
    "save_codes",
    "scrub_draft",
    "start_coding",
    "suggestions_for",
    "typed_charges",
    "work_for",
]

QUEUE_STATUSES = (Visit.Status.CHECKED_OUT, Visit.Status.CODING)


@dataclass(frozen=True)
class _DraftRoute:
    """The practice and payer a draft claim would go to (for waivers and references)."""

    practice_id: int
    payer_id: int


def _plain(code: object) -> str:
    return str(code or "").strip().upper().replace(".", "")


def _ehr_coded() -> Exists:
    return Exists(EhrLink.objects.filter(visit=OuterRef("pk"), codes_from_ehr=True))


def codes_from_ehr(visit: Visit) -> bool:
    """Whether the visit's codes came from the practice's EHR (an HL7 DFT or a FHIR
    bundle), for the coder to confirm against the note."""
    return EhrLink.objects.filter(visit=visit, codes_from_ehr=True).exists()


def coding_queue(
    user: Actor, practice: PracticeRef, provider_id: int | None = None, payer_id: int | None = None
) -> QuerySet:
    """Visits waiting for a coder (checked out or in coding), oldest first; each carries
    ``codes_from_ehr`` (see ``codes_from_ehr``)."""
    require(user, practice, "change_codes")
    rows = (
        Visit.objects.for_user(user, practice)
        .filter(status__in=QUEUE_STATUSES)
        .select_related("patient", "provider", "coding_work", "coding_work__coder")
        .annotate(codes_from_ehr=_ehr_coded())
    )
    if provider_id:
        rows = rows.filter(provider_id=provider_id)
    if payer_id:
        rows = rows.filter(
            Q(patient__coverages__payer_id=payer_id) & Q(patient__coverages__order="primary")
        ).distinct()
    return rows.order_by("scheduled_at", "id")


def work_for(visit: Visit) -> CodingWork | None:
    return CodingWork.objects.filter(visit=visit).first()


def start_coding(user: Actor, visit: Visit) -> CodingWork:
    """Open a visit for coding: a checked-out visit becomes ``coding``, the user its coder."""
    require(user, visit.practice_id, "change_codes")
    with transaction.atomic(), audit.acting_as(user):
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        work = CodingWork.objects.filter(visit=locked).first()
        if locked.status == Visit.Status.CHECKED_OUT:
            locked.status = Visit.Status.CODING
            locked.save(update_fields=["status"])
        if work is None:
            work = CodingWork.objects.create(practice_id=locked.practice_id, visit=locked)
        if work.coder_id is None and locked.status == Visit.Status.CODING:
            work.coder = signed_in(user)
            work.save(update_fields=["coder"])
        visit.status = locked.status
    return work


def note_text(visit: Visit) -> str:
    """The visit's notes in the order they were written, as one text (evidence offsets
    point into this)."""
    notes = sorted(visit.notes.all(), key=lambda n: (n.created_at, n.id))
    return "\n\n".join(n.text for n in notes if n.text.strip())


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def suggestions_for(
    user: Actor, visit: Visit, engine: SuggestEngine | None = None
) -> dict[str, Any]:
    """What the suggestion engine proposes for the visit's note (kept with the coding work,
    so the codes saved later can be traced to a suggestion)."""
    require(user, visit.practice_id, "change_codes")
    text = note_text(visit)
    digest = hashlib.sha256(text.encode()).hexdigest()
    work = work_for(visit)
    if work is None:
        with audit.acting_as(user):
            work, _ = CodingWork.objects.get_or_create(
                visit=visit, defaults={"practice_id": visit.practice_id}
            )
    if work.note_digest == digest and work.suggestions:
        return {"note": text, **work.suggestions}
    if engine is None:
        from medbill.core.collector import collector_paused
        from medbill.core.suggest import SuggestEngine

        with collector_paused(keep=True):  # loaded once per process and kept
            engine = SuggestEngine.shared()
    fees = FeeScheduleEntry.objects.filter(practice_id=visit.practice_id).values_list(
        "code", "description"
    )
    prior = Visit.objects.filter(
        practice_id=visit.practice_id,
        patient_id=visit.patient_id,
        provider_id=visit.provider_id,
        scheduled_at__lt=visit.scheduled_at,
    ).exclude(status__in=("cancelled", "no_show", "scheduled"))
    result = engine.suggest(
        text,
        patient_age=_age(visit.patient.date_of_birth, visit.date_of_service),
        new_patient=not prior.exists(),
        sex=visit.patient.sex if visit.patient.sex in ("F", "M") else None,
        date_of_service=visit.date_of_service,
        fee_schedule=list(fees),
    ).to_dict()
    with audit.acting_as(user):
        work.suggestions = result
        work.note_digest = digest
        work.save(update_fields=["suggestions", "note_digest"])
    return {"note": text, **result}


def _suggested_codes(work: CodingWork | None) -> tuple[set[str], set[str]]:
    """Diagnosis and service codes (plain, no dots) the engine suggested for the visit."""
    data = (work.suggestions if work else None) or {}
    dx = {_plain(d.get("code")) for d in data.get("diagnoses", [])}
    services = {_plain(p.get("code")) for p in data.get("procedures", [])}
    em = (data.get("em") or {}).get("code")
    if em:
        services.add(_plain(em))
    return dx, services


def _origin(code: str, claimed: str, offered: set[str]) -> tuple[str, str]:
    """Where a code came from: unchanged from a suggestion, changed from one, or by hand."""
    if code in offered:
        return CodeChoice.Origin.SUGGESTED, code
    if claimed and claimed in offered:
        return CodeChoice.Origin.CHANGED, claimed
    return CodeChoice.Origin.MANUAL, ""


def _record_choices(user: Actor, visit: Visit, wanted: list[tuple[str, str, str, str]]) -> None:
    """Keep one ``CodeChoice`` per (kind, code); a decision that did not change keeps its
    original author, a new or different one is attributed to ``user``."""
    existing = {(c.kind, c.code): c for c in CodeChoice.objects.filter(visit=visit)}
    for kind, code, origin, suggested in wanted:
        row = existing.pop((kind, code), None)
        if row is None:
            CodeChoice.objects.create(
                practice_id=visit.practice_id,
                visit=visit,
                kind=kind,
                code=code,
                origin=origin,
                suggested_code=suggested,
                decided_by=signed_in(user),
            )
        elif row.origin != origin or row.suggested_code != suggested:
            row.origin, row.suggested_code = origin, suggested
            row.decided_by, row.decided_at = signed_in(user), timezone.now()
            row.save()
    for row in existing.values():
        row.delete()


class DraftKept(ServiceError):
    """The codes could not be saved as they are; with ``keep_draft`` they were kept as the
    coding work's draft. ``problems`` says what each line still needs, in words:
    ``[{"line": 0, "field": "charge", "message": "..."}]`` (``line`` None for diagnoses)."""

    def __init__(self, problems: list[dict[str, Any]], kept: bool) -> None:
        first = problems[0]
        super().__init__(first["path"], first["problem"])
        self.problems = problems
        self.kept = kept


def _charge_missing(visit: Visit, raw: Mapping[str, Any]) -> bool:
    if raw.get("charge") not in (None, ""):
        return False
    code = _plain(raw.get("code"))
    modifiers = _items(raw.get("modifiers"))
    return (
        fee_for(
            visit.practice_id,
            code,
            visit.date_of_service,
            _plain(modifiers[0]) if modifiers else "",
        )
        is None
    )


def draft_problems(
    visit: Visit, diagnoses: Sequence[Any], lines: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Everything that keeps the codes on screen from being saved, each problem tied to
    its line and input: a line without a diagnosis pointer, a code without a fee and no
    charge typed, a malformed code or number. Empty when the codes can be saved."""
    from medbill.web.coding.services import _line
    from medbill.web.practice.form_errors import field_label

    problems: list[dict[str, Any]] = []

    def add(line: int | None, path: str, problem: str) -> None:
        field = path.split(".")[1].split("[")[0] if "." in path else path.split("[")[0]
        words = problem[:1].upper() + problem[1:]
        problems.append(
            {
                "line": line,
                "field": field,
                "path": path,
                "problem": problem,
                "message": words,
                "label": field_label(path),
            }
        )

    try:
        codes = _diagnoses([d.get("code") if isinstance(d, Mapping) else d for d in diagnoses])
    except ServiceError as exc:
        add(None, exc.field, exc.problem)
        codes = []
    for i, raw in enumerate(lines):
        path = f"lines[{i}]"
        if not isinstance(raw, Mapping):
            add(i, path, "expected a service line")
            continue
        try:
            _line(visit, raw, path, len(codes))
        except ServiceError as exc:
            if exc.field == f"{path}.dx_pointers":
                add(i, exc.field, "point the line at one of the diagnoses (1, 2 …)")
            elif exc.field == f"{path}.charge" and "no fee schedule price" in exc.problem:
                add(
                    i,
                    exc.field,
                    f"{_plain(raw.get('code'))} has no price in the fee schedule; enter the charge",
                )
            else:
                add(i, exc.field, exc.problem)
            if not exc.field.endswith(".charge") and _charge_missing(visit, raw):
                add(
                    i,
                    f"{path}.charge",
                    f"{_plain(raw.get('code'))} has no price in the fee schedule; enter the charge",
                )
    return problems


def _keep_draft(
    user: Actor,
    visit: Visit,
    diagnoses: Sequence[Any],
    lines: Sequence[Any],
    rejected: Sequence[str],
) -> None:
    with transaction.atomic(), audit.acting_as(user):
        work = start_coding(user, visit)
        if work.state in (CodingWork.State.REVIEW, CodingWork.State.CODED):
            raise ServiceError("visit", "the visit is finished; a reviewer changes it now")
        work.draft = {
            "diagnoses": [
                dict(d) if isinstance(d, Mapping) else {"code": str(d)} for d in diagnoses
            ],
            "lines": [dict(line) for line in lines if isinstance(line, Mapping)],
            "rejected": [str(c) for c in rejected],
        }
        if work.coder_id is None:
            work.coder = signed_in(user)
        work.save(update_fields=["draft", "coder"])


def draft_for_screen(work: CodingWork | None) -> dict[str, Any] | None:
    """The kept draft in the shape the coding screen starts from, or None."""
    if work is None or not work.draft:
        return None
    draft = work.draft
    return {
        "diagnoses": [
            {"code": _plain(d.get("code")), "suggested": _plain(d.get("suggested"))}
            for d in draft.get("diagnoses", [])
        ],
        "lines": [
            {
                "code": _plain(line.get("code")),
                "modifiers": _items(line.get("modifiers")),
                "units": str(line.get("units") or "1"),
                "dx_pointers": _items(line.get("dx_pointers")),
                "charge": str(line.get("charge") or ""),
                "suggested": _plain(line.get("suggested")),
                "unit_basis": str(line.get("unit_basis") or "UN"),
                "ndc": str(line.get("ndc") or ""),
                "ndc_quantity": str(line.get("ndc_quantity") or ""),
                "ndc_unit": str(line.get("ndc_unit") or ""),
            }
            for line in draft.get("lines", [])
        ],
        "rejected": list(draft.get("rejected", [])),
    }


def save_codes(
    user: Actor,
    visit: Visit,
    diagnoses: Sequence[Mapping[str, Any] | str],
    lines: Sequence[Mapping[str, Any]],
    rejected: Sequence[str] = (),
    keep_draft: bool = False,
) -> Visit:
    """Save the visit's codes and record where each came from.

    With ``keep_draft`` (the coding screen), codes that cannot be saved yet — a line
    without a pointer, a code with no fee and no charge typed — are kept as the coding
    work's draft and ``DraftKept`` lists what each line needs; the saved codes stay as
    they were until the draft can be saved.

    ``diagnoses`` are codes or mappings ``{code, suggested}`` in pointer order; ``lines`` as for
    ``set_visit_codes`` plus an optional ``suggested`` (the suggested code the coder edited);
    ``rejected`` the suggested codes the coder turned down. A code the engine suggested is
    recorded as accepted unchanged; one edited from a suggestion as changed; others as added
    by hand — whatever the client claims, it is checked against the stored suggestions.
    """
    require(user, visit.practice_id, "change_codes")
    dx_items = [d if isinstance(d, Mapping) else {"code": d} for d in diagnoses]
    if keep_draft:
        problems = draft_problems(visit, dx_items, lines)
        if problems:
            _keep_draft(user, visit, dx_items, lines, rejected)
            raise DraftKept(problems, kept=True)
    with transaction.atomic(), audit.acting_as(user):
        work = start_coding(user, visit)
        if work.state in (CodingWork.State.REVIEW, CodingWork.State.CODED):
            raise ServiceError("visit", "the visit is finished; a reviewer changes it now")
        set_visit_codes(user, visit, [d.get("code") for d in dx_items], list(lines))
        if work.draft:
            work.draft = {}
            work.save(update_fields=["draft"])
        dx_offered, svc_offered = _suggested_codes(work)
        wanted: list[tuple[str, str, str, str]] = []
        for d in dx_items:
            code = _plain(d.get("code"))
            origin, from_code = _origin(code, _plain(d.get("suggested")), dx_offered)
            wanted.append((CodeChoice.Kind.DIAGNOSIS, code, origin, from_code))
        for line in lines:
            code = _plain(line.get("code"))
            origin, from_code = _origin(code, _plain(line.get("suggested")), svc_offered)
            wanted.append((CodeChoice.Kind.SERVICE, code, origin, from_code))
        kept = {w[1] for w in wanted}
        for raw in rejected:
            code = _plain(raw)
            if code in kept:
                continue
            if code in dx_offered:
                wanted.append((CodeChoice.Kind.DIAGNOSIS, code, CodeChoice.Origin.REJECTED, code))
            elif code in svc_offered:
                wanted.append((CodeChoice.Kind.SERVICE, code, CodeChoice.Origin.REJECTED, code))
        _record_choices(user, visit, wanted)
        if work.coder_id is None:
            work.coder = signed_in(user)
            work.save(update_fields=["coder"])
    return visit


def typed_charges(visit: Visit) -> dict[int, str]:
    """Line position -> charge, for the saved lines whose charge is not the fee schedule's
    (entered by hand); the screen shows only those, the rest follow the fee schedule."""
    out = {}
    for line in visit.service_lines.order_by("position"):
        modifier = line.modifiers[0] if line.modifiers else ""
        price = fee_for(visit.practice_id, line.code, visit.date_of_service, modifier)
        if price is None or (price * line.units).amount != line.charge:
            out[line.position] = str(line.charge)
    return out


def primary_coverage(visit: Visit) -> Coverage | None:
    day = visit.date_of_service
    rows = Coverage.objects.for_practice(visit.practice_id).filter(
        patient_id=visit.patient_id, order="primary"
    )
    for cov in rows.select_related("payer"):
        if cov.is_in_effect(day):
            return cov
    return None


def _items(raw: object) -> list[str]:
    """A list typed on screen, as a list or as text separated by spaces or commas."""
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    if not isinstance(raw, list | tuple):
        return []
    return [str(v).strip() for v in raw if str(v).strip()]


def _charge(raw: object) -> Money | None:
    """A charge entered or stored for the line; ``None`` means the fee schedule's."""
    if raw in (None, "") or isinstance(raw, float | bool):
        return None
    try:
        return Money(str(raw))
    except (MoneyError, ValueError, ArithmeticError):
        return None  # an unreadable charge falls back to the fee schedule


def _units(raw: object) -> Decimal:
    """Units typed on screen; a half-typed or impossible number scrubs as one unit."""
    try:
        units = Decimal(str(raw if raw not in (None, "") else 1))
    except InvalidOperation:
        return Decimal(1)
    if not units.is_finite() or units <= 0:
        return Decimal(1)
    whole = units.to_integral_value()
    return whole if units == whole else units.normalize()


def _draft_document(
    visit: Visit, coverage: Coverage, codes: list[str], lines: Sequence[Mapping[str, Any]]
) -> doc.Claim:
    from medbill.web.billing import documents

    patient = visit.patient
    practice = visit.practice
    day = visit.date_of_service
    out = []
    for i, raw in enumerate(lines, start=1):
        code = _plain(raw.get("code"))[:5]
        modifiers = tuple(_plain(m)[:2] for m in _items(raw.get("modifiers")))
        units = _units(raw.get("units"))
        charge = _charge(raw.get("charge"))
        if charge is None:
            price = fee_for(practice.pk, code, day, modifiers[0] if modifiers else "")
            charge = (price or Money(0)) * units
        pointers = [int(p) for p in _items(raw.get("dx_pointers")) if p.isdigit()]
        out.append(
            doc.ServiceLine(
                line=i,
                code=code,
                charge=charge,
                units=units,
                modifiers=modifiers,
                dx_pointers=tuple(pointers),
            )
        )
    return doc.Claim(
        claim_id=f"{practice.short_code}{visit.pk:07d}",
        date_of_service=day,
        place_of_service=visit.location.place_of_service or None,
        frequency_code="1",
        billing_provider=documents.billing_provider_of(practice),
        payer=documents.payer_of(coverage.payer),
        subscriber=documents.subscriber_of(coverage, patient),
        patient=doc.Patient(
            name=doc.PersonName(last=patient.last_name, first=patient.first_name or None),
            dob=patient.date_of_birth,
            sex=patient.sex,
            relationship_to_subscriber=coverage.relationship_to_subscriber,
            address=documents.address_of(patient),
            account_number=patient.account_number,
        ),
        diagnoses=tuple(codes),
        lines=tuple(out),
        rendering_provider=documents.provider_of(visit.provider),
    )


def scrub_draft(
    user: Actor,
    visit: Visit,
    diagnoses: Sequence[Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run the claim edits on the claim this visit would become, with the codes on screen
    (or the saved ones). Nothing is stored. Returns ``{"findings": [...], "can_submit": ...}``.
    """
    from medbill.web.billing import scrubbing

    require(user, visit.practice_id, "change_codes")
    visit = Visit.objects.select_related("patient", "provider", "location", "practice").get(
        pk=visit.pk
    )
    if diagnoses is None:
        diagnoses = [d.code for d in visit.diagnoses.order_by("position")]
    if lines is None:
        lines = [
            {
                "code": s.code,
                "modifiers": s.modifiers,
                "units": str(s.units),
                "charge": str(s.charge),
                "dx_pointers": s.dx_pointers,
            }
            for s in visit.service_lines.order_by("position")
        ]
    try:
        codes = _diagnoses([d.get("code") if isinstance(d, Mapping) else d for d in diagnoses])
    except ServiceError as exc:
        return {"findings": [_problem(exc.field, exc.problem)], "can_submit": False}
    coverage = primary_coverage(visit)
    if coverage is None:
        problem = "the patient has no primary coverage in effect on the date of service"
        return {"findings": [_problem("coverage", problem)], "can_submit": False}
    lines = [line for line in lines if isinstance(line, Mapping) and line.get("code")]
    document = _draft_document(visit, coverage, codes, lines)
    target = _DraftRoute(visit.practice_id, coverage.payer_id)
    policy = Policy(waivers=scrubbing.active_waivers(target))
    result = Scrubber(scrubbing._references(target), default=policy).scrub(document)
    return {
        "findings": [f.to_dict() for f in result.findings],
        "can_submit": result.can_submit,
    }


def _problem(field: str, problem: str) -> dict[str, Any]:
    return {
        "code": "INPUT",
        "kind": "input",
        "severity": "error",
        "line": None,
        "message": f"{field}: {problem}",
        "citation": "",
        "fix": None,
    }


def ask_query(user: Actor, visit: Visit, question: str, topic: str = "other") -> ProviderQuery:
    """Ask the provider a documentation question; the visit waits until it is answered."""
    require(user, visit.practice_id, "change_codes")
    question = (question or "").strip()
    if not question:
        raise ServiceError("question", "write the question for the provider")
    if topic not in ProviderQuery.Topic.values:
        raise ServiceError("topic", f"expected one of {', '.join(ProviderQuery.Topic.values)}")
    with transaction.atomic(), audit.acting_as(user):
        work = start_coding(user, visit)
        if work.state not in (CodingWork.State.CODING, CodingWork.State.QUERY):
            raise ServiceError("visit", "only a visit being coded can wait for the provider")
        query = ProviderQuery.objects.create(
            practice_id=visit.practice_id,
            visit=visit,
            topic=topic,
            question=question[:2000],
            asked_by=signed_in(user),
        )
        if work.state != CodingWork.State.QUERY:
            work.state = CodingWork.State.QUERY
            work.save(update_fields=["state"])
    return query


def answer_query(user: Actor, query: ProviderQuery, answer: str) -> ProviderQuery:
    """Record the provider's answer; with no other question open the visit returns to its
    coder. The one who asked cannot answer their own question."""
    require(user, query.practice_id, "edit_notes")
    answer = (answer or "").strip()
    if not answer:
        raise ServiceError("answer", "write the provider's answer")
    if query.asked_by_id == getattr(user, "pk", None):
        raise ServiceError("answer", "the provider answers a query, not the coder who asked it")
    with transaction.atomic(), audit.acting_as(user):
        query = ProviderQuery.objects.select_for_update().get(pk=query.pk)
        if not query.is_open:
            raise ServiceError("query", "already answered")
        query.answer = answer[:4000]
        query.answered_by = signed_in(user)
        query.answered_at = timezone.now()
        query.save()
        still_open = ProviderQuery.objects.filter(visit_id=query.visit_id, answered_at=None)
        work = CodingWork.objects.filter(visit_id=query.visit_id).first()
        if work and work.state == CodingWork.State.QUERY and not still_open.exists():
            work.state = CodingWork.State.CODING
            work.save(update_fields=["state"])
    return query
