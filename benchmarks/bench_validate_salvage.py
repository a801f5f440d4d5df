"""What checking the valid parts of failed cases costs ``validate`` (no step is timed in
the tests).

Loads every bundled case pack (all valid: no case is salvaged), then a pack of two cases
that fail the schema (so both are salvaged and checked), ``--n`` times each, without the
reference checks, and prints the median of ``--repeat`` runs. Run it on the branch and on
the code before it (``PYTHONPATH=/path/to/old/src``) to compare.

    python benchmarks/bench_validate_salvage.py [--n 50] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

BROKEN = """\
pack:
  id: salvage
  title: Salvage probe
  version: "1"
  code_year: FY2026
cases:
  - id: Bad_Id
    title: One
    difficulty: "7"
    note: Sore throat for two days.
    answer:
      diagnoses:
        - code: J02
          why: Sore throat.
      lines:
        - code: "99213"
          pointers: [3]
          why: Office visit.
  - id: two
    title: Two
    setting: inpatient
    tags: {a: b}
    note: Admitted with pneumonia.
    answer:
      diagnoses:
        - code: J18.9
          why: Pneumonia.
        - code: "J1"
          why: A code of the wrong shape.
      lines:
        - code: "99223"
          pointers: [1, "13"]
          why: Admission.
"""


def _median(paths: list[Path], repeat: int) -> float:
    from codetrainer.core.packs import load_file

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            load_file(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    from codetrainer.paths import bundled_content_dir

    packs = sorted((bundled_content_dir() / "packs").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        broken = Path(tmp) / "broken.yaml"
        broken.write_text(BROKEN, encoding="utf-8")
        bundled = _median(packs, args.repeat)
        failed = _median([broken] * args.n, args.repeat)
    print(f"bundled packs ({len(packs)} files, valid): {bundled * 1000:.1f} ms")
    print(
        f"a pack of two failing cases x {args.n}: {failed * 1000:.1f} ms "
        f"({failed / args.n * 1000:.2f} ms a file)"
    )


if __name__ == "__main__":
    main()
