"""The stats tally (one query, no Attempt objects) gives the same Stats as the plain
one-purpose functions over Attempt objects (accuracy_by_system, streak, ...)."""

from __future__ import annotations

import dataclasses
import math
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from progress_fixtures import T0, make_attempt, random_attempts

from codetrainer.core.progress import (
    Stats,
    accuracy_by_mode,
    accuracy_by_pack,
    accuracy_by_system,
    accuracy_by_tag,
    accuracy_over_time,
    compute_stats,
    daily_goal,
    error_kinds,
    stats_from_rows,
    streak,
    time_per_case,
    weakest_areas,
)
from codetrainer.core.store import (
    SOLVED_SCORE,
    Attempt,
    Store,
    parse_utc,
    stats_row,
    stats_rows_of,
)

ZONES = [
    None,
    ZoneInfo("UTC"),
    ZoneInfo("Asia/Kathmandu"),  # +5:45
    ZoneInfo("America/St_Johns"),  # -3:30 with DST
    ZoneInfo("Australia/Lord_Howe"),  # +10:30, a half-hour DST
    ZoneInfo("America/New_York"),
    ZoneInfo("Pacific/Kiritimati"),  # +14
]


def _same(a: Any, b: Any, where: str = "stats") -> None:
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)


def reference_stats(attempts: list[Attempt], today: date, tz: Any, goal: float) -> Stats:
    """The Stats put together from the one-purpose functions, attempt by attempt (each
    attempt's day by its own ``astimezone``): the slow, plain way."""
    best: dict[tuple[str, str], float] = {}
    for a in attempts:
        best[(a.pack_id, a.case_id)] = max(best.get((a.pack_id, a.case_id), 0.0), a.score)
    return Stats(
        attempts=len(attempts),
        mean_score=sum(a.score for a in attempts) / len(attempts) if attempts else None,
        cases_tried=len(best),
        cases_solved=sum(1 for b in best.values() if b >= SOLVED_SCORE),
        over_time=accuracy_over_time(attempts, today=today, days=30, tz=tz),
        by_system=accuracy_by_system(attempts),
        by_kind=error_kinds(attempts),
        by_tag=accuracy_by_tag(attempts),
        by_pack=accuracy_by_pack(attempts),
        by_mode=accuracy_by_mode(attempts),
        streak=streak(attempts, today=today, tz=tz),
        goal=daily_goal(attempts, today=today, goal_minutes=goal, tz=tz),
        time=time_per_case(attempts),
        weakest=weakest_areas(attempts),
    )


def _both(attempts: list[Any], today: date, tz: Any) -> None:
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.sqlite3") as s:
        s.record_attempts(attempts)
        saved = s.attempts()
        expected = reference_stats(saved, today, tz, 15)
        got = stats_from_rows(s.stats_rows(), today=today, tz=tz, goal_minutes=15)
        # compute_stats is the same tally over the attempts' rows: equal to the last bit
        assert compute_stats(saved, today=today, tz=tz, goal_minutes=15) == got
    _same(got, expected)


def test_a_realistic_history_in_every_kind_of_time_zone() -> None:
    attempts = random_attempts(400, seed=11)
    today = (T0 + timedelta(days=10)).date()
    for tz in ZONES:
        _both(attempts, today, tz)


def test_an_empty_history() -> None:
    _both([], T0.date(), ZoneInfo("UTC"))


def test_attempts_around_local_midnight_and_a_dst_change() -> None:
    # New York left DST on 2026-11-01 at 06:00 UTC; Kathmandu's midnight is 18:15 UTC
    base = T0.replace(year=2026, month=10, day=31, hour=17, minute=0)
    attempts = [
        make_attempt(f"c{i % 3}", float(i * 7 % 101), at=base, minutes=i * 7.5, seconds=i * 41.0)
        for i in range(200)
    ]
    today = (base + timedelta(days=1)).date()
    for tz in ZONES:
        _both(attempts, today, tz)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60 * 24 * 20),  # minutes after T0
            st.sampled_from([0.0, 12.5, 50.0, 95.0, 100.0]),
            st.floats(-5.0, 4000.0),
            st.sampled_from(["practice", "review", "exam"]),
            st.lists(st.sampled_from(["missing", "extra", "units"]), max_size=3),
            st.lists(st.sampled_from(["ENT", "E/M", "ENT"]), max_size=3),
        ),
        max_size=40,
    ),
    st.sampled_from(ZONES),
    st.integers(0, 25),
)
def test_any_history_gives_the_same_stats(
    rows: list[tuple[int, float, float, str, list[str], list[str]]], tz: Any, day: int
) -> None:
    attempts = [
        make_attempt(
            f"case-{minute % 4}",
            score,
            minutes=minute,
            seconds=seconds,
            mode=mode,
            kinds=tuple(kinds),
            tags=tuple(tags),
            systems={"ICD-10-CM": (score / 50, 2.0), "CPT": (-0.5, 1.0)},
        )
        for minute, score, seconds, mode, kinds, tags in rows
    ]
    _both(attempts, (T0 + timedelta(days=day)).date(), tz)


def test_repeats_of_one_attempt_keep_their_best_score_and_latest_time() -> None:
    # the same case, mode, kinds, tags and systems: one group in the tally
    attempts = [
        make_attempt("c1", score, minutes=minutes, kinds=("missing",), seconds=30.0)
        for minutes, score in ((0, 40.0), (90, 100.0), (30, 10.0), (60, 55.0))
    ]
    _both(attempts, T0.date(), ZoneInfo("UTC"))
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.sqlite3") as s:
        s.record_attempts(attempts)
        got = stats_from_rows(s.stats_rows(), today=T0.date(), tz=ZoneInfo("UTC"))
    assert got.cases_solved == 1 and got.by_kind[0].count == 4
    assert got.by_kind[0].last_seen == attempts[1].created_at


def test_attempts_in_other_forms_count_as_the_store_would_read_them() -> None:
    base = make_attempt("c1", 50.0, kinds=("missing",), tags=("ENT",), seconds=90.0)
    attempts = [
        base,
        dataclasses.replace(base, created_at="2026-03-02T11:30:00+02:00", score=70.0),
        dataclasses.replace(base, created_at="2026-03-02T23:59:59", score=80.0),  # naive: UTC
        dataclasses.replace(base, systems={"ICD-10-CM": [1.0, 2.0]}),  # type: ignore[dict-item]
        dataclasses.replace(base, kinds=("extra", "missing"), score=20.0),
        base,
    ]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.sqlite3") as s:
        s.record_attempts(attempts)
        stored = stats_from_rows(s.stats_rows(), today=T0.date(), tz=ZoneInfo("Asia/Kathmandu"))
    got = compute_stats(attempts, today=T0.date(), tz=ZoneInfo("Asia/Kathmandu"))
    assert got == stored
    assert got.attempts == 6 and got.by_kind[0].kind == "missing"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60 * 24 * 5),
            st.lists(st.sampled_from(["missing", "extra", "units", "é"]), max_size=3),
            st.lists(st.sampled_from(["ENT", "E/M", "[b]x[/b]"]), max_size=2),
            st.dictionaries(
                st.sampled_from(["ICD-10-CM", "CPT", "query"]),
                st.tuples(st.floats(-2, 15, allow_nan=False), st.floats(0, 15)),
                max_size=2,
            ),
            st.sampled_from(["Z", "+05:45", ""]),
        ),
        max_size=12,
    )
)
def test_stats_row_is_what_the_store_reads_back(
    rows: list[tuple[int, list[str], list[str], dict[str, tuple[float, float]], str]],
) -> None:
    attempts = []
    for minute, kinds, tags, systems, zone in rows:
        a = make_attempt(
            "c", 50.0, minutes=minute, kinds=tuple(kinds), tags=tuple(tags), systems=systems
        )
        moment = parse_utc(a.created_at)
        if zone == "+05:45":  # the same moment written with an offset
            text = moment.astimezone(ZoneInfo("Asia/Kathmandu")).isoformat()
        elif zone == "":  # naive: taken as UTC
            text = moment.replace(tzinfo=None).isoformat()
        else:
            text = a.created_at
        attempts.append(dataclasses.replace(a, created_at=text))
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.sqlite3") as s:
        s.record_attempts(attempts)
        stored = s.stats_rows()
    assert [stats_row(a) for a in attempts] == stored
    assert list(stats_rows_of(attempts)) == stored
