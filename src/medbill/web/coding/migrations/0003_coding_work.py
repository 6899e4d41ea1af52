import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0002_hcpcs_code"),
        ("frontdesk", "0002_front_desk"),
        ("practice", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CodeChoice",
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
                        choices=[("diagnosis", "Diagnosis"), ("service", "Service")], max_length=9
                    ),
                ),
                ("code", models.CharField(max_length=8)),
                ("suggested_code", models.CharField(blank=True, max_length=8)),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("suggested", "Accepted"),
                            ("changed", "Changed"),
                            ("manual", "Added by hand"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=9,
                    ),
                ),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "decided_by",
                    models.ForeignKey(
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
                        related_name="code_choices",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["visit", "kind", "id"],
            },
        ),
        migrations.CreateModel(
            name="CodingReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reasons",
                    models.JSONField(
                        default=list, help_text="Why the visit was picked for review."
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for a reviewer"),
                            ("agreed", "Agreed"),
                            ("changed", "Changed by the reviewer"),
                        ],
                        default="open",
                        max_length=7,
                    ),
                ),
                ("reason", models.TextField(blank=True, verbose_name="reviewer's reason")),
                ("codes_before", models.JSONField(blank=True, default=dict)),
                ("codes_after", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "coder",
                    models.ForeignKey(
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
                    "reviewer",
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviews",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="CodingWork",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("coding", "Coding"),
                            ("query", "Waiting for the provider"),
                            ("review", "In second review"),
                            ("coded", "Coded"),
                        ],
                        default="coding",
                        max_length=8,
                    ),
                ),
                ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "suggestions",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="What the engine suggested for the note.",
                    ),
                ),
                ("note_digest", models.CharField(blank=True, max_length=64)),
                (
                    "coder",
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
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coding_work",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ProviderQuery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("laterality", "Laterality (left, right, both)"),
                            ("diabetes_type", "Diabetes type"),
                            ("acuity", "Acuity (acute, chronic)"),
                            ("specificity", "Site or specificity"),
                            ("encounter", "Encounter (initial, subsequent, sequela)"),
                            ("time", "Total time or MDM"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=14,
                    ),
                ),
                ("question", models.TextField()),
                ("asked_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("answer", models.TextField(blank=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "asked_by",
                    models.ForeignKey(
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
                        related_name="queries",
                        to="frontdesk.visit",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "provider queries",
                "ordering": ["asked_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="CodingPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "review_percent",
                    models.PositiveSmallIntegerField(
                        default=10,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="share of coded visits reviewed at random (%)",
                    ),
                ),
                (
                    "new_coder_visits",
                    models.PositiveSmallIntegerField(
                        default=20, verbose_name="visits of a new coder that are all reviewed"
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
                "verbose_name_plural": "coding policies",
                "constraints": [
                    models.UniqueConstraint(fields=("practice",), name="coding_policy_practice")
                ],
            },
        ),
    ]
