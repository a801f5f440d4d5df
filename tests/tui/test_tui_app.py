"""Pilot tests of the trainer: keyboard-only practice, feedback, browser, help, robustness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Static, Tree
from tui_fixtures import BROKEN, MARKUP, MINI, highlight_pack, make_app, screen_text, settle

from codetrainer.core.store import Store
from codetrainer.tui.screens.browser import BrowserScreen
from codetrainer.tui.screens.case import CaseScreen
from codetrainer.tui.screens.feedback import FeedbackScreen
from codetrainer.tui.screens.help import HelpScreen
from codetrainer.tui.screens.home import HomeScreen
from codetrainer.tui.screens.lookup import LookupScreen
from codetrainer.tui.screens.too_small import TooSmallScreen
from codetrainer.tui.widgets.answer_form import AnswerForm
from codetrainer.tui.widgets.field_input import FieldInput
from codetrainer.tui.widgets.result_list import ResultList

WIDE = (100, 30)
MARKUP_NOTE = (
    "Patient [redacted] says [/bold] twice.\n"
    "A link [@click=app.quit]x[/] must stay text.\n"
    "ASSESSMENT: Acute pharyngitis [b]not bold[/b]."
)
SMALL = (40, 12)


def _case(app: Any) -> CaseScreen:
    screen = app.screen
    assert isinstance(screen, CaseScreen), type(screen).__name__
    return screen


def _feedback(app: Any) -> FeedbackScreen:
    screen = app.screen
    assert isinstance(screen, FeedbackScreen), type(screen).__name__
    return screen


def _focused_field(app: Any) -> FieldInput:
    focused = app.focused
    assert isinstance(focused, FieldInput), repr(focused)
    return focused


# ---------------------------------------------------------------------------------------
# home


async def test_home_lists_packs_progress_and_load_errors() -> None:
    app = make_app([MINI, BROKEN])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "TUI test pack" in text
        assert "0/3 solved" in text
        assert "broken-pack.yaml" in text
        assert "failed to load: 2 errors" in text
        # highlight the broken pack: its located errors are listed, the app keeps working
        await highlight_pack(pilot, 1)
        await pilot.press("enter")
        await pilot.pause()
        # the location is checked on the widget's text: on screen a long checkout path
        # wraps inside the panel, so the rendered lines depend on where the repo lives
        errors = app.screen.query_one("#pack-errors")
        assert errors.display and errors.region.area > 0
        shown = str(app.screen.query_one("#pack-errors-text", Static).content)
        assert f"{BROKEN}:9:17:" in shown
        assert "difficulty must be at most 5" in shown
        assert "difficulty" in screen_text(app)  # one word: never split by wrapping
        await pilot.press("escape", "n")
        await pilot.pause()
        assert _case(app).case.id == "sore-throat"


async def test_progress_shows_after_solving(isolated_home: Path) -> None:
    store = Store()
    from codetrainer.core.store import Attempt

    store.record_attempt(
        Attempt("tui-mini", "sore-throat", "x", {}, 100.0, (), (), 0, 10.0, "practice")
    )
    store.close()
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "1/3 solved" in text
        assert "✓" in text and "solved, best 100" in text
        # next unsolved skips the solved first case
        await pilot.press("n")
        await pilot.pause()
        assert _case(app).case.id == "diabetes-check"


# ---------------------------------------------------------------------------------------
# a whole case by keyboard


async def _lookup_insert(pilot: Any, query: str) -> None:
    """ctrl+l, type the query, wait for results, enter inserts the top hit."""
    await pilot.press("ctrl+l")
    await pilot.pause()
    await pilot.press("ctrl+u", *query)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_complete_a_case_by_keyboard_with_lookup(isolated_home: Path) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # open the pack (enter on it), then the first case
        await highlight_pack(pilot, 0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        case = _case(app)
        assert case.case.id == "sore-throat"
        # the diagnosis field has the focus; look the code up by words
        assert _focused_field(app).kind == "diagnosis"
        await _lookup_insert(pilot, "J02.9")
        field = _focused_field(app)
        assert field.kind == "diagnosis" and field.value == "J02.9"
        # on to the service line code, look it up by number
        await pilot.press("tab")
        assert _focused_field(app).kind == "line"
        await _lookup_insert(pilot, "99213")
        assert _focused_field(app).value == "99213"
        await pilot.press("tab", "tab", "tab", "a")  # modifiers, units, pointers
        assert _focused_field(app).kind == "pointers"
        await pilot.press("ctrl+s")
        await settle(pilot)
        feedback = _feedback(app)
        assert feedback.result.score == pytest.approx(100.0)
        text = screen_text(app)
        assert "Score 100/100" in text
        assert "✓ correct" in text
        assert "saved" in text and "not saved" not in text
        # committed before the feedback was shown
        store = Store()
        attempts = store.attempts(pack_id="tui-mini")
        store.close()
        assert [a.case_id for a in attempts] == ["sore-throat"]
        assert attempts[0].score == pytest.approx(100.0)
        # next case
        await pilot.press("n")
        await settle(pilot)
        assert _case(app).case.id == "diabetes-check"
        # and home shows the progress
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "1/3 solved" in screen_text(app)


async def test_enter_in_a_field_puts_the_top_match_there() -> None:
    """Words typed in a code field + enter = the top lookup match; a finished code moves on."""
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await highlight_pack(pilot, 0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"sore throat")
        await pilot.press("enter")  # at once: before the debounced search has answered
        await settle(pilot)
        field = _focused_field(app)
        assert (field.kind, field.value) == ("diagnosis", "J02.9")
        await pilot.press("enter")  # a finished code: enter moves on
        await settle(pilot)
        line = _focused_field(app)
        assert line.kind == "line"
        await pilot.press(*"99213", "enter")
        await settle(pilot)
        assert line.value == "99213"
        assert _focused_field(app).kind == "modifiers"


async def test_inserting_a_code_without_its_7th_character_says_what_to_type() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await _lookup_insert(pilot, "S01.01")
        field = _focused_field(app)
        assert (field.kind, field.value) == ("diagnosis", "S01.01")
        messages = [str(n.message) for n in app._notifications]
        assert any("placeholder X and a 7th character (XA, XD, XS)" in m for m in messages)
        await pilot.press(*"XA")  # the cursor waits at the end of the code
        assert field.value == "S01.01XA"
        # the tip is about the form: it does not stay over the feedback
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert not any("7th character" in str(n.message) for n in app._notifications)


async def test_enter_while_the_lookup_loads_keeps_the_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """First start: the index is still being built; enter must not move on and drop words."""
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        monkeypatch.setattr(type(app.services), "search_ready", property(lambda self: False))
        await pilot.press(*"sore throat", "enter")
        await pilot.pause()
        field = _focused_field(app)
        assert (field.kind, field.value) == ("diagnosis", "sore throat")
        assert any("still loading" in str(n.message) for n in app._notifications)


async def test_keys_typed_in_a_burst_land_in_their_fields() -> None:
    """A fast typist on a busy machine (or a paste): every key is queued before the app
    handles the first; tab and enter must still move on before the next key arrives."""
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        keys = [*"J02.9", "enter", *"99213", "tab", *"25", "tab", "tab", "a"]
        for key in keys:  # all queued at once, as a terminal delivers a burst
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        form = app.screen.query_one(AnswerForm)
        values = {f.kind: f.value for f in form.query(FieldInput)}
        assert values["diagnosis"] == "J02.9"
        assert values["line"] == "99213"
        assert values["modifiers"] == "25"
        assert values["pointers"] == "a"
        assert _focused_field(app).kind == "pointers"
        await pilot.press("shift+tab")
        assert _focused_field(app).kind == "units"


@pytest.mark.parametrize(
    "keys",
    [
        # through the lookup: enter inserts what the query says once its keys are in
        ["ctrl+l", *"J02.9", "enter", "tab", *"99213"],
        # words in the field: enter puts the top match there, a second enter moves on
        [*"sore throat", "enter", "enter", *"99213"],
    ],
    ids=["lookup", "words"],
)
async def test_a_burst_through_the_lookup_keeps_its_order(keys: list[str]) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        form = app.screen.query_one(AnswerForm)
        values = {f.kind: f.value for f in form.query(FieldInput)}
        assert (values["diagnosis"], values["line"]) == ("J02.9", "99213")
        assert _focused_field(app).kind == "line"


async def test_wrong_answer_feedback_uses_symbols_and_words() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        feedback = _feedback(app)
        verdicts = {item.verdict for item in feedback.result.items}
        assert {"wrong", "missing"} <= verdicts
        text = screen_text(app)
        assert "✗ wrong" in text
        assert "− missing" in text
        assert "Expected answer" in text
        # the note has the evidence highlighted (the phrase found in the note)
        note = feedback.query_one("#fb-note")
        assert getattr(note, "found", 0) >= 1
        # try again keeps the answer to fix
        await pilot.press("r")
        await settle(pilot)
        case = _case(app)
        assert case.form.answer().diagnoses == ("J02.0",)


async def test_empty_answer_is_not_submitted() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        messages = [n.message for n in app._notifications]
        assert any("Type at least one code" in m for m in messages)


async def test_hints_are_revealed_one_at_a_time_and_counted(isolated_home: Path) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        case = _case(app)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Hint 1/2" in screen_text(app)
        assert "Hint 2/2" not in screen_text(app)
        await pilot.press("ctrl+g", "ctrl+g")  # the third asks for more than there is
        await pilot.pause()
        assert "Hint 2/2" in screen_text(app)
        assert "hints 2/2" in screen_text(app)
        assert case.draft().hints_shown == 2
        await pilot.press(*"J02.9", "ctrl+s")
        await settle(pilot)
        store = Store()
        assert [a.hints_used for a in store.attempts()] == [2]
        store.close()


async def test_rows_add_move_delete_by_keyboard() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = _case(app).query_one(AnswerForm)
        await pilot.press(*"J02.9", "ctrl+n", *"R50.9")
        await pilot.pause()
        assert [r.code for r in form.dx_rows] == ["J02.9", "R50.9"]
        assert [r.position for r in form.dx_rows] == [0, 1]
        await pilot.press("alt+up")
        await pilot.pause()
        assert [r.code for r in form.dx_rows] == ["R50.9", "J02.9"]
        assert _focused_field(app).value == "R50.9"  # the moved row keeps the focus
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert [r.code for r in form.dx_rows] == ["J02.9"]
        # service lines: a second line, modifiers and pointers split on spaces/commas
        line_code = form.line_rows[0].code_input
        line_code.focus()
        await pilot.press(*"99213", "tab", *"25, lt", "tab", "tab", *"A B", "ctrl+n", *"87880")
        await pilot.pause()
        answer = form.answer()
        assert [ln.code for ln in answer.lines] == ["99213", "87880"]
        assert answer.lines[0].modifiers == ("25", "lt")
        assert answer.lines[0].pointers == ("A", "B")
        # every row is laid out inside its list (none clipped away), and shown on screen
        await pilot.press("ctrl+n")
        await pilot.pause()
        for rows_id, rows in (("#dx-rows", form.dx_rows), ("#line-rows", form.line_rows)):
            box = form.query_one(rows_id).region
            for row in rows:
                assert box.contains_region(row.region), (rows_id, row.region, box)
        assert "87880" in screen_text(app)


async def test_draft_is_kept_when_leaving_a_case() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.9", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert _case(app).form.answer().diagnoses == ("J02.9",)


async def test_not_saved_is_shown_and_the_app_keeps_going() -> None:
    app = make_app([MINI])

    def refuse(attempt: object) -> str:
        return "disk is full"

    app.services.record_attempt = refuse  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.9", "ctrl+s")
        await settle(pilot)
        _feedback(app)
        assert "not saved: disk is full" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_store_error_from_the_real_store_is_caught(tmp_path: Path) -> None:
    from codetrainer.core.store import StoreError

    app = make_app([MINI])
    store = app.services.store()
    assert store is not None

    def broken(attempt: object) -> object:
        raise StoreError("attempt not saved: database is locked")

    store.record_attempt = broken  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.9", "ctrl+s")
        await settle(pilot)
        _feedback(app)
        assert "not saved: attempt not saved: database is locked" in screen_text(app)


# ---------------------------------------------------------------------------------------
# browser, help, palette


async def test_browser_opens_at_the_code_of_a_feedback_item() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.0", "ctrl+s")
        await settle(pilot)
        _feedback(app)
        await pilot.press("b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        tree: Tree[str] = browser.query_one(Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == "J02.9"
        text = screen_text(app)
        assert "Sore throat (acute) NOS" in text  # an inclusion term in the detail pane
        assert "Excludes1" in text
        # go to another code with the box
        await pilot.press("g", *"s52.521a", "enter")
        await settle(pilot)
        assert tree.cursor_node is not None and tree.cursor_node.data == "S52.521A"
        assert "7th characters" in screen_text(app) or "S52.521A" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)


async def test_browser_lazy_tree_expands_by_keyboard() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        tree: Tree[str] = browser.query_one(Tree)
        assert len(tree.root.children) == 22  # chapters only, nothing below loaded yet
        assert all(not c.children for c in tree.root.children)
        await pilot.press("enter")  # expand chapter 1: its blocks load
        await pilot.pause()
        first = tree.root.children[0]
        assert first.is_expanded and first.children
        assert first.children[0].data == "A00-A09"


async def test_help_screen_lists_the_keys_of_the_screen() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Submit", "Look up", "Hint", "New row", "Delete row", "Row up"):
            assert words in text, words
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


async def test_command_palette_offers_the_apps_commands() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Browse ICD")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)


async def test_mouse_click_opens_a_case() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # one click on the second case opens it
        assert await pilot.click("#cases", offset=(8, 2))
        await pilot.pause()
        assert _case(app).case.id == "diabetes-check"


# ---------------------------------------------------------------------------------------
# small windows


async def test_too_small_window_shows_a_notice_and_recovers() -> None:
    app = make_app([MINI])
    async with app.run_test(size=(39, 11)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "Window too small" in screen_text(app)
        await pilot.resize_terminal(40, 12)
        await pilot.pause(0.1)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_40x12_completes_a_case_with_the_lookup_window(isolated_home: Path) -> None:
    app = make_app([MINI])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await highlight_pack(pilot, 0)
        await pilot.press("enter")  # the pack: its cases replace the list
        await pilot.pause()
        assert "Sore throat" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        _case(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*"J02.9")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        case = _case(app)
        assert case.form.answer().diagnoses == ("J02.9",)
        await pilot.press("tab", *"99213", "tab", "tab", "tab", "1", "ctrl+s")
        await settle(pilot)
        feedback = _feedback(app)
        assert feedback.result.score == pytest.approx(100.0)
        assert "Score 100/100" in screen_text(app)
        await pilot.press("v")  # the note with its evidence, then back
        await pilot.pause()
        assert "Acute pharyngitis" in screen_text(app)
        await pilot.press("v", "n")
        await settle(pilot)
        assert _case(app).case.id == "diabetes-check"


# ---------------------------------------------------------------------------------------
# robustness


async def test_markup_in_pack_text_is_shown_literally() -> None:
    app = make_app([MARKUP])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Markup [bold]test[/bold] pack" in text
        await pilot.press("n")
        await settle(pilot)
        text = screen_text(app)
        assert "Title with [/bold] and [@click=app.quit]x[/]" in text
        for literal in ("Patient [redacted] says", "[@click=app.quit]x[/]", "[b]not"):
            assert literal in text, literal
        note = app.screen.query_one(".note-text", Static)
        assert str(note.render()) == MARKUP_NOTE
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "[red]markup[/red]." in screen_text(app)
        # clicking the would-be link does nothing: the app is still running
        await pilot.click("#note", offset=(10, 2))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CaseScreen)
        # student text is data too
        await pilot.press("tab")
        app.screen.query_one("#form").query(FieldInput).first().focus()
        await pilot.press(*"[red]x[/red]", "ctrl+s")
        await settle(pilot)
        _feedback(app)
        text = screen_text(app)
        assert "[red]x[/red]" in text
        assert "[i]brackets[/i]." in text


async def test_control_sequences_are_stripped_from_student_input() -> None:
    from textual import events

    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        field = _focused_field(app)
        field.post_message(events.Paste("J02\x1b[31m.9\x07\r\n"))
        await pilot.pause()
        assert field.value.strip() == "J02.9"
        assert "\x1b" not in field.value


async def test_no_color_still_says_everything_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app([MINI])
    assert app.no_color
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.0", "ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "✗ wrong" in text and "− missing" in text


async def test_a_failing_background_task_does_not_end_the_app() -> None:
    app = make_app([MINI])

    def explode() -> None:
        raise RuntimeError("index exploded")

    app.services.warm_up = explode  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("index exploded" in m for m in messages)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


async def test_a_failing_lookup_is_reported_in_the_panel() -> None:
    app = make_app([MINI])

    def fail(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("search broke")

    app.services.search = fail  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"pharyn")
        await settle(pilot)
        assert "Lookup failed: search broke" in screen_text(app)
        assert isinstance(app.screen, CaseScreen)


async def test_grading_failure_is_reported_not_raised() -> None:
    app = make_app([MINI])

    def fail(case: object, answer: object) -> object:
        raise RuntimeError("grader broke")

    app.services.grade = fail  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"J02.9", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        messages = [n.message for n in app._notifications]
        assert any("grader broke" in m for m in messages)


async def test_result_list_items_carry_a_word_for_every_verdict() -> None:
    from codetrainer.tui.widgets.result_list import VERDICTS

    for verdict, (symbol, word, _style) in VERDICTS.items():
        assert word == verdict and symbol
    assert ResultList  # imported for the type


async def test_command_palette_shows_pack_titles_literally() -> None:
    app = make_app([MARKUP])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open pack")
        await pilot.pause(0.5)
        assert "Markup [bold]test[/bold] pack" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.focused is app.screen.query_one("#cases")


async def test_home_states_the_code_year_in_force() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await highlight_pack(pilot, 0)
        await pilot.pause()
        info = str(app.screen.query_one("#pack-info", Static).content)
        assert "ICD-10-CM FY2026 in force" in info
