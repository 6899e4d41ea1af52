import django.db.models.deletion
import django.utils.timezone
import medbill.web.practice.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("billing", "0001_initial"),
        ("practice", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AckImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=6)),
                ("file_name", models.CharField(max_length=200)),
                ("sha256", models.CharField(max_length=64)),
                ("sender", models.CharField(max_length=15)),
                ("interchange_control", models.CharField(max_length=9)),
                ("transaction_controls", models.CharField(max_length=200)),
                ("summary", models.JSONField(default=dict)),
                ("imported_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "imported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
            options={
                "ordering": ["-imported_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ClaimEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_status", models.CharField(max_length=10)),
                ("to_status", models.CharField(max_length=10)),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("source", models.CharField(max_length=20)),
                ("source_ref", models.CharField(blank=True, max_length=120)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lifecycle_events",
                        to="billing.claim",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="ClaimWorkItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source", models.CharField(max_length=10)),
                ("reason", models.CharField(max_length=500)),
                ("codes", models.CharField(blank=True, max_length=120)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("resolution", models.CharField(blank=True, max_length=200)),
                (
                    "ack",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="work_items",
                        to="claims_out.ackimport",
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rejection_items",
                        to="billing.claim",
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="ClearinghouseConnection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60)),
                (
                    "settings",
                    models.JSONField(
                        default=dict, help_text="Envelope ids, separators, transport."
                    ),
                ),
                ("active", models.BooleanField(default=True)),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ControlNumberSequence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60)),
                ("last_value", models.BigIntegerField(default=0)),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("connection", models.CharField(max_length=60)),
                ("file_name", models.CharField(max_length=200)),
                ("sha256", models.CharField(max_length=64)),
                ("size", models.PositiveIntegerField()),
                (
                    "content",
                    models.TextField(help_text="The file as sent, for audit and 999 error lookup."),
                ),
                ("interchange_control", models.PositiveIntegerField()),
                ("group_control", models.PositiveIntegerField()),
                ("transaction_control", models.PositiveIntegerField(default=1)),
                ("claim_count", models.PositiveIntegerField()),
                ("total_charge", medbill.web.practice.fields.MoneyField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Built, not yet sent"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=7,
                    ),
                ),
                ("destination", models.CharField(blank=True, max_length=300)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SubmissionClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.claim",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="claims_out.submission",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="submission",
            name="claims",
            field=models.ManyToManyField(
                related_name="submissions", through="claims_out.SubmissionClaim", to="billing.claim"
            ),
        ),
        migrations.AddConstraint(
            model_name="ackimport",
            constraint=models.UniqueConstraint(fields=("practice", "sha256"), name="ack_sha256"),
        ),
        migrations.AddConstraint(
            model_name="ackimport",
            constraint=models.UniqueConstraint(
                fields=(
                    "practice",
                    "kind",
                    "sender",
                    "interchange_control",
                    "transaction_controls",
                ),
                name="ack_control_numbers",
            ),
        ),
        migrations.AddIndex(
            model_name="claimworkitem",
            index=models.Index(fields=["practice", "resolved_at"], name="work_item_open"),
        ),
        migrations.AddConstraint(
            model_name="clearinghouseconnection",
            constraint=models.UniqueConstraint(
                fields=("practice", "name"), name="clearinghouse_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="controlnumbersequence",
            constraint=models.UniqueConstraint(
                fields=("practice", "name"), name="control_sequence_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="submissionclaim",
            constraint=models.UniqueConstraint(
                fields=("submission", "claim"), name="submission_claim"
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                fields=("practice", "connection", "interchange_control"),
                name="submission_interchange",
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                fields=("practice", "sha256"), name="submission_sha256"
            ),
        ),
    ]
