"""The trainer with hostile packs: a symlink loop and escapes in double quotes.

``codetrainer a.yaml`` with a looping link used to crash the TUI with a traceback; escapes
in a pack's values were stripped from the screen but not reported. Now both packs are
listed as broken with their located errors, shown escaped (``\\x1b``), and the good pack
still works.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_fixtures import MINI, highlight_pack, make_app, screen_text, settle

from codetrainer.tui.screens.home import HomeScreen

WIDE = (100, 30)
HOSTILE = """\
pack:
  id: hostile
  title: "Blink \\e[5mnow"
  version: "1"
  code_year: FY2026
cases:
  - id: one
    title: One
    note: "Clipboard \\e]52;c;aGVsbG8=\\a gone"
    answer:
      diagnoses:
        - code: J02.9
          why: Pharyngitis.
"""


async def test_hostile_packs_are_listed_with_escaped_errors(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "other.yaml")
    (tmp_path / "other.yaml").symlink_to(loop)
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(HOSTILE, encoding="utf-8")
    app = make_app([MINI, loop, hostile])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "TUI test pack" in text and "loop.yaml" in text and "hostile.yaml" in text
        assert "\x1b" not in text and "\x07" not in text
        await highlight_pack(pilot, 1)
        await pilot.press("enter")
        await pilot.pause()
        shown = str(app.screen.query_one("#pack-errors-text", Static).content)
        assert f"{loop}:1:1: error: cannot read the file: the symbolic link points back" in shown
        await pilot.press("escape")
        await highlight_pack(pilot, 2)
        await pilot.press("enter")
        await pilot.pause()
        shown = str(app.screen.query_one("#pack-errors-text", Static).content)
        assert f"{hostile}:3:10: error: U+001B (escape)" in shown
        assert "\\x1b]52;c;aGVsbG8=\\x07" in shown  # escaped, visible to the author
        assert "\x1b" not in shown and "\x1b" not in screen_text(app)


async def test_a_lookup_answer_arriving_while_its_panel_is_taken_down_is_dropped() -> None:
    """A search worker's answer can land after the panel's parts were removed (its screen
    is closing) but before the panel itself is: it must be dropped, not fail the worker
    (a CI run saw NoMatches('#lookup-results') when a case screen was left mid-search)."""
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    from codetrainer.tui.services import Services
    from codetrainer.tui.widgets.lookup_panel import LookupPanel

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield LookupPanel(Services(use_store=False), id="lookup")

    app = Host()
    async with app.run_test() as pilot:
        panel = app.query_one(LookupPanel)
        await panel.query_one(OptionList).remove()
        await pilot.pause()
        assert panel.is_mounted
        panel._show_hits(panel.query_input.value, [])  # the worker's call_from_thread
        panel._set_status("Lookup failed: gone")
        panel._show_detail()
