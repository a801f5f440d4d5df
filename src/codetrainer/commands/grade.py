"""``codetrainer grade PACK ANSWERS [--json]``: grade an answers file against a pack.

For hand-ins and LMS use. PACK is a pack file or the id of a bundled or user pack;
ANSWERS is an answers file (``answers:`` list, see pack-format.md). Prints a table per
case, or with ``--json`` the documented shape ``{"pack", "score", "cases": [...]}``.
Exit status: 0 graded (whatever the score), 1 invalid inputs (every problem printed as
``PATH:LINE:COL: error: MESSAGE``), 2 usage errors. Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codetrainer.core.diagnostics import Diagnostic
    from codetrainer.core.grading import CaseResult, PackResult
    from codetrainer.core.models import AnswersFile, Pack
    from codetrainer.core.yamlio import YamlDocument

__all__ = ["find_pack", "register", "render_table"]


def register(subparsers: Any) -> None:
    """Add the ``grade`` subcommand."""
    from codetrainer.cli import add_store_option

    p = subparsers.add_parser(
        "grade",
        help="grade an answers file against a pack (hand-ins, LMS)",
        description=(
            "Grade an answers file against a pack and print each case's items: verdict, "
            "kind of mistake, points and an explanation. PACK is a pack file or the id of a "
            "bundled or user pack. Cases without an answer count as all missing. Exit 0 when "
            "graded (whatever the score), 1 when the inputs are invalid (PATH:LINE:COL "
            "errors), 2 on usage errors."
        ),
    )
    p.add_argument("pack", metavar="PACK", help="pack file, or the id of a bundled/user pack")
    p.add_argument("answers", metavar="ANSWERS", help="answers file (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--brief", action="store_true", help="table without the explanations (one line per item)"
    )
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="grade by code shape only, without the ICD-10-CM reference and code sets",
    )
    p.add_argument(
        "--student",
        metavar="NAME",
        default=None,
        help="the student's name for the report and, with --save, whose attempts these are "
        "(in a class database, the student's login; default: the answers file's 'student:')",
    )
    p.add_argument(
        "--save",
        action="store_true",
        help="record the graded cases as attempts in the progress store (a hand-in counts "
        "as practice); see --store",
    )
    add_store_option(p)
    p.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="largest file accepted, in bytes (default 1 MiB)",
    )
    p.set_defaults(handler=_run)


def find_pack(name: str) -> Path | None:
    """A pack file for ``name``: the path itself, or the bundled/user pack with that id."""
    path = Path(name)
    if os.path.lexists(path):  # a broken or looping link is reported when it is read
        return path
    if "/" in name or "\\" in name or name.lower().endswith((".yaml", ".yml")):
        return None
    from codetrainer.core.packs import find_yaml_files
    from codetrainer.core.yamlio import load_yaml_file
    from codetrainer.paths import bundled_content_dir, user_packs_dir

    folders = [p for p in (bundled_content_dir() / "packs", user_packs_dir()) if p.is_dir()]
    for candidate in find_yaml_files(folders):
        try:
            doc = load_yaml_file(candidate)
        except Exception:  # a broken file is not the pack asked for
            continue
        data = doc.data
        header = data.get("pack") if isinstance(data, dict) else None
        if isinstance(header, dict) and header.get("id") == name:
            return candidate
    return None


def _run(args: argparse.Namespace) -> int:
    import gc

    # A big hand-in is many small objects (YAML marks, models, results) that all live to
    # the end; the cyclic collector would scan them again and again while freeing
    # nothing, which made grading grow faster than the number of answers.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _grade(args)
    finally:
        if collecting:
            gc.enable()


def _grade(args: argparse.Namespace) -> int:
    from codetrainer.core.diagnostics import count_errors, sort_diagnostics
    from codetrainer.core.packs import load_answers, load_pack
    from codetrainer.core.untrusted import escape_unsafe
    from codetrainer.core.yamlio import DEFAULT_MAX_BYTES

    if args.max_bytes is not None and args.max_bytes < 1:
        print("codetrainer grade: --max-bytes must be a positive number", file=sys.stderr)
        return 2
    max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    from codetrainer.commands.billing import grade_if_billing

    billing = grade_if_billing(args)  # a billing pack: graded by the billing desk
    if billing is not None:
        return billing
    pack_path = find_pack(args.pack)
    if pack_path is None:
        print(
            f"codetrainer grade: no such pack file, and no bundled or user pack has the id "
            f"'{escape_unsafe(args.pack)}'",
            file=sys.stderr,
        )
        return 2
    answers_path = Path(args.answers)
    if not os.path.lexists(answers_path):
        print(
            f"codetrainer grade: no such answers file: {escape_unsafe(args.answers)}",
            file=sys.stderr,
        )
        return 2
    shown_pack = args.pack if os.path.lexists(args.pack) else str(pack_path)
    loaded_pack = load_pack(pack_path, max_bytes=max_bytes, display_path=shown_pack)
    loaded_answers = load_answers(answers_path, max_bytes=max_bytes, display_path=args.answers)
    problems = [d for d in loaded_pack.diagnostics if d.is_error]
    problems += [d for d in loaded_answers.diagnostics if d.is_error]
    pack, answers = loaded_pack.value, loaded_answers.value
    if pack is not None and loaded_answers.document is not None:
        # on the raw entries: an answers file with schema errors still shows these too
        problems += _unknown_cases(pack, loaded_answers.document)
    if problems or pack is None or answers is None:
        for d in sort_diagnostics(problems):
            print(d.format(), file=sys.stderr)
        n = count_errors(problems)
        print(
            f"codetrainer grade: not graded: {n} error{'s' if n != 1 else ''} in the inputs",
            file=sys.stderr,
        )
        return 1
    reference, catalog = (None, None) if args.no_reference else _code_data()
    from codetrainer.core.grading import grade_pack_answers

    result = grade_pack_answers(pack, answers, reference=reference, catalog=catalog)
    student = (args.student if args.student is not None else answers.student).strip()
    if args.save and not _save(pack, answers, result, student):
        return 1
    if args.json:
        data = result.to_dict()
        shaped = {"pack": data.pop("pack"), "student": student, **data}
        print(json.dumps(shaped, indent=2, ensure_ascii=True, allow_nan=False))
    else:
        width = _width()
        print(
            render_table(
                result,
                pack_title=pack.pack.title,
                student=student,
                width=width,
                explanations=not args.brief,
                shape_only=reference is None,
            )
        )
    return 0


def _save(pack: Pack, answers: AnswersFile, result: PackResult, student_name: str) -> bool:
    """Record every answered case as an attempt, all in one transaction; False if not saved."""
    from codetrainer.core.answer import GivenAnswer
    from codetrainer.core.store import StoreError, attempt_from_result
    from codetrainer.core.stores import describe_target, open_store, store_target

    student = student_name or None
    entries: dict[str, Any] = {}
    for given in answers.answers:
        entries.setdefault(given.case, given)
    attempts = []
    for case, graded in zip(pack.cases, result.cases, strict=True):
        entry = entries.get(case.id)
        if entry is None:  # no answer handed in: nothing was attempted
            continue
        attempts.append(
            attempt_from_result(
                pack_id=pack.pack.id,
                case=case,
                answer=GivenAnswer.from_entry(entry),
                result=graded,
            )
        )
    target = store_target()
    try:
        with open_store(target, student=student) as store:
            store.record_attempts(attempts)
            if student and not hasattr(store, "url") and not store.read_only:
                store.set_meta("student", student)
    except StoreError as exc:
        print(f"codetrainer grade: error: {exc}", file=sys.stderr)
        return False
    n = len(attempts)
    print(
        f"saved {n} attempt{'' if n == 1 else 's'} to {describe_target(target)}",
        file=sys.stderr,
    )
    return True


_SUGGEST_AT_MOST = 20
"""Unknown cases that get a "did you mean" (each suggestion scans the pack's case ids)."""


def _unknown_cases(pack: Pack, document: YamlDocument) -> list[Diagnostic]:
    """An error for every answer naming a case the pack does not have (linear time)."""
    import difflib

    from codetrainer.core.untrusted import escape_unsafe

    ids = [case.id for case in pack.cases]
    known = set(ids)  # a set: 100k answers are checked in linear time, not quadratic
    entries = document.data.get("answers") if isinstance(document.data, dict) else None
    out: list[Diagnostic] = []
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        case = entry.get("case") if isinstance(entry, dict) else None
        if not isinstance(case, str) or not case.strip() or case.strip() in known:
            continue
        case = case.strip()
        # a suggestion costs a pass over the pack's ids: only for the first few, so that
        # a hand-in for the wrong pack stays linear in the number of answers
        guess = (
            difflib.get_close_matches(case, ids, n=1, cutoff=0.6)
            if len(out) < _SUGGEST_AT_MOST
            else []
        )
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        message = f"pack '{pack.pack.id}' has no case '{escape_unsafe(case)}'{hint}"
        out.append(document.diagnostic(("answers", i, "case"), message, rule="unknown-case"))
    return out


def _code_data() -> tuple[Any, Any]:
    """The FY2026 reference and the code catalog, or None for what cannot be loaded."""
    reference: Any = None
    catalog: Any = None
    try:
        from codetrainer.core.reference import load_reference

        reference = load_reference()
    except Exception as exc:  # grading still works by shape
        print(
            f"codetrainer grade: warning: the ICD-10-CM reference is unavailable ({exc}); "
            "grading by code shape only",
            file=sys.stderr,
        )
    try:
        from codetrainer.core.codesets import load_catalog

        catalog = load_catalog()
    except Exception as exc:
        print(
            f"codetrainer grade: warning: the code sets are unavailable ({exc})",
            file=sys.stderr,
        )
    return reference, catalog


def _width() -> int:
    import shutil

    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def _clean(text: str | None, limit: int | None = None) -> str:
    """One line of plain text: control characters shown escaped (``\\x1b``), blank runs
    folded."""
    from codetrainer.core.untrusted import escape_unsafe

    if text is None:
        return "-"
    out = " ".join(escape_unsafe(text.replace("\t", " ")).split()) or '""'
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "~"
    return out


def _points(x: float) -> str:
    return f"{x:g}"


def render_table(
    result: PackResult,
    *,
    pack_title: str = "",
    student: str = "",
    width: int = 100,
    explanations: bool = True,
    shape_only: bool = False,
) -> str:
    """The plain-text report: a header, then each case with one row per graded item."""
    import textwrap

    lines: list[str] = []
    title = f" ({_clean(pack_title)})" if pack_title else ""
    lines.append(
        f"Pack {result.pack_id}{title}: {result.score:g} / 100 over {len(result.cases)} cases"
    )
    if student:
        lines.append(f"Student: {_clean(student)}")
    if shape_only:
        lines.append("Graded by code shape only (no ICD-10-CM reference).")
    if result.unanswered:
        n = len(result.unanswered)
        lines.append(
            f"{n} case{'s' if n != 1 else ''} had no answer and count{'s' if n == 1 else ''} "
            f"as all missing: {', '.join(result.unanswered)}"
        )
    for case in result.cases:
        lines.append("")
        lines.extend(_case_rows(case, width, explanations, textwrap.wrap))
    return "\n".join(lines)


_HEAD = ("field", "expected", "given", "verdict", "points", "kinds")


def _case_rows(case: CaseResult, width: int, explanations: bool, wrap: Any) -> list[str]:
    note = "  (no answer handed in: every item counts as missing)" if case.unanswered else ""
    summary = f"{_points(case.earned)} of {_points(case.possible)} points"
    out = [f"{case.case_id}: {case.score:g} / 100  ({summary}){note}"]
    rows: list[tuple[str, ...]] = [_HEAD]
    for item in case.items:
        field: str = item.field
        if item.line is not None and field in ("modifier", "units", "pointer"):
            field = f"{field} (line {item.line + 1})"
        rows.append(
            (
                field,
                _clean(item.expected, 24),
                _clean(item.given, 24),
                item.verdict,
                f"{_points(item.points)}/{_points(item.max_points)}",
                ", ".join(item.kinds),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    for n, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(len(_HEAD) - 1)]
        out.append("  " + "  ".join([*cells, row[-1]]).rstrip())
        if explanations and n > 0:
            text = _clean(case.items[n - 1].explanation)
            out.extend(wrap(text, width=width, initial_indent="      ", subsequent_indent="      "))
    return out
