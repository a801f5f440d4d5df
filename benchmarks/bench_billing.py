"""The billing desk's costs: load and check the billing packs, grade, write and check 837Ps.

Prints the best of ``--repeat`` runs for each step (no step is timed in the tests):

* load every bundled billing pack with the full checks (reference, code sets, scrubber);
* grade every exercise's key as an answer ``--n`` times in all;
* write every bundled claim as an 837P;
* run pyx12's validator on every bundled claim (when pyx12 is installed).

    python benchmarks/bench_billing.py [--n 4000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import logging
import time
from collections.abc import Callable
from typing import Any


def _best(run: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=4000, help="answers to grade")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from codetrainer.core.billing.grade import grade_exercise, key_answer
    from codetrainer.core.billing.loading import find_billing_packs, load_billing_pack
    from codetrainer.core.billing.refdata import load_billing_reference
    from codetrainer.core.billing.x12 import render_837
    from codetrainer.core.codesets import load_catalog
    from codetrainer.core.reference import load_reference

    reference = load_reference()
    catalog = load_catalog(reference=reference)
    ref = load_billing_reference()
    paths = find_billing_packs()

    def load_all() -> list[Any]:
        out = []
        for p in paths:
            loaded = load_billing_pack(p, reference=reference, catalog=catalog, ref=ref)
            assert loaded.value is not None
            out.extend(loaded.value.exercises)
        return out

    exercises = load_all()
    answers = [(ex, key_answer(ex)) for ex in exercises]
    claims = [ex.key for ex in exercises if ex.kind == "claim"]

    def grade_all() -> None:
        for i in range(args.n):
            ex, ans = answers[i % len(answers)]
            grade_exercise(ex, ans, ref=ref, reference=reference, catalog=catalog)

    def write_all() -> None:
        for claim in claims:
            render_837(claim)

    print(f"{len(exercises)} exercises in {len(paths)} packs, {len(claims)} claims")
    t = _best(load_all, args.repeat)
    print(f"load + check all billing packs: {t * 1000:.1f} ms")
    t = _best(grade_all, args.repeat)
    print(f"grade {args.n} answers: {t * 1000:.1f} ms ({t / args.n * 1e6:.0f} us each)")
    t = _best(write_all, args.repeat)
    print(f"write {len(claims)} 837P files: {t * 1000:.2f} ms")
    try:
        import pyx12.params
        import pyx12.x12n_document
    except ImportError:
        print("pyx12 not installed: validation not measured")
        return
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    texts = [render_837(c) for c in claims]

    def check_all() -> None:
        for text in texts:
            ok = pyx12.x12n_document.x12n_document(
                param=pyx12.params.params(),
                src_file=io.StringIO(text),
                fd_997=io.StringIO(),
                fd_html=None,
            )
            assert ok

    t = _best(check_all, args.repeat)
    each = t / len(texts) * 1000
    print(f"pyx12-validate {len(texts)} 837P files: {t * 1000:.0f} ms ({each:.0f} ms each)")


if __name__ == "__main__":
    main()
