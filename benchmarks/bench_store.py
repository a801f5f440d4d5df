"""Progress store timings: saving an attempt, two writers, reading history, stats, review.

    python benchmarks/bench_store.py [--n 2000] [--history 10000]

* ``record_attempt``: latency of one committed (``synchronous=FULL``, fsynced) save,
  median and 95th percentile over ``--n`` saves: the wait between "Submit" and feedback.
* two processes writing ``--n`` attempts each at once: wall time, rows, lock errors.
* with ``--history`` attempts in the file: ``attempts()``, ``compute_stats``, a first
  ``Reviewer.sync`` over the whole history, ``Reviewer.counts``, an open (quick_check).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from codetrainer.core.progress import compute_stats
from codetrainer.core.review import Reviewer
from codetrainer.core.store import Attempt, Store, format_utc, parse_utc

T = TypeVar("T")

WRITER = r"""
import sys
from pathlib import Path
from codetrainer.core.store import Attempt, Store
path, label, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = Store(path)
for i in range(n):
    s.record_attempt(Attempt("p", f"{label}-{i}", "h", {"diagnoses": ["J02.9"]}, 50.0,
                             ("missing",), (), 0, 1.0))
s.close()
"""


def _attempt(i: int) -> Attempt:
    moment = parse_utc("2026-01-01T08:00:00Z").timestamp() + i * 600
    return Attempt(
        pack_id="outpatient-basics",
        case_id=f"case-{i % 40:02d}",
        case_hash="0123456789abcdef",
        answer={"diagnoses": ["J02.9", "R50.9"], "lines": [{"code": "99213"}], "query": ""},
        score=float((i * 37) % 101),
        kinds=("missing", "laterality") if i % 3 else (),
        wrong_codes=("J02.0",) if i % 4 == 0 else (),
        hints_used=i % 2,
        seconds=60.0 + i % 300,
        created_at=format_utc(datetime.fromtimestamp(moment, tz=UTC)),
        systems={"ICD-10-CM": (1.0, 2.0), "CPT": (1.0, 1.0)},
        tags=("ENT", "E/M"),
    )


def _timed(label: str, fn: Callable[[], T]) -> T:
    t = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - t:.3f} s")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--history", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ct-bench-store-") as tmp:
        path = Path(tmp) / "progress.sqlite3"
        with Store(path) as store:
            latencies = []
            for i in range(args.n):
                t = time.perf_counter()
                store.record_attempt(_attempt(i))
                latencies.append(time.perf_counter() - t)
        latencies.sort()
        print(
            f"record_attempt x{args.n}: median {statistics.median(latencies) * 1000:.2f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.2f} ms, "
            f"max {latencies[-1] * 1000:.2f} ms"
        )

        two = Path(tmp) / "two.sqlite3"
        Store(two).close()
        t = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(two), label, str(args.n)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for label in "ab"
        ]
        errors = [p.communicate()[1] for p in procs]
        wall = time.perf_counter() - t
        with Store(two) as s:
            rows = s.count_attempts()
        print(
            f"two processes x{args.n}: {wall:.2f} s wall (incl. start-up), {rows} rows, "
            f"exit codes {[p.returncode for p in procs]}, stderr bytes {sum(map(len, errors))}"
        )

        big = Path(tmp) / "history.sqlite3"
        with Store(big) as s:
            s.record_attempts(_attempt(i) for i in range(args.history))
        store = _timed(f"open with {args.history} attempts (quick_check)", lambda: Store(big))
        attempts = _timed("attempts()", store.attempts)
        _timed("compute_stats", lambda: compute_stats(attempts))
        reviewer = Reviewer(store)
        _timed("first Reviewer.sync over the history", reviewer.sync)
        counts = _timed("Reviewer.counts", reviewer.counts)
        print(f"  {counts}")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
