"""Backups that restore: the database and the data directory's documents, checked.

``backup`` writes one folder per run::

    medbill-backup-20261206-210000/
        database.dump        PostgreSQL: pg_dump custom format (or database.sqlite3: SQLite's
                             online backup, consistent while the app runs)
        documents.tar.gz     the data directory's files (statements, 837P files, keys ...),
                             without what ``medbill codesets build`` makes again
        manifest.json        when, from which database, the SHA-256 of each file, and the
                             ledger and audit-trail totals at the time of the backup

``restore`` checks every file against the manifest, loads the database into an empty one,
puts back the documents that are missing, and compares the restored ledger and audit trail
with the manifest's totals: a restore that does not give back the same money and the same
history fails loudly instead of leaving a quiet difference.

PostgreSQL's tools run as child processes with the password in their environment, never on
their command line.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

__all__ = [
    "BackupError",
    "Totals",
    "backup",
    "database_totals",
    "restore",
]

FORMAT = 1
# Rebuilt by ``medbill codesets build``; large, and not the practice's own data.
_NOT_DOCUMENTS = ("codesets", "backups")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done or does not check out (says why)."""


@dataclass(frozen=True)
class Totals:
    """What must be the same after a restore: the ledger's rows and money, the audit trail."""

    ledger_entries: int
    ledger_total: str
    ledger_payments: str
    audit_events: int
    last_audit_event: int
    claims: int
    patients: int


def database_totals(cursor: Any) -> Totals:
    """The totals of the database ``cursor`` reads (any DB-API cursor: sqlite3, psycopg).

    Money is summed in whole cents, so SQLite and PostgreSQL give the same text."""

    def one(sql: str) -> Any:
        cursor.execute(sql)
        return cursor.fetchone()[0]

    def cents(where: str = "") -> str:
        value = one(f"SELECT COALESCE(SUM(ROUND(amount * 100)), 0) FROM billing_entry {where}")
        return str((Decimal(int(value)) / 100).quantize(Decimal("0.01")))

    return Totals(
        ledger_entries=int(one("SELECT COUNT(*) FROM billing_entry")),
        ledger_total=cents(),
        ledger_payments=cents("WHERE kind = 'payment'"),
        audit_events=int(one("SELECT COUNT(*) FROM practice_auditevent")),
        last_audit_event=int(one("SELECT COALESCE(MAX(id), 0) FROM practice_auditevent")),
        claims=int(one("SELECT COUNT(*) FROM billing_claim")),
        patients=int(one("SELECT COUNT(*) FROM frontdesk_patient")),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments and environment for the database ``settings`` name."""
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def _documents(data_dir: Path, target: Path, skip: set[Path]) -> int:
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        for path in sorted(data_dir.rglob("*")):
            rel = path.relative_to(data_dir)
            if not path.is_file() or rel.parts[0] in _NOT_DOCUMENTS or path in skip:
                continue
            if path.name.startswith(("medbill.sqlite3", ".")):
                continue  # the database itself (and its journal) is backed up on its own
            archive.add(path, arcname=str(rel))
            count += 1
    return count


def backup(out: Path, data_dir: Path) -> Path:
    """Back up the configured database and ``data_dir``'s documents into a new folder
    under ``out``; returns the folder."""
    from django.db import connection

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    folder = out / f"medbill-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    settings = connection.settings_dict
    connection.ensure_connection()
    with connection.cursor() as cursor:
        totals = database_totals(cursor)
    if connection.vendor == "postgresql":
        database = folder / "database.dump"
        args, env = _pg_args(settings)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(database),
                str(settings["NAME"]),
            ],
            env,
            "pg_dump",
        )
    elif connection.vendor == "sqlite":
        database = folder / "database.sqlite3"
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"cannot back up a {connection.vendor} database")
    skip = {Path(str(settings["NAME"])).resolve()} if connection.vendor == "sqlite" else set()
    documents = folder / "documents.tar.gz"
    count = _documents(data_dir, documents, skip)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "totals": asdict(totals),
        "documents": count,
        "files": {p.name: _sha256(p) for p in (database, documents)},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.is_file():
        raise BackupError(f"{folder}: no manifest.json; not a medbill backup")
    try:
        manifest = json.loads(path.read_text())
    except ValueError:
        raise BackupError(f"{path}: not readable JSON") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: backup format {manifest.get('format')!r}, expected {FORMAT}")
    for name, sha in manifest["files"].items():
        file = folder / name
        if not file.is_file():
            raise BackupError(f"{folder}: {name} is missing")
        if _sha256(file) != sha:
            raise BackupError(f"{folder}: {name} does not match its SHA-256 in the manifest")
    return manifest


def _sqlite_target(url: str) -> Path:
    import dj_database_url

    return Path(dj_database_url.parse(url)["NAME"])


def _restore_sqlite(source: Path, target: Path) -> Totals:
    if target.exists() and target.stat().st_size:
        with sqlite3.connect(target) as existing:
            tables = existing.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'billing_entry'"
            ).fetchone()[0]
        if tables:
            raise BackupError(
                f"{target} already holds a medbill database; restore into an empty one"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        return database_totals(dst.cursor())
    finally:
        src.close()
        dst.close()


def _restore_postgresql(source: Path, url: str) -> Totals:
    import psycopg

    parsed = urlparse(url)
    settings = {
        "HOST": parsed.hostname,
        "PORT": parsed.port,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "NAME": parsed.path[1:],
    }
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    found = row[0] if row is not None else 0  # COUNT(*) always gives one row
    if found:
        raise BackupError(
            f"database {settings['NAME']} has {found} table(s); restore into an empty database"
        )
    args, env = _pg_args(settings)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *args,
            "--dbname",
            str(settings["NAME"]),
            str(source),
        ],
        env,
        "pg_restore",
    )
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        return database_totals(cursor)


def restore(folder: Path, database_url: str, data_dir: Path) -> Totals:
    """Restore the backup in ``folder`` into the empty database ``database_url`` and put
    back missing documents under ``data_dir``; raises ``BackupError`` unless the restored
    ledger and audit trail match the backup's totals."""
    manifest = _read_manifest(folder)
    vendor = manifest["vendor"]
    scheme = urlparse(database_url).scheme
    if vendor == "sqlite" and scheme == "sqlite":
        totals = _restore_sqlite(folder / "database.sqlite3", _sqlite_target(database_url))
    elif vendor == "postgresql" and scheme in ("postgres", "postgresql"):
        totals = _restore_postgresql(folder / "database.dump", database_url)
    else:
        raise BackupError(f"a {vendor} backup cannot be restored into a {scheme} database")
    data_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "documents.tar.gz", "r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile() and not (data_dir / member.name).exists():
                archive.extract(member, data_dir, filter="data")
    expected = Totals(**manifest["totals"])
    if totals != expected:
        raise BackupError(
            f"the restored database does not match the backup: expected {expected}, found {totals}"
        )
    return totals
