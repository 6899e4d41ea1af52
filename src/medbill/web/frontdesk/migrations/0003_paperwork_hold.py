from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0002_front_desk"),
    ]

    operations = [
        migrations.AddField(
            model_name="desksettings",
            name="hold_claims_for_paperwork",
            field=models.CharField(
                choices=[
                    ("off", "Never: bill without checking paperwork"),
                    ("started", "When the patient has paperwork on file here and it is incomplete"),
                    ("always", "Always: every patient needs the complete packet on file here"),
                ],
                default="started",
                help_text="Whether claims wait for the intake packet. Patients who signed on paper before the practice kept paperwork here have nothing on file; 'always' holds them too.",
                max_length=8,
            ),
        ),
    ]
