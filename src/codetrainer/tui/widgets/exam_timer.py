"""The exam's clock line: time left (counting down), cases answered, the case on show.

It reads the running :class:`~codetrainer.core.exam.ExamSession` on every refresh (twice
a second) through :data:`~codetrainer.tui.progress_clock.CLOCK`; it never changes the
session. The time is written in words and digits, and the last minutes are marked with
a word as well as a colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from codetrainer.tui.progress_clock import CLOCK, format_duration

if TYPE_CHECKING:
    from codetrainer.core.exam import ExamSession

__all__ = ["LOW_TIME_SECONDS", "ExamTimer", "timer_text"]

LOW_TIME_SECONDS = 300.0
"""Under this many seconds left, the timer says so."""


def timer_text(session: ExamSession, now: float, index: int | None = None) -> Text:
    """``⏱ 52:10 left · case 3/20 · 2 answered`` (or the time used when untimed)."""
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    remaining = session.remaining(now)
    if remaining is None:
        text.append(f"⏱ {format_duration(session.elapsed(now))} used", style="bold")
        text.append(" (untimed)")
    elif remaining <= 0:
        text.append("⏱ time is up", style="bold reverse")
    else:
        style = "bold reverse" if remaining <= LOW_TIME_SECONDS else "bold"
        text.append(f"⏱ {format_duration(remaining)} left", style=style)
        if remaining <= LOW_TIME_SECONDS:
            text.append(" (hurry)", style="bold")
    if index is not None:
        text.append(f" · case {index + 1}/{len(session.cases)}")
    text.append(f" · {session.answered} answered")
    return text


class ExamTimer(Widget):
    """One line with the time left; redraws itself twice a second."""

    DEFAULT_CSS = """
    ExamTimer {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(
        self, session: ExamSession, *, index: int | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="mode-banner")
        self.session = session
        """The exam whose clock is shown."""
        self.index = index
        """The case on show (None on the overview)."""

    def on_mount(self) -> None:
        self.auto_refresh = 0.5

    def render(self) -> Text:
        return timer_text(self.session, CLOCK.monotonic(), self.index)
