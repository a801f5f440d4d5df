"""Feedback: the score and its breakdown, per-item verdicts, the expected answer, the evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.codes import try_normalize
from codetrainer.core.models import Case
from codetrainer.tui.library import PackEntry
from codetrainer.tui.text import one_line, problem_text
from codetrainer.tui.widgets.diagnosis_row import LETTERS
from codetrainer.tui.widgets.note_view import NoteView
from codetrainer.tui.widgets.result_list import (
    FIELD_NAMES,
    OPTIONAL_LEFT_OUT,
    VERDICTS,
    ResultList,
    points,
    verdict_look,
)

if TYPE_CHECKING:
    from codetrainer.core.grading import CaseResult
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["FeedbackChoice", "FeedbackScreen", "evidence_phrases", "expected_text"]

FeedbackChoice = Literal["retry", "next", "home"]


def evidence_phrases(case: Case) -> list[str]:
    """Every evidence phrase of the key, diagnoses first."""
    out: list[str] = []
    for dx in case.answer.diagnoses:
        out.extend(dx.evidence)
    for line in case.answer.lines:
        out.extend(line.evidence)
    return out


def expected_text(case: Case, describe: dict[str, str]) -> Text:
    """The answer key as a claim: lettered diagnoses, numbered lines, the query if any."""
    key = case.answer
    text = Text(end="")
    text.append("Expected answer\n", style="bold underline")
    if key.diagnoses:
        text.append("Diagnoses\n", style="bold")
        for i, dx in enumerate(key.diagnoses):
            text.append(f" {LETTERS[i]} ", style="bold")
            text.append(f"{dx.code:<9}", style="bold")
            if dx.optional:
                text.append("(optional) ", style="italic")
            text.append(one_line(describe.get(dx.code, "")))
            if dx.also_accept:
                text.append(f" (also accepted: {', '.join(dx.also_accept)})", style="dim")
            text.append("\n")
    if key.lines:
        text.append("Service lines\n", style="bold")
        for n, line in enumerate(key.lines, 1):
            text.append(f" {n:>2} ", style="bold")
            text.append(f"{line.code:<6}", style="bold")
            if line.optional:
                text.append(" (optional)", style="italic")
            if line.modifiers:
                text.append(f" mods {' '.join(line.modifiers)}")
            text.append(f" units {line.units}")
            if line.pointers:
                text.append(f" ptrs {' '.join(LETTERS[p - 1] for p in line.pointers)}")
            desc = one_line(describe.get(line.code, ""))
            if desc:
                text.append(f"  {desc}", style="dim")
            text.append("\n")
    if key.query is not None:
        text.append("Provider query\n", style="bold")
        text.append(f" {one_line(key.query.why)}\n")
        text.append(f" key words: {', '.join(one_line(k) for k in key.query.keywords)}\n")
    text.rstrip()
    return text


def score_text(result: CaseResult, saved_error: str | None) -> Text:
    """The score, the points behind it (per field), and whether the attempt was saved."""
    text = Text(end="")
    text.append(f"Score {result.score:.0f}/100", style="bold")
    text.append(f"  ({points(result.earned)} of {points(result.possible)} points)")
    if saved_error is None:
        text.append("  · saved", style="dim")
    else:
        text.append("  · not saved: ", style="bold")
        text.append(one_line(problem_text(saved_error), 120))
    per_field: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    counts: dict[str, int] = defaultdict(int)
    for item in result.items:
        per_field[item.field][0] += item.points
        per_field[item.field][1] += item.max_points
        counts[verdict_look(item)[1]] += 1
    text.append("\n")
    parts = [f"{FIELD_NAMES.get(f, f)} {points(e)}/{points(m)}" for f, (e, m) in per_field.items()]
    text.append(" · ".join(parts), style="dim")
    text.append("\n")
    looks = {**VERDICTS, OPTIONAL_LEFT_OUT[1]: OPTIONAL_LEFT_OUT}
    tally = [
        f"{looks[v][0]} {counts[v]} {looks[v][1]}"
        for v in ("correct", "partial", "wrong", "missing", "extra", "optional")
        if counts.get(v)
    ]
    text.append("   ".join(tally))
    return text


class FeedbackScreen(Screen[FeedbackChoice]):
    """What was right, what was not and why; then try again or move on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Try again"),
        Binding("n", "next", "Next case"),
        Binding("b", "browse", "Browse code"),
        Binding("v", "toggle_note", "Note/items"),
        Binding("escape", "home", "Home"),
    ]

    app: CodetrainerApp

    def __init__(
        self,
        entry: PackEntry,
        case: Case,
        answer: GivenAnswer,
        result: CaseResult,
        *,
        saved_error: str | None = None,
    ) -> None:
        super().__init__(classes="feedback-screen")
        self.entry = entry
        """The pack."""
        self.case = case
        """The case that was answered."""
        self.answer = answer
        """What the student handed in."""
        self.result = result
        """The grade."""
        self.saved_error = saved_error
        """Why the attempt was not saved (None when it was)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(score_text(self.result, self.saved_error), id="fb-score")
        with Horizontal(id="fb-body"):
            yield NoteView(self.case.note, evidence_phrases(self.case), id="fb-note")
            with Vertical(id="fb-right"):
                yield ResultList(id="fb-items")
                with VerticalScroll(id="fb-expected"):
                    yield Static(id="fb-expected-text")
        with Horizontal(id="fb-buttons"):
            yield Button("Try again (r)", id="retry", compact=True)
            yield Button("Next case (n)", id="next", variant="primary", compact=True)
            yield Button("Home (esc)", id="home", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        note = self.query_one("#fb-note", NoteView)
        note.border_title = "Note · evidence underlined"
        self.query_one("#fb-items").border_title = Content(one_line(self.case.title, 60))
        items = self.query_one(ResultList)
        items.show(self.result.items, self.answer)
        describe: dict[str, str] = {}
        key = self.case.answer
        for code in [d.code for d in key.diagnoses] + [ln.code for ln in key.lines]:
            desc = self.app.services.describe(code)
            if desc:
                describe[code] = desc
        self.query_one("#fb-expected-text", Static).update(expected_text(self.case, describe))
        items.focus()

    # -- actions ----------------------------------------------------------------------

    def action_retry(self) -> None:
        """Back to the case with the same answer, to fix it."""
        self.dismiss("retry")

    def action_next(self) -> None:
        """On to the next case of the pack."""
        self.dismiss("next")

    def action_home(self) -> None:
        """Back to the home screen."""
        self.dismiss("home")

    def action_toggle_note(self) -> None:
        """Show the note with its evidence (or the items again) when space is short."""
        self.toggle_class("-note")
        if self.has_class("-note"):
            self.query_one("#fb-note").focus()
        else:
            self.query_one(ResultList).focus()

    def action_browse(self) -> None:
        """Open the code browser at the highlighted item's code."""
        self.app.action_browse()

    def code_under_cursor(self) -> str | None:
        """The expected code of the highlighted item (or the given one)."""
        item = self.query_one(ResultList).highlighted_item()
        if item is None or item.field not in ("diagnosis", "line", "modifier"):
            return None
        for raw in (item.expected, item.given):
            if raw:
                normalized = try_normalize(raw)
                if normalized is not None:
                    return normalized.code
        return None

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "retry":
            self.action_retry()
        elif event.button.id == "next":
            self.action_next()
        elif event.button.id == "home":
            self.action_home()
