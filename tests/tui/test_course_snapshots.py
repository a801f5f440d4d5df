"""Snapshots of the beginner path and the claim/optional display (reviewed before accepting).

Fixture packs and a fixture course (tests/tui/fixtures/mini-course.yaml), named relative to
the fixtures folder; a fresh CODETRAINER_HOME (a first-time learner); no blinking cursors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_fixtures import FIXTURES, freeze_cursors, settle

from codetrainer.tui.app import CodetrainerApp

Steps = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> CodetrainerApp:
    monkeypatch.chdir(FIXTURES)
    app = CodetrainerApp(
        [Path("mini-pack.yaml"), Path("claims-pack.yaml")], bundled_dir=None, user_dir=None
    )
    app.course_path = Path("mini-course.yaml")  # type: ignore[attr-defined]
    return app


def _before(steps: Steps | None = None) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
            await settle(pilot)
        freeze_cursors(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    return run


async def _course(pilot: Pilot[None]) -> None:
    await pilot.press("c")
    await settle(pilot)


async def _facility_case(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    entry = next(e for e in app.packs if e.id == "tui-claims")
    app.open_case(entry, entry.pack.case("pneumonia-stay"))
    await settle(pilot)


async def _optional_feedback(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    entry = next(e for e in app.packs if e.id == "tui-claims")
    app.open_case(entry, entry.pack.case("wrist-fall"))
    await settle(pilot)
    await pilot.press(*"S52.521A", "ctrl+n")
    await pilot.pause()
    await pilot.press(*"W10.9XXA", "ctrl+s")
    await settle(pilot)


@pytest.mark.parametrize(
    "size", [pytest.param((100, 30), id="100x30"), pytest.param((40, 12), id="40x12")]
)
def test_home_start_here(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_before())


def test_course_units(snap_compare: Any, app: CodetrainerApp) -> None:
    assert snap_compare(app, terminal_size=(100, 30), run_before=_before(_course))


def test_facility_case(snap_compare: Any, app: CodetrainerApp) -> None:
    assert snap_compare(app, terminal_size=(100, 30), run_before=_before(_facility_case))


def test_optional_code_feedback(snap_compare: Any, app: CodetrainerApp) -> None:
    assert snap_compare(app, terminal_size=(100, 30), run_before=_before(_optional_feedback))
