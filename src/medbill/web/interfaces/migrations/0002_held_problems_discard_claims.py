"""Every problem of a held message (not only the first), discarding a message with who,
when and why, and the EHR's claim identifiers (FHIR Claim in) linked to our claims."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def problems_from_error(apps, schema_editor):
    # Messages held before this kept one reason: it becomes their one problem.
    messages = apps.get_model("interfaces", "InboundMessage")
    for row in messages.objects.filter(status="held").exclude(error="").only("id", "error"):
        messages.objects.filter(pk=row.pk).update(problems=[{"location": "", "text": row.error}])


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0014_appeal"),
        ("interfaces", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ehrlink",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="billing.claim",
            ),
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="discard_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="why discarded"),
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="discarded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="discarded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="problems",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Every problem of a held message: [{'location': 'PID-7', 'text': ...}].",
            ),
        ),
        migrations.AlterField(
            model_name="ehrlink",
            name="ehr_id",
            field=models.CharField(max_length=200),
        ),
        migrations.AlterField(
            model_name="ehrlink",
            name="kind",
            field=models.CharField(
                choices=[
                    ("patient", "Patient"),
                    ("visit", "Visit"),
                    ("appointment", "Appointment"),
                    ("note", "Note"),
                    ("claim", "Claim"),
                ],
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="inboundmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("accepted", "Accepted"),
                    ("held", "Held"),
                    ("replayed", "Replayed"),
                    ("discarded", "Discarded"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.RunPython(problems_from_error, migrations.RunPython.noop),
    ]
