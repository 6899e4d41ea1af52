"""The PostgreSQL role the app connects as: it owns nothing and can only add to history.

Migrations run as the owner of the tables (``DATABASE_OWNER_URL``); the web app, the API
and the workers connect as a second role (``DATABASE_URL``) that :func:`grant_app_role`
gives exactly what they need:

- ordinary tables: SELECT, INSERT, UPDATE, DELETE;
- append-only tables (the ledger, the audit trail, claim events, ERA files, provider
  adjustments, signed paperwork — every model deriving from ``AppendOnlyModel``, the
  models whose rows the database refuses to change, see ``append_only``): SELECT and
  INSERT only;
- tables only migrations write (:data:`READ_ONLY_TABLES`): SELECT;
- USAGE on the schema and on its sequences.

Without ownership the role cannot TRUNCATE, ALTER (``DISABLE TRIGGER``) or DROP any table,
so neither a bug nor a stolen app password can rewrite the ledger or the audit trail.
Privileges are revoked and granted again in one transaction, so running it twice changes
nothing, and a table that became append-only loses its UPDATE and DELETE. New tables get
no privileges until it runs again: ``medbill migrate`` runs it after migrating when
``MEDBILL_APP_DB_ROLE`` is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections, models, transaction

from medbill.web.practice.base import AppendOnlyModel

__all__ = [
    "READ_ONLY_TABLES",
    "AppRoleError",
    "Grants",
    "append_only_models",
    "grant_app_role",
]


# Tables written by migrations only; the app reads them (Django checks for unapplied
# migrations when it starts).
READ_ONLY_TABLES: tuple[str, ...] = ("django_migrations",)

ORDINARY: tuple[str, ...] = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY: tuple[str, ...] = ("SELECT", "INSERT")
READ_ONLY: tuple[str, ...] = ("SELECT",)

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


class AppRoleError(Exception):
    """The role cannot be made the app's role (missing, superuser, owner of tables ...)."""


@dataclass
class Grants:
    """What :func:`grant_app_role` granted, table by table."""

    role: str
    schema: str
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sequences: int = 0

    def tables_with(self, privileges: tuple[str, ...]) -> list[str]:
        return sorted(t for t, p in self.tables.items() if p == privileges)


def append_only_models() -> list[type[models.Model]]:
    """Every installed model whose rows are never changed or removed."""
    found = {m for m in apps.get_models() if issubclass(m, AppendOnlyModel)}
    return sorted(found, key=lambda m: m._meta.label)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_role(cursor, role: str, schema: str) -> None:
    cursor.execute("SELECT oid, rolsuper FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        raise AppRoleError(
            f"no database role named {role!r}; create it first "
            f"(CREATE ROLE {role} LOGIN PASSWORD '...'), then run this again"
        )
    oid, superuser = row
    cursor.execute("SELECT current_user")
    if cursor.fetchone()[0] == role:
        raise AppRoleError(
            f"{role!r} is the role this command is connected as; run it as the owner of the "
            "tables (DATABASE_OWNER_URL) and name the app's own role"
        )
    if superuser:
        raise AppRoleError(f"{role!r} is a superuser; the app's role must be an ordinary role")
    # A member of the owning role inherits ownership: it could ALTER or TRUNCATE.
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S', 'v', 'm') "
        "AND pg_has_role(%s, c.relowner, 'MEMBER')",
        [schema, oid],
    )
    owned = cursor.fetchone()[0]
    if owned:
        raise AppRoleError(
            f"{role!r} owns {owned} table(s) or sequence(s) of schema {schema!r}, or is a "
            "member of the role that does; the app's role must own nothing"
        )


def grant_app_role(role: str, using: str = "default") -> Grants:
    """Give ``role`` the app's privileges on every table of the current schema.

    Run it connected as the owner of the tables. Raises :class:`AppRoleError` when the
    role does not exist, is a superuser or owns (or inherits ownership of) any table.
    """
    if not _ROLE_NAME.match(role):
        raise AppRoleError(f"{role!r} is not a plain role name (letters, digits, _ and $)")
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise AppRoleError(
            f"database roles are a PostgreSQL feature; this database is {connection.vendor}"
        )
    append_only = {m._meta.db_table for m in append_only_models()}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        _check_role(cursor, role, schema)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [schema],
        )
        names = [r[0] for r in cursor.fetchall()]
        who, where = _quote(role), _quote(schema)
        grants = Grants(role, schema)
        cursor.execute(f"GRANT USAGE ON SCHEMA {where} TO {who}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA {where} FROM {who}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}")
        for name in names:
            if name in append_only:
                privileges = APPEND_ONLY
            elif name in READ_ONLY_TABLES:
                privileges = READ_ONLY
            else:
                privileges = ORDINARY
            cursor.execute(
                f"GRANT {', '.join(privileges)} ON TABLE {where}.{_quote(name)} TO {who}"
            )
            grants.tables[name] = privileges
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {where} TO {who}")
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'S'",
            [schema],
        )
        grants.sequences = cursor.fetchone()[0]
    return grants
