"""Writing an 835 import in bulk: many rows in a few statements, inside the caller's
transaction.

Posting one 835 writes tens of thousands of ledger rows. Building a model instance per
row (and snapshotting each for the audit trail) costs more than the database does, so
the import hands plain values to these helpers and records one audit event for the file
instead. Nothing here commits: ``import_era`` holds the one transaction, so an error
anywhere still leaves no partial posting.

On PostgreSQL rows go in with COPY; every other database gets ``executemany``.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import F, Lookup, Q
from django.utils import timezone

from medbill.core.money import Money
from medbill.web.billing.models import Claim
from medbill.web.practice import audit
from medbill.web.practice.base import PracticeOwned

__all__ = ["audit_created", "insert_instances", "insert_rows", "one_of", "update_claims"]

# Plain values go to the driver as they are; JSON fields and the like need the field's help.
_SIMPLE = (
    models.CharField,
    models.IntegerField,
    models.DateField,
    models.DecimalField,
    models.BooleanField,
    models.ForeignKey,
    models.TextField,
)
# Rows per executemany() where there is no COPY: bounds the memory a generator would save.
_BATCH = 2000


def insert_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """INSERT ``rows`` (dicts by field attribute name) without building model instances.

    Every row must name the same fields; fields no row names take their model defaults.
    ``rows`` may be a generator: COPY sends what is written while the rest is made, so
    the server inserts while Python still works out the later rows.
    Returns the number of rows written.
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in first}
    # PostgreSQL takes an aware datetime as it is; SQLite needs Django's text form of it
    # (naive UTC), or its rows would sort apart from those the ORM writes.
    prep = [
        (i, f)
        for i, f in enumerate(fields)
        if not isinstance(f, _SIMPLE)
        or (isinstance(f, models.DateTimeField) and connection.vendor != "postgresql")
    ]
    money = [i for i, f in enumerate(fields) if isinstance(f, models.DecimalField)]
    pick = operator.itemgetter(*(f.attname for f in fields))

    def values(row: dict[str, Any]) -> list[Any]:
        out = list(pick({**defaults, **row} if defaults else row))
        for i in money:
            if isinstance(out[i], Money):
                out[i] = out[i].amount
        for i, f in prep:
            out[i] = f.get_db_prep_save(out[i], connection)
        return out

    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY runs on the driver's own cursor: map its errors to Django's, so a
            # unique or trigger violation is an IntegrityError like any other write's.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                copy.write_row(values(first))
                count = 1
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            batch = [values(first)]
            for row in rows:
                batch.append(values(row))
                if len(batch) >= _BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


CLOSED = Claim.Status.CLOSED.value


def update_claims(claims: list[Any]) -> None:
    """Status, payer claim number and reason of many claims in one statement.

    ``claims`` are rows with ``pk``, ``status``, ``payer_claim_number`` and
    ``status_reason``.
    """
    # A closed claim stays closed (a late 835 for an original that a corrected claim
    # replaced still posts its money, but does not reopen it). A claim met twice in one set
    # (a reversal, then its corrected payment) keeps the last status.
    rows = list(
        {c.pk: (c.pk, c.status, c.payer_claim_number, c.status_reason) for c in claims}.values()
    )
    if not rows:
        return
    table = connection.ops.quote_name(Claim._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Four arrays rather than four parameters per claim: quoting and sending each
            # value as its own parameter took longer than the UPDATE.
            ids, statuses, numbers, reasons = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(
                f"UPDATE {table} AS c SET status = v.status, payer_claim_number = v.pcn, "
                "status_reason = v.reason, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) "
                "AS v(id, status, pcn, reason) WHERE c.id = v.id AND c.status <> %s",
                [now, ids, statuses, numbers, reasons, CLOSED],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, payer_claim_number = %s, status_reason = %s, "
                "updated_at = %s WHERE id = %s AND status <> %s",
                [(status, pcn, reason, now, pk, CLOSED) for pk, status, pcn, reason in rows],
            )


def insert_instances(model: Any, instances: list[models.Model]) -> int:
    """INSERT unsaved ``instances`` as ``insert_rows`` does (their ids are not set): field
    values as ``save()`` would store them, ``auto_now`` times included."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return insert_rows(
        model, ({f.attname: f.pre_save(obj, True) for f in fields} for obj in instances)
    )


def audit_created(instances: Iterable[PracticeOwned], at: datetime.datetime) -> None:
    """One audit event per row written in bulk (with its id set): the event ``save()``
    would have recorded (action create, the values set), all in one statement."""
    from medbill.web.practice.models import AuditEvent

    actor = audit.current_actor()
    who = actor.user
    insert_rows(
        AuditEvent,
        (
            dict(
                at=at,
                user_id=who.pk if who is not None else None,
                username=who.get_username() if who is not None else "",
                practice_id=row.practice_id,
                object_type=row._meta.label,
                object_id=str(row.pk),
                object_repr=f"{row._meta.verbose_name} {row.pk}"[:120],
                action="create",
                changes={
                    k: {"before": None, "after": v}
                    for k, v in audit.snapshot(row).items()
                    if v not in (None, "", [], {})
                },
                source=actor.source,
            )
            for row in instances
        ),
    )


class _AnyOf(Lookup):
    """``column = ANY(%s)`` with the values as one array parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    # Django's lookups return their parameters as a list; django-stubs says a tuple.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self.rhs]


def one_of(field: str, values: Iterable[Any]) -> Any:
    """A filter for ``field`` being any of ``values`` (thousands of them, in a large 835).

    On PostgreSQL the values travel as one array: as ``field__in`` each would be its own
    parameter, and quoting tens of thousands of them costs more than the query itself.
    """
    values = list(values)
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), values)
    return Q(**{f"{field}__in": values})
