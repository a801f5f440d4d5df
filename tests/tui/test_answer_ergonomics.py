"""Pilot tests of the answer-form ergonomics of issue 12 (item 5), one per bullet."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from tui_fixtures import MINI, make_app, screen_text, settle

from codetrainer.tui.screens.case import CaseScreen
from codetrainer.tui.widgets.answer_form import AnswerForm
from codetrainer.tui.widgets.field_input import FieldInput

WIDE = (100, 30)


def _case(app: Any) -> CaseScreen:
    assert isinstance(app.screen, CaseScreen), type(app.screen).__name__
    return app.screen


def _focused(app: Any) -> FieldInput:
    assert isinstance(app.focused, FieldInput), repr(app.focused)
    return app.focused


async def _settle_burst(pilot: Any) -> None:
    """Settle after a burst: each key may cancel the lookup search of the key before
    (exclusive workers), and waiting on a worker that gets cancelled raises."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await settle(pilot)
            return
        except WorkerCancelled:
            await pilot.pause()
    await settle(pilot)


async def _open_case(pilot: Any) -> AnswerForm:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    return _case(pilot.app).form


async def test_up_down_move_the_lookup_highlight_and_enter_inserts_it() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await _open_case(pilot)
        await pilot.press(*"sore throat")
        await settle(pilot)
        panel = _case(app).lookup
        assert len(panel.hits) >= 3
        assert panel.results.highlighted == 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert panel.results.highlighted == 2
        await pilot.press("up")
        await pilot.pause()
        assert panel.results.highlighted == 1
        chosen = panel.hits[1].code
        assert chosen != panel.hits[0].code
        field = _focused(app)
        await pilot.press("enter")
        await settle(pilot)
        assert field.value == chosen


async def test_enter_after_moving_inserts_even_when_the_text_looks_like_a_code() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await _open_case(pilot)
        await pilot.press(*"J02")  # a category: looks like a code
        await settle(pilot)
        panel = _case(app).lookup
        await pilot.press("down")
        await pilot.pause()
        wanted = panel.hits[1].code
        await pilot.press("enter")
        await settle(pilot)
        assert _focused(app).value == wanted


async def test_keys_typed_straight_after_ctrl_n_land_in_the_new_row() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        form = await _open_case(pilot)
        keys = [*"J02.9", "ctrl+n", *"R50.9"]
        for key in keys:  # one burst, as a fast typist's terminal delivers it
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await _settle_burst(pilot)
        assert [r.code for r in form.dx_rows] == ["J02.9", "R50.9"]


async def test_a_long_paste_is_cut_to_fit_and_said_not_dropped() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        form = await _open_case(pilot)
        field = _focused(app)
        long_text = "acute pharyngitis due to streptococcus " * 4  # 156 characters
        field.post_message(events.Paste(long_text))
        await settle(pilot)
        assert field.value == long_text[:80]
        assert any("The paste was 156 characters" in m for m in form.messages)
        assert "The paste was 156 characters" in screen_text(app)
        await pilot.press("backspace")
        await pilot.pause()
        assert form.messages == []  # the next edit takes the message away


async def test_pointers_take_letters_numbers_and_runs_and_say_so() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        form = await _open_case(pilot)
        row = form.line_rows[0]
        pointers = row.query_one(".field-pointers", FieldInput)
        assert "A-L or numbers 1-12" in str(pointers.tooltip)
        pointers.focus()
        await pilot.press(*"AB")
        assert row.given().pointers == ("A", "B")
        await pilot.press("space", "1", "2")
        assert row.given().pointers == ("A", "B", "12")
        await pilot.press("z")  # not a diagnosis letter: refused, and said in words
        await pilot.pause()
        assert pointers.value == "AB 12"
        assert any("letters A-L or numbers 1-12" in m for m in form.messages)
        assert "'AB' means A then B" in screen_text(app)


async def test_units_take_digits_only_with_an_inline_message() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        form = await _open_case(pilot)
        units = form.line_rows[0].query_one(".field-units", FieldInput)
        units.focus()
        await pilot.press("2", "x", ".")
        await pilot.pause()
        assert units.value == "2"
        assert form.messages == ["Units take digits only (blank means 1)."]
        assert "Units take digits only" in screen_text(app)
        await pilot.press("0")
        await pilot.pause()
        assert units.value == "20" and form.messages == []


async def test_the_focused_field_is_always_visible() -> None:
    app = make_app([MINI])
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_case(pilot)
        for _ in range(9):  # more diagnosis rows than the form can show at once
            await pilot.press("ctrl+n")
            await pilot.pause()
        line_code = form.line_rows[0].code_input
        # from the last diagnosis, tab on to the service line below the fold
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is line_code
        visible = form.scrollable_content_region
        assert visible.contains_region(line_code.region), (visible, line_code.region)
        # and back up to the first diagnosis with shift+tab all the way
        form.dx_rows[0].code_input.focus()
        await pilot.pause()
        assert visible.contains_region(form.dx_rows[0].code_input.region)


async def test_not_billable_yet_notice_goes_away_once_the_code_is_complete() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await _open_case(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*"S93.401")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        field = _focused(app)
        assert field.value == "S93.401"
        assert any("not billable yet" in str(n.message) for n in app._notifications)
        await pilot.press("A")
        await settle(pilot)
        assert field.value == "S93.401A"
        assert not any("not billable yet" in str(n.message) for n in app._notifications)


async def test_feedback_names_the_learners_own_lines_and_letters() -> None:
    from codetrainer.core.answer import GivenAnswer, GivenLine
    from codetrainer.tui.screens.feedback import FeedbackScreen
    from codetrainer.tui.widgets.result_list import ResultList

    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        form = await _open_case(pilot)
        # the key has J02.9 (A) and 99213 on line 1; the learner put them second
        await form.load(
            GivenAnswer(
                diagnoses=("R50.9", "J02.9"),
                lines=(GivenLine(code="87880"), GivenLine(code="99213", pointers=("B",))),
            )
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        shown = app.screen.query_one(ResultList)
        texts = [
            str(opt.prompt.renderables[0]) if hasattr(opt.prompt, "renderables") else ""
            for opt in shown.options
        ]
        heads = [t for t in texts if t]
        assert any("Diagnosis (your B)" in t for t in heads), heads  # J02.9, typed second
        assert any("Diagnosis (your A)" in t and "extra" in t for t in heads), heads
        assert any("Service line (your line 2)" in t for t in heads), heads
        assert any("Pointer (your line 2)" in t for t in heads), heads
        assert not any("(line 1)" in t for t in heads), heads


async def test_an_unsubmitted_answer_is_kept_on_quit_and_restored() -> None:
    from codetrainer.tui.drafts import drafts_path

    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await _open_case(pilot)
        await pilot.press(*"J02.9", "tab", *"99213")
        await pilot.pause()
        await pilot.press("ctrl+q")  # quit straight from the case screen
        await pilot.pause()
    assert drafts_path().is_file()
    again = make_app([MINI])
    async with again.run_test(size=WIDE) as pilot:
        form = await _open_case(pilot)
        answer = form.answer()
        assert answer.diagnoses == ("J02.9",)
        assert [line.code for line in answer.lines] == ["99213"]
        await pilot.press("ctrl+s")  # submitting forgets the draft
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not drafts_path().exists()


def test_a_damaged_drafts_file_is_ignored(tmp_path: Any) -> None:
    from codetrainer.tui.drafts import load_drafts

    bad = tmp_path / "drafts.json"
    bad.write_text('{"version": 1, "drafts": [{"pack": "p"}, 5]', encoding="utf-8")
    assert load_drafts(bad) == {}
    bad.write_text(
        '{"version": 1, "drafts": [{"pack": "p"}, 5, '
        '{"pack": "p", "case": "c", "answer": {"diagnoses": ["J02.9"]}}]}',
        encoding="utf-8",
    )
    drafts = load_drafts(bad)
    assert list(drafts) == [("p", "c")] and drafts[("p", "c")].answer.diagnoses == ("J02.9",)


@pytest.mark.parametrize("size", [WIDE, (70, 24)], ids=["wide", "narrow"])
async def test_palette_open_pack_opens_the_pack(size: tuple[int, int]) -> None:
    from tui_fixtures import BROKEN

    from codetrainer.tui.screens.home import HomeScreen
    from codetrainer.tui.widgets.case_list import CaseList

    app = make_app([BROKEN, MINI])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open pack: TUI")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.selected == 1  # the mini pack, not the first (broken) one
        from codetrainer.tui.widgets.home_menu import HomeMenu

        assert home.query_one(HomeMenu).highlighted_id() == "pack:1"  # the menu agrees
        cases = home.query_one(CaseList)
        assert cases.display and app.focused is cases
        assert "Sore throat, strep test negative" in screen_text(app)
        # from inside a case too: the palette takes the learner to the pack's cases
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open pack: TUI")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.screen.selected == 1


async def test_exam_filter_checkbox_shows_its_state_in_words() -> None:
    from textual.widgets import Checkbox
    from tui_fixtures import highlight_pack

    from codetrainer.tui.screens.exam import ExamSetupScreen

    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await highlight_pack(pilot, 0)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExamSetupScreen)
        box = app.screen.query_one("#exam-only-pack", Checkbox)
        assert "Only TUI test pack: off" in screen_text(app)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value
        assert "Only TUI test pack: on" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert "Only TUI test pack: off" in screen_text(app)


async def test_review_shows_when_the_next_items_are_due(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime, timedelta

    from codetrainer.tui.progress_clock import CLOCK
    from codetrainer.tui.screens.home import HomeScreen

    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "Review" not in screen_text(app)  # nothing practised: nothing to say
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"J02.0", "ctrl+s")  # wrong: the case comes back soon
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Review: next due in " in text and "minute" in text, text
        await pilot.press("v")  # nothing due yet: the notice says when
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
        assert any("The next case is due in " in m for m in notes), notes
        later = datetime.now(UTC) + timedelta(hours=1)
        monkeypatch.setattr(CLOCK, "now", lambda: later)
        await pilot.press("r")
        await settle(pilot)
        assert "Review (1 due)" in screen_text(app)


async def test_lookup_descriptions_are_cut_from_the_middle() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await _open_case(pilot)
        await pilot.press(*"S93.401")
        await settle(pilot)
        panel = _case(app).lookup
        lines = [str(o.prompt) for o in panel.results.options]
        # the generated A/D/S codes differ only at the end of a long title
        tails = [ln for ln in lines if ln.startswith("S93.401A") or ln.startswith("S93.401D")]
        assert len(tails) == 2, lines
        assert tails[0].endswith("initial encounter"), tails
        assert tails[1].endswith("subsequent encounter"), tails
        assert all("…" in t for t in tails)
        text = screen_text(app)
        assert "initial encounter" in text and "subsequent encounter" in text
