"""The course on the home screen: what the labels cost each time home is drawn.

    python benchmarks/bench_course.py [--history 10000] [--repeat 20]

With a store of ``--history`` attempts over the bundled cases it times, best of
``--repeat`` runs: loading and resolving the bundled course (once per pack reload),
``start_label`` + ``course_label`` (each home redraw: a count of attempts and one
case summary per course pack), and ``next_step`` over the course. It also times
``codetrainer validate`` of the bundled course file alone (schema + ids, no reference).
CPU time is reported next to wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from codetrainer.core.curriculum.course import (
    bundled_course_paths,
    bundled_packs,
    load_course,
    packs_by_id,
    plan_course,
)
from codetrainer.core.store import Attempt, Store, format_utc, parse_utc


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(best wall ms, best CPU ms) of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return min(walls), min(cpus)


def fill(store: Store, steps: list[tuple[str, str]], n: int) -> None:
    start = parse_utc("2026-01-01T08:00:00Z").timestamp()
    batch = []
    for i in range(n):
        pack_id, case_id = steps[i % len(steps)]
        moment = datetime.fromtimestamp(start + i * 600, tz=UTC)
        batch.append(
            Attempt(
                pack_id=pack_id,
                case_id=case_id,
                case_hash="0123456789abcdef",
                answer={"diagnoses": ["J02.9"], "lines": [], "query": ""},
                score=float((i * 37) % 101),
                kinds=("missing",),
                wrong_codes=(),
                hints_used=0,
                seconds=60.0,
                created_at=format_utc(moment),
            )
        )
    store.record_attempts(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from codetrainer.tui import course_actions
    from codetrainer.tui.library import PackEntry
    from codetrainer.tui.services import Services

    packs = bundled_packs()
    (course_path,) = bundled_course_paths()
    by_id = packs_by_id(packs)

    def resolve() -> None:
        loaded = load_course(course_path)
        assert loaded.value is not None
        plan_course(loaded.value, by_id)

    wall, cpu = best(resolve, args.repeat)
    print(f"load + resolve the bundled course: {wall:.2f} ms wall, {cpu:.2f} ms CPU")

    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "progress.sqlite3"
        loaded = load_course(course_path)
        assert loaded.value is not None
        plan = plan_course(loaded.value, by_id)
        store = Store(store_path)
        fill(store, [(s.pack_id, s.case_id) for s in plan.steps], args.history)
        store.close()
        services = Services(store_path=store_path)
        entries = [PackEntry("bundled", Path(p.pack.id), p) for p in packs]
        app: Any = SimpleNamespace(packs=entries, services=services)

        def labels() -> None:
            course_actions.start_label(app, None)
            course_actions.course_label(app, None)

        labels()  # open the store, build the plan once
        wall, cpu = best(labels, args.repeat)
        print(
            f"start_label + course_label, {args.history} attempts: "
            f"{wall:.2f} ms wall, {cpu:.2f} ms CPU"
        )
        wall, cpu = best(lambda: plan.next_step(services.solved_cases), args.repeat)
        print(
            f"next_step over {len(plan.steps)} course cases: {wall:.2f} ms wall, {cpu:.2f} ms CPU"
        )
        services.close()

    w = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "validate", "--no-reference", str(course_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    print(
        f"codetrainer validate --no-reference COURSE: {(time.perf_counter() - w) * 1000:.0f} ms "
        f"wall (exit {proc.returncode})"
    )


if __name__ == "__main__":
    main()
