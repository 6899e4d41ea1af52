"""Reads and refusals in the audit trail: the ``list``, ``export`` and ``denied`` actions,
what a read returned (``detail``) and the patients each event touched (``AuditEventPatient``,
append-only like the events themselves, with the same PostgreSQL trigger as 0002)."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "practice_auditeventpatient"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # medbill_refuse_change() comes from 0002_append_only_triggers.
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION medbill_refuse_change()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0004_organization_kind"),
        ("practice", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="detail",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What a read returned (count, ids) or why a request was refused.",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "create"),
                    ("update", "update"),
                    ("delete", "delete"),
                    ("view", "view"),
                    ("list", "list"),
                    ("export", "export"),
                    ("denied", "denied"),
                ],
                max_length=6,
            ),
        ),
        migrations.CreateModel(
            name="AuditEventPatient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("patient_id", models.BigIntegerField(db_index=True)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="patient_links",
                        to="practice.auditevent",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "patient_id"), name="audit_patient_once"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
