import django.db.models.deletion
import django.utils.timezone
import medbill.web.practice.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_edit_waiver"),
        ("frontdesk", "0001_initial"),
        ("practice", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PaymentPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("total", medbill.web.practice.fields.MoneyField()),
                ("installment", medbill.web.practice.fields.MoneyField()),
                ("installments", models.PositiveSmallIntegerField()),
                ("first_due", models.DateField()),
                ("interval_days", models.PositiveSmallIntegerField(default=30)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "Active"),
                            ("completed", "Completed"),
                            ("defaulted", "Defaulted"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="active",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payment_plans",
                        to="frontdesk.patient",
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
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Remittance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "payer_identifier",
                    models.CharField(help_text="REF*2U, N104 or TRN03.", max_length=80),
                ),
                ("payer_name", models.CharField(blank=True, max_length=60)),
                (
                    "trace_number",
                    models.CharField(help_text="TRN02: check or EFT trace.", max_length=50),
                ),
                ("control_number", models.CharField(blank=True, max_length=9)),
                ("method", models.CharField(blank=True, max_length=3)),
                ("total_paid", medbill.web.practice.fields.MoneyField()),
                ("payment_date", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("posted", "Posted"),
                            ("held", "Held (does not balance or has errors)"),
                            ("duplicate", "Already posted (same trace number)"),
                        ],
                        db_index=True,
                        max_length=10,
                    ),
                ),
                ("held_reasons", models.JSONField(blank=True, default=list)),
                ("warnings", models.JSONField(blank=True, default=list)),
                (
                    "position",
                    models.PositiveIntegerField(default=0, help_text="ST segment position."),
                ),
                ("posted_at", models.DateTimeField(default=django.utils.timezone.now)),
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
            ],
            options={
                "ordering": ["-posted_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ProviderAdjustment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("provider_identifier", models.CharField(max_length=50)),
                ("reason", models.CharField(max_length=2)),
                ("reference", models.CharField(blank=True, max_length=50)),
                ("amount", medbill.web.practice.fields.MoneyField()),
                ("fiscal_period_end", models.DateField(blank=True, null=True)),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
                (
                    "remittance",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="provider_adjustments",
                        to="billing.remittance",
                    ),
                ),
            ],
            options={
                "ordering": ["remittance", "position"],
            },
        ),
        migrations.CreateModel(
            name="RemittanceClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "claim_identifier",
                    models.CharField(help_text="CLP01 as the payer sent it.", max_length=38),
                ),
                ("status_code", models.CharField(max_length=2)),
                ("charge", medbill.web.practice.fields.MoneyField()),
                ("paid", medbill.web.practice.fields.MoneyField()),
                (
                    "patient_responsibility",
                    medbill.web.practice.fields.MoneyField(blank=True, null=True),
                ),
                ("payer_claim_number", models.CharField(blank=True, max_length=50)),
                ("member_id", models.CharField(blank=True, max_length=80)),
                ("matched_by", models.CharField(blank=True, max_length=80)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("posted", "Posted"),
                            ("denied", "Denied (in the denial queue)"),
                            ("partial", "Posted, some lines denied"),
                            ("reversed", "Reversal posted"),
                            ("unmatched", "Unmatched (work queue)"),
                            ("held", "Held with its file"),
                        ],
                        db_index=True,
                        max_length=10,
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(default=0, help_text="CLP segment position."),
                ),
                ("notes", models.JSONField(blank=True, default=list)),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="remittance_claims",
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
                    "remittance",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="billing.remittance",
                    ),
                ),
            ],
            options={
                "ordering": ["remittance", "position"],
            },
        ),
        migrations.CreateModel(
            name="DenialItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", medbill.web.practice.fields.MoneyField()),
                ("reasons", models.JSONField(default=list, help_text="[[group, CARC], ...]")),
                ("reason_words", models.JSONField(default=list)),
                ("remark_words", models.JSONField(blank=True, default=list)),
                ("action", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("corrected", "Corrected claim sent"),
                            ("appealed", "Appealed"),
                            ("written_off", "Written off"),
                            ("resolved", "Resolved"),
                        ],
                        db_index=True,
                        default="open",
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="denials",
                        to="billing.claim",
                    ),
                ),
                (
                    "claim_line",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.claimline",
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
                    "remittance_claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="denials",
                        to="billing.remittanceclaim",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="RemittanceFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("sha256", models.CharField(max_length=64)),
                ("size", models.PositiveIntegerField(default=0)),
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
        migrations.AddField(
            model_name="remittance",
            name="file",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="remittances",
                to="billing.remittancefile",
            ),
        ),
        migrations.CreateModel(
            name="SecondaryClaimLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "adjudication",
                    models.JSONField(help_text="core Adjudication.to_dict() of the prior payer."),
                ),
                ("prior_order", models.CharField(default="primary", max_length=10)),
                (
                    "crossed_over",
                    models.BooleanField(
                        default=False,
                        help_text="The prior payer forwarded the claim itself (do not send).",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="prior_payer_link",
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
                    "prior_claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="secondary_links",
                        to="billing.claim",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Statement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement_date", models.DateField()),
                ("balance", medbill.web.practice.fields.MoneyField()),
                ("aging", models.JSONField(default=dict, help_text="bucket -> amount")),
                (
                    "lines",
                    models.JSONField(
                        default=list, help_text="visits with charges, insurance, owed"
                    ),
                ),
                ("pdf_path", models.CharField(blank=True, max_length=300)),
                ("run_id", models.CharField(blank=True, max_length=40)),
                ("collections", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="statements",
                        to="frontdesk.patient",
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
                "ordering": ["-statement_date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="UnmatchedPayment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(max_length=200)),
                ("resolved", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
                (
                    "remittance_claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="work_item",
                        to="billing.remittanceclaim",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddConstraint(
            model_name="remittancefile",
            constraint=models.UniqueConstraint(fields=("practice", "sha256"), name="era_file_once"),
        ),
        migrations.AddConstraint(
            model_name="remittance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "posted")),
                fields=("practice", "payer_identifier", "trace_number"),
                name="era_trace_posted_once",
            ),
        ),
    ]
