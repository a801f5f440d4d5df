"""StatsTally fed a bit at a time, and StatsCache reading only the new attempts, give
exactly the Stats of one tally over every attempt; the cache starts over when it must."""

from __future__ import annotations

import gc
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from progress_fixtures import T0, make_attempt, random_attempts

from codetrainer.core import progress
from codetrainer.core.progress import StatsCache, StatsTally, stats_from_rows
from codetrainer.core.store import Store

TODAY = (T0 + timedelta(days=12)).date()
ZONES = [None, ZoneInfo("UTC"), ZoneInfo("Asia/Kathmandu"), ZoneInfo("America/New_York")]


@contextmanager
def _store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.sqlite3") as s:
        yield s


def _fresh(store: Store, tz: Any, today: date = TODAY) -> Any:
    return stats_from_rows(store.stats_rows(), today=today, tz=tz, goal_minutes=20)


def test_stats_rows_after_and_up_to_an_id() -> None:
    with _store() as s:
        assert s.attempt_span() == (0, 0)
        assert s.stats_rows() == []
        s.record_attempts(random_attempts(30, seed=3))
        count, top = s.attempt_span()
        assert count == 30 and top == 30
        everything = s.stats_rows()
        assert len(everything) == 30
        assert s.stats_rows(after_id=10) == everything[10:]
        assert s.stats_rows(after_id=10, upto_id=20) == everything[10:20]
        assert s.stats_rows(upto_id=5) == everything[:5]
        assert s.stats_rows(after_id=top) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 120), max_size=6),
    st.sampled_from(ZONES),
    st.integers(0, 20),
)
def test_a_tally_fed_in_pieces_equals_one_tally(cuts: list[int], tz: Any, day: int) -> None:
    with _store() as s:
        s.record_attempts(random_attempts(120, seed=len(cuts) + day))
        rows = s.stats_rows()
    today = (T0 + timedelta(days=day)).date()
    tally = StatsTally(tz)
    start = 0
    for cut in sorted(cuts):
        tally.add(rows[start:cut])
        start = max(start, cut)
    tally.add(rows[start:])
    assert tally.count == len(rows)
    # the same to the last bit: == on the frozen dataclasses, no tolerance
    assert tally.stats(today=today, goal_minutes=20) == stats_from_rows(
        rows, today=today, tz=tz, goal_minutes=20
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.integers(0, 60 * 24 * 14),
                st.sampled_from([0.0, 40.0, 87.5, 100.0]),
                st.floats(-5.0, 3000.0),
                st.lists(st.sampled_from(["missing", "extra"]), max_size=2),
            ),
            max_size=8,
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(ZONES),
)
def test_the_cache_reads_only_new_attempts_and_stays_exact(
    batches: list[list[tuple[int, float, float, list[str]]]], tz: Any
) -> None:
    cache = StatsCache()
    with _store() as s:
        for batch in batches:
            s.record_attempts(
                make_attempt(
                    f"c{minute % 3}",
                    score,
                    minutes=minute,
                    seconds=seconds,
                    kinds=tuple(kinds),
                    tags=("ENT",) if minute % 2 else (),
                    systems={"ICD-10-CM": (score / 50, 2.0)},
                )
                for minute, score, seconds, kinds in batch
            )
            got = cache.stats(s, today=TODAY, tz=tz, goal_minutes=20)
            assert got == _fresh(s, tz)
            assert got.attempts == s.attempt_span()[0]


class _CountingStore:
    """Wraps a store and records which ``after_id`` each stats_rows call asked for."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.asked: list[tuple[int, int | None]] = []

    def attempt_span(self) -> tuple[int, int]:
        return self.store.attempt_span()

    def stats_rows(self, after_id: int = 0, upto_id: int | None = None) -> list[Any]:
        self.asked.append((after_id, upto_id))
        return self.store.stats_rows(after_id=after_id, upto_id=upto_id)


def test_the_second_call_reads_from_the_last_id_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "STATS_CHUNK", 10)
    cache = StatsCache()
    with _store() as s:
        counting = _CountingStore(s)
        s.record_attempts(random_attempts(25, seed=5))
        cache.stats(counting, today=TODAY, tz=None, goal_minutes=20)  # type: ignore[arg-type]
        assert counting.asked == [(0, 10), (10, 20), (20, 25)]  # in chunks of ids
        s.record_attempts(random_attempts(3, seed=6))
        got = cache.stats(counting, today=TODAY, tz=None, goal_minutes=20)  # type: ignore[arg-type]
        assert counting.asked[3:] == [(25, 28)]
        assert got == _fresh(s, None)
        again = cache.stats(counting, today=TODAY, tz=None, goal_minutes=20)  # type: ignore[arg-type]
        assert len(counting.asked) == 4  # nothing new: no rows read at all
        assert again == got


def test_another_time_zone_or_store_starts_over() -> None:
    cache = StatsCache()
    with _store() as a, _store() as b:
        a.record_attempts(random_attempts(40, seed=7))
        b.record_attempts(random_attempts(10, seed=8))
        assert cache.stats(a, today=TODAY, tz=ZoneInfo("UTC"), goal_minutes=20) == _fresh(
            a, ZoneInfo("UTC")
        )
        kathmandu = ZoneInfo("Asia/Kathmandu")
        assert cache.stats(a, today=TODAY, tz=kathmandu, goal_minutes=20) == _fresh(a, kathmandu)
        assert cache.stats(b, today=TODAY, tz=kathmandu, goal_minutes=20) == _fresh(b, kathmandu)
        assert cache.stats(b, today=TODAY, tz=kathmandu, goal_minutes=20).attempts == 10


def test_attempts_gone_from_the_file_make_it_count_afresh() -> None:
    cache = StatsCache()
    with _store() as s:
        s.record_attempts(random_attempts(20, seed=9))
        cache.stats(s, today=TODAY, tz=None, goal_minutes=20)
        # what a damaged file's salvage can do: rows vanish, new ones come in after them
        with sqlite3.connect(s.path) as raw:
            raw.execute("DELETE FROM attempts WHERE id IN (3, 4, 5)")
        s.record_attempts(random_attempts(2, seed=10))
        got = cache.stats(s, today=TODAY, tz=None, goal_minutes=20)
        assert got.attempts == 19
        assert got == _fresh(s, None)
        with sqlite3.connect(s.path) as raw:  # the newest rows vanish: the top id falls
            raw.execute("DELETE FROM attempts WHERE id > 10")
        assert cache.stats(s, today=TODAY, tz=None, goal_minutes=20) == _fresh(s, None)


def test_a_failed_read_leaves_nothing_half_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = StatsCache()
    with _store() as s:
        s.record_attempts(random_attempts(15, seed=11))
        cache.stats(s, today=TODAY, tz=None, goal_minutes=20)
        s.record_attempts(random_attempts(4, seed=12))
        rows = s.stats_rows

        def broken(after_id: int = 0, upto_id: int | None = None) -> list[Any]:
            good = rows(after_id=after_id, upto_id=upto_id)
            return [*good[:2], ("only", "three", "columns")]  # unpacking fails half-way

        monkeypatch.setattr(s, "stats_rows", broken)
        with pytest.raises(ValueError):
            cache.stats(s, today=TODAY, tz=None, goal_minutes=20)
        assert gc.isenabled()  # paused while rows came in, and on again after the failure
        monkeypatch.undo()
        assert cache.stats(s, today=TODAY, tz=None, goal_minutes=20) == _fresh(s, None)


def test_two_threads_at_once_count_each_attempt_once(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = StatsCache()
    with _store() as s:
        s.record_attempts(random_attempts(300, seed=13))
        monkeypatch.setattr(progress, "STATS_CHUNK", 7)  # many chunks: threads interleave
        results: list[Any] = []
        threads = [
            threading.Thread(
                target=lambda: results.append(cache.stats(s, today=TODAY, goal_minutes=20))
            )
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 4
        assert all(r == _fresh(s, None) for r in results)
        assert results[0].attempts == 300


def test_asked_again_with_nothing_new_the_tally_answers_at_once() -> None:
    with _store() as s:
        s.record_attempts(random_attempts(40, seed=14))
        rows = s.stats_rows()
    tally = StatsTally(ZoneInfo("UTC"))
    tally.add(rows[:30])
    first = tally.stats(today=TODAY, goal_minutes=20)
    assert tally.stats(today=TODAY, goal_minutes=20) is first  # nothing new: kept
    tally.add([])
    assert tally.stats(today=TODAY, goal_minutes=20) is first
    assert tally.stats(today=TODAY, goal_minutes=25).goal.goal_minutes == 25
    later = tally.stats(today=TODAY + timedelta(days=1), goal_minutes=20)
    assert later.over_time[-1].day == TODAY + timedelta(days=1)
    tally.add(rows[30:])
    grown = tally.stats(today=TODAY, goal_minutes=20)
    assert grown.attempts == 40
    assert grown == stats_from_rows(rows, today=TODAY, tz=ZoneInfo("UTC"), goal_minutes=20)


def test_readers_and_a_writer_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "STATS_CHUNK", 5)
    cache = StatsCache()
    errors: list[BaseException] = []
    with _store() as s:
        s.record_attempts(random_attempts(50, seed=15))
        more = random_attempts(60, seed=16)

        def write() -> None:
            for i in range(0, len(more), 6):
                s.record_attempts(more[i : i + 6])

        def read() -> None:
            try:
                for _ in range(15):
                    got = cache.stats(s, today=TODAY, goal_minutes=20)
                    assert 50 <= got.attempts <= 110
                    assert sum(d.attempts for d in got.over_time) <= got.attempts
            except BaseException as exc:  # pragma: no cover - only on failure
                errors.append(exc)

        threads = [threading.Thread(target=write)] + [
            threading.Thread(target=read) for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert cache.stats(s, today=TODAY, goal_minutes=20) == _fresh(s, None)
        assert cache.counted == 110


def test_no_attempt_is_added_while_another_thread_sums_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = StatsCache()
    events: list[str] = []
    summing = threading.Event()
    real_stats, real_add = StatsTally._stats, StatsTally.add

    def slow_stats(self: StatsTally, *args: Any) -> Any:
        events.append("sum starts")
        summing.set()
        time.sleep(0.2)  # a window for the other thread (no timing is asserted)
        result = real_stats(self, *args)
        events.append("sum ends")
        return result

    def add(self: StatsTally, rows: Any) -> None:
        rows = list(rows)
        if rows:
            events.append("add")
        real_add(self, rows)

    with _store() as s:
        s.record_attempts(random_attempts(20, seed=17))
        cache.stats(s, today=TODAY)
        s.record_attempts(random_attempts(5, seed=18))
        monkeypatch.setattr(StatsTally, "_stats", slow_stats)
        monkeypatch.setattr(StatsTally, "add", add)
        reader = threading.Thread(target=lambda: cache.stats(s, today=TODAY, goal_minutes=30))
        events.clear()
        reader.start()  # adds the 5 new attempts, then sums up slowly
        summing.wait(10)
        s.record_attempts(random_attempts(3, seed=19))
        cache.stats(s, today=TODAY, goal_minutes=40)  # waits for the reader's sum
        reader.join()
    assert events == ["add", "sum starts", "sum ends", "add", "sum starts", "sum ends"]


# -- kept between sessions (keep_in) ---------------------------------------------------


def _reads(monkeypatch: pytest.MonkeyPatch, store: Store) -> list[tuple[int, int | None]]:
    """Record each stats_rows(after_id, upto_id) the cache asks of ``store``."""
    calls: list[tuple[int, int | None]] = []
    original = store.stats_rows

    def counting(after_id: int = 0, upto_id: int | None = None) -> list[Any]:
        calls.append((after_id, upto_id))
        return original(after_id=after_id, upto_id=upto_id)

    monkeypatch.setattr(store, "stats_rows", counting)
    return calls


def test_a_new_session_reads_only_the_attempts_since_the_kept_tally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "KEEP_AFTER", 10)
    tz = ZoneInfo("America/New_York")
    with _store() as s:
        s.record_attempts(random_attempts(40, seed=11))
        first = StatsCache(keep_in=tmp_path)
        assert first.stats(s, today=TODAY, tz=tz, goal_minutes=20) == _fresh(s, tz)
        assert list(tmp_path.glob("tally-*.bin"))  # written for the next session
        s.record_attempts(random_attempts(5, seed=12))
        calls = _reads(monkeypatch, s)
        second = StatsCache(keep_in=tmp_path)  # a new session: nothing in memory
        got = second.stats(s, today=TODAY, tz=tz, goal_minutes=20)
        monkeypatch.undo()
        assert got == _fresh(s, tz)
        # one row to check the kept tally still fits, then only the 5 new attempts
        assert calls == [(39, 40), (40, 45)]


def test_a_kept_tally_of_another_store_at_the_same_path_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "KEEP_AFTER", 10)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.sqlite3"
        with Store(path) as s:
            s.record_attempts(random_attempts(30, seed=1))
            StatsCache(keep_in=tmp_path).stats(s, today=TODAY, goal_minutes=20)
        path.unlink()
        with Store(path) as s:  # a new file: as many attempts, and more, but others
            s.record_attempts(random_attempts(35, seed=2))
            got = StatsCache(keep_in=tmp_path).stats(s, today=TODAY, goal_minutes=20)
            assert got == _fresh(s, None)


def test_a_damaged_or_foreign_kept_tally_means_counting_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "KEEP_AFTER", 10)
    with _store() as s:
        s.record_attempts(random_attempts(30, seed=5))
        StatsCache(keep_in=tmp_path).stats(s, today=TODAY, goal_minutes=20)
        [kept] = tmp_path.glob("tally-*.bin")
        data = kept.read_bytes()
        for damaged in (data[:-7], data[:40] + b"x" + data[41:], b"", b"not a tally"):
            kept.write_bytes(damaged)
            calls = _reads(monkeypatch, s)
            got = StatsCache(keep_in=tmp_path).stats(s, today=TODAY, goal_minutes=20)
            monkeypatch.undo()
            monkeypatch.setattr(progress, "KEEP_AFTER", 10)
            assert got == _fresh(s, None)
            assert (0, 30) in calls  # every attempt read again
        # another time zone than the kept one: counted afresh in that zone
        StatsCache(keep_in=tmp_path).stats(s, today=TODAY, goal_minutes=20)
        tz = ZoneInfo("Asia/Kathmandu")
        got = StatsCache(keep_in=tmp_path).stats(s, today=TODAY, tz=tz, goal_minutes=20)
        assert got == _fresh(s, tz)
