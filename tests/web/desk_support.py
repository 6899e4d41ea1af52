"""Shared pieces of the front-desk tests: a payer simulator for a practice, a visit today,
and a drawn signature (a real PNG, as a canvas would send it)."""

from __future__ import annotations

import base64
import contextlib
import datetime
import io
import struct
import zlib
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from medbill.connect.payer_sim import PayerSimulator
from medbill.core.eligibility.simulator import PlanTable
from medbill.web.frontdesk.models import Coverage, PayerEndpoint, Visit
from medbill.web.frontdesk.plan_table import plan_table_from_coverages


def png(width: int = 40, height: int = 12) -> bytes:
    """A small black-on-white PNG with a diagonal stroke."""
    rows = b""
    for y in range(height):
        row = bytearray(b"\x00" + b"\xff" * width)
        row[1 + min(width - 1, y * width // height)] = 0
        rows += bytes(row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", header))
    out.write(chunk(b"IDAT", zlib.compress(rows)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()


def drawn() -> str:
    return "data:image/png;base64," + base64.b64encode(png()).decode()


def visit_today(site, hour: int = 9, status: str = Visit.Status.SCHEDULED) -> Visit:
    when = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(hour, 0))
    )
    return Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=when,
        reason="Ear pain",
        status=status,
    )


@contextlib.contextmanager
def simulator(site, delay: float = 0.0, timeout: str = "5") -> Iterator[PayerSimulator]:
    """A payer simulator on 127.0.0.1 that knows the site's coverages, and endpoints to it."""
    rows = Coverage.objects.filter(practice=site.practice).select_related("payer", "patient")
    table = PlanTable(plan_table_from_coverages(rows, timezone.localdate()))
    with PayerSimulator(table, delay=delay) as sim:
        for payer in {c.payer for c in rows}:
            PayerEndpoint.objects.update_or_create(
                practice=site.practice,
                payer=payer,
                defaults={
                    "url": sim.url,
                    "sender_id": "MEDBILL",
                    "receiver_id": "PAYERSIM",
                    "timeout_seconds": Decimal(timeout),
                },
            )
        yield sim
