"""Exam mode: N cases under a timer, no hints and no feedback until the end.

Three screens, all driven by :class:`codetrainer.core.exam.ExamSession` (the TUI keeps no
exam logic of its own):

* :class:`ExamSetupScreen`: how many cases (default 20), how long, from which packs, an
  optional seed; resume an unfinished exam; open the results of a past one.
* :class:`ExamScreen`: the exam itself. An overview of the cases (answered or not) with
  the timer; enter opens a case in an :class:`ExamCaseScreen`, which is the normal case
  screen without hints or grading: ctrl+s keeps the answer and moves on, alt+left and
  alt+right step between cases, escape goes back to the overview. ``f`` finishes; when
  the time is up the exam finishes by itself.
* The results: :class:`~codetrainer.tui.screens.exam_summary.ExamSummaryScreen`.

Every answer is a draft in the session until the end; the session (cases, drafts, time
used) is saved in the store after each answer, so an exam left or interrupted can be
resumed. At the end every case is graded and saved as an attempt (``mode="exam"``, with
the exam id) by :func:`codetrainer.core.exam.record_exam`, before the results appear.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.exam import (
    DEFAULT_EXAM_CASES,
    DEFAULT_SECONDS_PER_CASE,
    ExamCase,
    ExamError,
    ExamSession,
    exam_pool,
    exam_summary,
    record_exam,
)
from codetrainer.tui.progress_actions import sync_review
from codetrainer.tui.progress_clock import CLOCK, format_duration
from codetrainer.tui.screens.case import CaseDraft, CaseScreen
from codetrainer.tui.screens.exam_summary import hanging_row
from codetrainer.tui.text import one_line, problem_text
from codetrainer.tui.widgets.case_list import level_text
from codetrainer.tui.widgets.exam_timer import ExamTimer
from codetrainer.tui.widgets.state_checkbox import StateCheckbox

if TYPE_CHECKING:
    from codetrainer.core.grading import CaseResult
    from codetrainer.core.models import Case
    from codetrainer.core.store import ExamRecord
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = [
    "ConfirmScreen",
    "ExamCaseScreen",
    "ExamScreen",
    "ExamSetupScreen",
    "exam_case_text",
    "record_label",
]

_MAX_HISTORY = 30


def _when(stamp: str) -> str:
    """A stored UTC timestamp as ``2026-03-02 09:00`` in the clock's zone."""
    from codetrainer.core.store import parse_utc

    try:
        return parse_utc(stamp).astimezone(CLOCK.tz).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return one_line(stamp, 20)


def record_label(record: ExamRecord, score: float | None = None) -> Text:
    """One line about a saved exam: when, how many cases, the score or what is left."""
    state = record.state
    cases = len(state.get("cases", []))
    answered = len(state.get("answers", {}))
    text = Text(end="")
    if record.finished_at is None:
        text.append("▶ Resume ", style="bold")
        text.append(f"{_when(record.started_at)} · {answered}/{cases} answered")
        limit = state.get("time_limit")
        if limit is not None:
            left = max(0.0, float(limit) - float(state.get("elapsed", 0.0)))
            text.append(f" · {format_duration(left)} left")
    else:
        text.append(f"{_when(record.started_at)} · {cases} case{'s' if cases != 1 else ''}")
        if score is not None:
            pass_mark = float(state.get("pass_mark", 70.0))
            verdict = "passed" if score >= pass_mark else "not passed"
            text.append(f" · {score:.0f}/100 {verdict}", style="bold")
    return text


def exam_case_text(session: ExamSession, index: int) -> Table:
    """An overview row: answered mark; number and title, then the state in words."""
    item = session.cases[index]
    answered = index in session.answers
    text = Text(end="")
    text.append(f"{index + 1:>2}. ", style="dim")
    text.append(one_line(item.case.title), style="" if answered else "bold")
    text.append("\n")
    text.append("answered" if answered else "no answer yet", style="dim italic")
    seconds = session.seconds[index] if index < len(session.seconds) else 0.0
    if seconds >= 1:
        text.append(f" · {format_duration(seconds)}", style="dim")
    return hanging_row(Text("✓" if answered else "·", style="bold"), text)


# ---------------------------------------------------------------------------------------
# confirm


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y or enter says yes, n or escape says no."""

    CSS_PATH = "../progress.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="confirm-screen")
        self.question = question
        """The question (our own words, plain text)."""
        self.yes = yes
        """The label of the yes button."""
        self.no = no
        """The label of the no button."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body"):
            yield Static(Text(self.question, end=""), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="primary", compact=True)
                yield Button(f"{self.no} (n)", id="confirm-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-yes").focus()

    def action_answer(self, value: bool) -> None:
        """Close with the answer."""
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


# ---------------------------------------------------------------------------------------
# set-up


class ExamSetupScreen(Screen[None]):
    """Choose the exam (cases, minutes, packs, seed), resume one, or see past results."""

    CSS_PATH = "../progress.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "start", "Start exam", priority=True),
    ]

    app: CodetrainerApp

    def __init__(self, entry: PackEntry | None = None) -> None:
        super().__init__(id="exam-setup", classes="progress-screen")
        self.entry = entry
        """The pack highlighted on the home screen (offered as "only this pack")."""
        self._records: dict[str, ExamRecord] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="exam-setup-body", classes="progress-pane"):
            yield Static(
                Text(
                    "No hints and no feedback until you finish; you may go back to "
                    "earlier cases before that. The clock stops while the exam is closed.",
                    end="",
                ),
                id="exam-setup-intro",
            )
            with Horizontal(classes="exam-field"):
                yield Label("Cases", classes="exam-field-label")
                yield Input(
                    str(DEFAULT_EXAM_CASES),
                    type="integer",
                    id="exam-n",
                    classes="exam-input",
                    compact=True,
                    select_on_focus=True,
                )
                yield Static(id="exam-pool-size", classes="exam-field-note")
            with Horizontal(classes="exam-field"):
                yield Label("Minutes", classes="exam-field-label")
                yield Input(type="integer", id="exam-minutes", classes="exam-input", compact=True)
                yield Static("0: untimed", classes="exam-field-note")
            with Horizontal(classes="exam-field"):
                yield Label("Seed", classes="exam-field-label")
                yield Input(
                    id="exam-seed",
                    classes="exam-input",
                    compact=True,
                    placeholder="random",
                    max_length=40,
                )
                yield Static("same seed, same cases", classes="exam-field-note")
            if self.entry is not None:
                yield StateCheckbox(f"Only {one_line(self.entry.title, 50)}", id="exam-only-pack")
            yield Button("Start exam (ctrl+s)", id="exam-start", variant="primary", compact=True)
            yield Static(id="exam-history-title", classes="stats-title")
            yield OptionList(id="exam-history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#exam-setup-body").border_title = "Exam"
        self._update_pool()
        self._load_history()
        self.query_one("#exam-n", Input).focus()

    def on_screen_resume(self) -> None:
        self._load_history()

    # -- pool and settings ------------------------------------------------------------

    def _only_pack(self) -> bool:
        try:
            return bool(self.query_one("#exam-only-pack", Checkbox).value)
        except Exception:
            return False

    def pool(self) -> list[ExamCase]:
        """The cases an exam would be drawn from now."""
        if self._only_pack() and self.entry is not None and self.entry.pack is not None:
            return exam_pool([self.entry.pack])
        return exam_pool([e.pack for e in self.app.packs if e.pack is not None])

    def _n(self) -> int | None:
        raw = self.query_one("#exam-n", Input).value.strip()
        try:
            n = int(raw)
        except ValueError:
            return None
        return n if n >= 1 else None

    def _update_pool(self) -> None:
        size = len(self.pool())
        n = self._n()
        note = Text(f"of {size} available", end="")
        self.query_one("#exam-pool-size", Static).update(note)
        cases = min(n, size) if n is not None else min(DEFAULT_EXAM_CASES, size)
        minutes = round(DEFAULT_SECONDS_PER_CASE * max(1, cases) / 60)
        self.query_one("#exam-minutes", Input).placeholder = str(minutes)

    @on(Input.Changed, "#exam-n")
    def _n_changed(self) -> None:
        self._update_pool()

    @on(Checkbox.Changed)
    def _only_changed(self) -> None:
        self._update_pool()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#exam-start")
    def _start_pressed(self) -> None:
        self.action_start()

    # -- history ----------------------------------------------------------------------

    def _load_history(self) -> None:
        history = self.query_one("#exam-history", OptionList)
        title = self.query_one("#exam-history-title", Static)
        history.clear_options()
        self._records = {}
        store = self.app.services.store()
        records: list[ExamRecord] = []
        if store is not None:
            try:
                records = store.exams()
            except Exception as exc:
                self.notify(
                    f"Past exams cannot be read: {problem_text(exc)}",
                    severity="warning",
                    markup=False,
                )
        unfinished = [r for r in records if r.finished_at is None]
        finished = [r for r in records if r.finished_at is not None][::-1][:_MAX_HISTORY]
        options: list[Option] = []
        for record in unfinished[::-1]:
            self._records[record.id] = record
            options.append(Option(record_label(record), id=f"exam:{record.id}"))
        for record in finished:
            self._records[record.id] = record
            score = None
            if store is not None:
                try:
                    score = exam_summary(record, store.attempts(exam_id=record.id)).score
                except Exception:
                    score = None
            options.append(Option(record_label(record, score), id=f"exam:{record.id}"))
        history.add_options(options)
        if options:
            history.highlighted = 0
        shown = bool(options)
        title.display = history.display = shown
        if shown:
            title.update(Text("Unfinished and past exams (enter opens)", end=""))

    @on(OptionList.OptionSelected, "#exam-history")
    def _history_selected(self, event: OptionList.OptionSelected) -> None:
        exam_id = (event.option.id or "").removeprefix("exam:")
        record = self._records.get(exam_id)
        if record is None:
            return
        if record.finished_at is None:
            self.resume(record)
        else:
            self.show_results(record)

    def show_results(self, record: ExamRecord) -> None:
        """Open the summary of a finished exam."""
        from codetrainer.tui.screens.exam_summary import ExamSummaryScreen

        store = self.app.services.store()
        if store is None:
            return
        attempts = store.attempts(exam_id=record.id)
        summary = exam_summary(record, attempts)
        self.app.push_screen(ExamSummaryScreen(summary, attempts))

    def resume(self, record: ExamRecord) -> None:
        """Carry on with an unfinished exam (its clock starts again)."""
        pool = exam_pool([e.pack for e in self.app.packs if e.pack is not None])
        try:
            session = ExamSession.from_record(record, pool)
        except ExamError as exc:
            self.notify(problem_text(exc), title="Cannot resume", severity="warning", markup=False)
            return
        self.app.switch_screen(ExamScreen(session))

    # -- start ------------------------------------------------------------------------

    def action_start(self) -> None:
        """Draw the cases and start the clock."""
        n = self._n()
        if n is None:
            self.notify("Type how many cases (1 or more).", severity="warning")
            self.query_one("#exam-n", Input).focus()
            return
        raw_minutes = self.query_one("#exam-minutes", Input).value.strip()
        time_limit: float | Literal["default"] | None = "default"  # a fixed time per case
        if raw_minutes:
            try:
                minutes = int(raw_minutes)
            except ValueError:
                self.notify("Minutes must be a whole number.", severity="warning")
                return
            time_limit = None if minutes <= 0 else minutes * 60.0
        seed = self.query_one("#exam-seed", Input).value.strip() or None
        try:
            session = ExamSession.new(self.pool(), n=n, seed=seed, time_limit=time_limit)
        except ExamError as exc:
            self.notify(problem_text(exc), title="Cannot start", severity="warning", markup=False)
            return
        if len(session.cases) < n:
            self.notify(f"Only {len(session.cases)} cases are available; the exam has them all.")
        self.app.switch_screen(ExamScreen(session))

    def action_back(self) -> None:
        """Back home."""
        self.dismiss()


# ---------------------------------------------------------------------------------------
# the exam


class ExamScreen(Screen[None]):
    """The running exam: the timer and the cases; open one, finish when ready."""

    CSS_PATH = "../progress.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "finish", "Finish exam"),
        Binding("escape", "leave", "Pause and leave"),
    ]

    app: CodetrainerApp

    def __init__(self, session: ExamSession) -> None:
        super().__init__(id="exam", classes="progress-screen")
        self.session = session
        """The exam (cases, drafts, clock)."""
        self.finishing = False
        """True once the exam is being graded (the clock is stopped)."""
        self.results: dict[int, CaseResult] = {}
        """Grades by case index, filled while finishing."""
        self._save_problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield ExamTimer(self.session, id="exam-timer")
        yield Static(id="exam-status")
        yield OptionList(id="exam-cases", classes="progress-pane", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#exam-cases").border_title = "Exam: enter opens a case"
        self.session.start(CLOCK.monotonic())
        self.save()
        self.refresh_cases()
        self.query_one("#exam-cases").focus()
        self.set_interval(0.5, self.tick, name="exam-tick")
        if self.session.current is not None:  # resumed on the case it was left at
            self.call_after_refresh(self.open_case, self.session.current)

    def on_screen_resume(self) -> None:
        if not self.finishing and self.session.finished_at is None:
            self.session.close_case(CLOCK.monotonic())
            self.refresh_cases()

    def on_unmount(self) -> None:
        session = self.session
        if session.finished_at is None:
            session.pause(CLOCK.monotonic())
            self.save()

    # -- state ------------------------------------------------------------------------

    def save(self) -> None:
        """Keep the session (drafts, time) in the store so it can be resumed."""
        if self.session.finished_at is not None:
            return
        store = self.app.services.store()
        if store is None:
            return
        try:
            store.save_exam(self.session.to_record(CLOCK.monotonic()))
        except Exception as exc:
            problem = problem_text(exc)
            if problem != self._save_problem:
                self.notify(f"Exam progress not saved: {problem}", severity="warning", markup=False)
            self._save_problem = problem
        else:
            self._save_problem = None

    def keep_answer(self, index: int, answer: GivenAnswer) -> None:
        """Keep a draft answer for case ``index`` (an empty one clears it)."""
        if self.session.finished_at is not None or self.finishing:
            return
        self.session.save_answer(index, answer)

    def refresh_cases(self) -> None:
        """Redraw the overview."""
        cases = self.query_one("#exam-cases", OptionList)
        keep = cases.highlighted
        cases.clear_options()
        cases.add_options(
            [
                Option(exam_case_text(self.session, i), id=f"case:{i}")
                for i in range(len(self.session.cases))
            ]
        )
        if cases.option_count:
            cases.highlighted = min(keep or 0, cases.option_count - 1)
        status = Text(end="")
        unanswered = len(self.session.cases) - self.session.answered
        status.append(f"{self.session.answered} of {len(self.session.cases)} answered")
        if unanswered:
            status.append(f" · {unanswered} to go")
        status.append(" · f finishes", style="dim")
        self.query_one("#exam-status", Static).update(status)

    def entry_for(self, item: ExamCase) -> PackEntry | None:
        """The loaded pack of an exam case."""
        for entry in self.app.packs:
            if entry.id == item.pack_id and entry.pack is not None:
                return entry
        return None

    # -- moving between cases -----------------------------------------------------------

    @on(OptionList.OptionSelected, "#exam-cases")
    def _case_selected(self, event: OptionList.OptionSelected) -> None:
        index = int((event.option.id or "case:0").split(":", 1)[1])
        self.open_case(index)

    def _case_screen(self, index: int) -> ExamCaseScreen | None:
        item = self.session.cases[index]
        entry = self.entry_for(item)
        if entry is None:
            self.notify("This case's pack is no longer loaded.", severity="warning")
            return None
        self.session.open_case(index, CLOCK.monotonic())
        return ExamCaseScreen(self, index, entry, item.case)

    def open_case(self, index: int) -> None:
        """Show case ``index`` over the overview."""
        if self.finishing or not 0 <= index < len(self.session.cases):
            return
        self.query_one("#exam-cases", OptionList).highlighted = index
        screen = self._case_screen(index)
        if screen is not None:
            self.app.push_screen(screen)

    def step(self, current: ExamCaseScreen, index: int) -> None:
        """From the case on show to case ``index`` (its answer is already kept)."""
        if self.finishing:
            return
        self.save()
        if not 0 <= index < len(self.session.cases):
            self.back_to_overview(current)
            if index >= len(self.session.cases):
                self.notify(
                    "That was the last case. Check your answers, then finish with f.",
                    title="Exam",
                )
            return
        screen = self._case_screen(index)
        if screen is not None:
            self.query_one("#exam-cases", OptionList).highlighted = index
            self.app.switch_screen(screen)

    def back_to_overview(self, current: ExamCaseScreen) -> None:
        """Close the case on show."""
        self.save()
        if current.is_current:
            current.dismiss()

    # -- the clock ------------------------------------------------------------------------

    def tick(self) -> None:
        """Keep open answers; when the time is up, finish the exam (twice a second)."""
        if self.finishing or self.session.finished_at is not None:
            return
        # keep what is typed in an open case, so quitting the app loses nothing
        self._collect_open_answers()
        if self.session.expired(CLOCK.monotonic()):
            self.notify("Time is up: your answers are being graded.", title="Exam")
            self.finish()

    # -- finishing --------------------------------------------------------------------------

    def action_finish(self) -> None:
        """Finish now (asks first when some cases have no answer)."""
        if self.finishing:
            return
        missing = len(self.session.cases) - self.session.answered
        if not missing:
            self.finish()
            return
        question = (
            f"{missing} case{'s have' if missing != 1 else ' has'} no answer "
            f"(scored 0). Finish the exam now?"
        )

        def _answer(yes: bool | None) -> None:
            if yes:
                self.finish()

        self.app.push_screen(ConfirmScreen(question, "Finish", "Keep going"), callback=_answer)

    def _collect_open_answers(self) -> None:
        """Keep the answer of any case screen still open above the overview."""
        for screen in self.app.screen_stack:
            if isinstance(screen, ExamCaseScreen) and screen.runner is self:
                with suppress(Exception):  # a screen being taken down has no form left
                    self.keep_answer(screen.index, screen.form.answer())

    def _close_screens_above(self) -> None:
        stack = self.app.screen_stack
        if self not in stack:
            return
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def finish(self) -> None:
        """Stop the clock, grade every case, save the attempts, show the results."""
        if self.finishing:
            return
        self._collect_open_answers()
        self.finishing = True
        self._close_screens_above()
        self.query_one("#exam-status", Static).update(Text("Grading your answers…", style="bold"))
        self._grade_all()

    @work(exclusive=True, group="exam-finish", exit_on_error=False)
    async def _grade_all(self) -> None:
        services = self.app.services
        results: dict[int, CaseResult] = {}
        index_of = {(c.pack_id, c.case.id): i for i, c in enumerate(self.session.cases)}
        packs = {c.case.id: c.pack_id for c in self.session.cases}

        def grade(case: Case, answer: GivenAnswer) -> CaseResult:
            result = services.grade(case, answer)
            results[index_of[(packs[case.id], case.id)]] = result
            return result

        now = CLOCK.monotonic()
        try:
            outcome = await asyncio.to_thread(self.session.finish, now, grade)
        except Exception as exc:
            self.finishing = False
            if self.session.finished_at is None:
                self.session.start(CLOCK.monotonic())
            self.refresh_cases()
            self.notify(f"The exam could not be graded: {exc}", severity="error", markup=False)
            return
        self.results = results
        saved_error: str | None = None
        store = services.store()
        if store is None:
            saved_error = services.problems.get("store", "no progress store")
        else:
            try:
                outcome = record_exam(store, outcome)
            except Exception as exc:
                saved_error = problem_text(exc)
        if saved_error is None:
            sync_review(self.app)
        from codetrainer.tui.screens.exam_summary import ExamSummaryScreen

        summary_screen = ExamSummaryScreen(
            outcome.summary, outcome.attempts, results=results, saved_error=saved_error
        )
        # Not awaited: switching removes this screen, which waits for this very worker.
        if self.app.screen is self:
            self.app.switch_screen(summary_screen)
        else:  # something was opened over the exam meanwhile: put the results on top
            self.app.push_screen(summary_screen)

    def action_leave(self) -> None:
        """Pause the exam and go back (resume it from Exam on the home screen)."""
        if self.finishing:
            return
        self.notify("Exam paused: resume it from Exam on the home screen.", title="Exam")
        self.dismiss()


# ---------------------------------------------------------------------------------------
# one case of the exam


class ExamCaseScreen(CaseScreen):
    """The case screen in exam mode: no hints, no grading; ctrl+s keeps and moves on."""

    CSS_PATH = "../progress.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save & next", priority=True),
        Binding("ctrl+g", "hint", "Hint (none in an exam)", priority=True, show=False),
        Binding("alt+right", "step(1)", "Next case", priority=True),
        Binding("alt+left", "step(-1)", "Previous case", priority=True),
        Binding("escape", "back", "Overview"),
    ]

    def __init__(self, runner: ExamScreen, index: int, entry: PackEntry, case: Case) -> None:
        answer = runner.session.answers.get(index) or GivenAnswer()
        super().__init__(entry, case, CaseDraft(answer), mode="exam")
        self.add_class("exam-case-screen")
        self.runner = runner
        """The exam this case belongs to."""
        self.index = index
        """The case's place in the exam."""
        self._practice_draft: CaseDraft | None = runner.app.drafts.get((entry.id, case.id))

    def on_mount(self) -> None:
        # CaseScreen.on_mount runs as well (Textual calls the handler of every class).
        timer = ExamTimer(self.runner.session, index=self.index, id="exam-case-timer")
        self.mount(timer, before="#case-title")
        with suppress(Exception):  # the form may name its button differently one day
            self.query_one("#submit", Button).label = "Save and next (ctrl+s)"

    def _title_text(self) -> Text:
        case = self.case
        text = Text(end="")
        text.append(one_line(case.title), style="bold")
        text.append("\n")
        text.append(
            f"exam case {self.index + 1} of {len(self.runner.session.cases)} · "
            f"{level_text(case.difficulty)} · {case.setting} · no hints",
            style="dim",
        )
        return text

    def draft(self) -> CaseDraft:
        """Keeps the exam answer in the session; hands back the *practice* draft.

        The app calls this when it leaves the screen (e.g. "Home" from the palette): the
        exam answer must not become a practice draft, and a practice draft the learner
        had before the exam stays as it was.
        """
        self._keep()
        return self._practice_draft or CaseDraft(GivenAnswer())

    def _keep(self) -> None:
        self.runner.keep_answer(self.index, self.form.answer())

    def action_hint(self) -> None:
        """Hints are off in an exam."""
        self.notify("No hints during an exam.")

    def action_submit(self) -> None:
        """Keep the answer (no grading, no feedback) and go to the next case."""
        problems = self.form.problems()
        if problems:
            self.notify("; ".join(problems), title="Not kept", severity="warning", markup=False)
            return
        self._keep()
        self.runner.step(self, self.index + 1)

    def action_step(self, delta: int) -> None:
        """Keep the answer and go to the previous or next case."""
        self._keep()
        target = self.index + delta
        if target < 0:
            self.app.bell()
            return
        self.runner.step(self, target)

    def action_back(self) -> None:
        """Leave the lookup, or keep the answer and go back to the overview."""
        focused = self.focused
        if focused is not None and self.lookup in focused.ancestors_with_self:
            if self.target is not None and self.target.is_attached:
                self.target.focus()
            else:
                self.form.focus()
            return
        self._keep()
        self.runner.back_to_overview(self)

    def _after_feedback(self, choice: Any) -> None:
        # Never reached (nothing is graded in an exam case); back to the overview if it were.
        self.dismiss()
