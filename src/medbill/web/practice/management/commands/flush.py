"""``flush`` that may empty the append-only tables: starting a whole database over.

Django's own command, run with ``reset_allowed``: the demo's reset and the test
runner's teardown empty every table at once, which the append-only triggers
otherwise refuse row by row on SQLite. Also usable inside a transaction on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from medbill.web.practice.append_only import reset_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        # PostgreSQL refuses TRUNCATE while deferred foreign-key checks of the current
        # transaction are pending (a flush inside a transaction): settle them first.
        settle = connection.vendor == "postgresql" and connection.in_atomic_block
        if settle:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            with reset_allowed(connection):
                super().handle(**options)
        finally:
            if settle:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
