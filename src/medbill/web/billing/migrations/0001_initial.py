import django.db.models.deletion
import django.utils.timezone
import medbill.web.practice.fields
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("frontdesk", "0001_initial"),
        ("practice", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "patient_control_number",
                    models.CharField(
                        help_text="Our claim id (CLM01); the payer echoes it in the 835.",
                        max_length=20,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("scrubbed", "Scrubbed"),
                            ("submitted", "Submitted"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                            ("paid", "Paid"),
                            ("denied", "Denied"),
                            ("closed", "Closed"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=10,
                    ),
                ),
                (
                    "frequency_code",
                    models.CharField(
                        choices=[("1", "1 original"), ("7", "7 replacement"), ("8", "8 void")],
                        default="1",
                        max_length=1,
                    ),
                ),
                (
                    "original_claim_ref",
                    models.CharField(
                        blank=True,
                        help_text="The payer's claim number of the claim replaced.",
                        max_length=50,
                    ),
                ),
                ("payer_claim_number", models.CharField(blank=True, max_length=50)),
                (
                    "diagnoses",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="ICD-10-CM codes in pointer order, as billed.",
                    ),
                ),
                ("prior_authorization", models.CharField(blank=True, max_length=50)),
                (
                    "status_reason",
                    models.CharField(
                        blank=True,
                        help_text="Why it was rejected or denied (codes).",
                        max_length=200,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "coverage",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="frontdesk.coverage",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="frontdesk.patient",
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.payer",
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
                    "replaces",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced_by",
                        to="billing.claim",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ClaimLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("line_number", models.PositiveSmallIntegerField()),
                ("code", models.CharField(max_length=5)),
                ("modifiers", models.JSONField(blank=True, default=list)),
                (
                    "units",
                    models.DecimalField(decimal_places=2, default=Decimal("1"), max_digits=7),
                ),
                ("charge", medbill.web.practice.fields.MoneyField()),
                ("dx_pointers", models.JSONField(blank=True, default=list)),
                ("date_of_service", models.DateField(blank=True, null=True)),
                ("description", models.CharField(blank=True, max_length=120)),
                ("ndc", models.CharField(blank=True, max_length=11, verbose_name="NDC")),
                ("line_control_number", models.CharField(blank=True, max_length=50)),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
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
            ],
            options={
                "ordering": ["claim", "line_number"],
            },
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("charge", "Charge"),
                            ("payment", "Payment"),
                            ("adjustment", "Adjustment"),
                            ("transfer", "Transfer"),
                            ("refund", "Refund"),
                        ],
                        max_length=10,
                    ),
                ),
                ("amount", medbill.web.practice.fields.MoneyField()),
                (
                    "responsibility",
                    models.CharField(
                        choices=[("payer", "Payer"), ("patient", "Patient")],
                        default="patient",
                        max_length=7,
                    ),
                ),
                ("effective_date", models.DateField(default=django.utils.timezone.localdate)),
                ("posted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("group_code", models.CharField(blank=True, max_length=2)),
                ("reason_code", models.CharField(blank=True, max_length=5)),
                (
                    "method",
                    models.CharField(
                        blank=True,
                        help_text="cash, check, card, eft ... for payments and refunds.",
                        max_length=12,
                    ),
                ),
                (
                    "reference",
                    models.CharField(
                        blank=True,
                        help_text="Check or trace number, receipt number.",
                        max_length=50,
                    ),
                ),
                ("memo", models.CharField(blank=True, max_length=200)),
                (
                    "source",
                    models.CharField(
                        default="manual",
                        help_text="manual, desk, era, statement, system ...",
                        max_length=20,
                    ),
                ),
                (
                    "source_ref",
                    models.CharField(
                        blank=True,
                        help_text="e.g. the 835 file hash and segment position.",
                        max_length=120,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to="billing.claim",
                    ),
                ),
                (
                    "claim_line",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to="billing.claimline",
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
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to="frontdesk.patient",
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.payer",
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
                    "reverses",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reversed_by",
                        to="billing.entry",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "entries",
                "ordering": ["posted_at", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["practice", "status"], name="claim_status"),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("practice", "patient_control_number"), name="claim_pcn_per_practice"
            ),
        ),
        migrations.AddConstraint(
            model_name="claimline",
            constraint=models.UniqueConstraint(
                fields=("claim", "line_number"), name="claim_line_number"
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["practice", "patient"], name="entry_patient"),
        ),
    ]
