"""Open balances kept by the database (``Balance``): the table, the AFTER INSERT trigger on
the ledger that keeps it equal to the ledger's sums, and its back-fill from the entries
already posted.

PostgreSQL runs the trigger once per statement over the rows it inserted (a transition
table), so a COPY of an 835's twenty thousand entries costs one grouped upsert. SQLite has
row triggers only; it adds whole cents so its binary floats never drift from the cents.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from decimal import Decimal
from django.db import migrations, models

KEY = "practice_id, responsibility, COALESCE(claim_id, 0), patient_id, COALESCE(payer_id, 0)"
COLUMNS = (
    "practice_id, responsibility, claim_id, patient_id, payer_id, "
    "amount, charges, payments, contractual, first_date"
)

# Grouped by the key (NULLs group together, as the key's COALESCE makes them one) and sorted,
# so concurrent postings lock rows in one order.
PG_SUMS = """
    SELECT practice_id, responsibility, claim_id, patient_id, payer_id,
           SUM(amount),
           COALESCE(SUM(amount) FILTER (WHERE kind = 'charge'), 0),
           COALESCE(SUM(amount) FILTER (WHERE kind = 'payment'), 0),
           COALESCE(SUM(amount) FILTER (WHERE kind = 'adjustment' AND group_code = 'CO'), 0),
           MIN(effective_date)
    FROM {source}
    GROUP BY practice_id, responsibility, claim_id, patient_id, payer_id
    ORDER BY practice_id, responsibility, claim_id, patient_id, payer_id
"""

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION medbill_entry_balances() RETURNS trigger AS $$
BEGIN
    INSERT INTO billing_balance ({COLUMNS})
    {PG_SUMS.format(source="new_entries")}
    ON CONFLICT ({KEY}) DO UPDATE SET
        amount = billing_balance.amount + EXCLUDED.amount,
        charges = billing_balance.charges + EXCLUDED.charges,
        payments = billing_balance.payments + EXCLUDED.payments,
        contractual = billing_balance.contractual + EXCLUDED.contractual,
        first_date = LEAST(billing_balance.first_date, EXCLUDED.first_date);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

PG_TRIGGER = """
CREATE TRIGGER billing_entry_balances AFTER INSERT ON billing_entry
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION medbill_entry_balances()
"""


def _cents(expr):
    return f"ROUND({expr} * 100)"


def _part(condition):
    return f"CASE WHEN {condition} THEN NEW.amount ELSE 0 END"


def _add(column, new):
    # Whole cents added, then back to dollars: exact in a binary float below 2**53 cents.
    return f"{column} = ({_cents(column)} + {_cents(new)}) / 100.0"


SQLITE_TRIGGER = f"""
CREATE TRIGGER billing_entry_balances AFTER INSERT ON billing_entry
BEGIN
    INSERT INTO billing_balance ({COLUMNS})
    VALUES (
        NEW.practice_id, NEW.responsibility, NEW.claim_id, NEW.patient_id, NEW.payer_id,
        {_cents("NEW.amount")} / 100.0,
        {_cents(_part("NEW.kind = 'charge'"))} / 100.0,
        {_cents(_part("NEW.kind = 'payment'"))} / 100.0,
        {_cents(_part("NEW.kind = 'adjustment' AND NEW.group_code = 'CO'"))} / 100.0,
        NEW.effective_date
    )
    ON CONFLICT ({KEY}) DO UPDATE SET
        {_add("amount", "excluded.amount")},
        {_add("charges", "excluded.charges")},
        {_add("payments", "excluded.payments")},
        {_add("contractual", "excluded.contractual")},
        first_date = MIN(first_date, excluded.first_date);
END
"""

SQLITE_BACKFILL = f"""
INSERT INTO billing_balance ({COLUMNS})
SELECT practice_id, responsibility, claim_id, patient_id, payer_id,
       SUM(ROUND(amount * 100)) / 100.0,
       SUM(CASE WHEN kind = 'charge' THEN ROUND(amount * 100) ELSE 0 END) / 100.0,
       SUM(CASE WHEN kind = 'payment' THEN ROUND(amount * 100) ELSE 0 END) / 100.0,
       SUM(CASE WHEN kind = 'adjustment' AND group_code = 'CO'
                THEN ROUND(amount * 100) ELSE 0 END) / 100.0,
       MIN(effective_date)
FROM billing_entry
GROUP BY practice_id, responsibility, claim_id, patient_id, payer_id
"""


def forwards(apps, schema_editor):
    """The trigger first, then the back-fill, in the migration's transaction: an entry
    posted meanwhile waits for it (the back-fill locks the ledger against inserts)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE billing_entry IN SHARE MODE")
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(PG_TRIGGER)
        schema_editor.execute(
            f"INSERT INTO billing_balance ({COLUMNS}) " + PG_SUMS.format(source="billing_entry")
        )
        schema_editor.execute("ANALYZE billing_balance")
    else:
        schema_editor.execute(SQLITE_TRIGGER)
        schema_editor.execute(SQLITE_BACKFILL)


def backwards(apps, schema_editor):
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS billing_entry_balances"
        + (" ON billing_entry" if schema_editor.connection.vendor == "postgresql" else "")
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS medbill_entry_balances()")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0009_claim_attachments"),
        ("frontdesk", "0007_patient_search_indexes"),
        ("practice", "0009_practice_office_hours"),
    ]

    operations = [
        migrations.CreateModel(
            name="Balance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("responsibility", models.CharField(max_length=7)),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14),
                ),
                (
                    "charges",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14),
                ),
                (
                    "payments",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14),
                ),
                (
                    "contractual",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14),
                ),
                (
                    "first_date",
                    models.DateField(help_text="The earliest effective date of its entries."),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="billing.claim",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="frontdesk.patient",
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="practice.payer",
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("amount", 0), _negated=True),
                        fields=["practice", "responsibility"],
                        name="balance_open",
                    ),
                    models.Index(fields=["practice", "patient"], name="balance_patient"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("practice"),
                        models.F("responsibility"),
                        django.db.models.functions.comparison.Coalesce(
                            models.F("claim"), models.Value(0)
                        ),
                        models.F("patient"),
                        django.db.models.functions.comparison.Coalesce(
                            models.F("payer"), models.Value(0)
                        ),
                        name="balance_key",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
