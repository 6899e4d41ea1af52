"""Fewer indexes on the audit trail, written on every change: one on (type, id, time)
for a row's history instead of one each on type and id (and their LIKE copies), and none
of its own on the patient link's event, which the unique (event, patient) index serves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0013_state_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="object_id",
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="object_type",
            field=models.CharField(max_length=60),
        ),
        migrations.AlterField(
            model_name="auditeventpatient",
            name="event",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="patient_links",
                to="practice.auditevent",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
        ),
    ]
