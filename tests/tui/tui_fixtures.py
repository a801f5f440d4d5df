"""Helpers shared by the trainer TUI tests (imported by the test modules in this folder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from codetrainer.tui.app import CodetrainerApp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini-pack.yaml"
MARKUP = FIXTURES / "markup-pack.yaml"
BROKEN = FIXTURES / "broken-pack.yaml"


def make_app(packs: Sequence[Path] = (MINI,)) -> CodetrainerApp:
    """The app with only the given packs (no bundled or user packs: deterministic)."""
    return CodetrainerApp([str(p) for p in packs], bundled_dir=None, user_dir=None)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker (index loading, lookups, grading) and the screen to update."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
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
