"""Generated claims through scrub -> 837P write -> pyx12, in the thousands.

    .venv/bin/python bench/x12_fuzz.py [--claims 10000] [--seed 1]

Claims come from the hypothesis strategies of the test suite
(``tests/claim_strategies.py``: any Unicode names and addresses, over-long values,
1-12 diagnoses, 1-50 lines, modifiers, NDC lines, COB with one or two earlier
payers, replacement and void). Batches of one to three claims are scrubbed and
written as the batch writer does, holding out what it cannot write; the files are
validated by pyx12 (many interchanges per pyx12 run). Prints the counts: claims
generated, written, held (and why), files, pyx12 errors, and held claims no
scrubber error explains. Asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from claim_strategies import batches, scrub_then_write  # noqa: E402
from medbill.core.scrubber import References, Scrubber  # noqa: E402
from x12_pyx12 import pyx12_errors  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--per-run", type=int, default=150, help="interchanges validated per pyx12 run"
    )
    args = parser.parse_args()
    scrubber = Scrubber(References(), today=__import__("claim_strategies").TODAY)
    counts: collections.Counter[str] = collections.Counter()
    why: collections.Counter[str] = collections.Counter()
    pending: list[bytes] = []
    failures: list[str] = []
    unexplained: list[tuple] = []
    numbers = iter(range(1, 999_999_999))
    started = time.perf_counter()
    pyx12_seconds = 0.0

    def validate() -> None:
        nonlocal pyx12_seconds
        if not pending:
            return
        t = time.perf_counter()
        errors = pyx12_errors(b"".join(pending))
        pyx12_seconds += time.perf_counter() - t
        counts["pyx12 runs"] += 1
        counts["files validated"] += len(pending)
        if errors:  # find the files at fault, one by one
            for data in pending:
                own = pyx12_errors(data)
                if own:
                    counts["files with pyx12 errors"] += 1
                    failures.append(own[0])
        pending.clear()

    @settings(
        max_examples=args.claims,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed)
    @given(batches(max_claims=3, max_lines=50))
    def run(batch: list) -> None:
        if counts["claims"] >= args.claims:
            return
        outcome = scrub_then_write(batch, scrubber, counter=numbers)
        counts["claims"] += len(batch)
        counts["written"] += len(outcome.written)
        counts["held"] += len(outcome.held)
        counts["batches"] += 1
        counts["batches with a claim held and others written"] += bool(
            outcome.held and outcome.written
        )
        for _, field, reason in outcome.held:
            leaf = (field or "(claim)").split(".")[-1].split("[")[0]
            why[f"{leaf}: {reason.split(';')[0][:60]}"] += 1
        unexplained.extend(outcome.unexplained)
        pending.extend(outcome.files)
        if len(pending) >= args.per_run:
            validate()

    run()  # at most --claims batches of at least one claim each: enough claims
    validate()
    seconds = time.perf_counter() - started
    print(
        f"claims generated:      {counts['claims']:,} in {counts['batches']:,} batches "
        f"({seconds:.0f} s, of which pyx12 {pyx12_seconds:.0f} s)"
    )
    print(
        f"claims written:        {counts['written']:,} in {counts['files validated']:,} "
        f"files ({counts['pyx12 runs']:,} pyx12 runs)"
    )
    print(f"files with pyx12 errors: {counts['files with pyx12 errors']}")
    for message in failures[:5]:
        print(f"    {message}")
    print(
        f"claims held out:       {counts['held']:,} "
        f"({counts['batches with a claim held and others written']:,} batches wrote the "
        "others)"
    )
    print(f"held with no scrubber error naming the field: {len(unexplained)}")
    for item in unexplained[:5]:
        print(f"    {item}")
    print("most common reasons a claim was held:")
    for reason, n in why.most_common(8):
        print(f"    {n:6,}  {reason}")


if __name__ == "__main__":
    main()
