from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0003_payer_edit_selection"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="kind",
            field=models.CharField(
                choices=[
                    ("billing_company", "Billing company serving practices"),
                    ("practice_owner", "Owner of its own practice(s)"),
                ],
                default="practice_owner",
                max_length=16,
            ),
        ),
    ]
