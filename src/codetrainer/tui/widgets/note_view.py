"""The clinical note, shown exactly as written, with evidence phrases highlightable."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from codetrainer.tui.text import data_text, highlight_phrases

__all__ = ["NoteView"]

EVIDENCE_STYLE = "bold underline reverse"
"""Evidence spans: underlined and reversed, so they stand out without colour too."""


class NoteView(VerticalScroll, can_focus=True):
    """A focusable, scrollable note. Set :attr:`note` and :attr:`evidence`; nothing is markup."""

    BORDER_TITLE = "Note"

    note: reactive[str] = reactive("", layout=True)
    """The note text, drawn literally (control characters stripped)."""
    evidence: reactive[tuple[str, ...]] = reactive((), layout=True)
    """Phrases to highlight in the note (case and blank space do not matter)."""

    def __init__(
        self,
        note: str = "",
        evidence: Sequence[str] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(NoteView.note, note)
        self.set_reactive(NoteView.evidence, tuple(evidence))
        self.found = 0
        """How many evidence spans were found in the note."""

    def compose(self) -> ComposeResult:
        yield Static(self._render_note(), classes="note-text")

    def _render_note(self) -> Text:
        text = data_text(self.note)
        self.found = highlight_phrases(text, self.evidence, EVIDENCE_STYLE)
        return text

    def _refresh_note(self) -> None:
        if self.is_mounted:
            self.query_one(".note-text", Static).update(self._render_note())

    def watch_note(self) -> None:
        self._refresh_note()

    def watch_evidence(self) -> None:
        self._refresh_note()
