"""The course: its units in order, each with how far along the learner is; enter opens one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from codetrainer.core.curriculum.course import CoursePlan
from codetrainer.tui.course_actions import current_unit, open_step
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.course_units import CourseUnits

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["CourseScreen"]


class CourseScreen(Screen[None]):
    """Units of the course with done/total; enter opens the unit's next unsolved case."""

    CSS_PATH = "../course.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
    ]

    app: CodetrainerApp

    def __init__(self, plan: CoursePlan) -> None:
        super().__init__(id="course")
        self.plan = plan
        """The course resolved against the loaded packs."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="course-head")
        yield CourseUnits(id="course-units")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_units()
        self.query_one(CourseUnits).focus()

    def on_screen_resume(self) -> None:
        self.refresh_units()

    def refresh_units(self) -> None:
        """Redraw the progress (after a case was solved)."""
        solved = self.app.services.solved_cases
        done, total = self.plan.progress(solved)
        info = self.plan.course.course
        head = Text(end="")
        head.append(one_line(info.title), style="bold")
        head.append(f"  {done}/{total} cases solved", style="dim")
        description = one_line(info.description, 300)
        if description:
            head.append("\n")
            head.append(description)
        self.query_one("#course-head", Static).update(head)
        self.query_one(CourseUnits).show(self.plan.units, solved, current_unit(self.app))

    @on(OptionList.OptionSelected, "#course-units")
    def _unit_selected(self, event: OptionList.OptionSelected) -> None:
        unit = self.query_one(CourseUnits).highlighted_unit()
        if unit is not None:
            open_step(self.app, unit)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()

    def code_under_cursor(self) -> str | None:
        """No code is shown here."""
        return None
