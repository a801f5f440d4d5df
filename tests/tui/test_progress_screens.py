"""Pilot tests of the progress screens: stats, spaced review, exam mode and its summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from progress_tui_fixtures import EXAM_ID, NOW, seed_attempts, seed_exam
from tui_fixtures import MARKUP, MINI, make_app, screen_text, settle

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.store import Store
from codetrainer.tui.progress_clock import CLOCK
from codetrainer.tui.screens.case import CaseScreen
from codetrainer.tui.screens.exam import ExamCaseScreen, ExamScreen, ExamSetupScreen
from codetrainer.tui.screens.exam_summary import ExamSummaryScreen
from codetrainer.tui.screens.feedback import FeedbackScreen
from codetrainer.tui.screens.home import HomeScreen
from codetrainer.tui.screens.review import ReviewCaseScreen
from codetrainer.tui.screens.stats import GOAL_META_KEY, StatsScreen
from codetrainer.tui.widgets.hint_box import HintBox

WIDE = (100, 30)
SMALL = (40, 12)

RIGHT_DX = {"sore-throat": "J02.9", "diabetes-check": "E11.9", "knee-pain": "M25.569"}
"""The first-listed diagnosis of each case of the mini pack."""


class FakeSteadyClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FakeSteadyClock:
    steady = FakeSteadyClock()
    monkeypatch.setattr(CLOCK, "now", lambda: NOW)
    monkeypatch.setattr(CLOCK, "tz", UTC)
    monkeypatch.setattr(CLOCK, "monotonic", steady)
    return steady


@pytest.fixture
def seeded(isolated_home: Path) -> None:
    store = Store()
    try:
        seed_attempts(store)
        seed_exam(store)
    finally:
        store.close()


def _notes(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _screen(app: Any, kind: type) -> Any:
    screen = app.screen
    assert isinstance(screen, kind), f"{type(screen).__name__} is not {kind.__name__}"
    return screen


async def _wait_for(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    """Let the app run (timers tick twice a second) until ``condition`` holds (5 s at most)."""
    for _ in range(50):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never happened: {what}")


async def _focus_history(pilot: Any) -> None:
    """Tab through the exam set-up until the list of past exams has the focus."""
    for _ in range(10):
        focused = pilot.app.focused
        if focused is not None and focused.id == "exam-history":
            return
        await pilot.press("tab")
        await pilot.pause()
    raise AssertionError(f"the exam history never got the focus ({pilot.app.focused!r})")


async def _start_exam(pilot: Any, n: str, *, minutes: str = "", seed: str = "t1") -> ExamScreen:
    """From home: x, the number of cases, minutes and a seed, then ctrl+s."""
    await pilot.press("x")
    await settle(pilot)
    _screen(pilot.app, ExamSetupScreen)
    await pilot.press("ctrl+u", *n, "tab", *minutes, "tab", *seed, "ctrl+s")
    await settle(pilot)
    return _screen(pilot.app, ExamScreen)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------
# home


async def test_home_offers_exam_and_stats_and_hides_review_for_a_new_user() -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Exam  (x)" in text
        assert "Stats  (s)" in text
        assert "Review (" not in text  # nothing due: hidden


# ---------------------------------------------------------------------------------------
# stats


async def test_stats_empty_state_for_a_new_user(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        _screen(app, StatsScreen)
        text = screen_text(app)
        assert "No attempts yet" in text
        assert "Today 0.0/10 min" in text
        assert "By code system" not in text
        await pilot.press("escape")
        await settle(pilot)
        _screen(app, HomeScreen)


async def test_stats_show_every_section_from_the_store(
    seeded: None, frozen: FakeSteadyClock
) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = _screen(app, StatsScreen)
        stats = screen.stats
        assert stats is not None and stats.attempts == 8
        text = screen_text(app)
        assert "8 attempts · mean 69 · solved 2/3" in text
        assert "Streak 3 days (longest 3)" in text
        assert "Today 4.0/10 min" in text and "40%" in text
        assert "1 Accuracy over time" in text
        assert "Feb 01" in text and "Mar 02" in text
        assert "6 days with practice" in text
        assert "ICD-10-CM" in text and "67%" in text and "80/120 pts" in text
        # further down: error kinds, tags (pack text shown literally), time, weakest
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "3 By error kind" in text
        assert "laterality" in text and "2×" in text
        assert "[bold]ortho[/bold]" in text  # a tag that looks like markup stays text
        await pilot.press("5")
        await settle(pilot)
        text = screen_text(app)
        assert "5 Time per case" in text
        assert "Knee pain, side not stated" in text
        await pilot.press("6")
        await settle(pilot)
        text = screen_text(app)
        assert "6 To work on" in text
        assert "code system Provider query: 33%" in text


async def test_daily_goal_changes_and_is_kept(seeded: None, frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("plus", "plus")
        await settle(pilot)
        assert "Today 4.0/20 min" in screen_text(app)
        await pilot.press("minus")
        await settle(pilot)
        assert "Today 4.0/15 min" in screen_text(app)
    store = Store()
    try:
        assert store.get_meta(GOAL_META_KEY) == "15"
    finally:
        store.close()
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "Today 4.0/15 min" in screen_text(app)


async def test_stats_are_usable_at_40x12(seeded: None, frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        _screen(app, StatsScreen)
        text = screen_text(app)
        assert "8 attempts" in text
        assert "Today 4.0/10 min" in text
        for key, title in [
            ("2", "By code system"),
            ("3", "By error kind"),
            ("4", "By tag"),
            ("5", "Time per case"),
            ("6", "To work on"),
            ("1", "Accuracy over time"),
        ]:
            await pilot.press(key)
            await settle(pilot)
            assert f"{key} {title}" in screen_text(app), title


# ---------------------------------------------------------------------------------------
# spaced review


async def test_review_brings_back_a_failed_case(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        # practise the first case and get it wrong
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"J02.0", "ctrl+s")
        await settle(pilot)
        _screen(app, FeedbackScreen)
        await pilot.press("escape")
        await settle(pilot)
        _screen(app, HomeScreen)
        assert "Review (" not in screen_text(app)  # due only after the learning step
        # an hour later it is due
        later = datetime.now(UTC) + timedelta(hours=1)
        monkeypatch.setattr(CLOCK, "now", lambda: later)
        await pilot.press("r")  # reload the home screen
        await settle(pilot)
        assert "Review (1 due)  (v)" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        review = _screen(app, ReviewCaseScreen)
        assert review.case.id == "sore-throat"
        assert "Review 1 of 1" in screen_text(app)
        await pilot.press(*"J02.9", "tab", *"99213", "tab", "tab", "tab", "a", "ctrl+s")
        await settle(pilot)
        feedback = _screen(app, FeedbackScreen)
        assert feedback.result.score == pytest.approx(100.0)
        await pilot.press("n")  # next due case: none left
        await settle(pilot)
        _screen(app, HomeScreen)
        assert any("Review done: 1 case reviewed" in m for m in _notes(app))
        assert "Review (" not in screen_text(app)
    store = Store()
    try:
        attempts = store.attempts()
    finally:
        store.close()
    assert [(a.case_id, a.mode) for a in attempts] == [
        ("sore-throat", "practice"),
        ("sore-throat", "review"),
    ]


# ---------------------------------------------------------------------------------------
# exam


async def test_two_case_exam_by_keyboard(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        runner = await _start_exam(pilot, "2")
        session = runner.session
        assert len(session.cases) == 2 and session.time_limit == pytest.approx(360.0)
        assert "⏱ 6:00 left" in screen_text(app)
        first, second = (c.case.id for c in session.cases)
        # case 1: no hints, and submitting moves on without feedback
        await pilot.press("enter")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)
        assert case.case.id == first and case.mode == "exam"
        frozen.now += 30  # the timer counts down
        await _wait_for(pilot, lambda: "⏱ 5:30 left · case 1/2" in screen_text(app), "5:30 left")
        assert "Hint" not in screen_text(app)  # no hint key in the footer
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert not case.query_one(HintBox).display
        assert any("No hints during an exam" in m for m in _notes(app))
        await pilot.press(*RIGHT_DX[first], "ctrl+s")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)
        assert case.case.id == second
        # go back: the first answer is still there
        await pilot.press("alt+left")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)
        assert case.case.id == first
        assert case.form.answer().diagnoses == (RIGHT_DX[first],)
        await pilot.press("alt+right")
        await settle(pilot)
        await pilot.press(*RIGHT_DX[second], "ctrl+s")  # the last case: back to the overview
        await settle(pilot)
        _screen(app, ExamScreen)
        assert "2 of 2 answered" in screen_text(app)
        assert not [s for s in app.screen_stack if isinstance(s, FeedbackScreen)]
        # finish: every case graded, saved, and the summary shown
        await pilot.press("f")
        await settle(pilot)
        summary_screen = _screen(app, ExamSummaryScreen)
        summary = summary_screen.summary
        assert summary.answered == 2 and summary.cases == 2
        assert summary_screen.saved_error is None
        expected = {
            c.case.id: app.services.grade(c.case, GivenAnswer(diagnoses=(RIGHT_DX[c.case.id],)))
            for c in session.cases
        }
        assert [r.score for r in summary.results] == [
            pytest.approx(expected[first].score),
            pytest.approx(expected[second].score),
        ]
        text = screen_text(app)
        assert f"Exam {summary.score:.0f}/100" in text
        assert "2/2 answered" in text and "saved" in text
        assert "Weakest areas" in text
        # per-case feedback at the end
        await pilot.press("enter")
        await settle(pilot)
        feedback = _screen(app, FeedbackScreen)
        assert feedback.case.id == first
        await pilot.press("escape")
        await settle(pilot)
        _screen(app, ExamSummaryScreen)
    store = Store()
    try:
        attempts = store.attempts(mode="exam")
        record = store.exam(session.id)
    finally:
        store.close()
    assert [a.case_id for a in attempts] == [first, second]
    assert {a.exam_id for a in attempts} == {session.id}
    assert all(a.hints_used == 0 for a in attempts)
    assert record is not None and record.finished_at is not None


async def test_exam_ends_when_the_time_is_up(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        runner = await _start_exam(pilot, "3", minutes="1")
        assert runner.session.time_limit == pytest.approx(60.0)
        await pilot.press("enter")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)
        await pilot.press(*RIGHT_DX[case.case.id])  # typed, never submitted
        frozen.now += 61  # the exam checks its clock twice a second
        await _wait_for(
            pilot, lambda: isinstance(app.screen, ExamSummaryScreen), "the summary after time up"
        )
        await settle(pilot)
        summary = _screen(app, ExamSummaryScreen).summary
        assert summary.cases == 3
        assert summary.answered == 1  # the open case's answer was kept
        assert any("Time is up" in m for m in _notes(app))
        assert "time up" in screen_text(app)


async def test_exam_can_be_left_and_resumed(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        runner = await _start_exam(pilot, "2")
        exam_id = runner.session.id
        await pilot.press("enter")
        await settle(pilot)
        first = _screen(app, ExamCaseScreen).case.id
        await pilot.press(*RIGHT_DX[first], "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # back to the overview
        await settle(pilot)
        _screen(app, ExamScreen)
        await pilot.press("escape")  # pause and leave
        await settle(pilot)
        _screen(app, HomeScreen)
        assert any("Exam paused" in m for m in _notes(app))
        store = app.services.store()
        assert store is not None
        saved = store.exam(exam_id)
        assert saved is not None and saved.finished_at is None
        assert saved.state["answers"]["0"]["diagnoses"] == [RIGHT_DX[first]]
        # resume from the exam set-up
        await pilot.press("x")
        await settle(pilot)
        assert "Resume" in screen_text(app)
        await _focus_history(pilot)
        await pilot.press("enter")
        await settle(pilot)
        resumed = _screen(app, ExamScreen)
        assert resumed.session.id == exam_id
        assert 0 in resumed.session.answers
        assert "1 of 2 answered" in screen_text(app)


async def test_leaving_an_exam_case_keeps_practice_drafts_apart(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await _start_exam(pilot, "1")
        await pilot.press("enter")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)
        await pilot.press(*"R50.9")
        app.action_home()  # e.g. "Home" from the command palette
        await settle(pilot)
        _screen(app, HomeScreen)
        assert (case.entry.id, case.case.id) not in app.drafts  # not a practice draft
        store = app.services.store()
        assert store is not None
        unfinished = store.exams(finished=False)
        assert len(unfinished) == 1
        assert unfinished[0].state["answers"]["0"]["diagnoses"] == ["R50.9"]


async def test_past_exam_results_open_from_the_exam_screen(
    seeded: None, frozen: FakeSteadyClock
) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "50/100 not passed" in screen_text(app)
        await _focus_history(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = _screen(app, ExamSummaryScreen)
        assert screen.summary.exam_id == EXAM_ID
        text = screen_text(app)
        assert "Exam 50/100 · ✗ not passed (pass 70)" in text
        assert "1/2 answered · 6:45 of 6:00 · time up" in text
        assert "✓ 100" in text and "Diabetes follow-up" in text
        assert "no answer" in text
        # the feedback of a past exam is graded again from the saved answer
        await pilot.press("enter")
        await settle(pilot)
        feedback = _screen(app, FeedbackScreen)
        assert feedback.case.id == "diabetes-check"
        assert feedback.answer.diagnoses == ("E11.9",)
        assert feedback.result.score == pytest.approx(100.0)
        await pilot.press("n")  # on to the next case's feedback
        await settle(pilot)
        feedback = _screen(app, FeedbackScreen)
        assert feedback.case.id == "knee-pain"
        assert feedback.answer.is_empty


async def test_exam_screens_are_usable_at_40x12(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _start_exam(pilot, "2")
        assert "⏱ 6:00 left" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)
        assert "⏱ 6:00 left · case 1/2" in screen_text(app)
        await pilot.press(*RIGHT_DX[case.case.id], "ctrl+s", "escape")
        await settle(pilot)
        _screen(app, ExamScreen)
        await pilot.press("f")
        await settle(pilot)
        assert "Finish the exam now?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        _screen(app, ExamSummaryScreen)
        text = screen_text(app)
        assert "1/2 answered" in text
        await pilot.press("w")  # the weakest areas, one pane at a time
        await settle(pilot)
        assert "Weakest areas" in screen_text(app)


async def test_exam_shows_pack_text_as_data(frozen: FakeSteadyClock) -> None:
    app = make_app([MARKUP])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await _start_exam(pilot, "1")
        assert "Title with [/bold] and [@click=app.quit]x[/]" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        _screen(app, ExamCaseScreen)
        assert "Patient [redacted] says" in screen_text(app)
        await pilot.press("escape", "f", "y")
        await settle(pilot)
        _screen(app, ExamSummaryScreen)
        assert "Title with [/bold] and [@click=app.quit]x[/]" in screen_text(app)


async def test_exam_setup_refuses_a_bad_number_of_cases(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+u", "ctrl+s")
        await settle(pilot)
        _screen(app, ExamSetupScreen)
        assert any("how many cases" in m for m in _notes(app))
        await pilot.press(*"50", "ctrl+s")  # more than there are: all of them
        await settle(pilot)
        runner = _screen(app, ExamScreen)
        assert len(runner.session.cases) == 3
        assert any("Only 3 cases are available" in m for m in _notes(app))


async def test_nothing_opens_over_a_practice_case_by_mistake() -> None:
    """The exam keys (x, s, v) are home keys only: in a case they type letters."""
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        case = _screen(app, CaseScreen)
        await pilot.press("x", "s", "v")
        await settle(pilot)
        assert case.form.answer().diagnoses == ("xsv",)
        assert app.screen is case


async def test_quitting_mid_case_keeps_the_exam_for_later(frozen: FakeSteadyClock) -> None:
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        runner = await _start_exam(pilot, "2")
        exam_id = runner.session.id
        await pilot.press("enter")
        await settle(pilot)
        case_id = _screen(app, ExamCaseScreen).case.id
        await pilot.press(*RIGHT_DX[case_id])  # typed, not submitted
        frozen.now += 40
        typed = GivenAnswer(diagnoses=(RIGHT_DX[case_id],))
        await _wait_for(pilot, lambda: runner.session.answers.get(0) == typed, "the answer kept")
        await pilot.press("ctrl+q")
        await pilot.pause()
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await _focus_history(pilot)
        await pilot.press("enter")
        await settle(pilot)
        case = _screen(app, ExamCaseScreen)  # back on the case that was open
        assert case.runner.session.id == exam_id
        assert case.case.id == case_id
        assert case.form.answer().diagnoses == (RIGHT_DX[case_id],)
        assert "⏱ 5:20 left" in screen_text(app)  # the 40 s used were kept
