"""Exam mode: N cases under a timer, no hints or feedback until the end, then a summary.

The session logic has no clock of its own: every method that needs the time takes
``now``, a monotonic reading in seconds (``time.monotonic()`` in the app, plain numbers in
tests). The timer counts time while the exam is open in the app; time while the app was
closed (after :meth:`ExamSession.pause` and a resume) is not counted.

Flow for the UI::

    pool = exam_pool(packs)
    session = ExamSession.new(pool, n=20, seed="week-3")
    store.save_exam(session.to_record())           # visible as "unfinished" after a crash
    session.start(time.monotonic())
    session.open_case(0, time.monotonic())          # when the learner moves between cases
    session.save_answer(0, given_answer)            # draft, changeable until the end
    store.save_exam(session.to_record())            # optional: keep drafts across a crash
    ...
    outcome = session.finish(time.monotonic(), grade=grade_case)
    outcome = record_exam(store, outcome)           # attempts + finished record, one COMMIT
    show(outcome.summary)

The same cases come out for the same seed and pool (whatever order the packs were
loaded in), so an instructor can hand a class one seed.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.models import Case, Pack
from codetrainer.core.progress import (
    GroupStat,
    WeakArea,
    accuracy_by_system,
    accuracy_by_tag,
    weakest_areas,
)
from codetrainer.core.store import (
    Attempt,
    ExamRecord,
    GradingResult,
    Store,
    attempt_from_result,
    format_utc,
    utc_now,
)

__all__ = [
    "DEFAULT_EXAM_CASES",
    "DEFAULT_SECONDS_PER_CASE",
    "PASS_MARK",
    "ExamCase",
    "ExamCaseResult",
    "ExamError",
    "ExamOutcome",
    "ExamSession",
    "ExamSummary",
    "exam_pool",
    "exam_summary",
    "record_exam",
    "select_cases",
]

DEFAULT_EXAM_CASES = 20
DEFAULT_SECONDS_PER_CASE = 180.0
"""Default time per case (the CPC allows about 2.4 minutes per question; our cases are
whole claims)."""
PASS_MARK = 70.0
"""The mean score that passes (the CPC's pass mark is 70%)."""


class ExamError(Exception):
    """An exam cannot be set up or resumed; the message is written for the learner."""


@dataclass(frozen=True, slots=True)
class ExamCase:
    """A case that can be put in an exam, with the pack it came from."""

    pack_id: str
    case: Case

    @property
    def key(self) -> tuple[str, str]:
        """(pack id, case id)."""
        return (self.pack_id, self.case.id)


def exam_pool(packs: Iterable[Pack]) -> list[ExamCase]:
    """Every case of the packs, as exam candidates (a repeated pack id is taken once)."""
    seen: set[tuple[str, str]] = set()
    pool: list[ExamCase] = []
    for pack in packs:
        for case in pack.cases:
            item = ExamCase(pack.pack.id, case)
            if item.key not in seen:
                seen.add(item.key)
                pool.append(item)
    return pool


def select_cases(
    pool: Sequence[ExamCase], n: int = DEFAULT_EXAM_CASES, seed: int | str = 0
) -> list[ExamCase]:
    """``n`` distinct cases drawn from ``pool``, the same ones for the same seed.

    The pool is sorted by (pack, case) first, so the load order does not matter; the seed
    is used as text (``42`` and ``"42"`` give the same exam). When the pool has fewer
    than ``n`` cases, all of them come back, shuffled.
    """
    if n < 1:
        raise ExamError("an exam needs at least one case")
    unique = {c.key: c for c in pool}
    ordered = [unique[k] for k in sorted(unique)]
    rng = random.Random(str(seed))
    return rng.sample(ordered, min(n, len(ordered)))


@dataclass(frozen=True, slots=True)
class ExamCaseResult:
    """One case on the exam summary."""

    index: int
    pack_id: str
    case_id: str
    title: str
    answered: bool
    score: float
    seconds: float
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExamSummary:
    """The results screen of an exam."""

    exam_id: str
    seed: str
    cases: int
    answered: int
    score: float
    """Mean over all cases (an unanswered case scores what grading gives an empty answer)."""
    pass_mark: float
    passed: bool
    elapsed_seconds: float
    time_limit: float | None
    over_time: bool
    results: tuple[ExamCaseResult, ...]
    weakest: tuple[WeakArea, ...]
    by_system: tuple[GroupStat, ...]
    by_tag: tuple[GroupStat, ...]


@dataclass(frozen=True, slots=True)
class ExamOutcome:
    """What :meth:`ExamSession.finish` hands back: attempts to save, the record, the summary."""

    attempts: tuple[Attempt, ...]
    record: ExamRecord
    summary: ExamSummary


def exam_summary(record: ExamRecord, attempts: Sequence[Attempt]) -> ExamSummary:
    """Build the summary of an exam from its record and its attempts.

    Works for an exam just finished and for one read back from the store
    (``store.exam(id)`` and ``store.attempts(exam_id=id)``).
    """
    state = record.state
    cases = state.get("cases", [])
    by_key = {(a.pack_id, a.case_id): a for a in attempts}
    answered_idx = {int(i) for i in state.get("answers", {})}
    seconds = state.get("seconds", [])
    results = []
    for index, entry in enumerate(cases):
        pack_id, case_id = str(entry["pack_id"]), str(entry["case_id"])
        attempt = by_key.get((pack_id, case_id))
        results.append(
            ExamCaseResult(
                index=index,
                pack_id=pack_id,
                case_id=case_id,
                title=str(entry.get("title", case_id)),
                answered=index in answered_idx,
                score=attempt.score if attempt else 0.0,
                seconds=float(seconds[index]) if index < len(seconds) else 0.0,
                kinds=attempt.kinds if attempt else (),
            )
        )
    score = sum(r.score for r in results) / len(results) if results else 0.0
    elapsed = float(state.get("elapsed", 0.0))
    limit_raw = state.get("time_limit")
    limit = float(limit_raw) if limit_raw is not None else None
    pass_mark = float(state.get("pass_mark", PASS_MARK))
    return ExamSummary(
        exam_id=record.id,
        seed=record.seed,
        cases=len(results),
        answered=sum(1 for r in results if r.answered),
        score=score,
        pass_mark=pass_mark,
        passed=score >= pass_mark,
        elapsed_seconds=elapsed,
        time_limit=limit,
        over_time=limit is not None and elapsed > limit,
        results=tuple(results),
        weakest=weakest_areas(attempts),
        by_system=accuracy_by_system(attempts),
        by_tag=accuracy_by_tag(attempts),
    )


Grader = Callable[[Case, GivenAnswer], GradingResult]
"""``grading.grade_case`` (or any function with its shape)."""


@dataclass
class ExamSession:
    """A running exam: which cases, the draft answers, the timer."""

    id: str
    seed: str
    cases: tuple[ExamCase, ...]
    time_limit: float | None
    """Seconds; ``None`` for an untimed exam."""
    started_at: str
    """UTC ISO-8601 of when the session was created."""
    pass_mark: float = PASS_MARK
    answers: dict[int, GivenAnswer] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    """Time spent on each case so far."""
    current: int | None = None
    """The case on screen, if any."""
    finished_at: str | None = None
    _elapsed: float = field(default=0.0, init=False, repr=False)
    _running_since: float | None = field(default=None, init=False, repr=False)
    _case_since: float | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.seconds:
            self.seconds = [0.0] * len(self.cases)

    @classmethod
    def new(
        cls,
        pool: Sequence[ExamCase],
        *,
        n: int = DEFAULT_EXAM_CASES,
        seed: int | str | None = None,
        time_limit: float | Literal["default"] | None = "default",
        pass_mark: float = PASS_MARK,
        exam_id: str | None = None,
    ) -> ExamSession:
        """Pick the cases and set up a session (the timer starts with :meth:`start`).

        ``seed`` ``None`` draws a random one (kept, so the exam can be repeated);
        ``time_limit`` defaults to :data:`DEFAULT_SECONDS_PER_CASE` per case, ``None``
        means untimed.
        """
        if not pool:
            raise ExamError("there are no cases to build an exam from; load a pack first")
        seed_text = str(seed) if seed is not None else str(secrets.randbelow(10**9))
        cases = select_cases(pool, n, seed_text)
        if time_limit == "default":
            time_limit = DEFAULT_SECONDS_PER_CASE * len(cases)
        elif time_limit is not None and time_limit <= 0:
            raise ExamError("the time limit must be more than 0 seconds (or None: untimed)")
        return cls(
            id=exam_id or f"exam-{secrets.token_hex(6)}",
            seed=seed_text,
            cases=tuple(cases),
            time_limit=time_limit,
            started_at=format_utc(utc_now()),
            pass_mark=pass_mark,
        )

    # -- timer --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between :meth:`start` (or a resume) and :meth:`pause` / :meth:`finish`."""
        return self._running_since is not None

    def start(self, now: float) -> None:
        """Start (or resume) the clock."""
        if self.finished_at is not None:
            raise ExamError("this exam is already finished")
        if self._running_since is None:
            self._running_since = now
            if self.current is not None:
                self._case_since = now

    def pause(self, now: float) -> None:
        """Stop the clock (the app is closing or suspended); :meth:`start` resumes it."""
        self._close_case(now)
        if self._running_since is not None:
            self._elapsed += max(0.0, now - self._running_since)
            self._running_since = None

    def elapsed(self, now: float) -> float:
        """Seconds on the clock so far."""
        extra = max(0.0, now - self._running_since) if self._running_since is not None else 0.0
        return self._elapsed + extra

    def remaining(self, now: float) -> float | None:
        """Seconds left (never below 0), ``None`` when untimed."""
        if self.time_limit is None:
            return None
        return max(0.0, self.time_limit - self.elapsed(now))

    def expired(self, now: float) -> bool:
        """True once a timed exam has used all its time."""
        return self.time_limit is not None and self.elapsed(now) >= self.time_limit

    def _close_case(self, now: float) -> None:
        if self.current is not None and self._case_since is not None:
            self.seconds[self.current] += max(0.0, now - self._case_since)
        self._case_since = None

    def open_case(self, index: int, now: float) -> ExamCase:
        """Show case ``index``: time from now on counts for it. Returns the case."""
        if not 0 <= index < len(self.cases):
            raise IndexError(f"the exam has {len(self.cases)} cases")
        self._close_case(now)
        self.current = index
        if self._running_since is not None:
            self._case_since = now
        return self.cases[index]

    def close_case(self, now: float) -> None:
        """Leave the current case (back to the overview)."""
        self._close_case(now)
        self.current = None

    # -- answers ------------------------------------------------------------------------

    def save_answer(self, index: int, answer: GivenAnswer) -> None:
        """Keep a draft answer for case ``index`` (replaced by later saves)."""
        if self.finished_at is not None:
            raise ExamError("this exam is already finished")
        if not 0 <= index < len(self.cases):
            raise IndexError(f"the exam has {len(self.cases)} cases")
        if answer.is_empty:
            self.answers.pop(index, None)
        else:
            self.answers[index] = answer

    @property
    def answered(self) -> int:
        """How many cases have an answer."""
        return len(self.answers)

    # -- persistence ----------------------------------------------------------------------

    def _state(self, now: float | None = None) -> dict[str, Any]:
        elapsed = self.elapsed(now) if now is not None else self._elapsed
        return {
            "version": 1,
            "cases": [
                {
                    "pack_id": c.pack_id,
                    "case_id": c.case.id,
                    "case_hash": c.case.content_hash(),
                    "title": c.case.title,
                }
                for c in self.cases
            ],
            "answers": {str(i): a.to_dict() for i, a in sorted(self.answers.items())},
            "seconds": list(self.seconds),
            "elapsed": elapsed,
            "time_limit": self.time_limit,
            "pass_mark": self.pass_mark,
            "current": self.current,
        }

    def to_record(self, now: float | None = None) -> ExamRecord:
        """The session as an :class:`ExamRecord` for :meth:`Store.save_exam`.

        Pass ``now`` while the clock runs so the saved time includes the running stretch
        (the open case's stretch is not included until it is left).
        """
        return ExamRecord(
            id=self.id,
            started_at=self.started_at,
            seed=self.seed,
            finished_at=self.finished_at,
            state=self._state(now),
        )

    @classmethod
    def from_record(
        cls, record: ExamRecord, pool: Iterable[ExamCase] | Mapping[tuple[str, str], ExamCase]
    ) -> ExamSession:
        """Resume an unfinished exam saved with :meth:`to_record` (clock paused).

        Raises :class:`ExamError` when a case of the exam is no longer loaded.
        """
        if record.finished_at is not None:
            raise ExamError("this exam is already finished")
        by_key = pool if isinstance(pool, Mapping) else {c.key: c for c in pool}
        state = record.state
        cases: list[ExamCase] = []
        missing: list[str] = []
        for entry in state.get("cases", []):
            key = (str(entry["pack_id"]), str(entry["case_id"]))
            if key in by_key:
                cases.append(by_key[key])
            else:
                missing.append("/".join(key))
        if missing:
            raise ExamError(
                "this exam cannot be resumed: these cases are no longer loaded: "
                + ", ".join(missing)
            )
        limit = state.get("time_limit")
        seconds = [float(s) for s in state.get("seconds", [])]
        session = cls(
            id=record.id,
            seed=record.seed,
            cases=tuple(cases),
            time_limit=float(limit) if limit is not None else None,
            started_at=record.started_at,
            pass_mark=float(state.get("pass_mark", PASS_MARK)),
            answers={int(i): GivenAnswer.from_dict(a) for i, a in state.get("answers", {}).items()},
            seconds=seconds if len(seconds) == len(cases) else [0.0] * len(cases),
        )
        session._elapsed = float(state.get("elapsed", 0.0))
        current = state.get("current")
        session.current = int(current) if current is not None else None
        return session

    # -- the end ----------------------------------------------------------------------------

    def finish(self, now: float, grade: Grader, *, include_unanswered: bool = True) -> ExamOutcome:
        """Stop the clock, grade every case and build the attempts and the summary.

        Unanswered cases are graded as empty answers (and recorded) unless
        ``include_unanswered`` is false. Nothing is saved here: hand the outcome to
        :func:`record_exam`, which commits it before the summary is shown.
        """
        if self.finished_at is not None:
            raise ExamError("this exam is already finished")
        self.pause(now)
        self.current = None
        finished = format_utc(utc_now())
        attempts: list[Attempt] = []
        for index, item in enumerate(self.cases):
            answer = self.answers.get(index)
            if answer is None and not include_unanswered:
                continue
            given = answer or GivenAnswer()
            result = grade(item.case, given)
            attempt = attempt_from_result(
                pack_id=item.pack_id,
                case=item.case,
                answer=given,
                result=result,
                hints_used=0,
                seconds=self.seconds[index],
                mode="exam",
                exam_id=self.id,
            )
            attempts.append(replace(attempt, created_at=finished))
        self.finished_at = finished
        record = self.to_record()
        return ExamOutcome(
            attempts=tuple(attempts), record=record, summary=exam_summary(record, attempts)
        )


def record_exam(store: Store, outcome: ExamOutcome) -> ExamOutcome:
    """Save the exam's attempts and its finished record in one transaction.

    Returns the outcome with the saved attempts (ids filled). Raises
    :class:`~codetrainer.core.store.StoreError` when it cannot be saved; the summary can
    still be shown then, with the "not saved" message next to it.
    """
    saved = store.record_attempts(outcome.attempts, exam=outcome.record)
    return ExamOutcome(attempts=tuple(saved), record=outcome.record, summary=outcome.summary)
