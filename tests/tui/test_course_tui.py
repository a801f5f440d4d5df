"""The beginner path in the trainer: "Start here", the course's order, units with progress,
the claim on the case screen. Real bundled packs and course, a fresh progress store."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_fixtures import MINI, screen_text, settle

from codetrainer import paths
from codetrainer.core.curriculum.course import Step
from codetrainer.core.store import Store
from codetrainer.tui.app import CodetrainerApp
from codetrainer.tui.course_actions import course_state, start_label
from codetrainer.tui.screens.case import CaseScreen
from codetrainer.tui.screens.course import CourseScreen
from codetrainer.tui.screens.feedback import FeedbackScreen
from codetrainer.tui.screens.home import HomeScreen
from codetrainer.tui.widgets.course_units import CourseUnits
from codetrainer.tui.widgets.home_menu import HomeMenu

BUNDLED = paths.bundled_content_dir() / "packs"
WIDE = (100, 30)


def bundled_app(extra: tuple[Path, ...] = ()) -> CodetrainerApp:
    return CodetrainerApp([str(p) for p in extra], bundled_dir=BUNDLED, user_dir=None)


def case_screen(app: CodetrainerApp) -> CaseScreen:
    screen = app.screen
    assert isinstance(screen, CaseScreen), type(screen).__name__
    return screen


async def test_first_time_learner_starts_here_and_works_through_the_first_case() -> None:
    app = bundled_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Start here: Sore throat" in text  # the menu wraps the rest
        plan = course_state(app).plan
        assert plan is not None
        total, units = len(plan.steps), len(plan.units)
        assert start_label(app, None) == (
            f"Start here: Sore throat, rapid strep negative (unit 1 of {units})"
        )
        assert f"Course: 0/{total} done" in text
        menu = app.screen.query_one(HomeMenu)
        assert menu.highlighted_id() == "action:start"  # the greeting is where the cursor is
        await pilot.press("enter")
        await settle(pilot)
        case = case_screen(app)
        assert (case.entry.id, case.case.id) == ("outpatient-basics", "sore-throat-strep-negative")
        # the key, typed as a learner would: the diagnosis, the visit, the rapid strep test
        await pilot.press(*"J02.9", "tab", *"99213", "tab", "tab", "tab", "1")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"87880", "tab", *"QW", "tab", "tab", "1")
        await pilot.pause()
        assert case.form.answer().diagnoses == ("J02.9",)
        await pilot.press("ctrl+s")
        await settle(pilot)
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert feedback.result.score == pytest.approx(100.0), feedback.result.items
        store = Store()
        try:
            assert store.count_attempts() == 1
        finally:
            store.close()
        # "next case" follows the course: the second case of unit 1, not of the pack
        await pilot.press("n")
        await settle(pilot)
        nxt = case_screen(app)
        assert (nxt.entry.id, nxt.case.id) == ("outpatient-basics", "htn-routine-follow-up")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Start here" not in text  # no longer a first-time learner
        assert f"Course: 1/{total} done · unit 1: 1/5" in text


async def test_next_unsolved_follows_the_course_and_units_show_progress() -> None:
    app = bundled_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        plan = course_state(app).plan
        assert plan is not None
        await pilot.press("n")
        await settle(pilot)
        first = case_screen(app)
        assert Step(first.entry.id, first.case.id) == plan.steps[0]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CourseScreen)
        text = screen_text(app)
        assert "Week 1: one visit, one diagnosis  0/5 done" in text
        assert "you are here" in text
        units = app.screen.query_one(CourseUnits)
        assert [u.number for u in units.units] == list(range(1, len(plan.units) + 1))
        assert units.highlighted_unit() is plan.units[0]
        await pilot.press("down")  # the next unit, then open its first unsolved case
        await pilot.press("enter")
        await settle(pilot)
        opened = case_screen(app)
        assert Step(opened.entry.id, opened.case.id) == plan.units[1].steps[0]


async def test_packs_outside_the_course_work_as_before() -> None:
    app = bundled_app((MINI,))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        mini = next(i for i, e in enumerate(app.packs) if e.id == "tui-mini")
        home.selected = mini
        await pilot.press("n")
        await settle(pilot)
        case = case_screen(app)
        assert (case.entry.id, case.case.id) == ("tui-mini", "sore-throat")


async def test_without_course_packs_nothing_changes_on_home() -> None:
    app = CodetrainerApp([str(MINI)], bundled_dir=None, user_dir=None)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Start here" not in text and "Course:" not in text
        assert course_state(app).plan is None


async def test_case_screen_says_whose_claim_and_that_pcs_is_out_of_scope() -> None:
    app = bundled_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        entry = next(e for e in app.packs if e.id == "inpatient-and-exam")
        assert entry.pack is not None
        facility = entry.pack.case("probable-pneumonia-discharge")
        professional = entry.pack.case("septic-shock-aspiration-exam")
        assert facility is not None and professional is not None
        app.open_case(entry, facility)
        await settle(pilot)
        flat = " ".join(screen_text(app).split())
        assert "Hospital claim (facility, inpatient)" in flat
        assert "The hospital reports inpatient procedures in ICD-10-PCS" in flat
        assert "code the diagnoses only" in flat
        await pilot.press("escape")
        await settle(pilot)
        app.open_case(entry, professional)
        await settle(pilot)
        flat = " ".join(screen_text(app).split())
        assert "Professional claim (CMS-1500)" in flat
        assert "ICD-10-PCS" not in flat


def test_feedback_text_marks_optional_items() -> None:
    """The optional code left out is '○ optional', not '− missing', in the items and tally."""
    from codetrainer.core.answer import GivenAnswer, GivenLine
    from codetrainer.core.grading import grade_case
    from codetrainer.core.models import Case
    from codetrainer.tui.screens.feedback import expected_text, score_text
    from codetrainer.tui.widgets.result_list import item_text

    case = Case.model_validate(
        {
            "id": "fall",
            "title": "Fall",
            "note": "Fell at home.",
            "answer": {
                "diagnoses": [
                    {"code": "S52.521A"},
                    {"code": "W10.9XXA"},
                    {"code": "Y92.009", "optional": "true", "why": "Place."},
                ],
                "lines": [{"code": "A4253", "optional": "true"}, {"code": "99283"}],
            },
        }
    )
    given = GivenAnswer(("S52.521A", "W10.9XXA"), (GivenLine("99283"),))
    result = grade_case(case, given)
    tally = score_text(result, None).plain
    assert "○ 2 optional" in tally and "missing" not in tally
    place = next(i for i in result.items if i.expected == "Y92.009")
    assert item_text(place).plain.startswith("○ optional Diagnosis  0/0 pts")
    key = expected_text(case, {}).plain
    assert " C Y92.009  (optional)" in key
    assert "A4253  (optional)" in key


async def test_a_first_start_shows_the_course_pack_until_the_learner_picks_another() -> None:
    app = bundled_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        first_on_disk = next(e for e in app.packs if e.ok)
        assert first_on_disk.id != "outpatient-basics"  # else this test shows nothing
        assert home.selected is not None
        assert app.packs[home.selected].id == "outpatient-basics"  # where unit 1 is
        assert "Sore throat, rapid strep negative" in screen_text(app)
        assert home.chosen is False
        # the learner moves to another pack: it stays on show after a redraw
        menu = home.query_one(HomeMenu)
        target = app.packs.index(first_on_disk)
        menu.highlighted = menu.get_option_index(f"pack:{target}")
        await settle(pilot)
        assert home.selected == target and home.chosen is True
        home.refresh_all()
        await settle(pilot)
        assert home.selected == target
