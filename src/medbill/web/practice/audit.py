"""The audit trail: who created, changed, deleted or looked at PHI and money rows.

Create, update and delete of every ``Audited`` model are recorded by model signals, so
no view or service can forget them. The acting user comes from :func:`acting_as`, which
the request middleware (web), the API authentication (tokens) and the command line set::

    with audit.acting_as(user, source="cli"):
        patient.save()

Reads are recorded explicitly: one record with :func:`record_view`, many at once (a
list, a search) with :func:`record_list`, a file that carries many (an 837P batch, a
CSV) with :func:`record_export`. Requests refused with a 403 are recorded by the request
middleware with :func:`record_denied`. Every event is linked to the patients it touched
(``AuditEventPatient``), so the auditor can ask "who saw or changed this patient".
Sign-ins, sign-outs, failed sign-ins and lockouts are events of the same trail, written by
:mod:`medbill.web.practice.auth_audit` from Django's and django-axes' signals.

Events hold before/after values of the changed fields; they live in the database behind
the ``view_audit`` permission and are never written to logs.

Work that changes many rows in one transaction (an HL7 message makes a dozen events) can
write its events together at the end with :func:`batched`: two INSERTs instead of two per
event, in the same transaction, so they commit or roll back with the changes.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.http import HttpRequest

from medbill.core.money import Money
from medbill.web.practice import tenancy
from medbill.web.practice.base import Audited
from medbill.web.practice.tenancy import signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from medbill.web.practice.models import AuditEvent

__all__ = [
    "Actor",
    "acting_as",
    "batched",
    "connect_signals",
    "current_actor",
    "note_refusal",
    "patient_ids_of",
    "record",
    "record_denied",
    "record_export",
    "record_list",
    "record_view",
    "set_actor",
    "watching_refusals",
    "snapshot",
    "type_label",
    "update_where",
    "with_acronyms",
]


@dataclass(frozen=True)
class Actor:
    user: User | None
    source: str


_actor: ContextVar[Actor | None] = ContextVar("medbill_audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user: tenancy.Actor, source: str | None = None) -> Iterator[Actor]:
    """Attribute every audit event inside the block to ``user``.

    ``None`` is the system acting on its own, unless an enclosing block names a user:
    then the change is still that user's (a biller's replay of an EHR message runs the
    desk's use cases as the system, and the trail names the biller). ``source`` says
    where the change comes from (web, api, cli, worker, hl7); by default the source of
    the enclosing block is kept.
    """
    enclosing = current_actor()
    actor = Actor(
        signed_in(user) if user is not None else enclosing.user,
        source or enclosing.source,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def set_actor(user: tenancy.Actor, source: str) -> None:
    """Attribute the rest of the current request to ``user`` (API token authentication).

    Only call this inside a block opened by :func:`acting_as` (the request middleware
    opens one), which restores the previous actor when it ends.
    """
    _actor.set(Actor(signed_in(user), source))


def current_actor() -> Actor:
    return _actor.get() or Actor(None, "system")


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of one field value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited field values of ``instance`` (by attribute name, foreign keys as ids)."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    values = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude or f.attname in exclude:
            continue
        if f.attname in instance.__dict__:  # deferred fields are not loaded; skip them
            values[f.attname] = _plain(instance.__dict__[f.attname])
    secret_keys = set(getattr(instance, "audit_secret_keys", ()))
    for name, value in values.items():
        # A settings document may hold a secret among plain values: keep that it changed.
        if secret_keys and isinstance(value, dict):
            values[name] = {
                k: ("(secret)" if k in secret_keys and v else v) for k, v in value.items()
            }
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = {"before": old, "after": new}
    return changes


def _practice_id(instance: models.Model) -> int | None:
    if instance._meta.label == "practice.Practice":
        return instance.pk
    return getattr(instance, "practice_id", None)


def _object_repr(instance: models.Model) -> str:
    # The type and id identify the row; names of patients are deliberately left out.
    return f"{instance._meta.verbose_name} {instance.pk}"[:120]


PATIENT_LABEL = "frontdesk.Patient"

# The foreign keys that lead from a row to its patient, tried in this order.
_PATIENT_PATHS = ("patient", "visit", "claim", "coverage")


def patient_ids_of(instance: models.Model) -> list[int]:
    """The patient a row belongs to (a patient, or a row with a patient, visit, claim or
    coverage: an insurance card reaches its patient through the coverage)."""
    if instance._meta.label == PATIENT_LABEL:
        return [instance.pk] if instance.pk is not None else []
    for name in _PATIENT_PATHS:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if (
            not isinstance(field, models.Field)
            or not field.many_to_one
            or getattr(instance, field.attname, None) is None
        ):
            continue
        if name == "patient":
            return [getattr(instance, field.attname)]
        try:
            related = getattr(instance, name)
        except ObjectDoesNotExist:  # removed in the same cascade
            return []
        return patient_ids_of(related)
    return []


def _patient_ids_of_rows(rows: list[models.Model]) -> list[int]:
    """:func:`patient_ids_of` for many rows of one model, in one query, not one per row."""
    meta = rows[0]._meta
    if meta.label == PATIENT_LABEL:
        return [row.pk for row in rows]
    for name in _PATIENT_PATHS:
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, models.Field) or not field.many_to_one:
            continue
        ids = {getattr(row, field.attname) for row in rows} - {None}
        if name == "patient":
            return sorted(ids)
        target = field.related_model
        assert isinstance(target, type)  # a foreign key's model, resolved once apps are ready
        try:
            target._meta.get_field("patient")
        except FieldDoesNotExist:
            break
        found = target._default_manager.filter(pk__in=ids).values_list("patient_id", flat=True)
        return sorted(set(found))
    return sorted({p for row in rows for p in patient_ids_of(row)})


class _Pending:
    """An event written inside :func:`batched`, not yet inserted. Registered as a (no-op)
    on-commit callback: Django drops the callbacks of a savepoint that rolls back, which
    tells the flush that this event's change was undone."""

    def __init__(self, event: Any, patients: list[int]) -> None:
        self.event = event
        self.patients = patients

    def __call__(self) -> None:
        pass


_batch: ContextVar[list[_Pending] | None] = ContextVar("medbill_audit_batch", default=None)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Write the audit events of the block together when it ends (two INSERTs for all of
    them). Open it inside the transaction whose changes it records: the events are
    inserted before that transaction commits. Events of a savepoint rolled back inside
    the block are dropped with it; when the block raises, none are written. Nested
    blocks leave the writing to the outermost."""
    if _batch.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit.batched() belongs inside transaction.atomic()")
    pending: list[_Pending] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    _flush(pending)


def _flush(pending: list[_Pending]) -> None:
    from medbill.web.practice.models import AuditEvent, AuditEventPatient

    alive = {id(entry[1]) for entry in connection.run_on_commit}
    kept = [p for p in pending if id(p) in alive]
    if not kept:
        return
    if connection.vendor == "postgresql":
        _flush_postgresql(kept)
        return
    AuditEvent.objects.bulk_create([p.event for p in kept])
    AuditEventPatient.objects.bulk_create(
        [AuditEventPatient(event=p.event, patient_id=pid) for p in kept for pid in p.patients]
    )


# The events and their patients in one statement: the events' ids are drawn first (so the
# patients' rows can name them), then both tables are filled from the same rows, sent as
# one JSON document (cheaper to send than an array for each column).
_EVENT_COLUMNS = (
    ("at", "timestamptz"),
    ("user_id", "integer"),
    ("username", "text"),
    ("practice_id", "bigint"),
    ("object_type", "text"),
    ("object_id", "text"),
    ("object_repr", "text"),
    ("action", "text"),
    ("changes", "jsonb"),
    ("source", "text"),
    ("detail", "jsonb"),
)
_FLUSH_SQL = """
WITH given AS (
    SELECT nextval(pg_get_serial_sequence('practice_auditevent', 'id')) AS id, u.*
    FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({typed}, patients jsonb))
    WITH ORDINALITY AS u({names}, patients, n)
), events AS (
    INSERT INTO practice_auditevent (id, {names}) SELECT id, {names} FROM given
), links AS (
    INSERT INTO practice_auditeventpatient (event_id, patient_id)
    SELECT given.id, p.patient_id::bigint FROM given
    CROSS JOIN LATERAL jsonb_array_elements_text(given.patients) AS p(patient_id)
)
SELECT id FROM given ORDER BY n
""".format(
    typed=", ".join(f"{name} {kind}" for name, kind in _EVENT_COLUMNS),
    names=", ".join(name for name, _ in _EVENT_COLUMNS),
)


def _flush_postgresql(kept: list[_Pending]) -> None:
    from medbill.web.practice.models import AuditEvent

    events = [p.event for p in kept]
    rows = []
    for pending, event in zip(kept, events, strict=True):
        row = {name: getattr(event, name) for name, _ in _EVENT_COLUMNS}
        row["at"] = event.at.isoformat()  # to the microsecond (the encoder keeps milliseconds)
        row["patients"] = pending.patients
        rows.append(row)
    field = AuditEvent._meta.get_field("changes")
    assert isinstance(field, models.JSONField)
    with connection.cursor() as cursor:
        cursor.execute(_FLUSH_SQL, [json.dumps(rows, cls=field.encoder)])
        ids = [row[0] for row in cursor.fetchall()]
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias


def _write(
    *,
    practice_id: int | None,
    object_type: str,
    object_id: str,
    object_repr: str,
    action: str,
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    patients: Iterable[int] = (),
    user: tenancy.Actor = None,
    source: str | None = None,
) -> AuditEvent:
    from medbill.web.practice.models import AuditEvent, AuditEventPatient

    actor = current_actor()
    who = signed_in(user) if user is not None else actor.user
    ids = sorted({int(p) for p in patients if p is not None})
    event = AuditEvent(
        user=who,
        username=who.get_username() if who is not None else "",
        practice_id=practice_id,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:120],
        action=action,
        changes=changes or {},
        detail=detail or {},
        source=(source or actor.source)[:40],
    )
    pending = _batch.get()
    if pending is not None:
        marker = _Pending(event, ids)
        transaction.on_commit(marker)
        pending.append(marker)
        return event
    event.save()
    if ids:
        AuditEventPatient.objects.bulk_create(
            [AuditEventPatient(event=event, patient_id=p) for p in ids]
        )
    return event


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, Any] | None = None,
    user: tenancy.Actor = None,
    source: str | None = None,
    *,
    detail: dict[str, Any] | None = None,
    patients: Iterable[int] | None = None,
) -> AuditEvent:
    """Write one audit event about ``instance`` (attributed to the current actor by default).

    The event is linked to ``patients``, by default the patient ``instance`` belongs to.
    """
    return _write(
        practice_id=_practice_id(instance),
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=_object_repr(instance),
        action=action,
        changes=changes,
        detail=detail,
        patients=patient_ids_of(instance) if patients is None else patients,
        user=user,
        source=source,
    )


def record_view(
    instance: models.Model, user: tenancy.Actor = None, source: str | None = None
) -> AuditEvent:
    """Record that a user looked at ``instance`` (a patient record)."""
    return record(instance, "view", user=user, source=source)


def record_list(
    rows: Iterable[models.Model],
    user: tenancy.Actor = None,
    source: str | None = None,
    *,
    search: str = "",
    action: str = "list",
) -> list[AuditEvent]:
    """Record that a user was given ``rows`` at once (a list, a search result).

    One event per practice among the rows, so each practice's auditor sees what left
    their practice: the count, the ids and (linked) the patients. An empty result is
    not recorded. ``search`` keeps what the user searched for.
    """
    by_practice: dict[int | None, list[models.Model]] = {}
    for row in rows:
        by_practice.setdefault(_practice_id(row), []).append(row)
    events = []
    for practice_id, group in by_practice.items():
        meta = group[0]._meta
        detail: dict[str, Any] = {"count": len(group), "ids": [row.pk for row in group]}
        if search:
            detail["search"] = search
        patients = _patient_ids_of_rows(group)
        events.append(
            _write(
                practice_id=practice_id,
                object_type=meta.label,
                object_id="",
                object_repr=f"{len(group)} {meta.verbose_name_plural}",
                action=action,
                detail=detail,
                patients=patients,
                user=user,
                source=source,
            )
        )
    return events


def record_export(
    instance: models.Model,
    patients: Iterable[int],
    detail: dict[str, Any],
    user: tenancy.Actor = None,
    source: str | None = None,
) -> AuditEvent:
    """Record that a user downloaded a file (``instance``) carrying many patients' data."""
    return record(
        instance, "export", user=user, source=source, detail=detail, patients=list(patients)
    )


# -- refusals ----------------------------------------------------------------------------------

# The practice whose rule refused the current request (set by ``permissions.require``):
# an API user belongs to several practices, and the refusal belongs to the practice of
# the row they asked for, not to the one chosen in the web session.
_refusal: ContextVar[tuple[int | None, str, str] | None] = ContextVar(
    "medbill_audit_refusal", default=None
)


@contextlib.contextmanager
def watching_refusals() -> Iterator[None]:
    """Scope :func:`note_refusal` to one request (threads serve many requests in turn)."""
    token = _refusal.set(None)
    try:
        yield
    finally:
        _refusal.reset(token)


def note_refusal(practice_id: int | None, action: str, reason: str) -> None:
    """Remember which practice, rule and reason a ``PermissionDenied`` is about to refuse."""
    _refusal.set((practice_id, action, reason))


def record_denied(
    request: HttpRequest, status: int, reason: str = "", practice_id: int | None = None
) -> AuditEvent:
    """Record a refused request: who, which view and ids, and why (never the query string).

    The route pattern and its numeric arguments name what was asked for without copying
    anything the user typed (a search, a kiosk code) into the trail.
    """
    match = getattr(request, "resolver_match", None)
    noted = _refusal.get()
    if noted is not None:
        practice_id, reason = noted[0], reason or noted[2]
    ids = {}
    route = ""
    view = ""
    if match is not None:
        route = match.route
        view = match.view_name or ""
        ids = {k: v for k, v in match.kwargs.items() if isinstance(v, int)}
    detail: dict[str, Any] = {
        "method": request.method,
        "route": route,
        "view": view,
        "status": status,
        "reason": reason[:200],
    }
    if ids:
        detail["ids"] = ids
    if noted is not None:
        detail["rule"] = noted[1]
    object_id = next(iter(ids.values()), "")
    return _write(
        practice_id=practice_id,
        object_type="request",
        object_id=str(object_id),
        object_repr=f"{request.method} {view or route}",
        action="denied",
        detail=detail,
        patients=[ids["patient_id"]] if "patient_id" in ids else [],
    )


def update_where(
    model: type[models.Model],
    pk: int,
    expected: dict[str, Any],
    *,
    refresh: models.Model | None = None,
    **changes: Any,
) -> bool:
    """``UPDATE model SET changes WHERE pk=pk AND expected``, audited; True if it changed.

    The conditional update claims work safely (two billers cannot both move a claim from
    ``scrubbed`` to ``submitted``): it changes exactly one row or none. ``QuerySet.update``
    skips the audit signals, so this records the event itself, with ``expected`` as the
    before values of the fields it changes. ``refresh``: the caller's instance of the row,
    brought up to date from the row read back for the audit (as ``refresh_from_db`` would,
    without reading it a second time).
    """
    rows = model._default_manager.filter(pk=pk, **expected).update(**changes)
    if rows != 1:
        return False
    instance = model._default_manager.get(pk=pk)
    after = snapshot(instance)
    diff = {}
    for name in changes:
        attname = _attname(instance, name)
        before = expected.get(name, expected.get(attname))
        diff[attname] = {"before": _plain(before), "after": after.get(attname)}
    record(instance, "update", diff)
    if refresh is not None:
        _copy_row(instance, refresh)
    return True


def _copy_row(source: models.Model, target: models.Model) -> None:
    """What ``refresh_from_db`` does with the row it reads: every column's value, and a
    cached related object dropped when its key changed."""
    for field in source._meta.concrete_fields:
        value = getattr(source, field.attname)
        changed = getattr(target, field.attname) != value
        if isinstance(field, models.ForeignKey) and changed and field.is_cached(target):
            field.delete_cached_value(target)
        setattr(target, field.attname, value)
    target._state.db = source._state.db
    target._state.adding = False


def _attname(instance: models.Model, name: str) -> str:
    """The column attribute of a concrete field (``practice_id`` for ``practice``)."""
    field = instance._meta.get_field(name)
    assert isinstance(field, models.Field)  # changed and updated fields are concrete
    return field.attname


# -- signals ----------------------------------------------------------------------------------


def _is_audited(sender: object) -> bool:
    return isinstance(sender, type) and issubclass(sender, Audited)


def _on_init(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    # Runs before ``from_db`` marks the row as loaded, so snapshot every audited instance;
    # for a new row the snapshot is simply not used (a create records all values).
    if isinstance(instance, Audited):  # the sender is the instance's class
        instance._audit_before = snapshot(instance)


def _on_save(
    sender: Any, instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not isinstance(instance, Audited):  # the sender is the instance's class
        return
    after = snapshot(instance)
    if created:
        changes = {
            k: {"before": None, "after": v} for k, v in after.items() if v not in (None, "", [], {})
        }
        record(instance, "create", changes)
    else:
        changes = _diff(getattr(instance, "_audit_before", {}), after)
        if kwargs.get("update_fields"):
            allowed = {_attname(instance, n) for n in kwargs["update_fields"]}
            changes = {k: v for k, v in changes.items() if k in allowed}
        if changes:
            record(instance, "update", changes)
    instance._audit_before = after


def _on_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if not _is_audited(sender):
        return
    before = getattr(instance, "_audit_before", None) or snapshot(instance)
    changes = {
        k: {"before": v, "after": None} for k, v in before.items() if v not in (None, "", [], {})
    }
    record(instance, "delete", changes)


def connect_signals() -> None:
    """Hook the audit trail into model signals (called once from the app's ``ready``)."""
    post_init.connect(_on_init, dispatch_uid="medbill_audit_init")
    post_save.connect(_on_save, dispatch_uid="medbill_audit_save")
    post_delete.connect(_on_delete, dispatch_uid="medbill_audit_delete")


# Words the office writes in capitals: a model's name in words comes out in lower case
# ("ehr link", "era import run"), and these stay as they are written elsewhere.
ACRONYMS = {
    word.lower(): word
    for word in (
        "837P", "ACK", "API", "CARC", "CLI", "CPT", "EFT", "EHR", "ERA", "FHIR", "HCPCS",
        "HL7", "ICD", "ID", "MLLP", "MSP", "NCCI", "NDC", "NPI", "PDF", "PLB", "RARC", "TIN",
    )
}  # fmt: skip


def with_acronyms(words: str) -> str:
    """``words`` with each acronym in capitals ("hl7" -> "HL7", "web 837p download" ->
    "web 837P download"); the rest as written."""
    return " ".join(ACRONYMS.get(word.lower(), word) for word in words.split(" "))


def type_label(object_type: str) -> str:
    """The kind of record an event names, in the office's words ("billing.Claim" -> "Claim",
    "interfaces.EhrLink" -> "EHR link", "billing.EraImportRun" -> "ERA import run"); a
    label of a model since removed is shown as stored."""
    from django.apps import apps

    if object_type == "request":
        return "Page or API request"
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    label = with_acronyms(str(model._meta.verbose_name))
    return label[:1].upper() + label[1:]
