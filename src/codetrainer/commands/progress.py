"""``codetrainer export`` and ``codetrainer report``: hand progress in, read a class's.

``export`` writes the student's attempts (CSV or JSON) to stdout or, atomically, to a
file. ``report`` aggregates many students' exports into a class view. Exit status: 0
fine, 1 an error (a file that could not be read is reported and skipped, and makes the
status 1), 2 usage error. Never imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``export`` and ``report`` subcommands."""
    p = subparsers.add_parser(
        "export",
        help="write your attempts to a CSV or JSON file for your instructor",
        description=(
            "Write every attempt in your progress file (answers, scores, error kinds, time) "
            "as CSV or JSON. Without -o the export goes to standard output; with -o the file "
            "is replaced atomically (never left half-written)."
        ),
    )
    p.add_argument(
        "--format",
        choices=("csv", "json"),
        default=None,
        help="csv (default) or json; with -o FILE.json, json is the default",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--student",
        metavar="NAME",
        default=None,
        help="your name as the class report should show it; remembered for later "
        "exports (default: the name given last time, else the instructor sees the file name)",
    )
    p.set_defaults(handler=_export)

    r = subparsers.add_parser(
        "report",
        help="aggregate many students' exports into a class report",
        description=(
            "Read students' export files (CSV or JSON; folders are searched for *.csv and "
            "*.json) and show per-case difficulty, the most common error kinds and wrong "
            "codes, and per-student totals. The student is named by the export, or by the "
            "file name when the export has no name."
        ),
    )
    r.add_argument("files", nargs="+", metavar="FILE", help="export files or folders")
    fmt = r.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON output")
    fmt.add_argument("--csv", action="store_true", help="CSV output (a 'section' column)")
    r.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help="rows per list: the table shows 10 by default, --json/--csv everything; 0 = all",
    )
    r.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    r.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes reading a big class at once (default: the CPUs, at most 4; 1 = one)",
    )
    r.set_defaults(handler=_report)


def _export(args: argparse.Namespace) -> int:
    from codetrainer.commands import write_output
    from codetrainer.core.report import format_export
    from codetrainer.core.store import Store, StoreError, default_store_path

    fmt = args.format
    if fmt is None:
        fmt = "json" if args.output and args.output.lower().endswith(".json") else "csv"
    path = default_store_path()
    attempts = []
    student = args.student
    damaged: list[Path] = []
    if path.exists():
        try:
            with Store(path) as store:
                for notice in store.notices:
                    print(f"codetrainer: {notice.message}", file=sys.stderr)
                    if notice.kind == "corrupt_moved" and notice.path is not None:
                        damaged.append(notice.path)
                attempts = store.attempts()
                if student is None:
                    student = store.get_meta("student")
                elif student.strip() and not store.read_only:
                    store.set_meta("student", student.strip())
        except StoreError as exc:
            print(f"codetrainer: error: {exc}", file=sys.stderr)
            return 1
    if not attempts:
        damaged += sorted(path.parent.glob(path.name + ".corrupt-*[0-9Z]"))
        if damaged:
            print(
                "codetrainer: error: no export was written: your progress file was damaged "
                f"and moved aside ({damaged[0]}), and no attempts could be saved from it, so "
                "the export would be empty. Keep that file and show it to your instructor.",
                file=sys.stderr,
            )
            return 1
    text = format_export(attempts, fmt, student=student or "")
    if not write_output(text, args.output, "export"):
        return 1
    if not args.output:
        return 0
    count = len(attempts)
    print(f"wrote {count} attempt{'' if count == 1 else 's'} to {args.output}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from codetrainer.commands import write_output
    from codetrainer.core.report import (
        load_report,
        render_table,
        report_to_csv,
        report_to_json,
    )

    if args.top is not None and args.top < 0:
        print("codetrainer report: error: --top must be 0 or more", file=sys.stderr)
        return 2
    if args.jobs is not None and args.jobs < 1:
        print("codetrainer report: error: --jobs must be 1 or more", file=sys.stderr)
        return 2
    table = not (args.json or args.csv)
    top = (10 if table else None) if args.top is None else (args.top or None)
    report = load_report([Path(f) for f in args.files], top=None if table else top, jobs=args.jobs)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.files == 0:
        print("codetrainer report: error: no export could be read", file=sys.stderr)
        return 1
    if args.json:
        text = report_to_json(report)
    elif args.csv:
        text = report_to_csv(report)
    else:
        text = render_table(report, top=top or 1_000_000)
    if not write_output(text, args.output, "report"):
        return 1
    return 1 if report.problems else 0
