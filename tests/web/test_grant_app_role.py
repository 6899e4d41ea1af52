"""``medbill db grant-app-role``: on PostgreSQL the app's role can add to the ledger, the
audit trail, claim events and ERA files, but cannot change, remove, truncate them or turn
their triggers off. Tested for real: a role is created, granted, and connected as."""

from __future__ import annotations

import os
import uuid

import pytest
from django.db import connection

from medbill.web.billing.models import Entry
from medbill.web.billing.services import post_payment
from medbill.web.practice import dbroles
from medbill.web.practice.base import AppendOnlyModel
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

# The tables the issue names; the grant list must cover them whatever else it holds.
NAMED = {
    "billing_entry",
    "practice_auditevent",
    "practice_auditeventpatient",
    "claims_out_claimevent",
    "billing_remittancefile",
    "billing_provideradjustment",
}


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "database roles exist on PostgreSQL only; run with "
            "DATABASE_URL=postgres://... to test the app's role"
        )


@pytest.fixture
def app_role():
    """A fresh login role (dropped afterwards with everything granted to it)."""
    _postgres_only()
    name = f"medbill_test_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


@pytest.fixture
def as_role(app_role):
    """A psycopg connection to the test database as the app's role (autocommit)."""
    import psycopg

    s = connection.settings_dict
    conn = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        dbname=s["NAME"],
        user=app_role,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()


def refused(conn, sql: str, params=()) -> str:
    """Run ``sql`` as the app's role; it must fail. Returns PostgreSQL's message."""
    import psycopg

    with pytest.raises(psycopg.Error) as failure, conn.cursor() as cursor:
        cursor.execute(sql, params)
    return str(failure.value)


def copy_row(conn, model, pk) -> int:
    """INSERT a copy of one row (every column but the id) as the app's role."""
    columns = ", ".join(f.column for f in model._meta.concrete_fields if not f.primary_key)
    table = model._meta.db_table
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE id = %s "
            "RETURNING id",
            [pk],
        )
        return cursor.fetchone()[0]


class TestTheList:
    def test_it_comes_from_the_models(self):
        tables = {m._meta.db_table for m in dbroles.append_only_models()}
        assert tables >= NAMED
        assert {
            m._meta.db_table for m in dbroles.append_only_models() if issubclass(m, AppendOnlyModel)
        } >= {"billing_entry", "practice_auditevent", "claims_out_claimevent"}

    def test_sqlite_has_no_roles(self):
        if connection.vendor == "postgresql":
            pytest.skip("checks the refusal on other databases")
        with pytest.raises(dbroles.AppRoleError, match="PostgreSQL"):
            dbroles.grant_app_role("medbill_app")


class TestGrants:
    def test_append_only_tables_take_inserts_only(self, world, app_role, as_role):
        entry = post_payment(world.users["biller"], world.a.patient, "20.00")
        grants = dbroles.grant_app_role(app_role)
        assert set(grants.tables_with(dbroles.APPEND_ONLY)) >= NAMED
        event = AuditEvent.objects.filter(object_type="billing.Entry").first()

        # Reading and adding work: a copy of a ledger entry and of an audit event.
        with as_role.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM billing_entry WHERE patient_id = %s", [world.a.patient.pk]
            )
            assert cursor.fetchone()[0] == 1
        assert copy_row(as_role, Entry, entry.pk) != entry.pk
        assert copy_row(as_role, AuditEvent, event.pk) != event.pk
        assert Entry.objects.filter(patient=world.a.patient).count() == 2

        for table in sorted(NAMED):
            with as_role.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {table}")
            assert "permission denied" in refused(as_role, f"UPDATE {table} SET id = id")
            assert "permission denied" in refused(as_role, f"DELETE FROM {table}")
            assert "permission denied" in refused(as_role, f"TRUNCATE {table}")
            assert "must be owner" in refused(as_role, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            assert "must be owner" in refused(as_role, f"DROP TABLE {table}")
        # Nothing was removed or changed by any of it.
        assert Entry.objects.filter(patient=world.a.patient).count() == 2
        assert Entry.objects.get(pk=entry.pk).amount == entry.amount

    def test_ordinary_tables_take_changes_but_not_truncate(self, world, app_role, as_role):
        dbroles.grant_app_role(app_role)
        with as_role.cursor() as cursor:
            cursor.execute(
                "UPDATE frontdesk_patient SET phone = %s WHERE id = %s",
                ["608-555-0101", world.a.patient.pk],
            )
            assert cursor.rowcount == 1
        assert "permission denied" in refused(as_role, "TRUNCATE frontdesk_patient CASCADE")
        assert "must be owner" in refused(
            as_role, "ALTER TABLE frontdesk_patient DISABLE TRIGGER ALL"
        )
        assert "permission denied" in refused(as_role, "CREATE TABLE medbill_scratch (x int)")
        assert "permission denied" in refused(
            as_role, "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"
        )

    def test_running_it_again_changes_nothing_and_takes_back_extra_rights(self, app_role, as_role):
        first = dbroles.grant_app_role(app_role)
        with connection.cursor() as cursor:  # someone granted too much by hand
            cursor.execute(f"GRANT ALL ON billing_entry TO {app_role}")
        assert dbroles.grant_app_role(app_role).tables == first.tables
        assert "permission denied" in refused(as_role, "DELETE FROM billing_entry")

    def test_patient_links_are_append_only_even_for_the_owner(self, world):
        """The table added with bulk-read auditing has the audit trail's trigger too."""
        import django.db

        from medbill.web.practice.models import AuditEventPatient

        _postgres_only()
        link = AuditEventPatient.objects.first()
        assert link is not None
        with pytest.raises(django.db.Error, match="append-only"), connection.cursor() as c:
            c.execute(
                "UPDATE practice_auditeventpatient SET patient_id = 0 WHERE id = %s", [link.pk]
            )


class TestRefusals:
    def test_a_role_that_does_not_exist(self):
        _postgres_only()
        with pytest.raises(dbroles.AppRoleError, match="no database role"):
            dbroles.grant_app_role("medbill_no_such_role_x")

    def test_the_owner_itself(self):
        _postgres_only()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            me = cursor.fetchone()[0]
        with pytest.raises(dbroles.AppRoleError):
            dbroles.grant_app_role(me)

    def test_a_role_that_owns_a_table(self, app_role):
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE billing_entry OWNER TO {app_role}")
        try:
            with pytest.raises(dbroles.AppRoleError, match="owns"):
                dbroles.grant_app_role(app_role)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE billing_entry OWNER TO current_user")

    def test_a_name_that_is_not_a_plain_role_name(self):
        _postgres_only()
        with pytest.raises(dbroles.AppRoleError, match="plain role name"):
            dbroles.grant_app_role('app"; DROP TABLE billing_entry; --')


class TestCommands:
    def test_grant_app_role_command(self, app_role):
        from typer.testing import CliRunner

        from medbill.cli.main import app

        result = CliRunner().invoke(app, ["db", "grant-app-role", "--role", app_role])
        assert result.exit_code == 0, result.output
        assert "billing_entry" in result.output and "SELECT, INSERT" in result.output
        again = CliRunner().invoke(app, ["db", "grant-app-role", "--role", app_role])
        assert again.exit_code == 0 and again.output == result.output

    def test_grant_app_role_command_names_the_problem(self):
        from typer.testing import CliRunner

        from medbill.cli.main import app

        result = CliRunner().invoke(app, ["db", "grant-app-role", "--role", "medbill_nope_x"])
        assert result.exit_code == 2
        assert "--role:" in result.output
        assert ("no database role" in result.output) or ("PostgreSQL" in result.output)

    def test_migrate_regrants_the_app_role(self, app_role, monkeypatch):
        from typer.testing import CliRunner

        from medbill.cli.main import app

        monkeypatch.setenv("MEDBILL_APP_DB_ROLE", app_role)
        result = CliRunner().invoke(app, ["migrate"])
        assert result.exit_code == 0, result.output
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(%s, 'billing_entry', 'INSERT'), "
                "has_table_privilege(%s, 'billing_entry', 'UPDATE'), "
                "has_table_privilege(%s, 'frontdesk_patient', 'UPDATE')",
                [app_role] * 3,
            )
            assert cursor.fetchone() == (True, False, True)

    def test_migrate_on_sqlite_says_the_role_is_ignored(self, monkeypatch):
        from typer.testing import CliRunner

        from medbill.cli.main import app

        if connection.vendor == "postgresql":
            pytest.skip("checks the message on databases without roles")
        monkeypatch.setenv("MEDBILL_APP_DB_ROLE", "medbill_app")
        result = CliRunner().invoke(app, ["migrate"])
        assert result.exit_code == 0, result.output
        assert "MEDBILL_APP_DB_ROLE=medbill_app ignored" in result.output


def test_owner_commands_connect_with_the_owner_url(monkeypatch):
    from medbill.cli._django import setup

    monkeypatch.setenv("DATABASE_URL", "postgres://medbill_app@db/medbill")
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgres://medbill_owner@db/medbill")
    setup()
    assert "medbill_app@" in os.environ["DATABASE_URL"]
    setup(owner=True)
    assert "medbill_owner@" in os.environ["DATABASE_URL"]
