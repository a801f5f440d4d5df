"""The stats screen over the app's kept tally: warmed by the home screen's worker, topped
up with the attempts recorded since, and the same numbers as a fresh count."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from progress_tui_fixtures import NOW, seed_attempts
from tui_fixtures import MINI, make_app, screen_text, settle

from codetrainer.core.progress import stats_from_rows
from codetrainer.core.store import Attempt, Store, format_utc
from codetrainer.tui.progress_clock import CLOCK
from codetrainer.tui.screens import stats as stats_screen
from codetrainer.tui.screens.home import HomeScreen
from codetrainer.tui.screens.stats import StatsScreen

WIDE = (100, 30)


@pytest.fixture
def seeded(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CLOCK, "now", lambda: NOW)
    monkeypatch.setattr(CLOCK, "tz", UTC)
    store = Store()
    try:
        seed_attempts(store)
    finally:
        store.close()


def _late_attempt(score: float) -> Attempt:
    return Attempt(
        pack_id="mini",
        case_id="sore-throat",
        case_hash="h",
        answer={},
        score=score,
        wrong_codes=(),
        hints_used=0,
        seconds=120.0,
        created_at=format_utc(NOW - timedelta(minutes=5)),
        kinds=("extra",),
        tags=("ENT",),
        systems={"ICD-10-CM": (15.0, 15.0)},
    )


def _fresh_count(app: Any) -> Any:
    store = app.services.store()
    return stats_from_rows(store.stats_rows(), today=CLOCK.today(), tz=CLOCK.tz)


async def test_the_home_screen_warms_the_tally_before_stats_are_opened(seeded: None) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        cache = stats_screen._CACHES.get(app)
        assert cache is not None, "no tally was kept"
        assert cache.counted == 6  # counted already, in the background
        store = app.services.store()
        assert store is not None and store.attempt_span()[0] == 6


async def test_stats_opened_again_count_the_attempts_made_meanwhile(seeded: None) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.stats is not None
        assert screen.stats.attempts == 6
        assert "6 attempts" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.services.store().record_attempts([_late_attempt(100.0), _late_attempt(20.0)])
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.stats is not None
        assert screen.stats == _fresh_count(app)
        assert screen.stats.attempts == 8
        assert "8 attempts" in screen_text(app)
        # F5 on the screen reads what came in since it opened
        app.services.store().record_attempts([_late_attempt(60.0)])
        await pilot.press("f5")
        await settle(pilot)
        assert screen.stats == _fresh_count(app)
        assert "9 attempts" in screen_text(app)


async def test_a_forgotten_tally_gives_the_same_screen(seeded: None) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        kept = screen_text(app)
        assert "6 attempts" in kept and "ICD-10-CM" in kept
        await pilot.press("f5")  # the same view put on the widgets already there
        await settle(pilot)
        assert screen_text(app) == kept
        await pilot.press("escape")
        await settle(pilot)
        stats_screen.forget_stats(app)
        assert app not in stats_screen._CACHES
        await pilot.press("s")
        await settle(pilot)
        assert screen_text(app) == kept


async def test_a_store_that_fails_to_read_says_so(
    seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        stats_screen.forget_stats(app)

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise OSError("disk I/O error")

        monkeypatch.setattr(app.services.store(), "stats_rows", broken)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.stats is None
        assert "Progress cannot be shown: disk I/O error" in screen_text(app)
        monkeypatch.undo()
        await pilot.press("f5")
        await settle(pilot)
        assert screen.stats is not None and screen.stats.attempts == 6
        assert "Progress cannot be shown" not in screen_text(app)
