"""``codetrainer grade`` on a large hand-in: time against the number of answers.

Builds a pack with N cases (copies of one small case, ids ``c0`` ...) and an answers file
answering every case, then times ``grade --no-reference --json`` in this process for each
N. Checking that every answer names a case of the pack used to be a list lookup (100k
answers: about 5 minutes); it is a set lookup now, so the time grows linearly.

    python benchmarks/bench_grade_scale.py [--sizes 10000,30000,100000] [--unknown]

``--unknown`` makes every answer name a case the pack does not have (the error path).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from pathlib import Path

from codetrainer.cli import main

CASE = """\
  - id: c{n}
    title: Case {n}
    note: Acute pharyngitis.
    answer:
      diagnoses:
        - code: J02.9
          why: Pharyngitis.
"""


def _files(folder: Path, n: int, unknown: bool) -> tuple[Path, Path]:
    pack = folder / f"pack-{n}.yaml"
    head = 'pack:\n  id: big\n  title: Big\n  version: "1"\n  code_year: FY2026\ncases:\n'
    pack.write_text(head + "".join(CASE.format(n=i) for i in range(n)), encoding="utf-8")
    answers = folder / f"answers-{n}.yaml"
    prefix = "x" if unknown else "c"
    body = "".join(f"  - case: {prefix}{i}\n    diagnoses: [J02.9]\n" for i in range(n))
    answers.write_text("answers:\n" + body, encoding="utf-8")
    return pack, answers


def run(n: int, unknown: bool) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        pack, answers = _files(Path(tmp), n, unknown)
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                [
                    "grade",
                    "--no-reference",
                    "--json",
                    "--max-bytes",
                    "500000000",
                    str(pack),
                    str(answers),
                ]
            )
        return time.perf_counter() - start, code


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--unknown", action="store_true")
    args = parser.parse_args()
    print(f"{'answers':>8}  {'seconds':>8}  {'us/answer':>9}  exit")
    for n in (int(x) for x in args.sizes.split(",")):
        seconds, code = run(n, args.unknown)
        print(f"{n:>8}  {seconds:8.2f}  {seconds / n * 1e6:9.1f}  {code}")


if __name__ == "__main__":
    main_bench()
