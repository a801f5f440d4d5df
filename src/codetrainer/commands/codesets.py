"""``codetrainer codesets``: list the loaded code sets, import CMS HCPCS or licensed CPT.

Imported sets are written to the user data folder (``paths.user_codesets_dir()``),
never into the repository. Exit status 0 on success, 1 when an import fails, 2 on
usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "codesets",
        help="list code sets; import the CMS HCPCS file or a licensed CPT file",
        description=(
            "Show which code sets are loaded (bundled and imported), or import the CMS "
            "annual HCPCS Level II file or a school's licensed CPT descriptor CSV into your "
            "user data folder."
        ),
    )
    sub = p.add_subparsers(dest="codesets_command", metavar="ACTION")

    ls = sub.add_parser("list", help="what is loaded: counts per system and where from")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(handler=_list)

    hc = sub.add_parser(
        "import-hcpcs",
        help="import the CMS HCPCS Level II annual file (fixed width)",
        description=(
            "Import the CMS annual HCPCS Level II file (HCPC20xx_..._ANWEB_*.txt, 320-character "
            "records). Writes a HCPCS code set and a modifier set to your user folder. CPT "
            "lines and numeric modifiers are skipped (their descriptors belong to the AMA); "
            "codes terminated before the code year (columns 285-292) are left out, and a "
            "later termination date is kept as a note on the code."
        ),
    )
    hc.add_argument("file", metavar="FILE", help="the CMS fixed-width text file")
    hc.add_argument("--year", help="code year (default: from the file name)")
    hc.add_argument("--dest", metavar="DIR", help="write here instead of the user folder")
    hc.set_defaults(handler=_import_hcpcs)

    cp = sub.add_parser(
        "import-cpt",
        help="import a licensed CPT descriptor CSV (code, description)",
        description=(
            "Import a CPT descriptor file your school licenses: a CSV with a code column and "
            "a description column (a header row naming them is optional; comma, semicolon, "
            "tab or | separated). The descriptors replace codetrainer's own summaries on "
            "this computer only."
        ),
    )
    cp.add_argument("file", metavar="FILE.csv", help="the CSV file")
    cp.add_argument("--id", default="cpt-licensed", help="code set id (default cpt-licensed)")
    cp.add_argument("--year", help="code year (default: this year)")
    cp.add_argument("--dest", metavar="DIR", help="write here instead of the user folder")
    cp.set_defaults(handler=_import_cpt)

    p.set_defaults(handler=_no_action, _parser=p)


def _no_action(args: argparse.Namespace) -> int:
    args._parser.print_help(sys.stderr)
    return 2


def _dest(args: argparse.Namespace) -> Path:
    from codetrainer import paths

    return Path(args.dest) if args.dest else paths.user_codesets_dir()


def _report(result: Any, what: str) -> None:
    from codetrainer.core.untrusted import escape_unsafe

    for warning in result.warnings[:50]:
        print(f"warning: {escape_unsafe(warning)}", file=sys.stderr)
    if len(result.warnings) > 50:
        print(f"warning: ... and {len(result.warnings) - 50} more", file=sys.stderr)
    parts = [f"{result.codes:,} {what} code{'s' if result.codes != 1 else ''}"]
    if result.modifiers:
        parts.append(f"{result.modifiers:,} modifier{'s' if result.modifiers != 1 else ''}")
    print(f"Imported {' and '.join(parts)}.")
    if result.skipped:
        print(f"Left out {result.skipped:,} record(s) on purpose (see the warnings/--help).")
    gone = getattr(result, "discontinued", [])
    if gone:
        shown = ", ".join(gone[:10]) + (f" and {len(gone) - 10:,} more" if len(gone) > 10 else "")
        print(
            f"Left out {len(gone):,} discontinued code(s) whose CMS termination date is "
            f"before the code year: {shown}"
        )
    for path in result.written:
        print(f"  wrote {path}")


def _import_hcpcs(args: argparse.Namespace) -> int:
    from codetrainer.core.codesets import import_hcpcs

    return _import(
        args, "HCPCS Level II", lambda src, dest: import_hcpcs(src, dest, year=args.year)
    )


def _import_cpt(args: argparse.Namespace) -> int:
    from codetrainer.core.codesets import import_cpt

    return _import(
        args, "CPT", lambda src, dest: import_cpt(src, dest, set_id=args.id, year=args.year)
    )


def _import(args: argparse.Namespace, what: str, run: Callable[[Path, Path], Any]) -> int:
    """Shared shape of the importers: check the file, import, report; 2 usage, 1 failure."""
    import os

    from codetrainer.core.codesets import CodeSetImportError, clear_memo
    from codetrainer.core.untrusted import escape_unsafe

    src = Path(args.file)
    if not os.path.lexists(src):  # a FIFO, a device or a looping link: the reader says so
        print(f"codetrainer codesets: no such file: {escape_unsafe(str(src))}", file=sys.stderr)
        return 2
    try:
        result = run(src, _dest(args))
    except CodeSetImportError as exc:
        print(f"codetrainer codesets: import failed:\n{escape_unsafe(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        reason = escape_unsafe(exc.strerror or str(exc))
        print(f"codetrainer codesets: cannot write: {reason}", file=sys.stderr)
        return 1
    clear_memo()
    _report(result, what)
    return 0


def _list(args: argparse.Namespace) -> int:
    from codetrainer import paths
    from codetrainer.core.codesets import load_catalog

    catalog = load_catalog(reference=None)
    counts = catalog.counts()
    if args.json:
        json.dump(
            {
                "sets": [
                    {
                        "id": s.id,
                        "system": s.system.value,
                        "year": s.year,
                        "count": s.count,
                        "origin": s.origin,
                        "path": s.path,
                    }
                    for s in catalog.sets
                ],
                "counts": {system.value: n for system, n in sorted(counts.items())},
                "user_dir": str(paths.user_codesets_dir()),
                "problems": [d.to_dict() for d in catalog.problems],
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        id_w = max([2, *(len(s.id) for s in catalog.sets)])
        sys_w = max([6, *(len(s.system.value) for s in catalog.sets)])
        print(f"{'ID':<{id_w}}  {'SYSTEM':<{sys_w}}  {'CODES':>6}  {'FROM':<7}  PATH")
        for s in catalog.sets:
            print(
                f"{s.id:<{id_w}}  {s.system.value:<{sys_w}}  {s.count:>6,}  {s.origin:<7}  {s.path}"
            )
        print()
        print(
            "Codes per system: "
            + ", ".join(f"{system.value} {n:,}" for system, n in sorted(counts.items()))
        )
        print("ICD-10-CM: the full FY2026 (April 1, 2026) tabular list backs every lookup.")
        print(f"Imported sets live in {paths.user_codesets_dir()}")
        for d in catalog.problems:
            print(d.format(), file=sys.stderr)
    return 1 if any(d.is_error for d in catalog.problems) else 0
