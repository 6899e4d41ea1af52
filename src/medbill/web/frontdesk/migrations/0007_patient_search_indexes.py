"""Indexes for the header's patient search on PostgreSQL.

The search matches the start of a name or account number without regard to case
(``UPPER(column) LIKE 'TEXT%'``) and a member id exactly; a billing company's user searches
every practice at once. ``text_pattern_ops`` lets a prefix LIKE use the index whatever the
database's collation. SQLite (one practice on one machine) needs none of them.
"""

from django.db import migrations

INDEXES = [
    ("patient_last_name_prefix", "frontdesk_patient", "UPPER(last_name) text_pattern_ops"),
    ("patient_first_name_prefix", "frontdesk_patient", "UPPER(first_name) text_pattern_ops"),
    ("patient_account_prefix", "frontdesk_patient", "UPPER(account_number) text_pattern_ops"),
    ("coverage_member_id_upper", "frontdesk_coverage", "UPPER(member_id)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({expression})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("frontdesk", "0006_medicare_secondary_payer")]
    operations = [migrations.RunPython(create, drop)]
