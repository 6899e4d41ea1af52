"""The patient name and account-number prefix indexes lead with the practice.

Every search and the duplicate check ask within practices (one at the desk, a billing
company user's few in the header); an index over every practice's names made a common
prefix read the matching patients of all of them. PostgreSQL only, as 0007.
"""

from django.db import migrations

COLUMNS = [
    ("patient_last_name_prefix", "last_name"),
    ("patient_first_name_prefix", "first_name"),
    ("patient_account_prefix", "account_number"),
]


def _rebuild(schema_editor, by_practice: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    lead = "practice_id, " if by_practice else ""
    for name, column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX {name} ON frontdesk_patient ({lead}UPPER({column}) text_pattern_ops)"
        )


def forwards(apps, schema_editor):
    _rebuild(schema_editor, by_practice=True)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, by_practice=False)


class Migration(migrations.Migration):
    dependencies = [("frontdesk", "0009_account_sequence")]
    operations = [migrations.RunPython(forwards, backwards)]
