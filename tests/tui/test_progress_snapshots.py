"""Snapshots of the stats screen and the exam summary at 100x30 and 40x12.

The store in CODETRAINER_HOME is seeded with attempts at fixed timestamps and a finished
exam; "today", the time zone and the steady clock are frozen (progress_clock.CLOCK), so
nothing drawn depends on when the test runs. Reviewed before accepting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from progress_tui_fixtures import EXAM_ID, NOW, seed_attempts, seed_exam
from textual.pilot import Pilot
from tui_fixtures import FIXTURES, freeze_cursors, settle

from codetrainer.core.exam import exam_summary
from codetrainer.core.store import Store
from codetrainer.tui.app import CodetrainerApp
from codetrainer.tui.progress_clock import CLOCK
from codetrainer.tui.screens.exam_summary import ExamSummaryScreen

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((40, 12), id="40x12")]


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC

    monkeypatch.setattr(CLOCK, "now", lambda: NOW)
    monkeypatch.setattr(CLOCK, "tz", UTC)
    monkeypatch.setattr(CLOCK, "monotonic", lambda: 1000.0)


@pytest.fixture
def seeded(isolated_home: Path, frozen: None) -> None:
    store = Store()
    try:
        seed_attempts(store)
        seed_exam(store)
    finally:
        store.close()


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, seeded: None) -> CodetrainerApp:
    monkeypatch.chdir(FIXTURES)
    return CodetrainerApp([Path("mini-pack.yaml")], bundled_dir=None, user_dir=None)


def _before(
    steps: Callable[[Pilot[None]], Awaitable[None]],
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        freeze_cursors(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    return run


async def _stats(pilot: Pilot[None]) -> None:
    await pilot.press("s")


async def _exam_summary(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    store = app.services.store()
    record = store.exam(EXAM_ID)
    attempts = store.attempts(exam_id=EXAM_ID)
    await app.push_screen(ExamSummaryScreen(exam_summary(record, attempts), attempts))


@pytest.mark.parametrize("size", SIZES)
def test_stats(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_stats))


@pytest.mark.parametrize("size", SIZES)
def test_exam_summary(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_exam_summary))
