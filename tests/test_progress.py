"""Stats for the stats screen: pure functions over attempts."""

from __future__ import annotations

from datetime import UTC, date, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from progress_fixtures import T0, make_attempt, random_attempts

from codetrainer.core.progress import (
    MAX_COUNTED_SECONDS,
    accuracy_by_mode,
    accuracy_by_pack,
    accuracy_by_system,
    accuracy_by_tag,
    accuracy_over_time,
    compute_stats,
    daily_goal,
    error_kinds,
    local_day,
    streak,
    time_per_case,
    weakest_areas,
)
from codetrainer.core.store import Attempt

DAY = T0.date()  # 2026-03-02


def _on(day_offset: int, score: float = 80.0, **kw: Any) -> Attempt:
    return make_attempt(score=score, at=T0 + timedelta(days=day_offset), **kw)


def test_over_time_is_zero_filled_and_ends_today() -> None:
    attempts = [_on(0, 50.0), _on(0, 100.0), _on(-2, 70.0, seconds=120.0)]
    days = accuracy_over_time(attempts, today=DAY, days=5, tz=UTC)
    assert [d.day for d in days] == [DAY - timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    assert [d.attempts for d in days] == [0, 0, 1, 0, 2]
    assert [d.mean_score for d in days] == [None, None, 70.0, None, 75.0]
    assert days[2].minutes == 2.0


def test_days_follow_the_time_zone() -> None:
    late = make_attempt(at=T0.replace(hour=23, minute=30))  # 23:30 UTC
    assert local_day(late, UTC) == DAY
    assert local_day(late, timezone(timedelta(hours=2))) == DAY + timedelta(days=1)
    assert local_day(late, timezone(timedelta(hours=-5))) == DAY


def test_by_system_uses_points_and_fixed_order() -> None:
    attempts = [
        make_attempt(systems={"CPT": (1.0, 2.0), "ICD-10-CM": (2.0, 2.0)}),
        make_attempt(systems={"ICD-10-CM": (0.0, 2.0), "query": (0.0, 1.0)}),
        make_attempt(systems={"MODIFIER": (-0.5, 0.0), "HCPCS": (-1.0, 1.0)}),
    ]
    stats = accuracy_by_system(attempts)
    assert [g.key for g in stats] == ["ICD-10-CM", "CPT", "HCPCS", "query"]
    icd = stats[0]
    assert (icd.attempts, icd.earned, icd.possible, icd.accuracy) == (2, 2.0, 4.0, 50.0)
    assert stats[2].accuracy == 0.0  # floored: extras cost more than was earned


def test_by_tag_pack_and_mode() -> None:
    attempts = [
        make_attempt(score=100.0, tags=("ENT", "E/M")),
        make_attempt(score=50.0, tags=("ENT", "ENT"), pack_id="other", mode="exam"),
    ]
    tags = {g.key: (g.attempts, g.accuracy) for g in accuracy_by_tag(attempts)}
    assert tags == {"E/M": (1, 100.0), "ENT": (2, 75.0)}
    assert [(g.key, g.accuracy) for g in accuracy_by_pack(attempts)] == [
        ("other", 50.0),
        ("outpatient-basics", 100.0),
    ]
    assert [g.key for g in accuracy_by_mode(attempts)] == ["exam", "practice"]


def test_error_kinds_count_occurrences_and_attempts() -> None:
    attempts = [
        make_attempt(kinds=("missing", "missing", "laterality")),
        make_attempt(kinds=("missing",), minutes=5),
        make_attempt(),
        make_attempt(),
    ]
    kinds = error_kinds(attempts)
    assert [(k.kind, k.count, k.attempts, k.share) for k in kinds] == [
        ("missing", 3, 2, 50.0),
        ("laterality", 1, 1, 25.0),
    ]
    assert kinds[0].last_seen == attempts[1].created_at


@pytest.mark.parametrize(
    ("offsets", "current", "longest", "today_done"),
    [
        ([], 0, 0, False),
        ([0], 1, 1, True),
        ([-1], 1, 1, False),  # yesterday counts until today is over
        ([-2], 0, 1, False),
        ([0, -1, -2, -4, -5, -6, -7], 3, 4, True),
        ([-1, -2, -3, 0, 0, 0], 4, 4, True),
        ([1, 2], 0, 0, False),  # the future is ignored
    ],
)
def test_streak(offsets: list[int], current: int, longest: int, today_done: bool) -> None:
    s = streak([_on(o) for o in offsets], today=DAY, tz=UTC)
    assert (s.current, s.longest, s.practised_today) == (current, longest, today_done)


def test_daily_goal_counts_today_and_caps_long_attempts() -> None:
    attempts = [
        _on(0, seconds=240.0),
        _on(0, seconds=3 * 3600.0),  # left open: counts as MAX_COUNTED_SECONDS
        _on(-1, seconds=600.0),
    ]
    goal = daily_goal(attempts, today=DAY, goal_minutes=10, tz=UTC)
    assert goal.minutes_today == (240.0 + MAX_COUNTED_SECONDS) / 60
    assert goal.met and goal.progress == 1.0
    small = daily_goal(attempts[:1], today=DAY, goal_minutes=10, tz=UTC)
    assert (small.met, small.progress) == (False, 0.4)
    assert daily_goal([], today=DAY, goal_minutes=0).progress == 1.0


def test_time_per_case_slowest_first() -> None:
    attempts = [
        make_attempt("a", seconds=30.0),
        make_attempt("a", seconds=90.0),
        make_attempt("b", seconds=200.0),
    ]
    t = time_per_case(attempts)
    assert [c.case_id for c in t.per_case] == ["b", "a"]
    a = t.per_case[1]
    assert (a.attempts, a.mean_seconds, a.median_seconds, a.last_seconds) == (2, 60.0, 60.0, 90.0)
    assert (t.attempts, t.mean_seconds, t.median_seconds) == (3, 320 / 3, 90.0)
    assert time_per_case([]).mean_seconds == 0.0


def test_weakest_areas() -> None:
    attempts = [
        make_attempt(
            score=40.0,
            tags=("fracture",),
            kinds=("seventh_character",) * 2,
            systems={"ICD-10-CM": (1.0, 4.0)},
        ),
        make_attempt(score=100.0, tags=("ENT",), systems={"CPT": (2.0, 2.0)}),
        make_attempt(
            score=80.0, tags=("E/M",), kinds=("modifier_missing",), systems={"MODIFIER": (0.0, 1.0)}
        ),
    ]
    weak = weakest_areas(attempts, limit=2)
    assert [(w.category, w.name) for w in weak] == [
        ("system", "MODIFIER"),
        ("system", "ICD-10-CM"),
        ("kind", "seventh_character"),
        ("kind", "modifier_missing"),
    ]
    assert weak[0].score == 0.0 and weak[2].count == 2
    assert all(w.name != "ENT" for w in weakest_areas(attempts, limit=10))


def test_compute_stats_bundle() -> None:
    attempts = random_attempts(200, seed=3)
    today = max(local_day(a, UTC) for a in attempts)
    stats = compute_stats(attempts, today=today, tz=UTC, days=14, goal_minutes=5)
    assert stats.attempts == 200
    assert len(stats.over_time) == 14
    assert sum(d.attempts for d in stats.over_time) <= 200
    assert stats.cases_solved <= stats.cases_tried <= 24
    assert stats.streak.practised_today
    assert stats.goal.goal_minutes == 5
    assert stats.mean_score == pytest.approx(sum(a.score for a in attempts) / 200)
    assert compute_stats([], tz=UTC).mean_score is None


@given(offsets=st.lists(st.integers(-60, 0), max_size=40))
def test_streak_properties(offsets: list[int]) -> None:
    s = streak([_on(o) for o in offsets], today=DAY, tz=UTC)
    days = set(offsets)
    assert 0 <= s.current <= s.longest <= len(days)
    assert s.practised_today == (0 in days)
    if s.current:
        start = 0 if 0 in days else -1
        assert all(start - k in days for k in range(s.current))
        assert start - s.current not in days


@given(
    scores=st.lists(st.floats(0, 100), min_size=1, max_size=30),
    days=st.integers(1, 40),
)
def test_over_time_conserves_attempts(scores: list[float], days: int) -> None:
    attempts = [_on(-(i % 50), s) for i, s in enumerate(scores)]
    series = accuracy_over_time(attempts, today=DAY, days=days, tz=UTC)
    inside = [a for i, a in enumerate(attempts) if i % 50 < days]
    assert sum(d.attempts for d in series) == len(inside)
    for d in series:
        if d.mean_score is not None:
            assert 0 <= d.mean_score <= 100 + 1e-9


def test_a_day_is_a_date() -> None:
    assert isinstance(accuracy_over_time([], today=date(2026, 1, 1), days=1)[0].day, date)
