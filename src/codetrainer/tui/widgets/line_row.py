"""One service line of the answer form: code, modifiers, units and diagnosis pointers."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from codetrainer.core.answer import GivenLine
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.field_input import FieldInput

__all__ = ["LineRow", "split_list", "split_pointers"]

_SEP = re.compile(r"[\s,;/]+")


def split_list(text: str) -> tuple[str, ...]:
    """``"25, LT"`` / ``"A B"`` -> ``("25", "LT")`` / ``("A", "B")`` (blank pieces dropped)."""
    return tuple(p for p in _SEP.split(one_line(text)) if p)


def split_pointers(text: str) -> tuple[str, ...]:
    """Diagnosis pointers: ``"A B"``, ``"A,C"``, ``"1 2"`` and letter runs ``"AB"`` ->
    ``("A", "B")`` (a run of letters is one pointer per letter; numbers stay whole, 12
    is the twelfth diagnosis)."""
    out: list[str] = []
    for part in split_list(text):
        if part.isalpha() and len(part) > 1:
            out.extend(part)
        else:
            out.append(part)
    return tuple(out)


class LineRow(Horizontal):
    """A service line (claim box 24): CPT/HCPCS code, up to 4 modifiers, units, pointers."""

    position: reactive[int] = reactive(0)
    """0-based position among the service lines; shown 1-based."""

    def __init__(self, line: GivenLine | None = None) -> None:
        super().__init__(classes="answer-row line-row")
        self._initial = line or GivenLine(code="")

    def compose(self) -> ComposeResult:
        line = self._initial
        yield Static(self._label(), classes="row-label")
        yield FieldInput(
            "line",
            line.code,
            placeholder="CPT/HCPCS",
            max_length=80,
            tooltip="Service code: CPT (99213) or HCPCS Level II (A4253). ctrl+l looks one up.",
        )
        yield FieldInput(
            "modifiers",
            " ".join(line.modifiers),
            placeholder="mods",
            max_length=24,
            tooltip="Up to 4 modifiers, separated by spaces or commas (25 LT).",
        )
        yield FieldInput(
            "units",
            "" if line.units == "1" else line.units,
            placeholder="1",
            max_length=5,
            tooltip="Units: digits only (blank means 1).",
        )
        yield FieldInput(
            "pointers",
            " ".join(line.pointers),
            placeholder="ptrs",
            max_length=24,
            tooltip=(
                "Diagnosis pointers, most important first: letters A-L or numbers 1-12, "
                "separated by spaces or commas; 'AB' means A then B."
            ),
        )

    def _label(self) -> Text:
        return Text(f"{self.position + 1:>2}", end="")

    def watch_position(self) -> None:
        if self.is_mounted:
            self.query_one(".row-label", Static).update(self._label())

    def _field(self, kind: str) -> FieldInput:
        return self.query_one(f".field-{kind}", FieldInput)

    @property
    def code_input(self) -> FieldInput:
        """The code field."""
        return self._field("line")

    def given(self) -> GivenLine:
        """The line as typed (codes not judged here)."""
        units = one_line(self._field("units").value).strip() or "1"
        return GivenLine(
            code=one_line(self._field("line").value).strip(),
            modifiers=split_list(self._field("modifiers").value),
            units=units,
            pointers=split_pointers(self._field("pointers").value),
        )

    @property
    def is_blank(self) -> bool:
        """True when nothing was typed in any field."""
        return not any(f.value.strip() for f in self.query(FieldInput))
