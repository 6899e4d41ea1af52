"""Two ``medbill era import --post`` processes at once on PostgreSQL charge each claim once.

Real processes, a real server: the guard under test is the database's (a lock the
second import waits on, a unique charge per claim line), not anything in one Python
process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.billing.models import ClaimLine, Entry
from medbill.web.billing.remittance_models import Remittance, RemittanceFile
from remittances import bench_era

MEDBILL = Path(sys.executable).with_name("medbill")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="concurrent writers are tested on PostgreSQL (set DATABASE_URL)",
    ),
]


def run_together(*argvs: list[str]) -> list[subprocess.CompletedProcess]:
    settings = connection.settings_dict
    env = {
        **os.environ,
        "MEDBILL_DEBUG": "1",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}",
    }
    env.pop("MEDBILL_TEST_DB_NAME", None)
    procs = [
        subprocess.Popen(
            [str(MEDBILL), *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    out = []
    for p, argv in zip(procs, argvs, strict=True):
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(argv, p.returncode, stdout, stderr))
    return out


def charged_lines(practice) -> Counter:
    rows = (
        Entry.objects.filter(practice=practice, kind="charge")
        .values("claim_line_id")
        .annotate(n=Count("id"))
    )
    return Counter({r["claim_line_id"]: r["n"] for r in rows})


def test_two_overlapping_files_at_once_charge_each_claim_once(tmp_path):
    bench = bench_era()
    claims = bench.synthetic_claims(600)
    practice = bench.seed_claims(claims, run=1)
    first, second = claims[:400], claims[200:]
    files = []
    for name, part, seed in (("first.835", first, 1), ("second.835", second, 2)):
        path = tmp_path / name
        path.write_bytes(write_835(simulate(part, seed=seed).remittances, control_number=seed))
        files.append(path)
    results = run_together(
        *(["era", "import", "--post", "--practice", practice.short_code, str(f)] for f in files)
    )
    for r in results:
        assert r.returncode == 0, r.stderr[-2000:]
        assert "Traceback" not in r.stderr
    counts = charged_lines(practice)
    lines = ClaimLine.objects.filter(practice=practice)
    assert set(counts) == set(lines.values_list("pk", flat=True))
    assert max(counts.values()) == 1, "a claim line was charged twice"
    charges = sum(
        (Money(e.amount) for e in Entry.objects.filter(practice=practice, kind="charge")), ZERO
    )
    assert charges == sum((Money(line.charge) for line in lines), ZERO)


def test_the_same_file_twice_at_once_posts_once_and_says_so(tmp_path):
    bench = bench_era()
    claims = bench.synthetic_claims(300)
    practice = bench.seed_claims(claims, run=2)
    path = tmp_path / "once.835"
    path.write_bytes(write_835(simulate(claims, seed=3).remittances, control_number=3))
    argv = ["era", "import", "--post", "--practice", practice.short_code, str(path)]
    results = run_together(argv, argv)
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-2000:] for r in results]
    said = [r.stdout for r in results]
    assert sum("already imported" in s for s in said) == 1, said
    assert RemittanceFile.objects.filter(practice=practice).count() == 1
    assert max(charged_lines(practice).values()) == 1
    sets = read_835(path.read_bytes())
    assert Remittance.objects.filter(practice=practice, status="posted").count() == len(sets)
