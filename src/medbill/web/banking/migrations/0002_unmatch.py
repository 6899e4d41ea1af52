"""A deposit's pair with its 835 payment can be undone (``DepositUnmatch``).

The one-to-one fields become foreign keys with a turn each, unique per deposit and turn
and per payment and turn: every existing pair is turn 0, so the database still refuses a
second pair of a deposit or a payment while one stands.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("banking", "0001_initial"),
        ("billing", "0014_appeal"),
        ("practice", "0011_payer_deadlines_run_job"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DepositUnmatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(max_length=300)),
                ("undone_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["-undone_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="depositmatch",
            name="deposit_turn",
            field=models.PositiveIntegerField(
                default=0, help_text="how many pairs of the deposit were undone before this one"
            ),
        ),
        migrations.AddField(
            model_name="depositmatch",
            name="remittance_turn",
            field=models.PositiveIntegerField(
                default=0, help_text="how many pairs of the payment were undone before this one"
            ),
        ),
        migrations.AlterField(
            model_name="depositmatch",
            name="deposit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matches",
                to="banking.deposit",
            ),
        ),
        migrations.AlterField(
            model_name="depositmatch",
            name="remittance",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deposit_matches",
                to="billing.remittance",
            ),
        ),
        migrations.AddConstraint(
            model_name="depositmatch",
            constraint=models.UniqueConstraint(
                fields=("deposit", "deposit_turn"), name="deposit_paired_once_at_a_time"
            ),
        ),
        migrations.AddConstraint(
            model_name="depositmatch",
            constraint=models.UniqueConstraint(
                fields=("remittance", "remittance_turn"), name="payment_paired_once_at_a_time"
            ),
        ),
        migrations.AddField(
            model_name="depositunmatch",
            name="match",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="undone",
                to="banking.depositmatch",
            ),
        ),
        migrations.AddField(
            model_name="depositunmatch",
            name="practice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="practice.practice",
            ),
        ),
        migrations.AddField(
            model_name="depositunmatch",
            name="undone_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
