# The office hours' defaults become functions (Django warns about a fixed time of day
# when its checks run within seconds of it). Django keeps defaults in Python, not in the
# tables, so only the migration state changes: no table is rebuilt.

from django.db import migrations, models

import medbill.web.practice.models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0011_payer_deadlines_run_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="practice",
                    name="closes_at",
                    field=models.TimeField(
                        default=medbill.web.practice.models.default_closing,
                        verbose_name="office closes",
                    ),
                ),
                migrations.AlterField(
                    model_name="practice",
                    name="opens_at",
                    field=models.TimeField(
                        default=medbill.web.practice.models.default_opening,
                        verbose_name="office opens",
                    ),
                ),
            ]
        )
    ]
