"""Search speed: cold start (process start to first answer, loading the prebuilt index) and
per-query latency over ICD-10-CM + HCPCS (targets: cold start <= 1.0 s, p50 <= 1 ms, p99 <= 5 ms).

    python bench/search_speed.py

Run ``medbill codesets build`` (``make data``) first so the prebuilt index exists.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from search_quality import QUERIES

COLD = (
    "from medbill.core.codesets.search import search\n"
    "hits = search('type 2 diabetes with chronic kidney disease', limit=10)\n"
    "assert hits, 'no answer'\n"
)
COLD_CLI = ["-m", "medbill.cli.main", "codes", "search", "t2dm with ckd", "--json", "--limit", "5"]

# Type-ahead prefixes and code look-ups on top of the quality queries.
EXTRA = ["diab", "hyperten", "fract", "E11", "E11.2", "S72.00", "J11", "G00", "A42", "99"] + [
    "left knee",
    "right hip pain",
    "chronic kid",
    "copd ex",
    "pneumo",
    "injection, dex",
]


def cold_start(args: list[str], runs: int = 5) -> float:
    """Median wall time of a fresh interpreter answering one query."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    from medbill.core.codesets.search import search, search_index

    search_index()  # make sure the prebuilt file exists before timing a cold process
    print(f"cold start (python -c, first answer): {cold_start(['-c', COLD]):.3f} s")
    print(f"cold start (medbill codes search --json): {cold_start(COLD_CLI):.3f} s")
    queries = [q for q, _ in QUERIES] + EXTRA
    search("warm up")
    wall, cpu = [], []
    for _ in range(5):
        for query in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            search(query, limit=10)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
    print(f"queries timed: {len(wall)} ({len(queries)} distinct, index of {len(search_index())})")
    for name, times in (("wall", wall), ("cpu", cpu)):
        times.sort()
        p50 = times[len(times) // 2] * 1000
        p99 = times[int(len(times) * 0.99)] * 1000
        print(f"{name}: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {times[-1] * 1000:.3f} ms")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
