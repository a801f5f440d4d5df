"""Billing feedback: the score, then every field with its verdict, slip names and why."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from codetrainer.core.billing.results import ExerciseResult
from codetrainer.tui.text import one_line, strip_controls

__all__ = ["BillingFeedbackScreen", "result_text"]

_MARK = {
    "correct": ("✓", "green"),
    "partial": ("~", "yellow"),
    "wrong": ("✗", "red"),
    "missing": ("−", "red"),
    "extra": ("+", "magenta"),
}


def result_text(result: ExerciseResult) -> Text:
    """Every item as plain data (never markup): symbol and word, field, expected/given."""
    text = Text(end="")
    for n, item in enumerate(result.items):
        if n:
            text.append("\n\n")
        mark, style = _MARK.get(item.verdict, ("?", ""))
        text.append(f"{mark} {item.verdict:<8}", style=f"bold {style}")
        text.append(f" {one_line(item.field)}", style="bold")
        text.append(f"  {item.points:g}/{item.max_points:g}")
        text.append("\n  expected ")
        text.append(one_line(item.expected or "-"), style="bold")
        text.append("  given ")
        text.append(one_line(item.given or "-", 80))
        kinds = [k for k in item.kinds if k != "exact"]
        if kinds:
            text.append(f"\n  {', '.join(kinds)}", style="italic")
        if item.verdict != "correct" or item.explanation:
            text.append("\n  ")
            text.append(strip_controls(item.explanation, keep_newlines=False))
    return text


class BillingFeedbackScreen(Screen[str]):
    """Shown after a billing answer was graded (and saved)."""

    CSS_PATH = "../billing.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "done", "Back to the desk"),
        Binding("r", "retry", "Try again"),
    ]

    def __init__(self, exercise: Any, result: ExerciseResult, *, saved_error: str | None) -> None:
        super().__init__(classes="billing-screen")
        self.exercise = exercise
        self.result = result
        self.saved_error = saved_error

    def compose(self) -> ComposeResult:
        yield Header()
        r = self.result
        head = Text(end="")
        head.append(f"Score {r.score:g}/100", style="bold")
        head.append(f"  ({r.earned:g} of {r.possible:g} points)")
        head.append(" · saved" if self.saved_error is None else f" · NOT saved: {self.saved_error}")
        counts: dict[str, int] = {}
        for item in r.items:
            counts[item.verdict] = counts.get(item.verdict, 0) + 1
        head.append("\n")
        head.append(
            "  ".join(f"{_MARK[v][0]} {n} {v}" for v, n in counts.items() if v in _MARK),
            style="dim",
        )
        yield Static(head, id="bill-fb-head")
        with VerticalScroll(id="bill-fb-items", can_focus=True):
            yield Static(result_text(r), id="bill-fb-text")
        yield Footer()

    def on_mount(self) -> None:
        items = self.query_one("#bill-fb-items")
        items.border_title = one_line(self.exercise.title, 60)
        items.focus()

    def action_done(self) -> None:
        """Back to the desk."""
        self.dismiss("done")

    def action_retry(self) -> None:
        """Back to the same exercise, answer kept."""
        self.dismiss("retry")

    def code_under_cursor(self) -> str | None:
        return None
