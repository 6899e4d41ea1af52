import django.core.validators
import django.db.models.deletion
import medbill.web.practice.fields
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("frontdesk", "0001_initial"),
        ("practice", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Diagnosis",
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
                        choices=[("ICD10CM", "ICD-10-CM")], default="ICD10CM", max_length=8
                    ),
                ),
                (
                    "code",
                    models.CharField(help_text="Without the dot, as on the claim.", max_length=8),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)]
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
                        related_name="diagnoses",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "diagnoses",
                "ordering": ["visit", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("visit", "position"), name="diagnosis_position")
                ],
            },
        ),
        migrations.CreateModel(
            name="ServiceLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                (
                    "code_system",
                    models.CharField(
                        choices=[("CPT", "CPT"), ("HCPCS", "HCPCS")], default="CPT", max_length=8
                    ),
                ),
                ("code", models.CharField(max_length=5)),
                (
                    "modifiers",
                    models.JSONField(blank=True, default=list, help_text="Up to four, in order."),
                ),
                (
                    "units",
                    models.DecimalField(decimal_places=2, default=Decimal("1"), max_digits=7),
                ),
                (
                    "charge",
                    medbill.web.practice.fields.MoneyField(
                        help_text="The charge for all units of the line."
                    ),
                ),
                (
                    "dx_pointers",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="1-based positions of the visit's diagnoses.",
                    ),
                ),
                ("description", models.CharField(blank=True, max_length=120)),
                ("ndc", models.CharField(blank=True, max_length=11, verbose_name="NDC")),
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
                        related_name="service_lines",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["visit", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("visit", "position"), name="service_line_position"
                    )
                ],
            },
        ),
    ]
