"""Measure the drills: code-facts generation, cached deck load, answer checks, recording.

    python benchmarks/bench_drills.py [--checks 20000] [--answers 500]

Runs against a private temporary cache and store (your own are never touched). Nothing
here asserts a time: it prints what it measured.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=20000)
    parser.add_argument("--answers", type=int, default=500)
    args = parser.parse_args()

    from codetrainer.core.drills import codefacts
    from codetrainer.core.drills.check import check_answer, vocabulary
    from codetrainer.core.drills.decks import bundled_decks_dir, load_deck
    from codetrainer.core.drills.schedule import Drills
    from codetrainer.core.reference import load_reference
    from codetrainer.core.store import Store

    ref = load_reference()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        started = time.perf_counter()
        cards = codefacts.load_code_facts(ref, "2026-04", 150, cache_dir=cache)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(5):
            started = time.perf_counter()
            codefacts.load_code_facts(ref, "2026-04", 150, cache_dir=cache)
            warm.append(time.perf_counter() - started)
        print(
            f"code-facts: {len(cards)} cards generated in {cold:.2f} s; cached load "
            f"median {statistics.median(warm) * 1000:.0f} ms"
        )

        started = time.perf_counter()
        written = [
            load_deck(bundled_decks_dir() / f"{n}.yaml").value
            for n in ("terms", "abbreviations", "confusables")
        ]
        load_s = time.perf_counter() - started
        decks = [d for d in written if d is not None]
        print(
            f"written decks: {sum(len(d.cards) for d in decks)} cards loaded and checked "
            f"in {load_s * 1000:.0f} ms"
        )

        rng = random.Random(7)
        pool = [(c, vocabulary(d.cards)) for d in decks for c in d.cards]
        pool += [(c, {}) for c in cards]
        inputs = []
        for _ in range(args.checks):
            card, vocab = rng.choice(pool)
            pick = rng.random()
            if pick < 0.4:
                text = card.answer
            elif pick < 0.6 and card.lookalikes:
                text = card.lookalikes[0].written
            elif pick < 0.8 and len(card.answer) > 3:
                k = rng.randrange(len(card.answer))
                text = card.answer[:k] + card.answer[k + 1 :]
            else:
                text = "something else entirely"
            inputs.append((card, vocab, text))
        started = time.perf_counter()
        for card, vocab, text in inputs:
            check_answer(card, text, vocab=vocab)
        elapsed = time.perf_counter() - started
        print(
            f"checks: {args.checks} answers in {elapsed:.2f} s "
            f"({elapsed / args.checks * 1e6:.0f} µs each)"
        )

        store = Store(Path(tmp) / "progress.sqlite3")
        drills = Drills(store)
        each = []
        for card, vocab, text in inputs[: args.answers]:
            result = check_answer(card, text, vocab=vocab)
            started = time.perf_counter()
            drills.record(card, result)
            each.append(time.perf_counter() - started)
        each.sort()
        p95 = each[int(len(each) * 0.95)]
        print(
            f"record (committed, synchronous=FULL): {args.answers} answers, median "
            f"{statistics.median(each) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
        )
        started = time.perf_counter()
        due = drills.due_keys()
        print(f"due cards: {len(due)} found in {(time.perf_counter() - started) * 1000:.1f} ms")
        store.close()


if __name__ == "__main__":
    main()
