"""Fixed data for the progress screens' tests: seeded attempts, a past exam, a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from codetrainer.core.store import Attempt, ExamRecord, Store, format_utc
from codetrainer.tui.progress_clock import CLOCK

__all__ = [
    "EXAM_ID",
    "NOW",
    "PACK",
    "frozen_clock",
    "seed_attempts",
    "seed_exam",
]

PACK = "tui-mini"
"""The id of tests/tui/fixtures/mini-pack.yaml."""
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
"""The moment the frozen clock shows."""
EXAM_ID = "exam-fixed"


@contextmanager
def frozen_clock(now: datetime = NOW, monotonic: float = 1000.0) -> Iterator[None]:
    """Fix :data:`CLOCK` (time, zone UTC, steady clock) while the block runs."""
    saved = (CLOCK.now, CLOCK.tz, CLOCK.monotonic)
    CLOCK.now = lambda: now
    CLOCK.tz = UTC
    CLOCK.monotonic = lambda: monotonic
    try:
        yield
    finally:
        CLOCK.now, CLOCK.tz, CLOCK.monotonic = saved


def _attempt(
    days_ago: int,
    case_id: str,
    score: float,
    *,
    kinds: tuple[str, ...] = (),
    seconds: float = 120.0,
    tags: tuple[str, ...] = (),
    systems: dict[str, tuple[float, float]] | None = None,
    hints: int = 0,
    mode: str = "practice",
    exam_id: str | None = None,
    hour: int = 9,
    answer: dict[str, object] | None = None,
) -> Attempt:
    moment = NOW.replace(hour=hour) - timedelta(days=days_ago)
    return Attempt(
        pack_id=PACK,
        case_id=case_id,
        case_hash="fixed",
        answer=answer if answer is not None else {"diagnoses": ["J02.9"], "lines": []},
        score=score,
        kinds=kinds,
        wrong_codes=(),
        hints_used=hints,
        seconds=seconds,
        mode=mode,
        created_at=format_utc(moment),
        exam_id=exam_id,
        systems=systems or {},
        tags=tags,
    )


def seed_attempts(store: Store) -> list[Attempt]:
    """Six practice attempts over three weeks; a tag that looks like markup."""
    rows = [
        _attempt(
            20,
            "sore-throat",
            40.0,
            kinds=("wrong_code", "missing"),
            seconds=300.0,
            tags=("ENT",),
            systems={"ICD-10-CM": (0.0, 15.0), "CPT": (15.0, 15.0)},
            hints=1,
        ),
        _attempt(12, "diabetes-check", 100.0, systems={"ICD-10-CM": (15.0, 15.0)}),
        _attempt(
            5,
            "knee-pain",
            50.0,
            kinds=("laterality", "query_missing"),
            seconds=420.0,
            tags=("[bold]ortho[/bold]",),
            systems={"ICD-10-CM": (7.5, 15.0), "query": (0.0, 10.0)},
        ),
        _attempt(
            2,
            "sore-throat",
            75.0,
            kinds=("missing",),
            seconds=200.0,
            tags=("ENT",),
            systems={"ICD-10-CM": (15.0, 15.0), "CPT": (7.5, 15.0)},
        ),
        _attempt(
            1,
            "sore-throat",
            100.0,
            seconds=150.0,
            tags=("ENT",),
            systems={"ICD-10-CM": (15.0, 15.0), "CPT": (15.0, 15.0)},
        ),
        _attempt(
            0,
            "knee-pain",
            87.5,
            kinds=("laterality",),
            seconds=240.0,
            tags=("[bold]ortho[/bold]",),
            systems={"ICD-10-CM": (12.5, 15.0), "query": (10.0, 10.0)},
        ),
    ]
    return store.record_attempts(rows)


def seed_exam(store: Store) -> tuple[ExamRecord, list[Attempt]]:
    """A finished two-case exam: one right, one left unanswered."""
    record = ExamRecord(
        id=EXAM_ID,
        started_at=format_utc(NOW - timedelta(days=1)),
        seed="week-3",
        finished_at=format_utc(NOW - timedelta(days=1) + timedelta(minutes=7)),
        state={
            "version": 1,
            "cases": [
                {
                    "pack_id": PACK,
                    "case_id": "diabetes-check",
                    "case_hash": "fixed",
                    "title": "Diabetes follow-up",
                },
                {
                    "pack_id": PACK,
                    "case_id": "knee-pain",
                    "case_hash": "fixed",
                    "title": "Knee pain, side not stated",
                },
            ],
            "answers": {"0": {"diagnoses": ["E11.9"], "lines": [], "query": ""}},
            "seconds": [95.0, 310.0],
            "elapsed": 405.0,
            "time_limit": 360.0,
            "pass_mark": 70.0,
            "current": None,
        },
    )
    attempts = [
        _attempt(
            1,
            "diabetes-check",
            100.0,
            seconds=95.0,
            systems={"ICD-10-CM": (15.0, 15.0)},
            mode="exam",
            exam_id=EXAM_ID,
            answer={"diagnoses": ["E11.9"], "lines": [], "query": ""},
        ),
        _attempt(
            1,
            "knee-pain",
            0.0,
            kinds=("missing", "query_missing"),
            seconds=310.0,
            tags=("[bold]ortho[/bold]",),
            systems={"ICD-10-CM": (0.0, 15.0), "query": (0.0, 10.0)},
            mode="exam",
            exam_id=EXAM_ID,
            answer={},
        ),
    ]
    saved = store.record_attempts(attempts, exam=record)
    return record, saved
