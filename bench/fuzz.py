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

The inputs run in a child process. One that hangs where the alarm cannot interrupt it (a
single long C call) has its stack dumped to stderr; the child is then replaced and the run
goes on after that input. ``--only N`` replays input N alone, with its traceback.
"""

from __future__ import annotations

import argparse
import faulthandler
import multiprocessing as mp
import os
import queue
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
        simulate([r.claim for r in read], seed=1, icd9=[r.code_set != "ICD-10-CM" for r in read])
    return read


READERS = {
    "835": read_835,
    "837p": _adjudicate,
    "270": read_270,
    "271": read_271,
    "999": read_999,
    "277ca": read_277ca,
    "interchanges": read_interchanges,
}
# The folder a seed comes from -> the reader that reads such files.
BY_KIND = {
    "835": "835",
    "837p": "837p",
    "837i": "837p",
    "270": "270",
    "271": "271",
    "999": "999",
    "277ca": "277ca",
    "277": "277ca",
    "276": "interchanges",
    "invalid": "interchanges",
}


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


class Inputs:
    """Input ``n`` of a run, the same every time for the same seed (so a crash can be
    replayed alone with ``--only n``)."""

    def __init__(self, seed: int) -> None:
        shared = shared_data_dir()
        if shared is None or not (shared / "x12").is_dir():
            raise SystemExit("needs ../shared/data/x12 (public X12 examples); see README")
        self.seed = seed
        self.x12 = [s for s in x12_seeds(shared / "x12") if s.kind in BY_KIND]
        self.claims = json_seeds(shared.parent / "examples")

    def make(self, n: int):
        """(target, where the input came from, the input, the reader, its own error)."""
        rng = random.Random(self.seed * 1_000_003 + n)
        if rng.randrange(8) == 0 and self.claims:
            seed = rng.choice(self.claims)
            return "claim-json", seed.name, mutate_json(rng, seed), loads, ClaimFormatError
        seed = rng.choice(self.x12)
        target = BY_KIND[seed.kind] if rng.randrange(8) else rng.choice(list(READERS))
        return (
            target,
            f"{seed.kind}/{seed.name}",
            mutate_x12(rng, seed, self.x12),
            READERS[target],
            X12ParseError,
        )


def _save(folder: Path | None, name: str, data) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        raw = data if isinstance(data, bytes) else data.encode("utf-8", errors="surrogatepass")
        (folder / name).write_bytes(raw)


def work(
    inputs: Inputs, first: int, last: int, skip: set[int], timeout: float, current, results
) -> None:
    """Run inputs ``first``..``last`` but ``skip`` (a child process); ``current`` says which
    one runs."""
    signal.signal(signal.SIGALRM, _alarm)
    faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=False)
    out = {"runs": Counter(), "refused": Counter(), "crashes": Counter(), "examples": {}}
    for n in range(first, last + 1):
        current.value = n
        if n in skip:
            continue
        target, origin, data, run, expected = inputs.make(n)
        out["runs"][target] += 1
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            run(data)
        except expected:
            out["refused"][target] += 1
        except (Exception, Timeout, RecursionError, MemoryError) as exc:  # noqa: B014
            signal.setitimer(signal.ITIMER_REAL, 0)
            site = f"{target}: " + ("Timeout" if isinstance(exc, Timeout) else crash_site(exc))
            out["crashes"][site] += 1
            out["examples"].setdefault(site, (n, origin, f"{type(exc).__name__}: {str(exc)[:160]}"))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if n % 2000 == 0 or n == last:
            results.put(("partial", n, out))
            out = {"runs": Counter(), "refused": Counter(), "crashes": Counter(), "examples": {}}
    results.put(("done", last, out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: never)")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds one input may take")
    ap.add_argument("--only", type=int, help="run input N alone and show its traceback")
    ap.add_argument("--save", type=Path, help="write the first input of each crash site here")
    args = ap.parse_args()

    inputs = Inputs(args.seed)
    if args.only is not None:
        target, origin, data, run, expected = inputs.make(args.only)
        print(f"input {args.only}: {target} from {origin}, {len(data):,} long", file=sys.stderr)
        _save(args.save, f"input-{args.only}.bin", data)
        try:
            run(data)
        except expected as exc:
            print(f"refused: {exc}")
        return 0

    runs: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    examples: dict[str, tuple[int, str, str]] = {}
    started = last_report = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes else None
    print(
        f"{len(inputs.x12)} X12 seeds, {len(inputs.claims)} claim seeds; {args.inputs:,} inputs",
        file=sys.stderr,
    )
    ctx = mp.get_context("fork")
    done = 0  # inputs 1..done are accounted for
    hung: set[int] = set()  # inputs that hung: counted once, never run again
    while done < args.inputs and (deadline is None or time.monotonic() < deadline):
        current = ctx.Value("q", done + 1, lock=False)
        results = ctx.Queue()
        child = ctx.Process(
            target=work,
            args=(inputs, done + 1, args.inputs, hung, args.timeout, current, results),
            daemon=True,
        )
        child.start()
        seen, stuck_since = current.value, time.monotonic()
        finished = False
        while not finished:
            try:
                kind, upto, out = results.get(timeout=1)
            except queue.Empty:
                kind = None
            if kind is not None:
                done = upto
                runs.update(out["runs"])
                refused.update(out["refused"])
                crashes.update(out["crashes"])
                for site, example in out["examples"].items():
                    if site not in examples:
                        examples[site] = example
                        _save(
                            args.save,
                            f"crash-{len(examples):03d}-{example[0]}.bin",
                            inputs.make(example[0])[2],
                        )
                finished = kind == "done"
            now = time.monotonic()
            if current.value != seen:
                seen, stuck_since = current.value, now
            elif not finished and now - stuck_since > args.timeout * 3:
                # Stuck where the alarm cannot reach (one long C call): dump the stack,
                # count it, and run again what the child had not reported, without it.
                os.kill(child.pid, signal.SIGUSR1)
                time.sleep(1)
                child.kill()
                target, origin, data, _, _ = inputs.make(seen)
                runs[target] += 1
                site = f"{target}: hang (see the stack dump above)"
                crashes[site] += 1
                if site not in examples:
                    examples[site] = (seen, origin, "no answer")
                    _save(args.save, f"hang-{seen}.bin", data)
                hung.add(seen)
                break
            if now - last_report > 30:
                last_report = now
                print(
                    f"  {done:,} inputs, {sum(crashes.values()):,} crashes at "
                    f"{len(crashes)} sites, {done / (now - started):,.0f}/s",
                    file=sys.stderr,
                    flush=True,
                )
            if deadline is not None and now > deadline:
                child.kill()
                break
        child.join(5)
    elapsed = time.monotonic() - started
    total = sum(runs.values())
    print(f"inputs run: {total:,} in {elapsed:,.0f} s ({total / elapsed:,.0f}/s), seed {args.seed}")
    print(f"{'target':<14}{'inputs':>10}{'refused':>10}{'crashes':>10}")
    for target in sorted(runs):
        bad = sum(c for s, c in crashes.items() if s.startswith(target + ":"))
        print(f"{target:<14}{runs[target]:>10,}{refused[target]:>10,}{bad:>10,}")
    print(f"crashes: {sum(crashes.values()):,} at {len(crashes)} sites")
    for site, count in crashes.most_common():
        n, origin, message = examples[site]
        print(f"{count:>8,}  {site}\n          first: input {n} from {origin}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
