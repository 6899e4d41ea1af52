"""Claim scrubber throughput on one core: claims of 4 diagnoses and 3 lines with ICD-10-CM,
MUE, add-on and PTP tables loaded.

Tables come from ``data_dir()`` (``make data``) when built, else from ``../shared/data``.
The CMS PTP table is not in the shared data; when none is imported, a table of the same
order of size as the practitioner file (about a million pairs) is made up from the MUE
codes, so lookups run against a realistically large dict.

    .venv/bin/python bench/scrub.py [--claims 5000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date
from pathlib import Path

from medbill.core.claim import Claim
from medbill.core.codesets import icd10cm
from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.paths import shared_data_dir
from medbill.core.scrubber import References, Scrubber
from medbill.core.scrubber.importers import import_aoc, import_mce, import_mue, import_ptp
from medbill.core.scrubber.refdata import FAR_FUTURE, PtpTable, Releases

ROOT = Path(__file__).resolve().parents[1]
PTP_FIXTURE = ROOT / "tests" / "core" / "fixtures" / "ncci" / "ccipra_v321r0_f1.txt"
LINE_CODES = [
    "99212",
    "99213",
    "99214",
    "36415",
    "83036",
    "85025",
    "80053",
    "81002",
    "87880",
    "93000",
    "94010",
    "71046",
    "97110",
    "20610",
    "J1885",
    "96372",
    "90471",
    "G0008",
]
CHAPTERS = (
    "E1",
    "I1",
    "I4",
    "J0",
    "J4",
    "K2",
    "K5",
    "M1",
    "M5",
    "M7",
    "F3",
    "F4",
    "N3",
    "R0",
    "R1",
    "Z0",
    "Z1",
    "L0",
    "L7",
    "H6",
)


def _refs(rng: random.Random) -> tuple[References, str]:
    refs = References.load()
    notes = []
    shared = shared_data_dir()
    if not refs.mue or not refs.aoc or not refs.mce:
        if shared is None:
            raise SystemExit(
                "no MUE/AOC/MCE tables: `make data` builds them from ../shared/data/cms, which "
                "this checkout does not have; import the CMS files with `medbill codesets import`"
            )
        cms = shared / "cms"
        refs = References(
            mue=Releases([import_mue(cms / "mue" / "mue_practitioner.json")]),
            aoc=Releases([import_aoc(cms / "ncci-aoc" / "ncci_aoc_edits.json")]),
            mce=Releases(
                [
                    import_mce(cms / "mce" / "MCE_Simple_Code_Edits_v37.txt"),
                    import_mce(cms / "mce" / "mce_edits.json"),
                ]
            ),
            ptp=refs.ptp,
            icd=icd10cm,
            hcpcs=refs.hcpcs,
            modifiers=refs.modifiers,
            pos=refs.pos,
            payer_rules=refs.payer_rules,
        )
        notes.append("MUE/AOC/MCE from ../shared/data")
    if not refs.ptp:
        fixture = import_ptp(PTP_FIXTURE)
        pairs = dict(fixture.pairs)
        codes = sorted(refs.mue.newest.values)
        start = date(2000, 1, 1)
        while len(pairs) < 1_000_000:
            pairs[(rng.choice(codes), rng.choice(codes))] = (start, FAR_FUTURE, "1")
        for c in LINE_CODES:  # keep the benchmark's own lines clean of made-up pairs
            for d in LINE_CODES:
                if (c, d) not in fixture.pairs:
                    pairs.pop((c, d), None)
        refs = References(
            mue=refs.mue,
            aoc=refs.aoc,
            mce=refs.mce,
            icd=refs.icd,
            hcpcs=refs.hcpcs,
            modifiers=refs.modifiers,
            pos=refs.pos,
            payer_rules=refs.payer_rules,
            ptp=Releases([PtpTable("2026Q2", date(2026, 4, 1), "bench", pairs)]),
        )
        notes.append(f"PTP: {len(pairs):,} pairs (fixture + made-up pairs)")
    return refs, "; ".join(notes) or "all tables from data_dir()"


def _claims(n: int, rng: random.Random) -> list[Claim]:
    release = icd10cm(date(2026, 3, 2))
    pool = [c for c in release.codes("code") if release.is_billable(c) and c[:2] in CHAPTERS]
    claims = []
    for i in range(n):
        dx = rng.sample(pool, 4)
        lines = []
        for n_line, code in enumerate(rng.sample(LINE_CODES, 3), start=1):
            lines.append(
                {
                    "line": n_line,
                    "code": code,
                    "modifiers": [],
                    "units": 1,
                    "charge": "95.00",
                    "dx_pointers": [1, 2],
                }
            )
        claims.append(
            Claim.from_dict(
                {
                    "claim_id": f"B{i:06d}",
                    "submission_date": "2026-03-04",
                    "date_of_service": "2026-03-02",
                    "place_of_service": "11",
                    "frequency_code": "1",
                    "billing_provider": {
                        "name": "Bench Clinic",
                        "npi": "1746502933",
                        "tin": "391847265",
                        "address": {
                            "line1": "1 Main St",
                            "city": "Madison",
                            "state": "WI",
                            "zip": "537051212",
                        },
                    },
                    "rendering_provider": {
                        "name": {"last": "Doe", "first": "Jo"},
                        "npi": "1283746505",
                    },
                    "payer": {"name": "Bench Health", "payer_id": "BH01", "type": "commercial"},
                    "subscriber": {
                        "name": {"last": "Roe", "first": "Al"},
                        "dob": "1960-01-01",
                        "sex": "M" if i % 2 else "F",
                        "member_id": f"M{i}",
                        "address": {
                            "line1": "2 Elm",
                            "city": "Madison",
                            "state": "WI",
                            "zip": "537051212",
                        },
                    },
                    "patient": {
                        "name": {"last": "Roe", "first": "Al"},
                        "dob": "1960-01-01",
                        "sex": "M" if i % 2 else "F",
                        "relationship_to_subscriber": "self",
                    },
                    "diagnoses": dx,
                    "lines": lines,
                }
            )
        )
    return claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000, help="distinct claims")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the claims")
    args = parser.parse_args()
    rng = random.Random(2026)
    ensure_icd10cm()
    refs, note = _refs(rng)
    claims = _claims(args.claims, rng)
    scrubber = Scrubber(refs, today=date(2026, 3, 10))
    findings = scrubber.findings

    t0 = time.perf_counter()
    total = sum(len(findings(c)) for c in claims)  # first pass fills the per-code caches
    cold = len(claims) / (time.perf_counter() - t0)
    best_wall = best_cpu = 0.0
    for _ in range(args.rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        for c in claims:
            findings(c)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        best_wall = max(best_wall, len(claims) / wall)
        best_cpu = max(best_cpu, len(claims) / max(cpu, 1e-9))
    # CPU time is what one core spends; wall time also counts waiting for a shared core.
    print(
        f"scrub: {best_cpu:,.0f} claims/s per core (CPU time), {best_wall:,.0f} claims/s wall "
        f"clock (4 diagnoses, 3 lines; best of {args.rounds} passes over {len(claims):,} "
        f"claims); first pass {cold:,.0f} claims/s"
    )
    print(
        f"tables: ICD-10-CM {refs.icd_for(date(2026, 3, 2)).name}, MUE "
        f"{refs.mue.newest.quarter}, AOC {refs.aoc.newest.quarter}, PTP "
        f"{refs.ptp.newest.quarter} ({note}); findings on the set: {total}"
    )
    print(f"machine: {os.cpu_count()} cores (benchmark uses 1)")


if __name__ == "__main__":
    main()
