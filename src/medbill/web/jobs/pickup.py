"""Importing what partners left in their inbound locations: 999s, 277CAs and 835s."""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from medbill.connect.pickup import PickupError, pick_up
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.claims_out.services import connection_profile
from medbill.web.jobs.models import PickedUpFile
from medbill.web.practice.errors import ServiceError

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

__all__ = ["kind_of", "pick_up_for_practice"]

log = logging.getLogger(__name__)


def kind_of(data: bytes) -> str:
    """999, 277 or 835 from the file's first transaction set header; 'unknown' otherwise."""
    if not data.startswith(b"ISA") or len(data) < 106:
        return "unknown"
    separator = data[3:4]
    match = re.search(rb"ST" + re.escape(separator) + rb"(\d{3})", data)
    kind = match.group(1).decode() if match else ""
    return kind if kind in ("999", "277", "835") else "unknown"


def _import(practice: Practice, name: str, data: bytes, kind: str) -> str:
    from medbill.web.billing.era import import_era
    from medbill.web.claims_out.acks import import_acknowledgement

    if kind == "835":
        result = import_era(None, practice, data, name, post=True)
        if result.already_imported:
            return "already imported"
        posted = sum(len(s.posted) for s in result.sets)
        return f"835: {posted} claims posted, {sum(len(s.denied) for s in result.sets)} denied"
    if kind in ("999", "277"):
        ack = import_acknowledgement(None, practice, data, name)
        if ack.duplicate:
            return "already imported"
        return f"{ack.ack.kind}: {len(ack.accepted)} accepted, {len(ack.rejected)} rejected"
    return "not a 999, 277CA or 835; left for a person to look at"


def _seen(known: set[tuple[str, int]], name: str, size: int) -> bool:
    return (name, size) in known


def pick_up_for_practice(practice: Practice) -> dict[str, Any]:
    """Pick up and import new files from each active connection of ``practice``."""
    summary: dict[str, Any] = {"connections": 0, "files": 0, "kinds": {}, "problems": []}
    for row in ClearinghouseConnection.objects.for_practice(practice).filter(active=True):
        try:
            profile = connection_profile(practice, row.name)
        except ServiceError as exc:
            summary["problems"].append(f"{row.name}: {exc}")
            continue
        if not (profile.inbound_folder or profile.inbound_remote_dir):
            continue
        summary["connections"] += 1
        known = set(
            PickedUpFile.objects.filter(practice=practice, connection=row.name).values_list(
                "name", "size"
            )
        )
        try:
            files = pick_up(profile, functools.partial(_seen, known))
        except PickupError as exc:
            summary["problems"].append(f"{row.name}: {exc}")
            continue
        for incoming in files:
            kind = kind_of(incoming.data)
            try:
                outcome = _import(practice, incoming.name, incoming.data, kind)
            except ServiceError as exc:
                outcome = f"refused: {exc}"
                summary["problems"].append(f"{row.name}/{incoming.name}: {exc}")
            try:
                with transaction.atomic():
                    PickedUpFile.objects.create(
                        practice=practice,
                        connection=row.name,
                        name=incoming.name,
                        size=len(incoming.data),
                        sha256=incoming.sha256,
                        kind=kind,
                        outcome=outcome[:200],
                    )
            except IntegrityError:  # picked up by a run at the same moment
                continue
            summary["files"] += 1
            summary["kinds"][kind] = summary["kinds"].get(kind, 0) + 1
            log.info("picked up %s file %s from connection %s", kind, incoming.sha256[:12], row.pk)
    return summary
