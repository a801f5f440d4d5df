"""The results of an exam: score, pass or not, per-case scores, the weakest areas.

Built from a :class:`codetrainer.core.exam.ExamSummary` (just finished, or read back from
the store for a past exam) and the exam's attempts. Enter on a case opens the normal
feedback screen for it (the grade kept from the end of the exam, or graded again from
the saved answer for a past exam). Pack text is drawn as data, never as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.exam import ExamCaseResult, ExamSummary
from codetrainer.core.store import SOLVED_SCORE
from codetrainer.tui.progress_actions import find_case
from codetrainer.tui.progress_clock import format_duration
from codetrainer.tui.screens.stats import SYSTEM_NAMES, append_weak_area, kind_label
from codetrainer.tui.text import one_line, problem_text
from codetrainer.tui.widgets.charts import BarChart, BarRow

if TYPE_CHECKING:
    from codetrainer.core.grading import CaseResult
    from codetrainer.core.store import Attempt
    from codetrainer.tui.app import CodetrainerApp

__all__ = [
    "ExamSummaryScreen",
    "hanging_row",
    "result_row",
    "result_text",
    "score_mark",
    "summary_text",
    "weakest_text",
]


def score_mark(result: ExamCaseResult) -> tuple[str, str]:
    """(symbol, word) for a case's score: never a colour alone."""
    if not result.answered:
        return ("−", "no answer")
    if result.score >= SOLVED_SCORE:
        return ("✓", "right")
    if result.score >= 50:
        return ("~", "partly")
    return ("✗", "wrong")


def summary_text(summary: ExamSummary, saved_error: str | None = None) -> Text:
    """Two lines: the score and the verdict; answered, time used and whether it was saved."""
    text = Text(end="")
    text.append(f"Exam {summary.score:.0f}/100", style="bold")
    if summary.passed:
        text.append(" · ✓ passed", style="bold")
    else:
        text.append(" · ✗ not passed", style="bold")
    text.append(f" (pass {summary.pass_mark:.0f})")
    text.append("\n")
    text.append(f"{summary.answered}/{summary.cases} answered")
    text.append(f" · {format_duration(summary.elapsed_seconds)}")
    if summary.time_limit is not None:
        text.append(f" of {format_duration(summary.time_limit)}")
    if summary.over_time:
        text.append(" · time up", style="bold")
    if saved_error is None:
        text.append(" · saved", style="dim")
    else:
        text.append(" · not saved: ", style="bold")
        text.append(one_line(problem_text(saved_error), 120))
    return text


def hanging_row(gutter: Text, body: Text) -> Table:
    """``gutter`` in a fixed column, ``body`` beside it; wrapped lines stay indented."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=max(1, gutter.cell_len), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(gutter, body)
    return grid


def result_text(result: ExamCaseResult) -> Text:
    """A case's number and title; then its mark in words, time and mistakes."""
    _symbol, word = score_mark(result)
    text = Text(end="")
    text.append(f"{result.index + 1:>2}. ", style="dim")
    text.append(one_line(result.title))
    text.append("\n")
    details = [word, format_duration(result.seconds)]
    kinds = list(dict.fromkeys(result.kinds))
    if kinds:
        details.append(", ".join(kind_label(k) for k in kinds[:4]))
    text.append(" · ".join(details), style="dim")
    return text


def result_row(result: ExamCaseResult) -> Table:
    """A case row for the list: mark and score on the left, :func:`result_text` beside."""
    symbol, _word = score_mark(result)
    return hanging_row(Text(f"{symbol} {result.score:>3.0f}", style="bold"), result_text(result))


def weakest_text(summary: ExamSummary) -> Text:
    """What to work on next, from the exam's attempts."""
    text = Text(end="")
    text.append("Weakest areas", style="bold underline")
    if not summary.weakest:
        text.append("\nNothing stands out: well done.")
    for area in summary.weakest:
        text.append("\n• ")
        append_weak_area(text, area)
    return text


class ExamSummaryScreen(Screen[None]):
    """The exam's results; enter on a case shows its feedback."""

    CSS_PATH = "../progress.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Done"),
        Binding("w", "toggle_weakest", "Cases/weakest"),
    ]

    app: CodetrainerApp

    def __init__(
        self,
        summary: ExamSummary,
        attempts: Sequence[Attempt] = (),
        *,
        results: Mapping[int, CaseResult] | None = None,
        saved_error: str | None = None,
    ) -> None:
        super().__init__(id="exam-summary", classes="progress-screen")
        self.summary = summary
        """The results on show."""
        self.attempts = tuple(attempts)
        """The exam's attempts (the answers given)."""
        self.results: dict[int, CaseResult] = dict(results or {})
        """Grades by case index (filled on demand for a past exam)."""
        self.saved_error = saved_error
        """Why the exam was not saved (None when it was)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(summary_text(self.summary, self.saved_error), id="exam-score")
        with Horizontal(id="exam-summary-body"):
            yield OptionList(id="exam-results", classes="progress-pane", markup=False)
            with VerticalScroll(id="exam-weak", classes="progress-pane", can_focus=True):
                yield Static(weakest_text(self.summary), id="exam-weak-text")
                yield Static("By code system", classes="stats-subtitle")
                yield BarChart(
                    [
                        BarRow(
                            SYSTEM_NAMES.get(g.key, g.key),
                            g.accuracy,
                            f"{g.accuracy:.0f}%",
                            f"{g.earned:.4g}/{g.possible:.4g} pts",
                        )
                        for g in self.summary.by_system
                    ],
                    id="exam-systems",
                    empty="No codes graded.",
                )
                if self.summary.by_tag:
                    yield Static("By tag", classes="stats-subtitle")
                    yield BarChart(
                        [
                            BarRow(g.key, g.accuracy, f"{g.accuracy:.0f}%")
                            for g in self.summary.by_tag
                        ],
                        id="exam-tags",
                    )
                yield Static(
                    Text(
                        f"Seed {one_line(self.summary.seed, 40)}: the same seed gives the "
                        "same cases.",
                        end="",
                    ),
                    id="exam-seed-note",
                    classes="stats-caption",
                )
        yield Footer()

    def on_mount(self) -> None:
        results = self.query_one("#exam-results", OptionList)
        results.border_title = "Cases · enter shows feedback"
        self.query_one("#exam-weak").border_title = "To work on"
        results.add_options(
            [Option(result_row(r), id=f"result:{r.index}") for r in self.summary.results]
        )
        if results.option_count:
            results.highlighted = 0
        results.focus()

    # -- feedback per case ------------------------------------------------------------------

    def _attempt(self, result: ExamCaseResult) -> Attempt | None:
        for attempt in self.attempts:
            if (attempt.pack_id, attempt.case_id) == (result.pack_id, result.case_id):
                return attempt
        return None

    @on(OptionList.OptionSelected, "#exam-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open_feedback(int((event.option.id or "result:0").split(":", 1)[1]))

    def open_feedback(self, index: int) -> None:
        """Show the feedback screen for case ``index`` of the exam."""
        if not 0 <= index < len(self.summary.results):
            return
        result = self.summary.results[index]
        found = find_case(self.app, result.pack_id, result.case_id)
        if found is None:
            self.notify("This case is no longer loaded.", severity="warning")
            return
        self._show_feedback(index)

    @work(exclusive=True, group="exam-feedback", exit_on_error=False)
    async def _show_feedback(self, index: int) -> None:
        result = self.summary.results[index]
        found = find_case(self.app, result.pack_id, result.case_id)
        if found is None:
            return
        entry, case = found
        attempt = self._attempt(result)
        answer = GivenAnswer.from_dict(attempt.answer) if attempt is not None else GivenAnswer()
        graded = self.results.get(index)
        if graded is None:
            try:
                graded = await asyncio.to_thread(self.app.services.grade, case, answer)
            except Exception as exc:
                self.notify(
                    f"Could not grade this case: {problem_text(exc)}",
                    severity="error",
                    markup=False,
                )
                return
            self.results[index] = graded
        from codetrainer.tui.screens.feedback import FeedbackScreen

        def _after(choice: object) -> None:
            self.query_one("#exam-results", OptionList).highlighted = index
            if choice == "next" and index + 1 < len(self.summary.results):
                self.query_one("#exam-results", OptionList).highlighted = index + 1
                self.open_feedback(index + 1)

        await self.app.push_screen(
            FeedbackScreen(entry, case, answer, graded, saved_error=self.saved_error),
            callback=_after,
        )

    # -- actions ----------------------------------------------------------------------

    def action_close(self) -> None:
        """Back to where the exam was started from."""
        self.dismiss()

    def action_toggle_weakest(self) -> None:
        """Show the weakest areas (narrow windows show one pane at a time)."""
        self.toggle_class("-weakest")
        if self.has_class("-weakest"):
            self.query_one("#exam-weak").focus()
        else:
            self.query_one("#exam-results").focus()
