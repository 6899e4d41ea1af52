"""The database itself refuses to change or remove rows of append-only tables.

Every concrete model built on ``AppendOnlyModel`` (the ledger, the audit trail, claim
events, ERA files and provider adjustments, signed paperwork) gets triggers that refuse
UPDATE and DELETE, and an INSERT that would replace an existing row, on PostgreSQL
and SQLite alike: raw SQL, ``QuerySet.update()`` and ``bulk_create(update_conflicts=
True)`` fail as the models' own ``save()`` does.

The triggers are (re)installed after every ``migrate`` (``post_migrate``), because
SQLite rebuilds a table to alter it and a rebuilt table has lost its triggers.

Starting a whole database over (``flush``: the demo's reset, a test's teardown) is the
one sanctioned exception: PostgreSQL's TRUNCATE does not fire row triggers, and on
SQLite ``reset_allowed()`` lets the DELETE of a flush through for that connection only
(the delete trigger asks the connection's ``medbill_reset()`` function).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps

__all__ = ["append_only_tables", "install_triggers", "on_connection_created", "reset_allowed"]

_RESET = "medbill_reset"
_MESSAGE = "medbill: rows of {table} are append-only; post a correcting row instead"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION medbill_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'medbill: rows of % are append-only; post a correcting row instead',
        TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def append_only_tables() -> list[str]:
    """The tables of every installed append-only model, sorted."""
    from medbill.web.practice.base import AppendOnlyModel

    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if issubclass(m, AppendOnlyModel) and not m._meta.proxy
    )


def _sqlite_triggers(table: str) -> list[str]:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE.format(table=table)}'); END"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_update BEFORE UPDATE ON {table} "
        f"{refuse}",
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_delete BEFORE DELETE ON {table} "
        f"WHEN {_RESET}() = 0 {refuse}",
        # INSERT OR REPLACE removes the old row without firing delete triggers.
        f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) {refuse}",
    ]


def install_triggers(connection: Any) -> list[str]:
    """Install the refusing triggers on every append-only table; returns the tables."""
    tables = append_only_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table in tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                    f"ON {table} FOR EACH ROW EXECUTE FUNCTION medbill_refuse_change()"
                )
        elif connection.vendor == "sqlite":
            for table in tables:
                for sql in _sqlite_triggers(table):
                    cursor.execute(sql)
        else:
            return []
    return tables


@contextmanager
def reset_allowed(connection: Any) -> Iterator[None]:
    """Let this connection empty whole tables (a flush) until the block ends."""
    connection.medbill_reset = True
    try:
        yield
    finally:
        connection.medbill_reset = False


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each SQLite connection the function its delete triggers ask. A connection
    without it (another program) cannot delete at all."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        _RESET, 0, lambda: 1 if getattr(connection, "medbill_reset", False) else 0
    )


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install_triggers(connections[using])
