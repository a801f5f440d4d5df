"""Statistics for the stats screen: plain dataclasses from the attempts.

Nothing here reads the clock by itself: pass the day to count as *today* and the time
zone that decides where a day begins (the learner's local zone by default). Scores are
0-100; an *accuracy* is a mean score, or for code systems the points earned out of the
points possible.

One computation makes everything the stats screen shows: :class:`StatsTally`, fed with
the store's :meth:`~codetrainer.core.store.Store.stats_rows`. :func:`stats_from_rows`
and :func:`compute_stats` (from :class:`Attempt` objects) are one-shot tallies;
:class:`StatsCache` keeps a store's tally between calls and reads only new attempts. The
single functions (:func:`accuracy_by_system`, :func:`streak`, ...) are there for other
screens (the exam summary's weakest areas) and as a plain reference in the tests. The
store is only read through its methods (no SQL here).
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import statistics
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from codetrainer.core.store import (
    MAX_COUNTED_SECONDS,
    SOLVED_SCORE,
    Attempt,
    StatsRow,
    Store,
    format_utc,
    parse_utc,
    stats_rows_of,
    system_items,
    text_list,
)

__all__ = [
    "DEFAULT_GOAL_MINUTES",
    "MAX_COUNTED_SECONDS",
    "SYSTEM_ORDER",
    "CaseTime",
    "DailyGoal",
    "DayStat",
    "GroupStat",
    "KindStat",
    "Stats",
    "StatsCache",
    "StatsTally",
    "Streak",
    "TimeSummary",
    "WeakArea",
    "accuracy_by_mode",
    "accuracy_by_pack",
    "accuracy_by_system",
    "accuracy_by_tag",
    "accuracy_over_time",
    "compute_stats",
    "daily_goal",
    "error_kinds",
    "local_day",
    "stats_from_rows",
    "streak",
    "time_per_case",
    "weakest_areas",
]

DEFAULT_GOAL_MINUTES = 10.0
"""The daily practice goal unless the learner sets another."""


SYSTEM_ORDER = ("ICD-10-CM", "CPT", "HCPCS", "MODIFIER", "units", "pointers", "query")
"""The order the code systems (and claim details) are listed in."""


@dataclass(frozen=True, slots=True)
class DayStat:
    """One day of the "accuracy over time" chart."""

    day: date
    attempts: int
    mean_score: float | None
    """``None`` on a day without attempts."""
    minutes: float


@dataclass(frozen=True, slots=True)
class GroupStat:
    """Accuracy of one group (a code system, a tag, a pack, a mode)."""

    key: str
    attempts: int
    accuracy: float
    """0-100."""
    earned: float = 0.0
    """Code systems only: points earned ..."""
    possible: float = 0.0
    """... out of points possible."""


@dataclass(frozen=True, slots=True)
class KindStat:
    """How often one error kind shows up."""

    kind: str
    count: int
    """Occurrences (one attempt can show a kind more than once)."""
    attempts: int
    """Attempts that showed it."""
    share: float
    """Percentage of all attempts that showed it."""
    last_seen: str
    """UTC ISO-8601 of the latest attempt that showed it."""


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive days with practice."""

    current: int
    """Days in a row up to today (or up to yesterday, when today has no practice yet)."""
    longest: int
    practised_today: bool


@dataclass(frozen=True, slots=True)
class DailyGoal:
    """Today's minutes against the goal."""

    goal_minutes: float
    minutes_today: float
    met: bool

    @property
    def progress(self) -> float:
        """0.0-1.0, for a progress bar."""
        if self.goal_minutes <= 0:
            return 1.0
        return min(1.0, self.minutes_today / self.goal_minutes)


@dataclass(frozen=True, slots=True)
class CaseTime:
    """Time spent on one case."""

    pack_id: str
    case_id: str
    attempts: int
    mean_seconds: float
    median_seconds: float
    last_seconds: float


@dataclass(frozen=True, slots=True)
class TimeSummary:
    """Time per case, overall and case by case (slowest first)."""

    attempts: int
    total_minutes: float
    mean_seconds: float
    median_seconds: float
    per_case: tuple[CaseTime, ...]


@dataclass(frozen=True, slots=True)
class WeakArea:
    """Something to work on: a tag or code system with a low accuracy, or a frequent kind."""

    category: str
    """``"system"``, ``"tag"`` or ``"kind"``."""
    name: str
    score: float | None
    """Accuracy 0-100 (``None`` for kinds)."""
    count: int
    """Attempts in the group, or occurrences of the kind."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything the stats screen shows."""

    attempts: int
    mean_score: float | None
    cases_tried: int
    cases_solved: int
    over_time: tuple[DayStat, ...]
    by_system: tuple[GroupStat, ...]
    by_kind: tuple[KindStat, ...]
    by_tag: tuple[GroupStat, ...]
    by_pack: tuple[GroupStat, ...]
    by_mode: tuple[GroupStat, ...]
    streak: Streak
    goal: DailyGoal
    time: TimeSummary
    weakest: tuple[WeakArea, ...]


def local_day(attempt: Attempt, tz: tzinfo | None = None) -> date:
    """The calendar day of an attempt in ``tz`` (``None``: the system's local zone)."""
    moment: datetime = parse_utc(attempt.created_at)
    return moment.astimezone(tz).date()


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _counted(seconds: float) -> float:
    return min(max(0.0, seconds), MAX_COUNTED_SECONDS)


def accuracy_over_time(
    attempts: Iterable[Attempt],
    *,
    today: date,
    days: int = 30,
    tz: tzinfo | None = None,
) -> tuple[DayStat, ...]:
    """One :class:`DayStat` per day for the ``days`` days ending ``today`` (zero-filled)."""
    listed = list(attempts)
    return _over_time(listed, [local_day(a, tz) for a in listed], today, days)


def _over_time(
    attempts: Sequence[Attempt], day_of: Sequence[date], today: date, days: int
) -> tuple[DayStat, ...]:
    first = today - timedelta(days=days - 1)
    scores: dict[date, list[float]] = defaultdict(list)
    seconds: dict[date, float] = defaultdict(float)
    for attempt, day in zip(attempts, day_of, strict=True):
        if first <= day <= today:
            scores[day].append(attempt.score)
            seconds[day] += _counted(attempt.seconds)
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        values = scores.get(day, [])
        out.append(
            DayStat(
                day=day,
                attempts=len(values),
                mean_score=_mean(values),
                minutes=seconds.get(day, 0.0) / 60,
            )
        )
    return tuple(out)


def _system_rank(key: str) -> tuple[int, str]:
    return (SYSTEM_ORDER.index(key) if key in SYSTEM_ORDER else len(SYSTEM_ORDER), key)


def accuracy_by_system(attempts: Iterable[Attempt]) -> tuple[GroupStat, ...]:
    """Points earned out of points possible per code system, in :data:`SYSTEM_ORDER`.

    Extra codes cost points (negative earned), so a system's accuracy is floored at 0.
    """
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    for attempt in attempts:
        for key, (got, out_of) in attempt.systems.items():
            earned[key] += got
            possible[key] += out_of
            count[key] += 1
    return _system_groups(count, earned, possible)


def _system_groups(
    count: Mapping[str, int], earned: Mapping[str, float], possible: Mapping[str, float]
) -> tuple[GroupStat, ...]:
    """Per code system (in :data:`SYSTEM_ORDER`): attempts, and points earned out of points
    possible as the accuracy, floored at 0 (extra codes cost points)."""
    return tuple(
        GroupStat(
            key=key,
            attempts=count[key],
            accuracy=max(0.0, 100.0 * earned[key] / possible[key]),
            earned=earned[key],
            possible=possible[key],
        )
        for key in sorted(count, key=_system_rank)
        if possible[key] > 0
    )


def _group_mean(pairs: Iterable[tuple[str, float]]) -> tuple[GroupStat, ...]:
    scores: dict[str, list[float]] = defaultdict(list)
    for key, score in pairs:
        scores[key].append(score)
    return tuple(
        GroupStat(key=key, attempts=len(values), accuracy=sum(values) / len(values))
        for key, values in sorted(scores.items())
    )


def accuracy_by_tag(attempts: Iterable[Attempt]) -> tuple[GroupStat, ...]:
    """Mean score of the attempts at cases carrying each tag (sorted by tag)."""
    return _group_mean((tag, a.score) for a in attempts for tag in dict.fromkeys(a.tags))


def accuracy_by_pack(attempts: Iterable[Attempt]) -> tuple[GroupStat, ...]:
    """Mean score per pack."""
    return _group_mean((a.pack_id, a.score) for a in attempts)


def accuracy_by_mode(attempts: Iterable[Attempt]) -> tuple[GroupStat, ...]:
    """Mean score per mode (practice, review, exam)."""
    return _group_mean((a.mode, a.score) for a in attempts)


def error_kinds(attempts: Sequence[Attempt]) -> tuple[KindStat, ...]:
    """Error kinds, most frequent first."""
    count: Counter[str] = Counter()
    with_kind: Counter[str] = Counter()
    last: dict[str, str] = {}
    for attempt in attempts:
        count.update(attempt.kinds)
        for kind in set(attempt.kinds):
            with_kind[kind] += 1
            if attempt.created_at > last.get(kind, ""):
                last[kind] = attempt.created_at
    total = len(attempts)
    return tuple(
        KindStat(
            kind=kind,
            count=n,
            attempts=with_kind[kind],
            share=100.0 * with_kind[kind] / total if total else 0.0,
            last_seen=last[kind],
        )
        for kind, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def streak(attempts: Iterable[Attempt], *, today: date, tz: tzinfo | None = None) -> Streak:
    """Days in a row with at least one attempt."""
    return _streak({local_day(a, tz) for a in attempts}, today)


def _streak(practised: set[date], today: date) -> Streak:
    days = {d for d in practised if d <= today}
    longest = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue  # not the start of a run
        length = 1
        while day + timedelta(days=length) in days:
            length += 1
        longest = max(longest, length)
    practised_today = today in days
    current = 0
    cursor = today if practised_today else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return Streak(current=current, longest=longest, practised_today=practised_today)


def daily_goal(
    attempts: Iterable[Attempt],
    *,
    today: date,
    goal_minutes: float = DEFAULT_GOAL_MINUTES,
    tz: tzinfo | None = None,
) -> DailyGoal:
    """Minutes practised today (time on attempts) against ``goal_minutes``."""
    listed = list(attempts)
    return _goal(listed, [local_day(a, tz) for a in listed], today, goal_minutes)


def _goal(
    attempts: Sequence[Attempt], day_of: Sequence[date], today: date, goal_minutes: float
) -> DailyGoal:
    seconds = sum(
        _counted(a.seconds) for a, day in zip(attempts, day_of, strict=True) if day == today
    )
    minutes = seconds / 60
    return DailyGoal(goal_minutes=goal_minutes, minutes_today=minutes, met=minutes >= goal_minutes)


def time_per_case(attempts: Sequence[Attempt]) -> TimeSummary:
    """Seconds per attempt, overall and per case (slowest case first)."""
    by_case: dict[tuple[str, str], list[float]] = defaultdict(list)
    for attempt in attempts:
        by_case[(attempt.pack_id, attempt.case_id)].append(_counted(attempt.seconds))
    return _time_summary(by_case, [s for values in by_case.values() for s in values])


def _time_summary(
    by_case: Mapping[tuple[str, str], Sequence[float]], everything: Sequence[float]
) -> TimeSummary:
    """The :class:`TimeSummary` of counted seconds per case (each case's oldest first)
    and of all of them."""
    per_case = sorted(
        (
            CaseTime(
                pack_id=pack,
                case_id=case,
                attempts=len(values),
                mean_seconds=sum(values) / len(values),
                median_seconds=statistics.median(values),
                last_seconds=values[-1],
            )
            for (pack, case), values in by_case.items()
        ),
        key=lambda c: (-c.mean_seconds, c.pack_id, c.case_id),
    )
    return TimeSummary(
        attempts=len(everything),
        total_minutes=sum(everything) / 60,
        mean_seconds=sum(everything) / len(everything) if everything else 0.0,
        median_seconds=statistics.median(everything) if everything else 0.0,
        per_case=tuple(per_case),
    )


def weakest_areas(
    attempts: Sequence[Attempt], *, limit: int = 3, below: float = SOLVED_SCORE
) -> tuple[WeakArea, ...]:
    """Up to ``limit`` code systems or tags with the lowest accuracy (under ``below``),
    then up to ``limit`` of the most frequent error kinds."""
    return _weakest(
        accuracy_by_system(attempts),
        accuracy_by_tag(attempts),
        error_kinds(attempts),
        limit=limit,
        below=below,
    )


def _weakest(
    by_system: Sequence[GroupStat],
    by_tag: Sequence[GroupStat],
    kinds: Sequence[KindStat],
    *,
    limit: int,
    below: float,
) -> tuple[WeakArea, ...]:
    scored = [
        WeakArea(category="system", name=g.key, score=g.accuracy, count=g.attempts)
        for g in by_system
    ] + [WeakArea(category="tag", name=g.key, score=g.accuracy, count=g.attempts) for g in by_tag]
    low = sorted(
        (w for w in scored if w.score is not None and w.score < below),
        key=lambda w: (w.score, -w.count, w.category, w.name),
    )[:limit]
    top_kinds = [
        WeakArea(category="kind", name=k.kind, score=None, count=k.count) for k in kinds[:limit]
    ]
    return tuple(low + top_kinds)


def compute_stats(
    attempts: Sequence[Attempt],
    *,
    today: date | None = None,
    tz: tzinfo | None = None,
    days: int = 30,
    goal_minutes: float = DEFAULT_GOAL_MINUTES,
) -> Stats:
    """Everything for the stats screen, from ``store.attempts()`` (or any attempts with a
    time): :func:`stats_from_rows` over each attempt's :func:`~codetrainer.core.store.stats_row`.

    ``today`` defaults to the current date in ``tz`` (the local zone when ``None``).
    """
    return stats_from_rows(
        stats_rows_of(attempts), today=today, tz=tz, days=days, goal_minutes=goal_minutes
    )


def stats_from_rows(
    rows: Iterable[StatsRow],
    *,
    today: date | None = None,
    tz: tzinfo | None = None,
    days: int = 30,
    goal_minutes: float = DEFAULT_GOAL_MINUTES,
) -> Stats:
    """Everything for the stats screen, from ``store.stats_rows()`` (oldest first): a
    :class:`StatsTally` of the rows, read once."""
    tally = StatsTally(tz)
    tally.add(rows)
    return tally.stats(today=today, days=days, goal_minutes=goal_minutes)


class _DayOf:
    """The local day of a ``created_at`` text, exact and fast: per UTC date, the local
    dates at its start and end and the UTC moment between them where local midnight falls;
    an attempt within an hour of that moment is converted on its own (DST, odd offsets)."""

    def __init__(self, tz: tzinfo | None) -> None:
        self.tz = tz
        self._dates: dict[str, tuple[date, date, str, str, str]] = {}
        self._exact: dict[str, date] = {}

    def _exactly(self, created: str) -> date:
        day = self._exact.get(created)
        if day is None:
            day = self._exact[created] = parse_utc(created).astimezone(self.tz).date()
        return day

    def __call__(self, created: str) -> date:
        utc_date = created[:10]
        known = self._dates.get(utc_date)
        if known is None:
            start = parse_utc(utc_date + "T00:00:00Z")
            first = start.astimezone(self.tz).date()
            last = (start + timedelta(hours=23, minutes=59, seconds=59)).astimezone(self.tz).date()
            if first == last:
                known = (first, last, "~", "~", "~")
            else:
                midnight = datetime.combine(last, datetime.min.time())
                local = midnight.replace(tzinfo=self.tz) if self.tz is not None else midnight
                moment = local.astimezone(UTC)
                known = (
                    first,
                    last,
                    format_utc(moment),
                    format_utc(moment - timedelta(hours=1)),
                    format_utc(moment + timedelta(hours=1)),
                )
            self._dates[utc_date] = known
        first, last, cut, low, high = known
        if first == last:
            return first
        if low <= created <= high:
            return self._exactly(created)
        return last if created >= cut else first


_Key = tuple[str, str, str, str, str, str]
"""(pack id, case id, mode, kinds JSON, tags JSON, systems JSON) of a :class:`StatsRow`."""


class StatsTally:
    """Running totals of attempts, from which :meth:`stats` gives the :class:`Stats`.

    Feed :class:`~codetrainer.core.store.StatsRow` tuples oldest first with :meth:`add`,
    in one go or a few rows at a time as attempts come in: the result is the same to the
    last bit. Attempts that differ only in time and score share one group (so each
    distinct kinds/tags/systems JSON text is decoded once); days come from the exact
    :class:`_DayOf` of the tally's time zone (``None``: the system's local zone).
    """

    def __init__(self, tz: tzinfo | None = None) -> None:
        self.tz = tz
        """The zone whose days the tally counts in."""
        self.count = 0
        """Attempts added so far."""
        self._day_of = _DayOf(tz)
        # key -> [attempts, score sum, best score, latest created_at]
        self._groups: dict[_Key, list[Any]] = {}
        # local day -> [attempts, score sum, counted seconds]
        self._per_day: dict[date, list[float]] = {}
        self._by_case: dict[tuple[str, str], list[float]] = {}
        self._everything: list[float] = []
        self._decoded: dict[_Key, tuple[tuple[str, ...], tuple[str, ...], Any]] = {}
        self._last: tuple[tuple[int, date, int, float], Stats] | None = None

    def add(self, rows: Iterable[StatsRow]) -> None:
        """Count these attempts (newer than any added before)."""
        cap = MAX_COUNTED_SECONDS
        day_of = self._day_of
        groups = self._groups
        per_day = self._per_day
        by_case = self._by_case
        everything = self._everything
        before = len(everything)
        for pack, case, mode, kinds_json, tags_json, systems_json, score, seconds, created in rows:
            counted = cap if seconds > cap else (seconds if seconds > 0.0 else 0.0)
            key = (pack, case, mode, kinds_json, tags_json, systems_json)
            group = groups.get(key)
            if group is None:
                groups[key] = [1, score, score, created]
            else:
                group[0] += 1
                group[1] += score
                if score > group[2]:
                    group[2] = score
                if created > group[3]:
                    group[3] = created
            day = day_of(created)
            row = per_day.get(day)
            if row is None:
                per_day[day] = [1, score, counted]
            else:
                row[0] += 1
                row[1] += score
                row[2] += counted
            times = by_case.get((pack, case))
            if times is None:
                by_case[(pack, case)] = [counted]
            else:
                times.append(counted)
            everything.append(counted)
        self.count += len(everything) - before

    def _decode(self, key: _Key) -> tuple[tuple[str, ...], tuple[str, ...], Any]:
        decoded = self._decoded.get(key)
        if decoded is None:
            _, _, _, kinds_json, tags_json, systems_json = key
            decoded = self._decoded[key] = (
                text_list(kinds_json),
                tuple(dict.fromkeys(text_list(tags_json))),
                system_items(systems_json),
            )
        return decoded

    def stats(
        self,
        *,
        today: date | None = None,
        days: int = 30,
        goal_minutes: float = DEFAULT_GOAL_MINUTES,
    ) -> Stats:
        """Everything for the stats screen from what was added so far.

        ``today`` defaults to the current date in the tally's zone. Asked again with
        nothing added and the same arguments, it gives the same (frozen) result at once.
        """
        tz = self.tz
        if today is None:
            today = datetime.now(tz).date() if tz is not None else datetime.now().date()
        key = (self.count, today, days, goal_minutes)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        result = self._stats(today, days, goal_minutes)
        self._last = (key, result)
        return result

    def _stats(self, today: date, days: int, goal_minutes: float) -> Stats:
        total = self.count
        best: dict[tuple[str, str], float] = {}
        by_pack: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        by_mode: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        by_tag: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        earned: dict[str, float] = defaultdict(float)
        possible: dict[str, float] = defaultdict(float)
        system_count: Counter[str] = Counter()
        kind_count: Counter[str] = Counter()
        with_kind: Counter[str] = Counter()
        last: dict[str, str] = {}
        score_sum = 0.0
        for key, (count, group_sum, group_best, group_last) in self._groups.items():
            pack, case, mode = key[0], key[1], key[2]
            kinds, tag_names, systems = self._decode(key)
            best[(pack, case)] = max(best.get((pack, case), 0.0), group_best)
            score_sum += group_sum
            for table, name in ((by_pack, pack), (by_mode, mode)):
                table[name][0] += count
                table[name][1] += group_sum
            for tag in tag_names:
                by_tag[tag][0] += count
                by_tag[tag][1] += group_sum
            for name, (got, out_of) in systems:
                earned[name] += got * count
                possible[name] += out_of * count
                system_count[name] += count
            for kind in kinds:
                kind_count[kind] += count
            for kind in set(kinds):
                with_kind[kind] += count
                if group_last > last.get(kind, ""):
                    last[kind] = group_last

        def grouped(table: dict[str, list[float]]) -> tuple[GroupStat, ...]:
            return tuple(
                GroupStat(key=k, attempts=int(n), accuracy=sum_ / n)
                for k, (n, sum_) in sorted(table.items())
            )

        by_system = _system_groups(system_count, earned, possible)
        by_kind = tuple(
            KindStat(
                kind=k,
                count=n,
                attempts=with_kind[k],
                share=100.0 * with_kind[k] / total if total else 0.0,
                last_seen=last[k],
            )
            for k, n in sorted(kind_count.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        tags = grouped(by_tag)
        per_day = self._per_day
        first = today - timedelta(days=days - 1)
        over_time = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            n, scores, counted_seconds = per_day.get(day, (0, 0.0, 0.0))
            over_time.append(
                DayStat(
                    day=day,
                    attempts=int(n),
                    mean_score=scores / n if n else None,
                    minutes=counted_seconds / 60,
                )
            )
        minutes_today = per_day[today][2] / 60 if today in per_day else 0.0
        goal = DailyGoal(
            goal_minutes=goal_minutes,
            minutes_today=minutes_today,
            met=minutes_today >= goal_minutes,
        )
        return Stats(
            attempts=total,
            mean_score=score_sum / total if total else None,
            cases_tried=len(best),
            cases_solved=sum(1 for score in best.values() if score >= SOLVED_SCORE),
            over_time=tuple(over_time),
            by_system=by_system,
            by_kind=by_kind,
            by_tag=tags,
            by_pack=grouped(by_pack),
            by_mode=grouped(by_mode),
            streak=_streak(set(per_day), today),
            goal=goal,
            time=_time_summary(self._by_case, self._everything),
            weakest=_weakest(by_system, tags, by_kind, limit=3, below=SOLVED_SCORE),
        )


STATS_CHUNK = 10_000
"""Attempt ids read per query by :class:`StatsCache`: the store is free for other
threads between chunks, and only this many rows are held at once."""


def _read(store: Store, tally: StatsTally, after: int, top: int) -> None:
    # The rows are plain tuples, freed by reference counting as each chunk is counted; the
    # cyclic collector would only scan the whole process's heap again and again meanwhile
    # (in the trainer a full collection takes 60-100 ms), so it waits until they are in.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while after < top:
            upto = min(top, after + STATS_CHUNK)
            tally.add(store.stats_rows(after_id=after, upto_id=upto))
            after = upto
    finally:
        if collecting:
            gc.enable()


KEEP_AFTER = 1_000
"""A kept tally is written to disk again once it has counted this many attempts more."""


def _kept_code() -> str:
    """Which code made a kept tally (a newer codetrainer never reads an older one)."""
    from codetrainer import __version__

    parts = [__version__]
    for module in (__file__, Path(__file__).with_name("store.py")):
        try:
            st = Path(module).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _store_identity(store: Store) -> str:
    """Which store (and, in a class database, which student's rows) a tally counts."""
    student = getattr(store, "student", None) or ""
    return f"{type(store).__name__}\0{store.path}\0{student}"


class StatsCache:
    """One store's :class:`StatsTally`, kept from one call of :meth:`stats` to the next.

    Attempts are only ever added (with rising ids), so each call reads just the attempts
    recorded since the last one (``store.stats_rows(after_id=...)``). It starts over when
    asked about another store or time zone, or when the store holds fewer attempts than
    were counted (a damaged file moved aside). Thread-safe: a call waits for one already
    reading, then reads only what came in meanwhile.

    With ``keep_in`` (a folder), the tally is also kept on disk between sessions, so the
    first stats of a new session read only the attempts recorded since the last one, not
    the whole history. The file is checksummed and names the code that wrote it, the
    store it counts, the highest attempt id counted and that attempt's row; anything that
    does not match (another store, a rewritten or salvaged file, another time zone, a newer
    codetrainer) means "count every attempt again". It is a cache: losing it loses nothing.
    """

    def __init__(self, keep_in: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._store: weakref.ref[Store] | None = None
        self._tally: StatsTally | None = None
        self._top = 0
        self._keep_in = keep_in
        self._kept_count = 0  # attempts counted in the copy on disk

    def _kept_path(self, store: Store) -> Path | None:
        if self._keep_in is None:
            return None
        name = hashlib.sha256(_store_identity(store).encode("utf-8", "surrogateescape"))
        return self._keep_in / f"tally-{name.hexdigest()[:32]}.bin"

    def _load_kept(
        self, store: Store, tz: tzinfo | None, top: int
    ) -> tuple[StatsTally, int] | None:
        """The tally kept on disk for ``store``, if it still describes the store's first
        attempts (else None)."""
        from codetrainer.fileio import checksummed_payload

        path = self._kept_path(store)
        if path is None:
            return None
        try:
            payload = checksummed_payload(path.read_bytes())
            kept = pickle.loads(payload) if payload is not None else None
            if not (
                isinstance(kept, dict)
                and kept.get("code") == _kept_code()
                and kept.get("store") == _store_identity(store)
                and isinstance(kept.get("tally"), StatsTally)
                and isinstance(kept.get("top"), int)
            ):
                return None
            tally: StatsTally = kept["tally"]
            kept_top: int = kept["top"]
            if tally.tz != tz or kept_top > top or kept_top <= 0:
                return None
            # the attempt counted last must still be there, the same (not a new file that
            # happens to have as many rows)
            if store.stats_rows(after_id=kept_top - 1, upto_id=kept_top) != kept.get("last"):
                return None
        except Exception:  # unreadable, truncated, from another version: count afresh
            return None
        self._kept_count = tally.count
        return tally, kept_top

    def _save_kept(self, store: Store, tally: StatsTally, top: int) -> None:
        """Write the tally to disk (atomically; a failure only costs the next session a
        full count)."""
        path = self._kept_path(store)
        if path is None or top <= 0:
            return
        try:
            from codetrainer.fileio import checksummed, write_bytes_atomic

            kept = {
                "code": _kept_code(),
                "store": _store_identity(store),
                "top": top,
                "last": store.stats_rows(after_id=top - 1, upto_id=top),
                "tally": tally,
            }
            write_bytes_atomic(path, checksummed(pickle.dumps(kept, pickle.HIGHEST_PROTOCOL)))
            self._kept_count = tally.count
        except Exception:
            return

    @property
    def counted(self) -> int | None:
        """How many attempts the kept tally has counted (None when none is kept)."""
        tally = self._tally
        return tally.count if tally is not None else None

    def clear(self) -> None:
        """Forget the tally (the next call reads every attempt again)."""
        with self._lock:
            self._tally, self._store, self._top = None, None, 0

    def tally(self, store: Store, tz: tzinfo | None = None) -> StatsTally:
        """The tally of every attempt in ``store`` now, counted in ``tz`` (another thread
        may add to it later: read it through :meth:`stats`)."""
        with self._lock:
            return self._tally_now(store, tz)

    def _tally_now(self, store: Store, tz: tzinfo | None) -> StatsTally:
        """:meth:`tally`, with the lock held by the caller."""
        count, top = store.attempt_span()
        tally, after = self._tally, self._top
        known = self._store() if self._store is not None else None
        if tally is None or known is not store or tally.tz != tz or top < after:
            tally, after = StatsTally(tz), 0
            self._kept_count = 0
            kept = self._load_kept(store, tz, top)
            if kept is not None:
                tally, after = kept
        self._tally = None  # until the new rows are in (a failure leaves nothing half-added)
        _read(store, tally, after, top)
        if tally.count != count:  # attempts went missing: count them afresh
            tally = StatsTally(tz)
            self._kept_count = 0
            _read(store, tally, 0, top)
        self._tally, self._store, self._top = tally, weakref.ref(store), top
        if tally.count - self._kept_count >= KEEP_AFTER:
            self._save_kept(store, tally, top)
        return tally

    def stats(
        self,
        store: Store,
        *,
        today: date | None = None,
        tz: tzinfo | None = None,
        days: int = 30,
        goal_minutes: float = DEFAULT_GOAL_MINUTES,
    ) -> Stats:
        """The same :class:`Stats` as ``stats_from_rows(store.stats_rows(), ...)``, reading
        only the attempts recorded since the last call."""
        with self._lock:  # no other thread adds to the tally while it is summed up
            tally = self._tally_now(store, tz)
            return tally.stats(today=today, days=days, goal_minutes=goal_minutes)
