"""Grade 10,000 case answers and print the time (target: well under 2 s).

Answers are generated deterministically from the bundled packs: a third are the key
itself, the rest carry typical slips (loose typing, header codes, wrong 7th characters,
transpositions, swapped secondary diagnoses, extra codes, missing modifiers, wrong units
and pointers). Run with the real FY2026 reference (default) or without (``--no-reference``).

    python benchmarks/bench_grading.py [--n 10000] [--repeat 3] [--no-reference]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.core.grading import grade_case
from codetrainer.core.models import Case
from codetrainer.core.packs import load_pack
from codetrainer.paths import bundled_content_dir


def _cases() -> list[Case]:
    out: list[Case] = []
    for path in sorted((bundled_content_dir() / "packs").glob("*.yaml")):
        loaded = load_pack(path)
        if loaded.value is not None:
            out.extend(loaded.value.cases)
    return out


def _key_answer(case: Case) -> GivenAnswer:
    return GivenAnswer(
        diagnoses=tuple(d.code for d in case.answer.diagnoses),
        lines=tuple(
            GivenLine(
                code=ln.code,
                modifiers=tuple(ln.modifiers),
                units=str(ln.units),
                pointers=tuple(str(p) for p in ln.pointers),
            )
            for ln in case.answer.lines
        ),
        query=" ".join(case.answer.query.keywords) if case.answer.query else "",
    )


_EXTRAS = ["I10", "R07.0", "E11", "J20.9", "Z00.00", "M79.606", "99999", "S52.521D"]


def _perturb(answer: GivenAnswer, rng: random.Random) -> GivenAnswer:
    dx = list(answer.diagnoses)
    lines = list(answer.lines)
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.15 and dx:
            i = rng.randrange(len(dx))
            dx[i] = dx[i].lower().replace(".", "")
        elif roll < 0.3 and dx:
            i = rng.randrange(len(dx))
            dx[i] = dx[i][:3]
        elif roll < 0.4 and dx:
            i = rng.randrange(len(dx))
            c = dx[i]
            if len(c) > 4:
                dx[i] = c[:-1] + ("D" if c[-1] != "D" else "A")
        elif roll < 0.5 and dx and len(dx[0]) >= 3:
            c = dx[0]
            dx[0] = c[0] + c[2] + c[1] + c[3:]
        elif roll < 0.6 and len(dx) > 2:
            rest = dx[1:]
            rng.shuffle(rest)
            dx = [dx[0], *rest]
        elif roll < 0.7:
            dx.append(rng.choice(_EXTRAS))
        elif roll < 0.8 and lines:
            i = rng.randrange(len(lines))
            ln = lines[i]
            lines[i] = GivenLine(ln.code, (), ln.units, ln.pointers)
        elif roll < 0.9 and lines:
            i = rng.randrange(len(lines))
            ln = lines[i]
            lines[i] = GivenLine(ln.code, ln.modifiers, "2", tuple(reversed(ln.pointers)))
        elif dx:
            dx.pop()
    return GivenAnswer(tuple(dx), tuple(lines), answer.query)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args()
    cases = _cases()
    if not cases:
        print("no bundled cases found", file=sys.stderr)
        return 1
    reference = None
    if not args.no_reference:
        from codetrainer.core.reference import load_reference

        t0 = time.perf_counter()
        reference = load_reference()
        print(f"reference loaded in {time.perf_counter() - t0:.3f} s")
    rng = random.Random(2026)
    work: list[tuple[Case, GivenAnswer]] = []
    for i in range(args.n):
        case = cases[i % len(cases)]
        key = _key_answer(case)
        work.append((case, key if i % 3 == 0 else _perturb(key, rng)))
    # one warm-up pass over the distinct cases (module imports, first lookups)
    for case in cases:
        grade_case(case, _key_answer(case), reference=reference)
    runs: list[tuple[float, float]] = []
    total = 0.0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        total = 0.0
        for case, answer in work:
            total += grade_case(case, answer, reference=reference).score
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    first_wall, first_cpu = runs[0]
    wall, cpu = min(runs)
    print(
        f"graded {len(work):,} answers over {len(cases)} cases "
        f"(reference: {'yes' if reference is not None else 'no'}; mean score "
        f"{total / len(work):.1f})\n"
        f"  first run: {first_wall:.3f} s wall, {first_cpu:.3f} s CPU "
        f"({first_wall / len(work) * 1e6:.0f} us each)\n"
        f"  best of {args.repeat}: {wall:.3f} s wall, {cpu:.3f} s CPU "
        f"({wall / len(work) * 1e6:.0f} us each; relations and explanations memoized by "
        "the first run)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
