import django.db.models.deletion
import django.utils.timezone
import medbill.web.practice.fields
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0001_initial"),
        ("practice", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="desk_note",
            field=models.TextField(
                blank=True, help_text="What the front desk flagged for coding and billing."
            ),
        ),
        migrations.AddField(
            model_name="visit",
            name="follow_up_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="follow_ups",
                to="frontdesk.visit",
            ),
        ),
        migrations.CreateModel(
            name="EligibilityCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("service_date", models.DateField()),
                (
                    "checked_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                (
                    "status",
                    models.CharField(
                        help_text="active, inactive, rejected, unknown or error.", max_length=10
                    ),
                ),
                ("summary", models.CharField(blank=True, max_length=300)),
                ("plan_name", models.CharField(blank=True, max_length=80)),
                ("copay", medbill.web.practice.fields.MoneyField(blank=True, null=True)),
                ("problems", models.JSONField(blank=True, default=list)),
                ("raw_271", models.TextField(blank=True)),
                ("error", models.TextField(blank=True)),
                ("trace_number", models.CharField(blank=True, max_length=50)),
                (
                    "seconds",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True),
                ),
                ("source", models.CharField(default="web", max_length=10)),
                (
                    "checked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "coverage",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="eligibility_checks",
                        to="frontdesk.coverage",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="eligibility_checks",
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
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="eligibility_checks",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["-checked_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="KioskPass",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
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
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="DeskSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "packet",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Documents of the intake packet (empty: the standard packet).",
                    ),
                ),
                (
                    "self_pay_discount",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        help_text="Self-pay discount as a fraction (0.25 = 25 %).",
                        max_digits=4,
                    ),
                ),
                ("estimate_valid_days", models.PositiveSmallIntegerField(default=365)),
                ("kiosk_link_hours", models.PositiveSmallIntegerField(default=4)),
                (
                    "default_copay",
                    medbill.web.practice.fields.MoneyField(
                        blank=True,
                        help_text="Copay to collect when the payer gives none.",
                        null=True,
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
                "verbose_name_plural": "desk settings",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("practice",), name="one_desk_settings_per_practice"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="InsuranceCard",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "side",
                    models.CharField(choices=[("front", "Front"), ("back", "Back")], max_length=5),
                ),
                ("content_type", models.CharField(max_length=40)),
                ("image", models.BinaryField()),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "coverage",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cards",
                        to="frontdesk.coverage",
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
                "constraints": [
                    models.UniqueConstraint(
                        fields=("coverage", "side"), name="one_card_image_per_side"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PaperworkSignature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("document", models.CharField(max_length=30)),
                ("signer_name", models.CharField(blank=True, max_length=100)),
                ("signer_relationship", models.CharField(default="self", max_length=20)),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("typed", "Typed"),
                            ("drawn", "Drawn"),
                            ("none", "No signature needed"),
                        ],
                        max_length=5,
                    ),
                ),
                ("signature_png", models.BinaryField(blank=True, null=True)),
                ("signed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                (
                    "channel",
                    models.CharField(
                        choices=[("kiosk", "Kiosk"), ("staff", "Staff")], max_length=5
                    ),
                ),
                ("pdf", models.BinaryField()),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="paperwork",
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
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["-signed_at", "-id"],
                "indexes": [models.Index(fields=["practice", "patient"], name="paperwork_patient")],
            },
        ),
        migrations.CreateModel(
            name="PayerEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.URLField(max_length=300)),
                (
                    "sender_id",
                    models.CharField(help_text="ISA06: our submitter id.", max_length=15),
                ),
                (
                    "receiver_id",
                    models.CharField(help_text="ISA08: the payer's id.", max_length=15),
                ),
                ("username", models.CharField(blank=True, max_length=80)),
                ("password", models.CharField(blank=True, max_length=200)),
                (
                    "envelope",
                    models.CharField(
                        choices=[("soap", "SOAP"), ("mime", "MIME multipart")],
                        default="soap",
                        max_length=4,
                    ),
                ),
                (
                    "timeout_seconds",
                    models.DecimalField(decimal_places=1, default=Decimal("10"), max_digits=4),
                ),
                (
                    "usage",
                    models.CharField(default="P", help_text="P production, T test.", max_length=1),
                ),
                ("active", models.BooleanField(default=True)),
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
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("practice", "payer"), name="one_endpoint_per_payer"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SelfPayEstimate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=20)),
                ("issued_on", models.DateField()),
                ("valid_until", models.DateField()),
                ("service_date", models.DateField(blank=True, null=True)),
                ("services", models.JSONField(default=list)),
                ("diagnoses", models.JSONField(blank=True, default=list)),
                (
                    "discount_rate",
                    models.DecimalField(decimal_places=3, default=Decimal("0"), max_digits=4),
                ),
                ("total", medbill.web.practice.fields.MoneyField()),
                (
                    "deposit_requested",
                    medbill.web.practice.fields.MoneyField(blank=True, null=True),
                ),
                ("signer_name", models.CharField(blank=True, max_length=100)),
                ("signature_method", models.CharField(blank=True, max_length=5)),
                ("signature_png", models.BinaryField(blank=True, null=True)),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
                ("signed_ip", models.GenericIPAddressField(blank=True, null=True)),
                ("signed_pdf", models.BinaryField(blank=True, null=True)),
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
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="estimates",
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
                (
                    "visit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(fields=("practice", "number"), name="estimate_number")
                ],
            },
        ),
    ]
