"""On PostgreSQL, the ledger's references are checked once per statement instead of once
per row.

A foreign key checks every inserted row on its own: at COMMIT, one lookup and one row lock
per reference per entry. An 835 of 5,000 claims writes about 50,000 entries with seven
references each, and those 350,000 lookups were more than half of the database's work in
posting it. The entries name far fewer distinct rows (5,000 claims, their lines, visits and
patients, one payer), so one statement per referenced table does the same check:

* AFTER INSERT, once per statement over the inserted rows (a transition table): the
  distinct ids each column names are looked up and locked ``FOR KEY SHARE``, in id order, as
  a foreign key's check locks them; if fewer rows are found than were named, the insert
  fails with ``foreign_key_violation``, naming the column and a missing id;
* AFTER DELETE on each referenced table, once per statement: deleting a row that an entry
  names fails the same way. It runs after the delete has waited for the insert's lock, and
  reads with a new snapshot, so an entry committed meanwhile is seen.

Together they keep what the foreign keys kept: no entry names a row that is not there.
The models still declare the foreign keys (with ``on_delete=PROTECT``), and SQLite keeps
them as constraints: its checks are cheap and it has no statement triggers.
"""

from django.db import migrations

# column of billing_entry -> the table it names
REFERENCES = {
    "practice_id": "practice_practice",
    "patient_id": "frontdesk_patient",
    "visit_id": "frontdesk_visit",
    "claim_id": "billing_claim",
    "claim_line_id": "billing_claimline",
    "payer_id": "practice_payer",
    "reverses_id": "billing_entry",
    "created_by_id": "auth_user",
}


def _check(column: str, table: str) -> str:
    return f"""
    ids := ARRAY(SELECT DISTINCT {column} FROM new_entries WHERE {column} IS NOT NULL);
    IF cardinality(ids) > 0 THEN
        SELECT count(*) INTO found FROM (
            SELECT 1 FROM {table} t WHERE t.id = ANY(ids) ORDER BY t.id FOR KEY SHARE OF t
        ) locked;
        IF found <> cardinality(ids) THEN
            SELECT n INTO missing FROM unnest(ids) AS n
            WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = n) LIMIT 1;
            RAISE EXCEPTION USING
                ERRCODE = 'foreign_key_violation',
                MESSAGE = format(
                    'medbill: a ledger entry names {column} %s, which is not in {table}',
                    missing
                );
        END IF;
    END IF;"""


INSERT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION medbill_entry_references() RETURNS trigger AS $$
DECLARE
    ids bigint[];
    found bigint;
    missing bigint;
BEGIN
    {"".join(_check(column, table) for column, table in REFERENCES.items())}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

INSERT_TRIGGER = """
CREATE TRIGGER billing_entry_references AFTER INSERT ON billing_entry
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION medbill_entry_references()
"""

# TG_ARGV[0]: the column of billing_entry that names the table's rows.
DELETE_FUNCTION = """
CREATE OR REPLACE FUNCTION medbill_keep_named_by_entries() RETURNS trigger AS $$
DECLARE
    named bigint;
BEGIN
    EXECUTE format(
        'SELECT %1$I FROM billing_entry WHERE %1$I = ANY($1) LIMIT 1', TG_ARGV[0]
    ) INTO named USING ARRAY(SELECT id FROM gone);
    IF named IS NOT NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'foreign_key_violation',
            MESSAGE = format(
                'medbill: %s row %s is named by ledger entries (%s) and cannot be deleted',
                TG_TABLE_NAME, named, TG_ARGV[0]
            );
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _delete_trigger(column: str, table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_named_by_entries AFTER DELETE ON {table} "
        "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
        f"EXECUTE FUNCTION medbill_keep_named_by_entries('{column}')"
    )


def _foreign_keys(cursor) -> list[str]:
    cursor.execute(
        "SELECT conname FROM pg_constraint "
        "WHERE conrelid = 'billing_entry'::regclass AND contype = 'f'"
    )
    return [name for (name,) in cursor.fetchall()]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in _foreign_keys(cursor):
            cursor.execute(f'ALTER TABLE billing_entry DROP CONSTRAINT "{name}"')
        cursor.execute(INSERT_FUNCTION)
        cursor.execute(INSERT_TRIGGER)
        cursor.execute(DELETE_FUNCTION)
        for column, table in REFERENCES.items():
            if table != "billing_entry":  # entries are never deleted (append-only)
                cursor.execute(_delete_trigger(column, table))


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS billing_entry_references ON billing_entry")
        for table in set(REFERENCES.values()) - {"billing_entry"}:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_named_by_entries ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS medbill_entry_references()")
        cursor.execute("DROP FUNCTION IF EXISTS medbill_keep_named_by_entries()")
    entry = apps.get_model("billing", "Entry")
    for field in entry._meta.concrete_fields:
        if field.remote_field is not None and field.db_constraint:
            schema_editor.execute(
                schema_editor._create_fk_sql(entry, field, "_fk_%(to_table)s_%(to_column)s")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0014_appeal"),
        ("frontdesk", "0007_patient_search_indexes"),
        ("practice", "0011_payer_deadlines_run_job"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
