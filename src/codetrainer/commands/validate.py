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
        help="check packs, code sets and answers files (default: the bundled content)",
        description=(
            "Check YAML packs, code sets and answers files. Every problem is printed as "
            "PATH:LINE:COL: error|warning: MESSAGE. Folders are searched for *.yaml/*.yml. "
            "Answer-key codes are checked against the FY2026 ICD-10-CM reference and the "
            "loaded code sets. Exit 0 when clean, 1 on errors, 2 on usage errors."
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
    """Load every file; return (per-file summaries, all diagnostics in file order)."""
    from codetrainer.core.diagnostics import Diagnostic, count_errors, sort_diagnostics
    from codetrainer.core.packs import PackCheck, find_yaml_files, load_file
    from codetrainer.core.yamlio import DEFAULT_MAX_BYTES

    checks: list[PackCheck] = []
    if use_reference:
        checks = _reference_checks()
    files: list[dict[str, Any]] = []
    diagnostics: list[Diagnostic] = []
    pack_ids: dict[str, str] = {}
    for path in find_yaml_files(paths, diagnostics):
        kind, loaded = load_file(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, checks=checks)
        found = list(loaded.diagnostics)
        if kind == "pack" and loaded.value is not None:
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
        files.append(
            {
                "path": str(path),
                "kind": kind,
                "errors": count_errors(found),
                "warnings": len(found) - count_errors(found),
            }
        )
    return files, sort_diagnostics(diagnostics)


def _reference_checks() -> list[Any]:
    try:
        from codetrainer.core.refcheck import reference_checks
    except ImportError:  # pragma: no cover - only while the reference is being built
        return []
    checks: list[Any] = reference_checks()
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
