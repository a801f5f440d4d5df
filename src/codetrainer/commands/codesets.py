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

    ix = sub.add_parser(
        "import-index",
        help="import the CDC ICD-10-CM Alphabetic Index, External Cause Index and tables",
        description=(
            "Compile the CDC/CMS ICD-10-CM Alphabetic Index (icd10cm_index_YYYY.xml), "
            "External Cause Index (_eindex_), Table of Drugs and Chemicals (_drug_) and "
            "Neoplasm Table (_neoplasm_) XML into your cache; .xz files and the CSV export "
            "of the main index are read too. The lookup then follows main term > subterm "
            "paths, see/see also, and completes codes ending in '-' in the tabular list."
        ),
    )
    ix.add_argument("files", nargs="+", metavar="FILE", help="index or table XML files")
    ix.add_argument("--dest", metavar="DIR", help="write here instead of the user cache")
    ix.set_defaults(handler=_import_index)

    tb = sub.add_parser(
        "import-icd10cm",
        help="use a later CDC ICD-10-CM tabular list (e.g. FY2027) instead of FY2026",
        description=(
            "Compile a CDC ICD-10-CM tabular list (icd10cm_tabular_YYYY.xml) into your user "
            "data folder; lookups, grading and validate then use that release instead of the "
            "bundled FY2026 one. --codes gives the release's code list (icd10cm_codes_YYYY.txt) "
            "to confirm 7th-character codes. --remove goes back to the bundled release."
        ),
    )
    tb.add_argument("file", nargs="?", metavar="TABULAR.xml", help="the CDC tabular XML")
    tb.add_argument("--codes", metavar="CODES.txt", help="the release's code list")
    tb.add_argument("--remove", action="store_true", help="go back to the bundled release")
    tb.set_defaults(handler=_import_icd10cm)

    from codetrainer.commands.billing import register_codeset_imports

    register_codeset_imports(sub)  # import-ncci, import-mue (the billing desk's edits)
    p.set_defaults(handler=_no_action, _parser=p)


def _import_icd10cm(args: argparse.Namespace) -> int:
    """Import (or remove) a later tabular list; 2 usage, 1 a bad file, 0 done."""
    from codetrainer.core import reference

    if args.remove:
        gone = reference.remove_imported()
        print(
            f"Removed the imported tabular list; back to the bundled {reference.RELEASE}."
            if gone
            else "No imported tabular list; nothing to do."
        )
        return 0
    if not args.file:
        print("codetrainer codesets import-icd10cm: give TABULAR.xml or --remove", file=sys.stderr)
        return 2
    src = Path(args.file)
    codes = Path(args.codes) if args.codes else None
    for f in (src, codes):
        if f is not None and not f.is_file():
            print(f"codetrainer codesets: no such file: {f}", file=sys.stderr)
            return 2
    try:
        result = reference.import_tabular(src, codes)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"codetrainer codesets: cannot write: {exc}", file=sys.stderr)
        return 1
    from codetrainer.core import search

    search.clear_memo()
    print(
        f"Imported ICD-10-CM {result.code_year}: {result.items:,} items, "
        f"{result.billable:,} billable codes. It is now the release in force."
    )
    print(f"  wrote {result.path}")
    if codes is None:
        print("  (no --codes list: every generated 7th-character code was kept)")
    return 0


def _import_index(args: argparse.Namespace) -> int:
    """Compile index/table files; 2 on a missing file, 1 on a bad one, 0 when all import."""
    from codetrainer.core.encoder.cdcindex import KIND_TITLES, IndexError_, import_index

    files = [Path(f) for f in args.files]
    for f in files:
        if not f.is_file():
            print(f"codetrainer codesets: no such file: {f}", file=sys.stderr)
            return 2
    try:
        results = import_index(files, Path(args.dest) if args.dest else None)
    except IndexError_ as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"codetrainer codesets: cannot write: {exc}", file=sys.stderr)
        return 1
    from codetrainer.core import search

    search.clear_memo()
    for r in results:
        for warning in r.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        year = f" (FY{r.version})" if r.version else ""
        print(f"Imported the {KIND_TITLES[r.kind]}{year}: {r.rows:,} terms.")
        for path in r.written:
            print(f"  wrote {path}")
    return 0


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
        print(_icd_line())
        print(f"Imported sets live in {paths.user_codesets_dir()}")
        for d in catalog.problems:
            print(d.format(), file=sys.stderr)
    return 1 if any(d.is_error for d in catalog.problems) else 0


def _icd_line() -> str:
    """Which ICD-10-CM release backs lookups (the bundled one or an imported one)."""
    from codetrainer.core.reference import ReferenceUnavailable, load_reference

    try:
        ref = load_reference()
    except ReferenceUnavailable:
        return "ICD-10-CM: not available (install simple-icd-10-cm)."
    return f"ICD-10-CM: the full {ref.release} tabular list backs every lookup."
