"""Shown instead of the app while the terminal is smaller than the app can use."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["TooSmallScreen"]


class TooSmallScreen(Screen[None]):
    """A notice; the app removes it as soon as the window is large enough again."""

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__(classes="too-small")
        self.min_width = min_width
        """Columns needed."""
        self.min_height = min_height
        """Rows needed."""

    def compose(self) -> ComposeResult:
        yield Static(self._message(), id="too-small-text")

    def _message(self) -> Text:
        width, height = self.app.size
        text = Text(justify="center", end="")
        text.append("Window too small\n", style="bold")
        text.append(f"{width}x{height}; codetrainer needs {self.min_width}x{self.min_height}.\n")
        text.append("Make the window larger (ctrl+q quits).")
        return text

    def on_resize(self) -> None:
        self.query_one("#too-small-text", Static).update(self._message())
