"""``codetrainer validate [PATH ...]``: check packs, code sets and answers files.

Prints every problem as ``PATH:LINE:COL: severity: message`` (or JSON with ``--json``).
Exit status: 0 clean (warnings allowed), 1 any error (or any warning with ``--strict``),
2 usage error. Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "validate_paths"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check packs, code sets, answers and course files (default: the bundled content)",
        description=(
            "Check YAML packs, code sets, answers files and course files. Every problem is "
            "printed as "
            "PATH:LINE:COL: error|warning: MESSAGE. Folders are searched for *.yaml/*.yml. "
            "Answer-key codes are checked against the FY2026 ICD-10-CM reference and the "
            "loaded code sets: the bundled ones, yours (imported or copied into the user "
            "code sets folder) and any code set named among the PATHs. Exit 0 when clean, "
            "1 on errors, 2 on usage errors."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: bundled)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="largest file accepted, in bytes (default 1 MiB)",
    )
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the checks against the ICD-10-CM reference and code sets (faster)",
    )
    p.set_defaults(handler=_run)


def validate_paths(
    paths: list[Path],
    *,
    max_bytes: int | None = None,
    use_reference: bool = True,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Load every file; return (per-file summaries, all diagnostics in file order).

    Code sets among the files count as loaded: a pack's service codes that only they
    list are not reported as "not in the loaded code sets". Course files are checked
    once every pack of the run is loaded; billing files and drill decks have loaders of
    their own.
    """
    from codetrainer.commands.billing import validate_billing_file
    from codetrainer.core.curriculum.course import check_course_files, looks_like_course
    from codetrainer.core.diagnostics import Diagnostic, sort_diagnostics
    from codetrainer.core.packs import find_yaml_files, load_file
    from codetrainer.core.yamlio import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    diagnostics: list[Diagnostic] = []
    files: list[dict[str, Any]] = []
    courses: list[Path] = []
    first: list[tuple[Path, str | None, Any]] = []
    for path in find_yaml_files(paths, diagnostics):
        if not _regular_file(path):  # a FIFO, a device, a loop: the bounded reader says so
            first.append((path, *load_file(path, max_bytes=limit)))
            continue
        billing = validate_billing_file(path, max_bytes=limit, use_reference=use_reference)
        if billing is not None:  # billing packs, billing answers, billing reference files
            b_kind, b_found = billing
            diagnostics.extend(b_found)
            files.append(_summary(path, b_kind, b_found))
            continue
        if looks_like_course(path):  # checked once every pack of the run is loaded
            courses.append(path)
            continue
        if _is_deck(path):  # drill decks have their own loader (codetrainer.core.drills)
            from codetrainer.core.drills.decks import load_deck

            deck = load_deck(path, max_bytes=limit, generate=False)
            found = list(deck.diagnostics)
            diagnostics.extend(found)
            files.append(_summary(path, "deck", found))
            continue
        first.append((path, *load_file(path, max_bytes=limit)))
    checks: list[Any] = []
    if use_reference:
        from codetrainer.core.codesets import set_rows

        named = [
            set_rows(loaded.value, str(path), "user")
            for path, kind, loaded in first
            if kind == "codeset" and loaded.value is not None
        ]
        checks = _reference_checks(named)
    pack_ids: dict[str, str] = {}
    loaded_packs: list[Any] = []
    for path, kind, loaded in first:
        if kind == "pack" and checks:
            kind, loaded = load_file(path, max_bytes=limit, checks=checks)
        found = list(loaded.diagnostics)
        if kind == "pack" and loaded.value is not None:
            loaded_packs.append(loaded.value)
            pack_id = loaded.value.pack.id
            if pack_id in pack_ids:
                line, col = loaded.document.locate(("pack", "id")) if loaded.document else (1, 1)
                found.append(
                    Diagnostic(
                        str(path),
                        line,
                        col,
                        "error",
                        f"pack id '{pack_id}' is also used by {pack_ids[pack_id]}; pack ids "
                        "must be unique among loaded packs",
                        "duplicate-pack-id",
                    )
                )
            pack_ids.setdefault(pack_id, str(path))
        diagnostics.extend(found)
        files.append(_summary(path, kind, found))
    for loaded_course in check_course_files(courses, loaded_packs, max_bytes=max_bytes):
        diagnostics.extend(loaded_course.diagnostics)
        files.append(_summary(loaded_course.path, "course", loaded_course.diagnostics))
    return files, sort_diagnostics(diagnostics)


def _regular_file(path: Path) -> bool:
    """Whether the kind sniffers below may open ``path`` (opening a FIFO would block)."""
    import stat

    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError):
        return False


def _is_deck(path: Path) -> bool:
    """A drill deck: a top-level ``deck:`` key near the start of the file."""
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return False
    return any(line.split(b"#")[0].rstrip() == b"deck:" for line in head.splitlines())


def _summary(path: Path | str, kind: str | None, found: list[Any]) -> dict[str, Any]:
    errors = sum(1 for d in found if d.is_error)
    return {"path": str(path), "kind": kind, "errors": errors, "warnings": len(found) - errors}


def _reference_checks(named_sets: list[Any]) -> list[Any]:
    """The reference and catalog checks (the catalog has the code sets named too), and the
    IV.H check of assessment lines for diagnoses keyed without evidence."""
    try:
        from codetrainer.core.codesets import load_catalog
        from codetrainer.core.curriculum.claims import uncertain_assessment_check
        from codetrainer.core.refcheck import make_check
        from codetrainer.core.reference import ReferenceUnavailable, load_reference
    except ImportError:  # pragma: no cover - only while the reference is being built
        return []
    try:
        reference: Any = load_reference()
    except ReferenceUnavailable:
        reference = None
    catalog = load_catalog(reference=reference)
    if named_sets:
        catalog = catalog.with_sets(named_sets)
    checks: list[Any] = [make_check(reference, catalog)]
    if reference is not None:
        checks.append(uncertain_assessment_check(reference))
    return checks


def _run(args: argparse.Namespace) -> int:
    from codetrainer.core.untrusted import escape_unsafe
    from codetrainer.paths import bundled_content_dir

    if args.max_bytes is not None and args.max_bytes < 1:
        print("codetrainer validate: --max-bytes must be a positive number", file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.paths] or [bundled_content_dir()]
    missing = [str(p) for p in paths if not os.path.lexists(p)]  # a looping link is read
    if missing:
        for m in missing:
            print(
                f"codetrainer validate: no such file or folder: {escape_unsafe(m)}",
                file=sys.stderr,
            )
        return 2
    files, diagnostics = validate_paths(
        paths, max_bytes=args.max_bytes, use_reference=not args.no_reference
    )
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.json:
        json.dump(
            {
                "ok": not failed,
                "files": files,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": [d.to_dict() for d in diagnostics],
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        for d in diagnostics:
            print(d.format())
        if not files:
            print("no YAML files found", file=sys.stderr)
        summary = (
            f"{len(files)} file{'s' if len(files) != 1 else ''} checked: "
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
        )
        if args.strict and warnings and not errors:
            summary += " (--strict: warnings count as errors)"
        print(summary, file=sys.stderr)
    return 1 if failed else 0
