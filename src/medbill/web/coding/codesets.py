"""Code sets in the database: HCPCS reference rows, practice fee schedules, practice code search.

Use cases run inside ``transaction.atomic()``: an import is all or nothing, and importing the same
file again changes nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from medbill.core.codesets.feeschedule import FeeRow
from medbill.core.codesets.hcpcs import HcpcsCode as CoreHcpcsCode
from medbill.core.codesets.search import SearchIndex, cpt_docs
from medbill.web.coding.models import HcpcsCode
from medbill.web.practice.models import FeeSchedule, FeeScheduleEntry, Payer, Practice

__all__ = [
    "ImportCounts",
    "import_fee_schedule",
    "import_hcpcs_rows",
    "practice_search_index",
]


@dataclass(frozen=True)
class ImportCounts:
    """What an import did: rows added, changed and already as the file says."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} changed, {self.unchanged} unchanged"


_HCPCS_FIELDS = (
    "kind",
    "long_description",
    "short_description",
    "add_date",
    "action_date",
    "termination_date",
    "action_code",
    "coverage",
    "betos",
)


def import_hcpcs_rows(codes: Iterable[CoreHcpcsCode], release: str) -> ImportCounts:
    """Load a CMS HCPCS release into ``HcpcsCode`` rows (reference data, so bulk writes)."""
    incoming = {c.code: c for c in codes}
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {row.code: row for row in HcpcsCode.objects.select_for_update()}
        new_rows, changed = [], []
        for code, value in incoming.items():
            fields = {name: getattr(value, name) for name in _HCPCS_FIELDS}
            row = existing.get(code)
            if row is None:
                new_rows.append(HcpcsCode(code=code, release=release, **fields))
                continue
            if all(getattr(row, k) == v for k, v in fields.items()):
                unchanged += 1
                continue
            for name, field_value in fields.items():
                setattr(row, name, field_value)
            row.release = release
            changed.append(row)
        HcpcsCode.objects.bulk_create(new_rows, batch_size=1000)
        HcpcsCode.objects.bulk_update(changed, [*_HCPCS_FIELDS, "release"], batch_size=1000)
        created, updated = len(new_rows), len(changed)
    return ImportCounts(created, updated, unchanged)


def import_fee_schedule(
    practice: Practice,
    rows: list[FeeRow],
    *,
    name: str = "Standard charges",
    payer: Payer | None = None,
) -> tuple[FeeSchedule, ImportCounts]:
    """Put the rows of a fee schedule file into the practice's schedule called ``name``.

    Entries are keyed by (code, modifier, effective_from): a second import of the same file
    changes nothing; a changed price or description updates that entry. All or nothing.
    """
    if not rows:
        raise ValueError("no fee schedule rows to import")
    start = min(r.effective_from for r in rows)
    created = updated = unchanged = 0
    with transaction.atomic():
        schedule = (
            FeeSchedule.objects.select_for_update()
            .filter(practice=practice, name=name, payer=payer)
            .first()
        )
        if schedule is None:
            schedule = FeeSchedule(practice=practice, name=name, payer=payer, effective_from=start)
            schedule.save()
        elif start < schedule.effective_from:
            schedule.effective_from = start
            schedule.save()
        for row in rows:
            entry = FeeScheduleEntry.objects.filter(
                fee_schedule=schedule,
                code=row.code,
                modifier=row.modifier,
                effective_from=row.effective_from,
            ).first()
            values = {
                "code_system": row.code_system,
                "description": row.description,
                "price": row.price.amount,
                "effective_to": row.effective_to,
            }
            if entry is None:
                FeeScheduleEntry(
                    practice=practice,
                    fee_schedule=schedule,
                    code=row.code,
                    modifier=row.modifier,
                    effective_from=row.effective_from,
                    **values,
                ).save()
                created += 1
            elif all(getattr(entry, k) == v for k, v in values.items()):
                unchanged += 1
            else:
                for key, value in values.items():
                    setattr(entry, key, value)
                entry.save()  # one audit event per changed price
                updated += 1
    _cache.pop(practice.pk, None)
    return schedule, ImportCounts(created, updated, unchanged)


_lock = threading.Lock()
_cache: dict[int, tuple[str, SearchIndex]] = {}


def practice_search_index(practice_id: int) -> SearchIndex:
    """A small search index over the CPT codes of the practice's fee schedules (their own words).

    Kept per process and rebuilt when the practice's entries change.
    """
    rows = list(
        FeeScheduleEntry.objects.filter(practice_id=practice_id, code_system="CPT")
        .order_by("code", "effective_from")
        .values_list("code", "description", "effective_from", "effective_to")
    )
    signature = hashlib.sha256(repr(rows).encode()).hexdigest()
    with _lock:
        cached = _cache.get(practice_id)
        if cached and cached[0] == signature:
            return cached[1]
    # one doc per code: the newest description, valid over the union of its entries' dates
    by_code: dict[str, list[tuple[str, date, date | None]]] = {}
    for code, text, start, end in rows:
        by_code.setdefault(code, []).append((text, start, end))
    docs = []
    for code, entries in by_code.items():
        start = min(e[1] for e in entries)
        ends = [e[2] for e in entries if e[2] is not None]
        end = max(ends) if len(ends) == len(entries) else None
        docs.append((code, entries[-1][0], start, end))
    index = SearchIndex.build(cpt_docs(docs))
    with _lock:
        _cache[practice_id] = (signature, index)
    return index
