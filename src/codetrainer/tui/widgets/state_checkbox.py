"""A checkbox whose state is also written in words, not shown by colour alone."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Checkbox

__all__ = ["StateCheckbox"]


class StateCheckbox(Checkbox):
    """:class:`Checkbox` with "on"/"off" after its label (Textual draws the same X glyph in
    both states and tells them apart only by colour)."""

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        self.base_label = label
        """The label without its state."""
        super().__init__(self._labelled(value), value, id=id, compact=True)

    def _labelled(self, value: bool) -> Text:
        text = Text(self.base_label, end="")
        text.append(": on" if value else ": off", style="bold")
        return text

    def watch_value(self) -> None:
        self.label = self._labelled(self.value)
