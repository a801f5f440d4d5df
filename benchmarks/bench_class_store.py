"""Many students writing to one class database at once: throughput and nothing lost.

Starts a private PostgreSQL 16 (pgserver), sets up a class, creates ``--students`` student
logins and lets each of them record ``--attempts`` attempts, one committed transaction
each (as the trainer does: committed before the feedback shows), from ``--threads``
threads. Prints attempts per second and checks that every row arrived. Then times the
class report read straight from the database (``report --store``'s path).

    python benchmarks/bench_class_store.py [--students 50] [--attempts 200] [--threads 50]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from codetrainer.core.report import StudentExport, build_report
from codetrainer.core.store import Attempt, format_utc, parse_utc
from codetrainer.core.stores.classroom import add_student, init_class
from codetrainer.core.stores.postgres import PgStore


def _attempts(n: int, seed: int) -> list[Attempt]:
    rng = random.Random(seed)
    t0 = parse_utc("2026-09-01T08:00:00Z")
    return [
        Attempt(
            pack_id="outpatient-basics",
            case_id=f"case-{rng.randrange(40)}",
            case_hash="h",
            answer={"diagnoses": ["J02.9"], "lines": [{"code": "99213"}], "query": ""},
            score=float(rng.choice((0, 50, 75, 100))),
            kinds=tuple(rng.sample(("missing", "laterality", "units", "extra"), 2)),
            wrong_codes=("J02.0",),
            hints_used=rng.randrange(3),
            seconds=float(rng.randrange(30, 600)),
            created_at=format_utc(t0 + timedelta(minutes=i)),
        )
        for i in range(n)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--threads", type=int, default=50)
    args = parser.parse_args()

    import pgserver

    folder = Path(tempfile.mkdtemp(prefix="ct-bench-pg-"))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        admin = server.get_uri()
        init_class(admin)
        names = [f"bench_s{n}" for n in range(args.students)]
        for name in names:
            add_student(admin, name, password="x")
        urls = [admin.replace("postgres:@", f"{name}:x@", 1) for name in names]
        work = {n: _attempts(args.attempts, n) for n in range(args.students)}
        errors: list[BaseException] = []
        queue = list(range(args.students))
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop()
                try:
                    with PgStore(urls[n]) as store:
                        for attempt in work[n]:
                            store.record_attempt(attempt)
                except BaseException as exc:  # reported below
                    errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(args.threads)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start
        total = args.students * args.attempts
        with PgStore(admin) as store:
            by_student = store.attempts_by_student()
            arrived = sum(len(v) for v in by_student.values())
            start = time.perf_counter()
            report = build_report(
                StudentExport(student=k, attempts=tuple(v), source="db")
                for k, v in by_student.items()
            )
            report_s = time.perf_counter() - start
        print(f"{args.students} students x {args.attempts} attempts, {args.threads} threads")
        print(f"  wrote {total} attempts in {took:.2f} s: {total / took:.0f} attempts/s")
        print(f"  arrived {arrived} of {total}; errors {len(errors)}")
        print(
            f"  class report from the database: {report_s * 1000:.0f} ms "
            f"({report.students} students)"
        )
        return 0 if arrived == total and not errors else 1
    finally:
        server.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
