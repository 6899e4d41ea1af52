"""On PostgreSQL the database itself refuses UPDATE and DELETE of ledger entries and audit
events, so not even raw SQL can rewrite history. (The models refuse it on every database;
TRUNCATE, used only to reset test databases, is not affected.)"""

from django.db import migrations

TABLES = ("billing_entry", "practice_auditevent")

FUNCTION = """
CREATE OR REPLACE FUNCTION medbill_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'medbill: rows of % are append-only; post a correcting row instead',
        TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION medbill_refuse_change()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS medbill_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("billing", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
