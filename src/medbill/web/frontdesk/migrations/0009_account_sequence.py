"""A practice's account numbers counted in one row (the next registration no longer reads
every patient to find the highest number), and an index for the duplicate check's
"born the same year"."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0008_address_and_birth_date_checks"),
        ("practice", "0013_state_codes"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountSequence",
            fields=[
                (
                    "practice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="practice.practice",
                    ),
                ),
                ("prefix", models.CharField(max_length=9)),
                ("last", models.BigIntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(fields=["practice", "date_of_birth"], name="patient_birth_date"),
        ),
    ]
