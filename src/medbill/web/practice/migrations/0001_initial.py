import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import medbill.web.practice.fields
import re
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Organization",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(help_text="What the token is for.", max_length=60)),
                (
                    "prefix",
                    models.CharField(help_text="First characters, to recognise it.", max_length=8),
                ),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="Payer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "line1",
                    models.CharField(blank=True, max_length=55, verbose_name="address line 1"),
                ),
                (
                    "line2",
                    models.CharField(blank=True, max_length=55, verbose_name="address line 2"),
                ),
                ("city", models.CharField(blank=True, max_length=30)),
                ("state", models.CharField(blank=True, max_length=2)),
                (
                    "zip",
                    models.CharField(
                        blank=True,
                        max_length=9,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{5}|\\d{9})$"),
                                "ZIP code: 5 or 9 digits (ZIP+4 without the dash)",
                                code="invalid",
                            )
                        ],
                        verbose_name="ZIP",
                    ),
                ),
                ("name", models.CharField(max_length=60)),
                (
                    "payer_id",
                    models.CharField(
                        help_text="The clearinghouse's identifier for the payer.",
                        max_length=80,
                        verbose_name="payer id",
                    ),
                ),
                (
                    "payer_type",
                    models.CharField(
                        choices=[
                            ("medicare", "Medicare Part B"),
                            ("medicaid", "Medicaid"),
                            ("commercial", "Commercial"),
                            ("bcbs", "Blue Cross Blue Shield"),
                            ("hmo", "HMO"),
                            ("ppo", "PPO"),
                            ("tricare", "TRICARE"),
                            ("champva", "CHAMPVA"),
                            ("workers_comp", "Workers' compensation"),
                            ("self_pay", "Self-pay"),
                        ],
                        default="commercial",
                        max_length=20,
                    ),
                ),
                (
                    "claim_filing_indicator",
                    models.CharField(
                        choices=[
                            ("MB", "MB Medicare Part B"),
                            ("MC", "MC Medicaid"),
                            ("CI", "CI Commercial insurance"),
                            ("BL", "BL Blue Cross/Blue Shield"),
                            ("HM", "HM Health maintenance organization"),
                            ("12", "12 Preferred provider organization"),
                            ("CH", "CH CHAMPUS / TRICARE"),
                            ("VA", "VA Veterans Affairs plan"),
                            ("WC", "WC Workers' compensation"),
                            ("ZZ", "ZZ Mutually defined"),
                        ],
                        default="CI",
                        max_length=2,
                    ),
                ),
                (
                    "clearinghouse_route",
                    models.CharField(
                        blank=True,
                        help_text="Which clearinghouse connection carries this payer's claims.",
                        max_length=60,
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=20)),
                ("active", models.BooleanField(default=True)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payers",
                        to="practice.organization",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="FeeSchedule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80)),
                ("effective_from", models.DateField()),
                ("effective_to", models.DateField(blank=True, null=True)),
                (
                    "payer",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: the practice's standard charges.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="practice.payer",
                    ),
                ),
            ],
            options={
                "ordering": ["name", "-effective_from"],
            },
        ),
        migrations.CreateModel(
            name="Practice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name used in the office")),
                (
                    "short_code",
                    models.CharField(
                        help_text="Prefix of patient account and claim numbers.",
                        max_length=8,
                        unique=True,
                    ),
                ),
                ("legal_name", models.CharField(max_length=60)),
                (
                    "tin",
                    models.CharField(
                        max_length=9,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{9})$"),
                                "TIN: 9 digits without the dash",
                                code="invalid",
                            )
                        ],
                        verbose_name="TIN",
                    ),
                ),
                (
                    "group_npi",
                    models.CharField(
                        max_length=10,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{10})$"), "NPI: 10 digits", code="invalid"
                            )
                        ],
                        verbose_name="group NPI",
                    ),
                ),
                ("taxonomy", models.CharField(blank=True, max_length=10)),
                ("phone", models.CharField(blank=True, max_length=20)),
                (
                    "contact_name",
                    models.CharField(blank=True, max_length=60, verbose_name="billing contact"),
                ),
                (
                    "billing_line1",
                    models.CharField(max_length=55, verbose_name="billing address line 1"),
                ),
                (
                    "billing_line2",
                    models.CharField(
                        blank=True, max_length=55, verbose_name="billing address line 2"
                    ),
                ),
                ("billing_city", models.CharField(max_length=30)),
                ("billing_state", models.CharField(max_length=2)),
                (
                    "billing_zip",
                    models.CharField(
                        max_length=9,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{9})$"),
                                "ZIP+4: 9 digits without the dash",
                                code="invalid",
                            )
                        ],
                        verbose_name="billing ZIP+4",
                    ),
                ),
                (
                    "pay_to_line1",
                    models.CharField(
                        blank=True, max_length=55, verbose_name="pay-to address line 1"
                    ),
                ),
                (
                    "pay_to_line2",
                    models.CharField(
                        blank=True, max_length=55, verbose_name="pay-to address line 2"
                    ),
                ),
                ("pay_to_city", models.CharField(blank=True, max_length=30)),
                ("pay_to_state", models.CharField(blank=True, max_length=2)),
                (
                    "pay_to_zip",
                    models.CharField(
                        blank=True,
                        max_length=9,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{9})$"),
                                "ZIP+4: 9 digits without the dash",
                                code="invalid",
                            )
                        ],
                        verbose_name="pay-to ZIP+4",
                    ),
                ),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="practices",
                        to="practice.organization",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("front_desk", "Front desk"),
                            ("coder", "Coder"),
                            ("biller", "Biller"),
                            ("manager", "Practice manager"),
                            ("auditor", "Auditor"),
                            ("admin", "Administrator"),
                        ],
                        max_length=20,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
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
                "ordering": ["practice__name", "user__username"],
            },
        ),
        migrations.CreateModel(
            name="Location",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "line1",
                    models.CharField(blank=True, max_length=55, verbose_name="address line 1"),
                ),
                (
                    "line2",
                    models.CharField(blank=True, max_length=55, verbose_name="address line 2"),
                ),
                ("city", models.CharField(blank=True, max_length=30)),
                ("state", models.CharField(blank=True, max_length=2)),
                (
                    "zip",
                    models.CharField(
                        blank=True,
                        max_length=9,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{5}|\\d{9})$"),
                                "ZIP code: 5 or 9 digits (ZIP+4 without the dash)",
                                code="invalid",
                            )
                        ],
                        verbose_name="ZIP",
                    ),
                ),
                ("name", models.CharField(max_length=80)),
                (
                    "place_of_service",
                    models.CharField(
                        default="11", max_length=2, verbose_name="place of service code"
                    ),
                ),
                (
                    "npi",
                    models.CharField(
                        blank=True,
                        max_length=10,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{10})$"), "NPI: 10 digits", code="invalid"
                            )
                        ],
                        verbose_name="facility NPI",
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=20)),
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
            name="FeeScheduleEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code_system",
                    models.CharField(
                        choices=[("CPT", "CPT"), ("HCPCS", "HCPCS")], default="CPT", max_length=8
                    ),
                ),
                ("code", models.CharField(max_length=5)),
                ("modifier", models.CharField(blank=True, max_length=2)),
                (
                    "description",
                    models.CharField(max_length=120, verbose_name="practice's description"),
                ),
                ("price", medbill.web.practice.fields.MoneyField()),
                ("effective_from", models.DateField()),
                ("effective_to", models.DateField(blank=True, null=True)),
                (
                    "fee_schedule",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="practice.feeschedule",
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
                "verbose_name_plural": "fee schedule entries",
                "ordering": ["code", "modifier", "-effective_from"],
            },
        ),
        migrations.AddField(
            model_name="feeschedule",
            name="practice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="practice.practice",
            ),
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("username", models.CharField(blank=True, max_length=150)),
                ("object_type", models.CharField(db_index=True, max_length=60)),
                ("object_id", models.CharField(db_index=True, max_length=40)),
                ("object_repr", models.CharField(blank=True, max_length=120)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("create", "create"),
                            ("update", "update"),
                            ("delete", "delete"),
                            ("view", "view"),
                        ],
                        max_length=6,
                    ),
                ),
                ("changes", models.JSONField(blank=True, default=dict)),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="web, api, cli, worker ... where the change came from.",
                        max_length=40,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Provider",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_name", models.CharField(max_length=60)),
                ("first_name", models.CharField(max_length=35)),
                ("middle_name", models.CharField(blank=True, max_length=25)),
                ("suffix", models.CharField(blank=True, max_length=10)),
                (
                    "credentials",
                    models.CharField(blank=True, help_text="MD, DO, NP, PA-C ...", max_length=20),
                ),
                (
                    "npi",
                    models.CharField(
                        max_length=10,
                        validators=[
                            django.core.validators.RegexValidator(
                                re.compile("^(?:\\d{10})$"), "NPI: 10 digits", code="invalid"
                            )
                        ],
                        verbose_name="individual NPI",
                    ),
                ),
                ("taxonomy", models.CharField(blank=True, max_length=10)),
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
                "ordering": ["last_name", "first_name"],
            },
        ),
        migrations.AddConstraint(
            model_name="payer",
            constraint=models.UniqueConstraint(
                fields=("organization", "payer_id"), name="payer_id_per_organization"
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("user", "practice"), name="one_role_per_practice"
            ),
        ),
        migrations.AddConstraint(
            model_name="feescheduleentry",
            constraint=models.UniqueConstraint(
                fields=("fee_schedule", "code", "modifier", "effective_from"),
                name="fee_entry_unique_from",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["practice", "-at"], name="audit_practice_at"),
        ),
        migrations.AddConstraint(
            model_name="provider",
            constraint=models.UniqueConstraint(
                fields=("practice", "npi"), name="provider_npi_per_practice"
            ),
        ),
    ]
