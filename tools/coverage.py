"""Write docs/coverage.md: cases per ICD-10-CM chapter, CPT section, setting and claim.

Run from the repository root after adding or changing packs::

    python tools/coverage.py            # writes docs/coverage.md
    python tools/coverage.py --check    # exit 1 when docs/coverage.md is out of date

The table is computed by :func:`codetrainer.core.curriculum.coverage.render_coverage`
from the bundled packs (content/packs/*.yaml) and the FY2026 reference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "docs" / "coverage.md"


def current_text() -> str:
    """What docs/coverage.md should hold for the packs in content/packs."""
    from codetrainer.core.curriculum.coverage import ChapterLookup, render_coverage
    from codetrainer.core.packs import find_yaml_files, load_pack
    from codetrainer.core.reference import load_reference

    packs = []
    for path in find_yaml_files([REPO / "content" / "packs"]):
        loaded = load_pack(path)
        if loaded.value is None:
            problems = "\n".join(d.format() for d in loaded.diagnostics)
            raise SystemExit(f"{path} does not load:\n{problems}")
        packs.append(loaded.value)
    return render_coverage(packs, ChapterLookup(load_reference()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    args = parser.parse_args(argv)
    text = current_text()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run python tools/coverage.py", file=sys.stderr)
            return 1
        return 0
    from codetrainer.fileio import write_text_atomic

    write_text_atomic(TARGET, text)
    print(f"wrote {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
