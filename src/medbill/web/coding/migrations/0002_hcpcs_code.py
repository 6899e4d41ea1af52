from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="HcpcsCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=5, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[("procedure", "procedure"), ("modifier", "modifier")], max_length=9
                    ),
                ),
                ("long_description", models.TextField()),
                ("short_description", models.CharField(blank=True, max_length=40)),
                ("add_date", models.DateField(blank=True, null=True)),
                ("action_date", models.DateField(blank=True, null=True)),
                ("termination_date", models.DateField(blank=True, null=True)),
                ("action_code", models.CharField(blank=True, max_length=1)),
                ("coverage", models.CharField(blank=True, max_length=1)),
                ("betos", models.CharField(blank=True, max_length=3, verbose_name="BETOS")),
                (
                    "release",
                    models.CharField(help_text="The CMS file it was imported from.", max_length=60),
                ),
            ],
            options={
                "verbose_name": "HCPCS code",
                "ordering": ["code"],
            },
        ),
    ]
