"""Aggregate a class of exports and print the time (target: 500 x 200 in under 2 s).

Writes ``--students`` export files of ``--attempts`` attempts each into a temporary
folder (half CSV, half JSON, as ``codetrainer export`` writes them: answers included),
then times :func:`codetrainer.core.report.load_report` over the folder (reading, parsing
and aggregating), best of ``--repeat`` runs. Also times the JSON/CSV/table rendering.

    python benchmarks/bench_report.py [--students 500] [--attempts 200] [--repeat 3]
        [--format mixed|csv|json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from codetrainer.core.report import (
    default_jobs,
    format_export,
    load_report,
    render_table,
    report_to_csv,
    report_to_json,
)
from codetrainer.core.store import Attempt, format_utc, parse_utc

KINDS = (
    "missing",
    "laterality",
    "seventh_character",
    "modifier_missing",
    "extra",
    "units",
    "sequencing",
    "less_specific",
    "pointer",
    "format",
)
CODES = ("J02.0", "E11.65", "99214", "S52.521D", "M17.1", "G0439", "E11", "99203", "I10")
CASES = [
    (pack, f"case-{i:02d}")
    for pack in (
        "outpatient-basics",
        "emergency-injuries",
        "office-procedures",
        "inpatient-and-exam",
    )
    for i in range(15)
]


def _attempts(n: int, rng: random.Random) -> list[Attempt]:
    start = parse_utc("2026-01-12T08:00:00Z").timestamp()
    out = []
    for i in range(n):
        pack, case = rng.choice(CASES)
        score = rng.choice((0.0, 37.5, 50.0, 62.5, 75.0, 87.5, 100.0, 100.0))
        bad = score < 100
        moment = datetime.fromtimestamp(start + i * 900 + rng.random() * 600, tz=UTC)
        out.append(
            Attempt(
                pack_id=pack,
                case_id=case,
                case_hash=f"{rng.getrandbits(64):016x}",
                answer={
                    "diagnoses": ["J02.9", rng.choice(CODES)],
                    "lines": [
                        {"code": "99213", "modifiers": ["25"], "units": "1", "pointers": ["1"]}
                    ],
                    "query": "",
                },
                score=score,
                kinds=tuple(rng.sample(KINDS, rng.randrange(1, 4))) if bad else (),
                wrong_codes=tuple(rng.sample(CODES, rng.randrange(0, 3))) if bad else (),
                hints_used=rng.choice((0, 0, 0, 1, 2)),
                seconds=rng.uniform(30, 600),
                mode=rng.choice(("practice", "practice", "review", "exam")),
                created_at=format_utc(moment),
                id=i + 1,
                systems={"ICD-10-CM": (score / 50, 2.0), "CPT": (1.0, 1.0)},
                tags=("ENT", "E/M"),
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=("mixed", "csv", "json"), default="mixed")
    parser.add_argument(
        "--jobs", type=int, default=0, help="worker processes to compare with 1 (default: auto)"
    )
    args = parser.parse_args()

    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="ct-bench-report-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        total_bytes = 0
        for n in range(args.students):
            fmt = args.format if args.format != "mixed" else ("csv" if n % 2 == 0 else "json")
            text = format_export(_attempts(args.attempts, rng), fmt, student=f"Student {n:03d}")
            path = folder / f"student-{n:03d}.{fmt}"
            path.write_text(text, encoding="utf-8")
            total_bytes += len(text.encode("utf-8"))
        print(
            f"generated {args.students} exports x {args.attempts} attempts "
            f"({total_bytes / 1e6:.1f} MB, {args.format}) in {time.perf_counter() - t0:.1f} s"
        )
        # The floor: only reading and parsing the files with the standard library (no
        # aggregation). It shows how fast this machine is at the moment of the run.
        floor = floor_cpu = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            c = time.process_time()
            for path in sorted(folder.iterdir()):
                text = path.read_bytes().decode("utf-8")
                if path.suffix == ".json":
                    json.loads(text)
                else:
                    for _row in csv.reader(io.StringIO(text, newline="")):
                        pass
            floor = min(floor, time.perf_counter() - t)
            floor_cpu = min(floor_cpu, time.process_time() - c)
        print(
            f"floor (read + json.loads / csv.reader only): best {floor:.3f} s wall, "
            f"{floor_cpu:.3f} s CPU"
        )
        best = float("inf")
        report = None
        for jobs in dict.fromkeys((1, args.jobs or default_jobs())):
            best = best_cpu = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                c = time.process_time()
                report = load_report([folder], jobs=jobs)
                best = min(best, time.perf_counter() - t)
                best_cpu = min(best_cpu, time.process_time() - c)
            assert report is not None
            assert report.attempts == args.students * args.attempts, report.problems[:3]
            cpu = f"{best_cpu:.3f} s CPU ({best_cpu / floor_cpu:.1f}x the floor)"
            if jobs > 1:
                cpu = f"{best_cpu:.3f} s CPU in the main process"
            print(
                f"load_report, {jobs} process{'es' if jobs > 1 else ''}: {report.files} files, "
                f"{report.attempts} attempts, {len(report.cases)} cases -> best of "
                f"{args.repeat}: {best:.3f} s wall, {cpu}"
            )
        assert report is not None
        for name, render in (
            ("render_table", render_table),
            ("report_to_json", report_to_json),
            ("report_to_csv", report_to_csv),
        ):
            t = time.perf_counter()
            render(report)
            print(f"{name}: {time.perf_counter() - t:.3f} s")
    return 0 if best < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
