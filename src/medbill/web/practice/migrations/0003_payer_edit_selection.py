from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="payer",
            name="edits_extend",
            field=models.CharField(
                blank=True,
                help_text="Opt-in edit code prefixes this payer asks for (e.g. DX010 unspecified codes).",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="payer",
            name="edits_ignore",
            field=models.CharField(
                blank=True,
                help_text="Edit code prefixes this payer does not apply.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="payer",
            name="edits_select",
            field=models.CharField(
                blank=True,
                help_text="Edit code prefixes to run; empty runs them all.",
                max_length=200,
            ),
        ),
    ]
