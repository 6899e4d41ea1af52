from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0003_coding_work"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceline",
            name="ndc_quantity",
            field=models.DecimalField(
                blank=True, decimal_places=3, max_digits=10, null=True, verbose_name="NDC quantity"
            ),
        ),
        migrations.AddField(
            model_name="serviceline",
            name="ndc_unit",
            field=models.CharField(
                blank=True,
                choices=[
                    ("F2", "international unit"),
                    ("GR", "gram"),
                    ("ME", "milligram"),
                    ("ML", "milliliter"),
                    ("UN", "unit"),
                ],
                help_text="Required with an NDC.",
                max_length=2,
                verbose_name="NDC unit",
            ),
        ),
        migrations.AddField(
            model_name="serviceline",
            name="unit_basis",
            field=models.CharField(
                choices=[("UN", "units"), ("MJ", "anesthesia minutes")], default="UN", max_length=2
            ),
        ),
    ]
