"""``codetrainer lookup QUERY``: find codes by code, prefix, words or abbreviation.

Plain output is an aligned table; ``--json`` prints a list of rows with ``system``,
``code``, ``description``, ``billable``, ``score`` (and ``matched``). Exit status 0
with hits, 1 when nothing matched, 2 on usage errors. Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["format_table", "register"]

_SYSTEM_CHOICES = ("icd10cm", "cpt", "hcpcs", "modifier")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "lookup",
        help="look up codes by code, prefix, words or abbreviation",
        description=(
            "Look up ICD-10-CM (FY2026), CPT, HCPCS Level II codes and modifiers. QUERY may "
            "be a code (J02.9, j029), a branch (E11.), a prefix (9921) or words in any "
            "order ('sore throat', 'blood glucose strips', 'DM2'). Billable codes rank "
            "first; headers are marked."
        ),
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="a code, prefix or words")
    p.add_argument(
        "--system",
        action="append",
        choices=_SYSTEM_CHOICES,
        metavar="SYSTEM",
        help="only this system: icd10cm, cpt, hcpcs or modifier (repeatable)",
    )
    p.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N results (default 20)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_run)


def format_table(rows: list[Any], width: int = 100) -> str:
    """Aligned plain-text table of search hits (code, system, billable, description)."""
    if not rows:
        return ""
    code_w = max(4, *(len(h.code) for h in rows))
    sys_w = max(6, *(len(h.system.value) for h in rows))
    head = f"{'CODE':<{code_w}}  {'SYSTEM':<{sys_w}}  {'BILL':<4}  {'SCORE':>5}  DESCRIPTION"
    lines = [head, "-" * min(width, max(len(head), 40))]
    room = max(20, width - (code_w + sys_w + 4 + 5 + 10))
    for h in rows:
        desc = " ".join(h.description.split())
        if h.matched and h.matched != h.code and h.matched.lower() not in desc.lower():
            desc = f"{desc} [{' '.join(h.matched.split())}]"
        if len(desc) > room:
            desc = desc[: room - 1] + "…"
        bill = "yes" if h.billable else ("+7th" if h.seventh else "no")
        lines.append(
            f"{h.code:<{code_w}}  {h.system.value:<{sys_w}}  {bill:<4}  {h.score:>5.1f}  {desc}"
        )
    if any(h.seventh for h in rows):
        lines.append("")
        lines.append(
            "+7th: not billable until a 7th character is added (A initial encounter, D "
            "subsequent, S sequela ...; short codes take the placeholder X first). --json "
            "lists what completes each code in 'seventh'."
        )
    return "\n".join(lines)


def format_tables(cdc: Any, query: str) -> str:
    """Rows of the Table of Drugs and the Neoplasm Table for ``query``, every column."""
    from codetrainer.core.encoder.cdcindex import DRUG_COLUMNS, KIND_TITLES, NEOPLASM_COLUMNS

    out: list[str] = []
    for kind, names in (("drug", DRUG_COLUMNS), ("neoplasm", NEOPLASM_COLUMNS)):
        rows = cdc.table_rows(query, kind, limit=3)
        if not rows:
            continue
        out.append(f"{KIND_TITLES[kind]}:")
        for hit in rows:
            out.append("  " + " > ".join(hit.row.path))
            for name, code in zip(names, hit.row.cells, strict=False):
                out.append(f"    {name:<34} {code or '--'}")
    return "\n".join(out)


def _run(args: argparse.Namespace) -> int:
    from codetrainer.core.codes import System

    query = " ".join(args.query)
    if args.limit < 1:
        print("codetrainer lookup: --limit must be at least 1", file=sys.stderr)
        return 2
    if not query.strip():
        print("codetrainer lookup: the query is empty", file=sys.stderr)
        return 2
    systems = None
    if args.system:
        systems = {s for s in (System.parse(x) for x in args.system) if s is not None}
    from codetrainer.core.search import load_search_index

    index = load_search_index()
    hits = index.search(query, systems=systems, limit=args.limit)
    if args.json:
        json.dump([h.to_dict() for h in hits], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif hits:
        import shutil

        width = shutil.get_terminal_size((100, 24)).columns
        print(format_table(hits, width))
        if index.cdc_index is not None and (systems is None or System.ICD10CM in systems):
            tables = format_tables(index.cdc_index, query)
            if tables:
                print()
                print(tables)
    if not hits:
        from codetrainer.core.untrusted import escape_unsafe

        print(f"codetrainer lookup: nothing matches '{escape_unsafe(query)}'", file=sys.stderr)
        return 1
    return 0
