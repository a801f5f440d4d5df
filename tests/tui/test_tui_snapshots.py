"""Snapshot tests of the key screens at 100x30 and 40x12 (reviewed before accepting).

Packs come from tests/tui/fixtures (named relative to it, so no machine path is drawn),
CODETRAINER_HOME is a fresh temporary folder, cursors do not blink, and nothing drawn
depends on the clock or on chance.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_fixtures import FIXTURES, freeze_cursors, settle

from codetrainer.tui.app import CodetrainerApp

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((40, 12), id="40x12")]

Steps = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> CodetrainerApp:
    monkeypatch.chdir(FIXTURES)
    return CodetrainerApp(
        [Path("mini-pack.yaml"), Path("broken-pack.yaml")], bundled_dir=None, user_dir=None
    )


def _before(steps: Steps | None = None) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
            await settle(pilot)
        freeze_cursors(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    return run


async def _open_case(pilot: Pilot[None]) -> None:
    await pilot.press("n")
    await settle(pilot)


async def _feedback(pilot: Pilot[None]) -> None:
    await _open_case(pilot)
    await pilot.press(*"J02.0", "tab", *"99213", "tab", "tab", "tab", "a", "ctrl+s")
    await settle(pilot)


async def _browser(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    app.action_browse("J02.9")
    await settle(pilot)


async def _help(pilot: Pilot[None]) -> None:
    await _open_case(pilot)
    await pilot.press("f1")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before())


@pytest.mark.parametrize("size", SIZES)
def test_case(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_open_case))


@pytest.mark.parametrize("size", SIZES)
def test_feedback(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_feedback))


@pytest.mark.parametrize("size", SIZES)
def test_browser(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_browser))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before(_help))
