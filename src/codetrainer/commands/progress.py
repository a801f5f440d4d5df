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
    from codetrainer.cli import add_store_option

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
    add_store_option(p)
    p.set_defaults(handler=_export)

    r = subparsers.add_parser(
        "report",
        help="aggregate many students' exports into a class report",
        description=(
            "Read students' export files (CSV or JSON; folders are searched for *.csv and "
            "*.json) and show per-case difficulty, the most common error kinds and wrong "
            "codes, per-student totals and each student's progress through each pack (cases "
            "done of the pack's cases). The student is named by the export, or by the "
            "file name when the export has no name. An attempt with an impossible value "
            "(a score outside 0-100) is skipped and listed; the exit status is then 1. With "
            "--store URL (and no files) the report is read straight from a class database: "
            "the same report, every student the connected login may read."
        ),
    )
    r.add_argument("files", nargs="*", metavar="FILE", help="export files or folders")
    add_store_option(r)
    fmt = r.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON output")
    fmt.add_argument("--csv", action="store_true", help="CSV output (a 'section' column)")
    fmt.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default=None,
        help="the same as no flag, --csv or --json",
    )
    r.add_argument(
        "--matrix",
        action="store_true",
        help="show the student x case matrix of best scores (table or CSV; --json always has it)",
    )
    r.add_argument(
        "--pack",
        action="append",
        default=None,
        metavar="PACK",
        help="a pack file or the id of a bundled/user pack whose cases are the "
        "denominator of the progress (repeatable; default: the bundled and your packs)",
    )
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
    from codetrainer.core.store import StoreError, default_store_path
    from codetrainer.core.stores import open_store, store_target

    fmt = args.format
    if fmt is None:
        fmt = "json" if args.output and args.output.lower().endswith(".json") else "csv"
    target = store_target()
    path = default_store_path()
    attempts = []
    student = args.student
    damaged: list[Path] = []
    if target is not None or path.exists():
        try:
            with open_store(target) as store:
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
        if target is None:  # your own file: a damaged one moved aside earlier
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
        matrix_to_csv,
        render_matrix,
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
    as_json = args.json or args.format == "json"
    as_csv = args.csv or args.format == "csv"
    table = not (as_json or as_csv)
    packs = _pack_cases(args.pack)
    if packs is None:
        return 1
    top = (10 if table else None) if args.top is None else (args.top or None)
    if args.files:
        report = load_report(
            [Path(f) for f in args.files], top=None if table else top, jobs=args.jobs, packs=packs
        )
    else:
        report_or_status = _report_from_store(None if table else top, packs)
        if isinstance(report_or_status, int):
            return report_or_status
        report = report_or_status
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.files == 0 and args.files:
        print("codetrainer report: error: no export could be read", file=sys.stderr)
        return 1
    if as_json:
        text = report_to_json(report)
    elif as_csv:
        text = matrix_to_csv(report) if args.matrix else report_to_csv(report)
    elif args.matrix:
        text = render_matrix(report)
    else:
        text = render_table(report, top=top or 1_000_000)
    if not write_output(text, args.output, "report"):
        return 1
    return 1 if report.problems else 0


def _report_from_store(top: int | None, packs: Any) -> Any:
    """The class report straight from the store in force; an exit status if none."""
    from codetrainer.core.report import StudentExport, build_report
    from codetrainer.core.store import StoreError
    from codetrainer.core.stores import describe_target, open_store, store_target

    target = store_target()
    if target is None:
        print(
            "codetrainer report: error: give export files, or --store URL for a class database",
            file=sys.stderr,
        )
        return 2
    try:
        with open_store(target) as store:
            by_student = getattr(store, "attempts_by_student", None)
            if by_student is not None:
                groups = by_student()
            else:  # one learner's own file
                groups = {store.get_meta("student") or "me": store.attempts()}
    except StoreError as exc:
        print(f"codetrainer report: error: {exc}", file=sys.stderr)
        return 1
    where = describe_target(target)
    exports = [
        StudentExport(student=name, attempts=tuple(attempts), source=where)
        for name, attempts in groups.items()
    ]
    return build_report(exports, top=top, packs=packs)


def _pack_cases(names: list[str] | None) -> dict[str, list[str]] | None:
    """Pack id -> case ids of the packs named (files or ids), or of every bundled and user
    pack when none is named. None (after printing why) when a named pack cannot be read."""
    from codetrainer.commands.grade import find_pack
    from codetrainer.core.diagnostics import CodetrainerError
    from codetrainer.core.packs import find_yaml_files
    from codetrainer.core.report import KnownPacks
    from codetrainer.core.untrusted import escape_unsafe
    from codetrainer.core.yamlio import load_yaml_file
    from codetrainer.paths import bundled_content_dir, user_packs_dir

    def ids(path: Path) -> tuple[str, list[str]] | None:
        data = load_yaml_file(path).data
        header = data.get("pack") if isinstance(data, dict) else None
        cases = data.get("cases") if isinstance(data, dict) else None
        if not isinstance(header, dict) or not isinstance(header.get("id"), str):
            return None
        listed = (
            [c.get("id") for c in cases if isinstance(c, dict)] if isinstance(cases, list) else []
        )
        return header["id"], [c for c in listed if isinstance(c, str)]

    out: dict[str, list[str]] = {}
    if names:
        for name in names:
            path = find_pack(name)
            if path is None:
                print(
                    f"codetrainer report: error: no such pack file, and no bundled or user "
                    f"pack has the id '{escape_unsafe(name)}'",
                    file=sys.stderr,
                )
                return None
            try:
                got = ids(path)
            except CodetrainerError as exc:
                for d in exc.diagnostics:
                    print(d.format(), file=sys.stderr)
                return None
            if got is None:
                print(
                    f"codetrainer report: error: {escape_unsafe(str(path))} is not a case pack",
                    file=sys.stderr,
                )
                return None
            out[got[0]] = got[1]
        return out
    available = KnownPacks()  # listed only where somebody attempted them
    folders = [p for p in (bundled_content_dir() / "packs", user_packs_dir()) if _is_dir(p)]
    for path in find_yaml_files(folders):
        try:
            got = ids(path)
        except CodetrainerError:  # a broken pack of your own: its attempts still count
            continue
        if got is not None:
            available.setdefault(got[0], got[1])
    return available


def _is_dir(path: Path) -> bool:
    """``Path.is_dir`` that says False where the folder's parent may not be searched."""
    try:
        return path.is_dir()
    except OSError:
        return False
