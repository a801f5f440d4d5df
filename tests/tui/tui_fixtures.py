"""Helpers shared by the trainer TUI tests (imported by the test modules in this folder)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from codetrainer.tui.app import CodetrainerApp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini-pack.yaml"
MARKUP = FIXTURES / "markup-pack.yaml"
BROKEN = FIXTURES / "broken-pack.yaml"


def make_app(packs: Sequence[Path] = (MINI,)) -> CodetrainerApp:
    """The app with only the given packs (no bundled or user packs: deterministic)."""
    return CodetrainerApp([str(p) for p in packs], bundled_dir=None, user_dir=None)


async def wait_for_workers(app: App[object]) -> None:
    """Wait until no worker is pending or running; a cancelled worker counts as done.

    ``WorkerManager.wait_for_complete`` gathers ``Worker.wait()``, which raises
    ``WorkerCancelled`` for any worker that was cancelled: an exclusive lookup replaced by
    the next keystroke, or a screen's worker cancelled because the screen was closed. Both
    are normal, and whether one is still listed when the test waits depends on timing,
    which made tests that type and then leave a screen flaky. A worker that *failed*
    still raises ``WorkerFailed`` here.
    """
    while True:
        pending = [w for w in app.workers if not w.is_finished]
        if not pending:
            return
        for worker in pending:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker (index loading, lookups, grading) and the screen to update."""
    await wait_for_workers(pilot.app)
    await pilot.pause()
    await wait_for_workers(pilot.app)
    await pilot.pause()


def freeze_cursors(app: CodetrainerApp) -> None:
    """No blinking cursors in snapshots."""
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


def screen_text(app: CodetrainerApp) -> str:
    """What the terminal shows, as plain text lines."""
    lines = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in lines)


async def highlight_pack(pilot: Pilot[None], index: int) -> None:
    """Press down on the home menu until pack ``index`` is highlighted (keys only)."""
    from codetrainer.tui.widgets.home_menu import HomeMenu

    menu = pilot.app.screen.query_one(HomeMenu)
    menu.focus()
    await pilot.press("home")
    for _ in range(menu.option_count):
        if menu.highlighted_id() == f"pack:{index}":
            return
        await pilot.press("down")
    raise AssertionError(f"pack {index} is not in the home menu")
