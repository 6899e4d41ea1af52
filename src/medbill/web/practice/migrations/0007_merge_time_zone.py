# The practice's time zone (0005_practice_time_zone) was added beside the audit and
# security migrations (0005_audit_reads, 0006_security_settings); this joins the two.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0005_practice_time_zone"),
        ("practice", "0006_security_settings"),
    ]

    operations = []
