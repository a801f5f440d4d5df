"""A long history: the stats, the home screen's summaries and review sync, and the first
frame, with ``--history`` attempts (100,000 by default) in the progress file.

    python benchmarks/bench_progress_100k.py [--history 100000] [--rounds 3] [--opens 3]

Works in a temporary CODETRAINER_HOME (yours is not touched). Prints:

* core: the stats from ``Attempt`` objects (``store.attempts()`` + ``compute_stats``)
  against the rows (``store.stats_rows()`` + ``stats_from_rows``), best of ``--rounds``;
  a ``StatsCache``'s first call, a call with nothing new and one with one attempt more;
  the home screen's one aggregate query (``Store.case_summaries``); the first review sync;
* TUI (headless, 100x30): the stats screen from the key press to its numbers drawn, with
  the app's kept tally forgotten first (every attempt read) and as it is (warmed by the
  home screen's worker), the home screen from start to its progress drawn on a store
  whose review cards were never synced, and the longest the UI thread stalled meanwhile
  (a 10 ms timer's worst gap);
* the first frame of the trainer on that unsynced store in a pty, as bench_startup.py
  measures it (the store is not touched before the first frame).

Reported in docs/performance.md, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_startup import TRAINER, first_frame
from bench_store import _attempt

T = TypeVar("T")


def best_of(rounds: int, fn: Callable[[], T]) -> tuple[float, T]:
    times = []
    result: T | None = None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


async def wait_until(pilot: object, condition: Callable[[], bool], limit: float = 120.0) -> None:
    """Let the app run until ``condition()`` holds (checked every 10 ms)."""
    end = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the condition never held")
        await pilot.pause(0.01)  # type: ignore[attr-defined]


def home_worker_done(app: object) -> bool:
    workers = app.workers  # type: ignore[attr-defined]
    return app.services.summaries_ready and not any(  # type: ignore[attr-defined]
        w.group == "home-summaries" and not w.is_finished for w in workers
    )


async def tui_figures(history: int, opens: int = 3) -> dict[str, float]:
    from codetrainer.tui import progress_actions, startup_gc
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.screens.stats import StatsScreen, forget_stats

    out: dict[str, float] = {}
    # as `codetrainer` starts the app: the collector paused until the first frame, then
    # start-up's objects frozen (tui/startup_gc.py)
    startup_gc.pause()
    app = CodetrainerApp([])
    gaps: list[float] = []
    started = time.perf_counter()
    async with app.run_test(size=(100, 30)) as pilot:
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        app.set_interval(0.01, tick)
        await wait_until(pilot, lambda: app.services.summaries_ready)
        out["home: start to progress drawn (one aggregate query)"] = time.perf_counter() - started
        await wait_until(pilot, lambda: app in progress_actions._DUE and home_worker_done(app))
        out["home: start to 'Review (N due)' drawn (first sync of every attempt)"] = (
            time.perf_counter() - started
        )
        await app.workers.wait_for_complete()  # the warm-up (packs, code index)
        await pilot.pause()
        out["home: longest UI stall meanwhile"] = max(gaps, default=0.0)
        gaps.clear()
        last[0] = time.perf_counter()
        from codetrainer import paths

        for label, kept in (
            ("kept tally", "memory"),
            ("a new session: the tally kept on disk", "disk"),
            ("nothing kept: every attempt read", "none"),
        ):
            samples = []
            for _ in range(opens):
                await wait_until(pilot, lambda: home_worker_done(app))
                await app.workers.wait_for_complete()  # the tally's warm-up, if any
                if kept != "memory":
                    forget_stats(app)
                if kept == "none":
                    shutil.rmtree(paths.cache_dir() / "stats", ignore_errors=True)
                begin = time.perf_counter()
                await pilot.press("s")
                await wait_until(
                    pilot,
                    lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None,
                )
                await pilot.pause()
                samples.append(time.perf_counter() - begin)
                screen = app.screen
                assert isinstance(screen, StatsScreen) and screen.stats is not None
                assert screen.stats.attempts == history, screen.stats.attempts
                await pilot.press("escape")
                await pilot.pause()
            if kept == "memory":
                out["stats: the session's first open (its CSS parsed), tally kept"] = samples[0]
            out[f"stats: key press to numbers drawn, {label} (median of {opens})"] = (
                statistics.median(samples)
            )
        out["stats: longest UI stall meanwhile"] = max(gaps, default=0.0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--opens", type=int, default=3, help="stats screen opens per figure")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="ct-bench-100k-"))
    os.environ["CODETRAINER_HOME"] = str(home)
    os.environ.pop("CODETRAINER_CACHE", None)
    try:
        from codetrainer.core.progress import StatsCache, compute_stats, stats_from_rows
        from codetrainer.core.review import Reviewer
        from codetrainer.core.store import Store, default_store_path

        path = default_store_path()
        path.parent.mkdir(parents=True)
        with Store(path) as s:
            s.record_attempts(_attempt(i) for i in range(args.history))
        pristine = path.with_name("pristine.sqlite3")
        shutil.copy(path, pristine)
        print(f"{args.history} attempts, file {path.stat().st_size / 1e6:.1f} MB")
        with Store(path) as s:
            old, old_stats = best_of(
                args.rounds, lambda: compute_stats(s.attempts(), goal_minutes=10)
            )
            new, new_stats = best_of(
                args.rounds, lambda: stats_from_rows(s.stats_rows(), goal_minutes=10)
            )
            assert new_stats.attempts == old_stats.attempts
            rows, _ = best_of(args.rounds, s.stats_rows)
            cache = StatsCache()
            cold, _ = best_of(1, lambda: cache.stats(s, goal_minutes=10))
            kept, _ = best_of(args.rounds, lambda: cache.stats(s, goal_minutes=10))
            s.record_attempts([_attempt(args.history)])
            topped, topped_stats = best_of(1, lambda: cache.stats(s, goal_minutes=10))
            assert topped_stats.attempts == args.history + 1
            summaries, _ = best_of(args.rounds, s.case_summaries)
            sync_start = time.perf_counter()
            Reviewer(s).sync()
            sync = time.perf_counter() - sync_start
        print(f"core (best of {args.rounds})")
        print(f"  stats, old path (attempts() + compute_stats)   {old * 1000:7.0f} ms")
        print(f"  stats, new path (stats_rows + stats_from_rows) {new * 1000:7.0f} ms")
        print(f"    of which stats_rows (the one query)          {rows * 1000:7.0f} ms")
        print(f"  StatsCache, first call (reads every attempt)   {cold * 1000:7.0f} ms")
        print(f"  StatsCache, nothing new (the tally's sums only) {kept * 1000:6.0f} ms")
        print(f"  StatsCache, one attempt more                   {topped * 1000:7.0f} ms")
        print(f"  case_summaries of every pack (one query)       {summaries * 1000:7.0f} ms")
        print(f"  first Reviewer.sync over the history (one-off) {sync * 1000:7.0f} ms")
        # the TUI on a file whose review cards were never synced
        shutil.copy(pristine, path)
        figures = asyncio.run(tui_figures(args.history, args.opens))
        print("TUI, headless 100x30, unsynced store")
        for label, seconds in figures.items():
            print(f"  {label:70} {seconds * 1000:7.0f} ms")
        shutil.copy(pristine, path)
        for side in ("-wal", "-shm"):
            path.with_name(path.name + side).unlink(missing_ok=True)
        env = dict(os.environ)
        first_frame(TRAINER[1], TRAINER[2], env)  # warm the pack cache
        shutil.copy(pristine, path)
        wall, cpu = first_frame(TRAINER[1], TRAINER[2], env)
        print(
            f"first frame in a pty, unsynced store: wall {wall * 1000:.0f} ms, "
            f"CPU {cpu * 1000:.0f} ms"
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
