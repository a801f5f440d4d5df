"""The hints a student has revealed so far (one more each time they ask)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from codetrainer.tui.text import one_line

__all__ = ["HintBox"]


class HintBox(Static):
    """Shows the first :attr:`shown` of :attr:`hints`; hidden while none is shown."""

    shown: reactive[int] = reactive(0)
    """How many hints are revealed."""

    def __init__(self, hints: Sequence[str], shown: int = 0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hints: tuple[str, ...] = tuple(hints)
        """Every hint of the case, in order."""
        self.set_reactive(HintBox.shown, max(0, min(shown, len(self.hints))))

    def on_mount(self) -> None:
        self._draw()

    def watch_shown(self) -> None:
        self._draw()

    def _draw(self) -> None:
        self.display = self.shown > 0
        text = Text(end="")
        total = len(self.hints)
        for n, hint in enumerate(self.hints[: self.shown], 1):
            if n > 1:
                text.append("\n")
            text.append(f"Hint {n}/{total}: ", style="bold")
            text.append(one_line(hint))
        self.update(text)

    def reveal(self) -> bool:
        """Show one more hint; False when every hint is already shown."""
        if self.shown >= len(self.hints):
            return False
        self.shown += 1
        return True
