"""``medbill backup`` and ``medbill restore``: a backup restores into an empty database with
the same ledger and audit trail, and a damaged or misdirected one is refused."""

from __future__ import annotations

import os
import sqlite3
import uuid

import pytest
from django.db import connection

from medbill.web.backup import BackupError, backup, database_totals, restore
from medbill.web.billing.services import post_payment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def books(world):
    """A practice with payments on its ledger and events in its audit trail."""
    for amount in ("20.00", "35.10", "0.07"):
        post_payment(world.users["biller"], world.a.patient, amount)
    with connection.cursor() as cursor:
        return database_totals(cursor)


@pytest.fixture
def empty_database():
    """The URL of a new, empty database of the kind the tests run on (dropped after)."""
    if connection.vendor == "sqlite":
        yield None  # the test names a file of its own
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    base = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def target_url(empty_database, tmp_path):
    return empty_database or f"sqlite:///{tmp_path / 'restored' / 'medbill.sqlite3'}"


def test_a_backup_restores_the_same_ledger_audit_trail_and_documents(
    books, empty_database, tmp_path
):
    data = tmp_path / "data"
    (data / "statements").mkdir(parents=True)
    (data / "statements" / "statement-A1.pdf").write_bytes(b"%PDF-1.4 statement")
    (data / "codesets").mkdir()
    (data / "codesets" / "search.pickle").write_bytes(b"rebuilt, not backed up")
    folder = backup(tmp_path / "backups", data)
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "documents.tar.gz"}

    elsewhere = tmp_path / "new-data"
    restored = restore(folder, target_url(empty_database, tmp_path), elsewhere)
    assert restored == books
    assert restored.ledger_entries >= 3 and restored.audit_events > 0
    assert (elsewhere / "statements" / "statement-A1.pdf").read_bytes() == b"%PDF-1.4 statement"
    assert not (elsewhere / "codesets").exists()


def test_a_damaged_backup_is_refused(books, empty_database, tmp_path):
    folder = backup(tmp_path / "backups", tmp_path / "data")
    with open(folder / "documents.tar.gz", "r+b") as handle:
        handle.seek(10)
        handle.write(b"\x00\x01")
    with pytest.raises(BackupError, match="documents.tar.gz does not match"):
        restore(folder, target_url(empty_database, tmp_path), tmp_path / "new-data")


def test_a_restore_never_overwrites_a_database_in_use(books, tmp_path):
    folder = backup(tmp_path / "backups", tmp_path / "data")
    if connection.vendor == "sqlite":
        used = tmp_path / "used.sqlite3"
        with sqlite3.connect(used) as db:
            db.execute("CREATE TABLE billing_entry (id integer)")
        url = f"sqlite:///{used}"
    else:
        s = connection.settings_dict
        url = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    with pytest.raises(BackupError, match="empty"):
        restore(folder, url, tmp_path / "new-data")


def test_a_backup_goes_back_only_into_its_own_kind_of_database(books, tmp_path):
    folder = backup(tmp_path / "backups", tmp_path / "data")
    other = (
        "postgresql://nobody@127.0.0.1:5432/none"
        if connection.vendor == "sqlite"
        else f"sqlite:///{tmp_path / 'x.sqlite3'}"
    )
    with pytest.raises(BackupError, match="cannot be restored into"):
        restore(folder, other, tmp_path / "new-data")
    assert os.listdir(tmp_path / "backups")
