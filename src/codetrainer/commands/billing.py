"""``codetrainer billing``: list billing exercises, write a claim as an X12 837P, show it.

Also the small hooks other commands call: :func:`grade_if_billing` (``codetrainer grade``
on a billing pack), :func:`validate_billing_file` (``codetrainer validate``) and
:func:`register_codeset_imports` (``codetrainer codesets import-ncci|import-mue``).
Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "find_exercise",
    "grade_if_billing",
    "register",
    "register_codeset_imports",
    "validate_billing_file",
]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "billing",
        help="billing desk: list exercises, write a claim as an X12 837P, show its segments",
        description=(
            "The billing desk exercises: claims (CMS-1500), claim scrubbing, denials and "
            "payment posting. 'list' shows them; '837' writes an exercise's claim as an "
            "X12 005010X222A1 837P; 'show' prints that file segment by segment next to the "
            "CMS-1500 boxes each segment fills."
        ),
    )
    sub = p.add_subparsers(dest="billing_command", metavar="ACTION")
    ls = sub.add_parser("list", help="list billing exercises (id, kind, title, pack)")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.add_argument("--pack", metavar="FILE", action="append", help="a billing pack file")
    ls.set_defaults(handler=_list)
    for name, helptext in (
        ("837", "write a claim exercise's claim as an X12 005010X222A1 837P"),
        ("show", "print the 837P segment by segment with the CMS-1500 box of each"),
    ):
        x = sub.add_parser(name, help=helptext, description=helptext)
        x.add_argument("exercise", metavar="EXERCISE_ID", help="a claim exercise id")
        x.add_argument("--pack", metavar="FILE", action="append", help="a billing pack file")
        x.add_argument(
            "--answers",
            metavar="FILE",
            help="use the learner's claim from this billing answers file instead of the key",
        )
        if name == "837":
            x.add_argument("-o", "--output", metavar="FILE", help="write here (default stdout)")
            x.add_argument(
                "--check",
                action="store_true",
                help="also run pyx12's validator on the file (needs pyx12 installed)",
            )
        else:
            x.add_argument("--json", action="store_true", help="machine-readable output")
        x.set_defaults(handler=_x837 if name == "837" else _show)
    p.set_defaults(handler=_no_action, _parser=p)


def _no_action(args: argparse.Namespace) -> int:
    args._parser.print_help(sys.stderr)
    return 2


def _packs(extra: list[str] | None) -> tuple[list[Any], list[Any]]:
    """Every loadable billing pack (bundled, user, and named files) and the problems."""
    from codetrainer.core.billing.loading import find_billing_packs, load_billing_pack

    paths = find_billing_packs() + [Path(p) for p in (extra or [])]
    packs: list[Any] = []
    problems: list[Any] = []
    for path in paths:
        loaded = load_billing_pack(path)
        if loaded.value is not None:
            packs.append(loaded.value)
        problems.extend(d for d in loaded.diagnostics if d.is_error)
    return packs, problems


def find_exercise(exercise_id: str, extra: list[str] | None = None) -> tuple[Any, Any] | None:
    """``(pack, exercise)`` for an id (``ID`` or ``PACK/ID``), or None."""
    packs, _ = _packs(extra)
    pack_id, _, ex_id = exercise_id.rpartition("/")
    for pack in packs:
        if pack_id and pack.billing.id != pack_id:
            continue
        ex = pack.exercise(ex_id)
        if ex is not None:
            return pack, ex
    return None


def _list(args: argparse.Namespace) -> int:
    packs, problems = _packs(args.pack)
    rows = [
        {
            "id": ex.id,
            "kind": ex.kind,
            "title": ex.title,
            "difficulty": ex.difficulty,
            "pack": pack.billing.id,
        }
        for pack in packs
        for ex in pack.exercises
    ]
    for d in problems:
        print(d.format(), file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        id_w = max([2, *(len(r["id"]) for r in rows)])
        print(f"{'ID':<{id_w}}  {'KIND':<7}  {'LEVEL':<5}  TITLE")
        for r in rows:
            print(f"{r['id']:<{id_w}}  {r['kind']:<7}  {r['difficulty']!s:<5}  {r['title']}")
        print(f"{len(rows)} exercises in {len(packs)} pack(s)", file=sys.stderr)
    return 1 if problems else 0


def _claim_for(args: argparse.Namespace, command: str) -> Any:
    """The claim to write: the key's, or the learner's from ``--answers``; None on error."""
    found = find_exercise(args.exercise, args.pack)
    if found is None:
        print(f"codetrainer billing {command}: no exercise '{args.exercise}'", file=sys.stderr)
        return None
    _, ex = found
    if ex.kind != "claim":
        print(
            f"codetrainer billing {command}: '{ex.id}' is a {ex.kind} exercise; only claim "
            "exercises have a claim to write",
            file=sys.stderr,
        )
        return None
    if not args.answers:
        return ex.key
    from codetrainer.core.billing.claim import claim_from_given
    from codetrainer.core.billing.loading import load_billing_answers

    loaded = load_billing_answers(args.answers)
    if loaded.value is None:
        for d in loaded.diagnostics:
            print(d.format(), file=sys.stderr)
        return None
    answer = next((a for a in loaded.value.billing_answers if a.exercise == ex.id), None)
    if answer is None or answer.claim is None:
        print(
            f"codetrainer billing {command}: {args.answers} has no claim for '{ex.id}'",
            file=sys.stderr,
        )
        return None
    claim, reasons = claim_from_given(ex.key, answer.claim)
    if claim is None:
        print(f"codetrainer billing {command}: the claim cannot be written yet:", file=sys.stderr)
        for r in reasons:
            print(f"  {r}", file=sys.stderr)
    return claim


def _x837(args: argparse.Namespace) -> int:
    from codetrainer.commands import write_output
    from codetrainer.core.billing.x12 import render_837

    claim = _claim_for(args, "837")
    if claim is None:
        return 1
    text = render_837(claim)
    if not write_output(text, args.output, "billing 837"):
        return 1
    if args.check:
        ok, messages = check_837(text)
        for m in messages:
            print(m, file=sys.stderr)
        print(f"pyx12: {'valid' if ok else 'NOT valid'} 005010X222A1", file=sys.stderr)
        return 0 if ok else 1
    return 0


def check_837(text: str) -> tuple[bool, list[str]]:
    """Run pyx12's validator on an 837P text: (valid, the 999's error segments)."""
    import io
    import logging

    try:
        import pyx12.params
        import pyx12.x12n_document
    except ImportError:
        return False, ["pyx12 is not installed: pip install pyx12"]
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    ack = io.StringIO()
    ok = bool(
        pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=io.StringIO(text), fd_997=ack, fd_html=None
        )
    )
    errors = [
        s.strip()
        for s in ack.getvalue().split("~")
        if s.strip().startswith(("IK3", "IK4", "CTX")) or s.strip().startswith("IK5*R")
    ]
    return ok, errors


def _show(args: argparse.Namespace) -> int:
    from codetrainer.core.billing.x12 import claim_segments

    claim = _claim_for(args, "show")
    if claim is None:
        return 1
    segments = claim_segments(claim)
    if args.json:
        print(
            json.dumps(
                [{"segment": s.text, "loop": s.loop, "boxes": s.boxes} for s in segments],
                indent=2,
            )
        )
        return 0
    width = max(len(s.text) for s in segments)
    width = min(width, 60)
    for s in segments:
        text = s.text if len(s.text) <= 60 else s.text[:57] + "..."
        print(f"{text:<{width}}  {s.loop:<26}  {s.boxes}")
    return 0


# ---------------------------------------------------------------------------------------
# hooks for grade, validate and codesets


def _is_billing_file(path: Path) -> bool:
    from codetrainer.core.billing.loading import billing_kind
    from codetrainer.core.yamlio import load_yaml_file

    try:
        return billing_kind(load_yaml_file(path).data) == "billing"
    except Exception:  # not YAML, not readable: not ours to grade
        return False


def grade_if_billing(args: argparse.Namespace) -> int | None:
    """``codetrainer grade`` on a billing pack (file or id); None when PACK is not one."""
    from codetrainer.core.billing.loading import find_billing_packs, load_billing_pack

    name = args.pack
    path: Path | None = Path(name)
    if path is not None and path.exists():
        if not _is_billing_file(path):
            return None
    else:
        path = None
        for candidate in find_billing_packs():
            loaded = load_billing_pack(candidate)
            if loaded.value is not None and loaded.value.billing.id == name:
                path = candidate
                break
        if path is None:
            return None
    return _grade_billing(args, path)


def _grade_billing(args: argparse.Namespace, path: Path) -> int:
    import difflib

    from codetrainer.core.billing.grade import grade_billing_answers
    from codetrainer.core.billing.loading import load_billing_answers, load_billing_pack
    from codetrainer.core.billing.refdata import load_billing_reference
    from codetrainer.core.diagnostics import sort_diagnostics
    from codetrainer.core.yamlio import DEFAULT_MAX_BYTES

    max_bytes = getattr(args, "max_bytes", None) or DEFAULT_MAX_BYTES
    answers_path = Path(args.answers)
    if not answers_path.exists():
        print(f"codetrainer grade: no such answers file: {args.answers}", file=sys.stderr)
        return 2
    use_ref = not getattr(args, "no_reference", False)
    reference, catalog = _code_data() if use_ref else (None, None)
    pack_l = load_billing_pack(path, max_bytes=max_bytes, display_path=args.pack)
    ans_l = load_billing_answers(answers_path, max_bytes=max_bytes, display_path=args.answers)
    problems = [d for d in (*pack_l.diagnostics, *ans_l.diagnostics) if d.is_error]
    if pack_l.value is not None and ans_l.value is not None and ans_l.document is not None:
        known = [ex.id for ex in pack_l.value.exercises]
        for i, a in enumerate(ans_l.value.billing_answers):
            if a.exercise not in known:
                guess = difflib.get_close_matches(a.exercise, known, n=1, cutoff=0.6)
                hint = f"; did you mean '{guess[0]}'?" if guess else ""
                problems.append(
                    ans_l.document.diagnostic(
                        ("billing_answers", i, "exercise"),
                        f"billing pack '{pack_l.value.billing.id}' has no exercise "
                        f"'{a.exercise}'{hint}",
                        rule="unknown-case",
                    )
                )
    if problems or pack_l.value is None or ans_l.value is None:
        for d in sort_diagnostics(problems):
            print(d.format(), file=sys.stderr)
        print(
            f"codetrainer grade: not graded: {len(problems)} error(s) in the inputs",
            file=sys.stderr,
        )
        return 1
    result = grade_billing_answers(
        pack_l.value,
        ans_l.value,
        ref=load_billing_reference(),
        reference=reference,
        catalog=catalog,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    lines = [
        f"Billing pack {result.pack_id}: {result.score:g} / 100 over "
        f"{len(result.exercises)} exercises"
    ]
    if ans_l.value.student:
        lines.append(f"Student: {_plain(ans_l.value.student)}")
    if result.unanswered:
        lines.append(f"No answer (graded as empty): {', '.join(result.unanswered)}")
    brief = getattr(args, "brief", False)
    for ex in result.exercises:
        lines.append("")
        lines.append(
            f"{ex.exercise_id} ({ex.kind}): {ex.score:g} / 100  ({ex.earned:g} of "
            f"{ex.possible:g} points)"
        )
        for it in ex.items:
            lines.append(
                f"  {it.field:<28} {_plain(it.expected or '-')[:24]:<24} "
                f"{_plain(it.given or '-')[:24]:<24} {it.verdict:<8} "
                f"{it.points:g}/{it.max_points:g}  {', '.join(it.kinds)}"
            )
            if not brief and it.verdict != "correct":
                lines.append(f"      {_plain(it.explanation)}")
    print("\n".join(lines))
    return 0


def _plain(text: str) -> str:
    out = "".join("?" if (ord(ch) < 32 or 127 <= ord(ch) < 160) else ch for ch in text)
    return " ".join(out.split())


_CODE_DATA: list[tuple[Any, Any]] = []


def _code_data() -> tuple[Any, Any]:
    """The FY2026 reference and the code catalog (None for what cannot be loaded)."""
    if _CODE_DATA:
        return _CODE_DATA[0]
    reference: Any = None
    catalog: Any = None
    try:
        from codetrainer.core.reference import load_reference

        reference = load_reference()
    except Exception:  # checks by shape only
        reference = None
    try:
        from codetrainer.core.codesets import load_catalog

        catalog = load_catalog()
    except Exception:
        catalog = None
    _CODE_DATA.append((reference, catalog))
    return reference, catalog


def validate_billing_file(
    path: Path, *, max_bytes: int, use_reference: bool
) -> tuple[str, list[Any]] | None:
    """``(kind, diagnostics)`` for a billing file; None when it is not one (or unreadable)."""
    from codetrainer.core.billing.loading import load_billing_file

    reference, catalog = _code_data() if use_reference else (None, None)
    loaded = load_billing_file(path, max_bytes=max_bytes, reference=reference, catalog=catalog)
    if loaded is None:
        return None
    return str(loaded.kind), list(loaded.diagnostics)


def register_codeset_imports(sub: Any) -> None:
    """Add ``import-ncci`` and ``import-mue`` to ``codetrainer codesets``."""
    for name, what, layout in (
        (
            "import-ncci",
            "the CMS NCCI procedure-to-procedure (PTP) edits file",
            "tab-separated lines: column 1, column 2, prior-1996 flag, effective date, "
            "deletion date ('*' none), modifier indicator (0/1/9), rationale",
        ),
        (
            "import-mue",
            "the CMS Medically Unlikely Edits (MUE) file",
            "CSV: title lines, a header row naming 'HCPCS/CPT Code' and 'MUE Values', then "
            "code, units, adjudication indicator, rationale",
        ),
    ):
        x = sub.add_parser(
            name,
            help=f"import {what}",
            description=(
                f"Import {what} ({layout}) into your user data folder for the claim "
                "scrubber. By default only edits for codes codetrainer's code sets know are "
                "kept; --all keeps every edit."
            ),
        )
        x.add_argument("file", metavar="FILE", help="the CMS file")
        x.add_argument("--all", action="store_true", help="keep edits for every code")
        x.add_argument("--dest", metavar="DIR", help="write here instead of the user folder")
        x.set_defaults(handler=_import_ref, _which=name)


def _import_ref(args: argparse.Namespace) -> int:
    from codetrainer.core.billing import refdata

    src = Path(args.file)
    if not src.is_file():
        print(f"codetrainer codesets: no such file: {src}", file=sys.stderr)
        return 2
    keep: set[str] | None = None
    if not args.all:
        try:
            from codetrainer.core.codes import System
            from codetrainer.core.codesets import load_catalog

            catalog = load_catalog(reference=None)
            keep = {
                code
                for system, code, _, _ in catalog.raw_entries()
                if system in (System.CPT, System.HCPCS)
            }
        except Exception:  # without code sets, keep everything
            keep = None
    dest = Path(args.dest) if args.dest else refdata.user_reference_dir()
    run = refdata.import_ncci if args._which == "import-ncci" else refdata.import_mue
    try:
        result = run(src, dest, keep=keep)
    except refdata.ReferenceImportError as exc:
        print(f"codetrainer codesets: import failed:\n{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"codetrainer codesets: cannot write: {exc}", file=sys.stderr)
        return 1
    refdata.clear_memo()
    for w in result.warnings[:50]:
        print(f"warning: {w}", file=sys.stderr)
    what = "NCCI pair" if args._which == "import-ncci" else "MUE limit"
    print(f"Imported {result.codes:,} {what}{'s' if result.codes != 1 else ''}.")
    if result.skipped:
        print(f"Left out {result.skipped:,} edit(s): codes not in the code sets, or not in effect.")
    if result.discontinued:
        print(f"Left out {len(result.discontinued):,} deleted edit(s).")
    for path in result.written:
        print(f"  wrote {path}")
    return 0
