"""One diagnosis row of the answer form: its claim letter (A-L) and the ICD-10-CM code."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from codetrainer.tui.widgets.field_input import FieldInput

__all__ = ["LETTERS", "DiagnosisRow"]

LETTERS = "ABCDEFGHIJKL"
"""Claim box 21 letters; pointers name diagnoses by these (or by 1-12)."""


class DiagnosisRow(Horizontal):
    """A diagnosis: the letter is set by the form (:attr:`position`), the code typed here."""

    position: reactive[int] = reactive(0)
    """0-based position in the diagnoses list; shown as A-L (and 1-12)."""

    def __init__(self, code: str = "") -> None:
        super().__init__(classes="answer-row dx-row")
        self._initial = code

    def compose(self) -> ComposeResult:
        yield Static(self._label(), classes="row-label")
        yield FieldInput(
            "diagnosis",
            self._initial,
            placeholder="ICD-10-CM code",
            max_length=80,
            tooltip="Diagnosis code (ICD-10-CM). ctrl+l looks one up.",
        )

    def _label(self) -> Text:
        n = self.position
        letter = LETTERS[n] if n < len(LETTERS) else "?"
        return Text(f"{letter} {n + 1:>2}", end="")

    def watch_position(self) -> None:
        if self.is_mounted:
            self.query_one(".row-label", Static).update(self._label())

    @property
    def code(self) -> str:
        """The code as typed."""
        return self.query_one(FieldInput).value

    @property
    def code_input(self) -> FieldInput:
        """The code field."""
        return self.query_one(FieldInput)
