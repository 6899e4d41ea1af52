"""Fuzz every X12 reader and the claim JSON loader with mutated real files.

    .venv/bin/python bench/fuzz.py [--inputs 1000000] [--seed 1] [--minutes 0] [--save DIR]

Seeds are the public X12 files in ``../shared/data/x12`` (each read by the reader of its
transaction, and now and then by another one) and the claim examples in
``../shared/examples``; ``tests/fuzzing.py`` breaks them (segments and elements deleted,
duplicated, swapped, emptied; separators injected; odd bytes; numbers no amount holds;
truncation). An 837P that reads is also adjudicated by the payer simulator, as
``medbill payer-sim adjudicate`` does. A reader may refuse an input only with its own error
(``X12ParseError``; ``ClaimFormatError`` for claim JSON); anything else is a crash, counted
by the line of medbill code that raised it. An input that takes more than ``--timeout``
seconds counts as a crash too. Stops after ``--inputs`` inputs (or ``--minutes``); prints
inputs run and crashes by site (the target is none). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import json_seeds, mutate_json, mutate_x12, x12_seeds  # noqa: E402
from medbill.core.claim import ClaimFormatError, loads  # noqa: E402
from medbill.core.paths import shared_data_dir  # noqa: E402
from medbill.core.payersim import simulate  # noqa: E402
from medbill.core.x12 import (  # noqa: E402
    X12ParseError,
    read_277ca,
    read_835,
    read_837p,
    read_999,
    read_interchanges,
)
from medbill.core.x12.m270 import read_270  # noqa: E402
from medbill.core.x12.m271 import read_271  # noqa: E402


def _adjudicate(data):
    read = read_837p(data)
    if read:
        simulate([r.claim for r in read], seed=1,
                 icd9=[r.code_set != "ICD-10-CM" for r in read])
    return read


READERS = {
    "835": read_835, "837p": _adjudicate, "270": read_270, "271": read_271, "999": read_999,
    "277ca": read_277ca, "interchanges": read_interchanges,
}
# The folder a seed comes from -> the reader that reads such files.
BY_KIND = {"835": "835", "837p": "837p", "837i": "837p", "270": "270", "271": "271",
           "999": "999", "277ca": "277ca", "277": "277ca", "276": "interchanges",
           "invalid": "interchanges"}


class Timeout(BaseException):
    """An input ran longer than --timeout (a BaseException, so no reader swallows it)."""


def _alarm(signum, frame):
    raise Timeout


def crash_site(exc: BaseException) -> str:
    """The innermost line of medbill code the exception passed through."""
    site = "?"
    for frame in traceback.extract_tb(exc.__traceback__):
        if f"{os.sep}medbill{os.sep}" in frame.filename:
            path = frame.filename.split(f"{os.sep}medbill{os.sep}", 1)[1]
            site = f"{path}:{frame.lineno} ({frame.name})"
    return f"{type(exc).__name__} at {site}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: never)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds one input may take")
    ap.add_argument("--save", type=Path, help="write the first input of each crash site here")
    args = ap.parse_args()

    shared = shared_data_dir()
    if shared is None or not (shared / "x12").is_dir():
        print("needs ../shared/data/x12 (public X12 examples); see README", file=sys.stderr)
        return 2
    seeds = [s for s in x12_seeds(shared / "x12") if s.kind in BY_KIND]
    claims = json_seeds(shared.parent / "examples")
    rng = random.Random(args.seed)
    signal.signal(signal.SIGALRM, _alarm)
    runs: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    examples: dict[str, tuple[str, str]] = {}
    started = last = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes else None
    print(f"{len(seeds)} X12 seeds, {len(claims)} claim seeds; {args.inputs:,} inputs",
          file=sys.stderr)
    n = 0
    while n < args.inputs:
        n += 1
        if rng.randrange(8) == 0 and claims:
            seed = rng.choice(claims)
            target, origin = "claim-json", seed.name
            data = mutate_json(rng, seed)
            run, expected = loads, ClaimFormatError
        else:
            seed = rng.choice(seeds)
            target = BY_KIND[seed.kind] if rng.randrange(8) else rng.choice(list(READERS))
            origin = f"{seed.kind}/{seed.name}"
            data = mutate_x12(rng, seed, seeds)
            run, expected = READERS[target], X12ParseError
        runs[target] += 1
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            run(data)
        except expected:
            refused[target] += 1
        except (Exception, Timeout, RecursionError, MemoryError) as exc:  # noqa: B014
            signal.setitimer(signal.ITIMER_REAL, 0)
            site = f"{target}: " + ("Timeout" if isinstance(exc, Timeout) else crash_site(exc))
            crashes[site] += 1
            if site not in examples:
                examples[site] = (origin, f"{type(exc).__name__}: {str(exc)[:200]}")
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    raw = data if isinstance(data, bytes) else \
                        data.encode("utf-8", errors="surrogatepass")
                    (args.save / f"crash-{len(examples):03d}.bin").write_bytes(raw)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        now = time.monotonic()
        if now - last > 30:
            last = now
            print(f"  {n:,} inputs, {sum(crashes.values()):,} crashes at {len(crashes)} sites, "
                  f"{n / (now - started):,.0f}/s", file=sys.stderr, flush=True)
        if deadline is not None and now > deadline:
            break
    elapsed = time.monotonic() - started
    print(f"inputs run: {n:,} in {elapsed:,.0f} s ({n / elapsed:,.0f}/s), seed {args.seed}")
    print(f"{'target':<14}{'inputs':>10}{'refused':>10}{'crashes':>10}")
    for target in sorted(runs):
        bad = sum(c for s, c in crashes.items() if s.startswith(target + ":"))
        print(f"{target:<14}{runs[target]:>10,}{refused[target]:>10,}{bad:>10,}")
    print(f"crashes: {sum(crashes.values()):,} at {len(crashes)} sites")
    for site, count in crashes.most_common():
        origin, message = examples[site]
        print(f"{count:>8,}  {site}\n          first from {origin}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
