import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import re
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("practice", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Patient",
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
                (
                    "account_number",
                    models.CharField(
                        help_text="The practice's patient account number.", max_length=20
                    ),
                ),
                ("last_name", models.CharField(max_length=60)),
                ("first_name", models.CharField(max_length=35)),
                ("middle_name", models.CharField(blank=True, max_length=25)),
                ("suffix", models.CharField(blank=True, max_length=10)),
                ("date_of_birth", models.DateField()),
                (
                    "sex",
                    models.CharField(
                        choices=[("F", "Female"), ("M", "Male"), ("U", "Unknown")],
                        default="U",
                        max_length=1,
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=20)),
                ("mobile_phone", models.CharField(blank=True, max_length=20)),
                ("email", models.EmailField(blank=True, max_length=254)),
                (
                    "preferred_language",
                    models.CharField(blank=True, default="English", max_length=40),
                ),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                "ordering": ["last_name", "first_name", "id"],
            },
        ),
        migrations.CreateModel(
            name="Guarantor",
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
                (
                    "relationship",
                    models.CharField(
                        choices=[
                            ("self", "Self"),
                            ("spouse", "Spouse"),
                            ("child", "Child"),
                            ("other", "Other"),
                        ],
                        default="self",
                        max_length=10,
                    ),
                ),
                ("last_name", models.CharField(max_length=60)),
                ("first_name", models.CharField(max_length=35)),
                ("date_of_birth", models.DateField(blank=True, null=True)),
                ("phone", models.CharField(blank=True, max_length=20)),
                ("email", models.EmailField(blank=True, max_length=254)),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.practice",
                    ),
                ),
                (
                    "patient",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="guarantor",
                        to="frontdesk.patient",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Coverage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "order",
                    models.CharField(
                        choices=[
                            ("primary", "Primary"),
                            ("secondary", "Secondary"),
                            ("tertiary", "Tertiary"),
                        ],
                        default="primary",
                        max_length=10,
                    ),
                ),
                ("member_id", models.CharField(max_length=80)),
                ("group_number", models.CharField(blank=True, max_length=50)),
                ("group_name", models.CharField(blank=True, max_length=60)),
                (
                    "relationship_to_subscriber",
                    models.CharField(
                        choices=[
                            ("self", "Self"),
                            ("spouse", "Spouse"),
                            ("child", "Child"),
                            ("other", "Other"),
                        ],
                        default="self",
                        max_length=10,
                    ),
                ),
                ("subscriber_last_name", models.CharField(blank=True, max_length=60)),
                ("subscriber_first_name", models.CharField(blank=True, max_length=35)),
                ("subscriber_date_of_birth", models.DateField(blank=True, null=True)),
                (
                    "subscriber_sex",
                    models.CharField(
                        blank=True,
                        choices=[("F", "Female"), ("M", "Male"), ("U", "Unknown")],
                        max_length=1,
                    ),
                ),
                ("subscriber_line1", models.CharField(blank=True, max_length=55)),
                ("subscriber_line2", models.CharField(blank=True, max_length=55)),
                ("subscriber_city", models.CharField(blank=True, max_length=30)),
                ("subscriber_state", models.CharField(blank=True, max_length=2)),
                ("subscriber_zip", models.CharField(blank=True, max_length=9)),
                ("effective_date", models.DateField(blank=True, null=True)),
                ("termination_date", models.DateField(blank=True, null=True)),
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
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coverages",
                        to="frontdesk.patient",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "coverages",
                "ordering": ["patient", "order"],
            },
        ),
        migrations.CreateModel(
            name="Visit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scheduled_at", models.DateTimeField(db_index=True)),
                ("duration_minutes", models.PositiveSmallIntegerField(default=15)),
                (
                    "reason",
                    models.CharField(blank=True, max_length=120, verbose_name="reason for visit"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("scheduled", "Scheduled"),
                            ("checked_in", "Checked in"),
                            ("checked_out", "Checked out"),
                            ("coding", "Coding"),
                            ("review", "In review"),
                            ("coded", "Coded"),
                            ("billed", "Billed"),
                            ("cancelled", "Cancelled"),
                            ("no_show", "No-show"),
                        ],
                        db_index=True,
                        default="scheduled",
                        max_length=12,
                    ),
                ),
                ("checked_in_at", models.DateTimeField(blank=True, null=True)),
                ("checked_out_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "location",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="practice.location",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
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
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="practice.provider",
                    ),
                ),
            ],
            options={
                "ordering": ["-scheduled_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ClinicalNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.provider",
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
                        related_name="notes",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["visit", "created_at"],
            },
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(fields=["practice", "last_name", "first_name"], name="patient_name"),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.UniqueConstraint(
                fields=("practice", "account_number"), name="patient_account_per_practice"
            ),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["practice", "status"], name="visit_status"),
        ),
    ]
