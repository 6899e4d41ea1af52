"""Open balances are read from ``Balance`` now: the covering index that served summing them
from the ledger only slowed every insert (it was the ledger's largest index)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0011_entry_day"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="entry",
            name="entry_open_balance",
        ),
    ]
