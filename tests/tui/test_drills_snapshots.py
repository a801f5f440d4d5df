"""Snapshots of the drill screens at 100x30 and 40x12: the deck picker, and a session card
answered with a look-alike (the verdict names it). The clock is frozen and the store is
the isolated home's, so nothing drawn depends on when the test runs. Reviewed before
accepting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_fixtures import freeze_cursors, make_app, settle

from codetrainer.tui.app import CodetrainerApp
from codetrainer.tui.progress_clock import CLOCK

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((40, 12), id="40x12")]
NOW = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> CodetrainerApp:
    monkeypatch.setattr(CLOCK, "now", lambda: NOW)
    monkeypatch.setattr(CLOCK, "tz", UTC)
    return make_app()


def _before(
    steps: Callable[[Pilot[None]], Awaitable[None]],
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        freeze_cursors(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    return run


async def _picker(pilot: Pilot[None]) -> None:
    return None


async def _confusable(pilot: Pilot[None]) -> None:
    menu = pilot.app.screen.query_one(OptionList)
    while menu.get_option_at_index(menu.highlighted or 0).id != "deck:confusables":
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*"low blood pressure", "enter")


@pytest.mark.parametrize("size", SIZES)
def test_drill_picker(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_picker))


@pytest.mark.parametrize("size", SIZES)
def test_drill_session(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_confusable))
