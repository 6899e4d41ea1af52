"""The audit trail: who created, changed, deleted or looked at PHI and money rows.

Create, update and delete of every ``Audited`` model are recorded by model signals, so
no view or service can forget them. The acting user comes from :func:`acting_as`, which
the request middleware (web), the API authentication (tokens) and the command line set::

    with audit.acting_as(user, source="cli"):
        patient.save()

Views of a patient record are recorded explicitly with :func:`record_view`. Sign-ins,
sign-outs, failed sign-ins and lockouts are events of the same trail, written by
:mod:`medbill.web.practice.auth_audit` from Django's and django-axes' signals.
Events hold before/after values of the changed fields; they live in the database behind
the ``view_audit`` permission and are never written to logs.
"""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_init, post_save

from medbill.core.money import Money
from medbill.web.practice.base import Audited

__all__ = [
    "Actor",
    "acting_as",
    "connect_signals",
    "current_actor",
    "record",
    "record_view",
    "set_actor",
    "snapshot",
    "update_where",
]


@dataclass(frozen=True)
class Actor:
    user: Any
    source: str


_actor: ContextVar[Actor | None] = ContextVar("medbill_audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user: Any, source: str | None = None) -> Iterator[Actor]:
    """Attribute every audit event inside the block to ``user`` (None: the system).

    ``source`` says where the change comes from (web, api, cli, worker); by default the
    source of the enclosing block is kept.
    """
    actor = Actor(
        user if getattr(user, "is_authenticated", False) else None,
        source or current_actor().source,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def set_actor(user: Any, source: str) -> None:
    """Attribute the rest of the current request to ``user`` (API token authentication).

    Only call this inside a block opened by :func:`acting_as` (the request middleware
    opens one), which restores the previous actor when it ends.
    """
    _actor.set(Actor(user if getattr(user, "is_authenticated", False) else None, source))


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
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = {"before": old, "after": new}
    return changes


def _practice_id(instance: models.Model) -> Any:
    if instance._meta.label == "practice.Practice":
        return instance.pk
    return getattr(instance, "practice_id", None)


def _object_repr(instance: models.Model) -> str:
    # The type and id identify the row; names of patients are deliberately left out.
    return f"{instance._meta.verbose_name} {instance.pk}"[:120]


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, Any] | None = None,
    user: Any = None,
    source: str | None = None,
) -> Any:
    """Write one audit event about ``instance`` (attributed to the current actor by default)."""
    from medbill.web.practice.models import AuditEvent

    actor = current_actor()
    who = user if user is not None else actor.user
    if who is not None and not getattr(who, "is_authenticated", False):
        who = None
    return AuditEvent.objects.create(
        user=who,
        username=who.get_username() if who is not None else "",
        practice_id=_practice_id(instance),
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=_object_repr(instance),
        action=action,
        changes=changes or {},
        source=source or actor.source,
    )


def record_view(instance: models.Model, user: Any = None, source: str | None = None) -> Any:
    """Record that a user looked at ``instance`` (a patient record)."""
    return record(instance, "view", user=user, source=source)


def update_where(
    model: type[models.Model], pk: Any, expected: dict[str, Any], **changes: Any
) -> bool:
    """``UPDATE model SET changes WHERE pk=pk AND expected``, audited; True if it changed.

    The conditional update claims work safely (two billers cannot both move a claim from
    ``scrubbed`` to ``submitted``): it changes exactly one row or none. ``QuerySet.update``
    skips the audit signals, so this records the event itself, with ``expected`` as the
    before values of the fields it changes.
    """
    rows = model._default_manager.filter(pk=pk, **expected).update(**changes)
    if rows != 1:
        return False
    instance = model._default_manager.get(pk=pk)
    after = snapshot(instance)
    diff = {}
    for name in changes:
        attname = instance._meta.get_field(name).attname
        before = expected.get(name, expected.get(attname))
        diff[attname] = {"before": _plain(before), "after": after.get(attname)}
    record(instance, "update", diff)
    return True


# -- signals ----------------------------------------------------------------------------------


def _is_audited(sender: Any) -> bool:
    return isinstance(sender, type) and issubclass(sender, Audited)


def _on_init(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    # Runs before ``from_db`` marks the row as loaded, so snapshot every audited instance;
    # for a new row the snapshot is simply not used (a create records all values).
    if _is_audited(sender):
        instance._audit_before = snapshot(instance)


def _on_save(
    sender: Any, instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not _is_audited(sender):
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
            allowed = {instance._meta.get_field(n).attname for n in kwargs["update_fields"]}
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
