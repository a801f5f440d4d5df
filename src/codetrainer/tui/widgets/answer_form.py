"""The claim-shaped answer form: diagnoses (A-L), service lines, provider query.

Attributes down, messages up: the case screen loads a :class:`GivenAnswer` with
:meth:`AnswerForm.load` and reads one back with :meth:`AnswerForm.answer`; the form posts
:class:`AnswerForm.FieldFocused` and :class:`AnswerForm.FieldEdited` so the screen can point
the lookup at the field the student is working in.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea

from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.tui.text import one_line, strip_controls
from codetrainer.tui.widgets.diagnosis_row import DiagnosisRow
from codetrainer.tui.widgets.field_input import FieldInput
from codetrainer.tui.widgets.line_row import LineRow

__all__ = ["MAX_DIAGNOSES", "MAX_LINES", "AnswerForm", "Row"]

MAX_DIAGNOSES = 12
"""A claim holds at most 12 diagnoses (A-L)."""
MAX_LINES = 50
"""Service lines a form may hold (far more than any case needs)."""

Row = DiagnosisRow | LineRow


class AnswerForm(VerticalScroll):
    """Diagnoses, service lines and a provider query, all editable from the keyboard."""

    BORDER_TITLE = "Answer"

    @dataclass
    class FieldFocused(Message):
        """A code, modifier, units or pointer field got the focus."""

        form: AnswerForm
        field: FieldInput

    @dataclass
    class FieldEdited(Message):
        """The student typed in a field (value already cleaned of control characters)."""

        form: AnswerForm
        field: FieldInput
        value: str

    @dataclass
    class FieldSubmitted(Message):
        """The student pressed enter in a field; the screen decides (insert or move on)."""

        form: AnswerForm
        field: FieldInput

    def __init__(self, answer: GivenAnswer | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = answer or GivenAnswer()

    def compose(self) -> ComposeResult:
        answer = self._initial
        yield Static(Text("Diagnoses  (first-listed first)", end=""), classes="section-title")
        with Vertical(id="dx-rows"):
            for code in answer.diagnoses or ("",):
                yield DiagnosisRow(code)
        yield Static(id="dx-message", classes="form-message")
        yield Static(Text("Service lines", end=""), classes="section-title")
        with Horizontal(classes="line-header"):
            yield Static(Text("#", end=""), classes="row-label")
            for name, kind in (("code", "line"), ("mods", "modifiers"), ("units", "units")):
                yield Static(Text(name, end=""), classes=f"col col-{kind}")
            yield Static(Text("ptrs", end=""), classes="col col-pointers")
        with Vertical(id="line-rows"):
            for line in answer.lines or (GivenLine(code=""),):
                yield LineRow(line)
        yield Static(id="line-message", classes="form-message")
        yield Static(
            Text("Provider query (only if the note leaves a question open)", end=""),
            classes="section-title",
        )
        query = TextArea(
            strip_controls(answer.query), id="query", soft_wrap=True, tab_behavior="focus"
        )
        query.tooltip = "Write the question you would ask the provider, if one is needed."
        yield query
        yield Button("Submit answer (ctrl+s)", id="submit", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._renumber()

    # -- reading and writing ----------------------------------------------------------

    @property
    def dx_rows(self) -> list[DiagnosisRow]:
        """The diagnosis rows in order."""
        return list(self.query_one("#dx-rows").query_children(DiagnosisRow))

    @property
    def line_rows(self) -> list[LineRow]:
        """The service line rows in order."""
        return list(self.query_one("#line-rows").query_children(LineRow))

    def answer(self) -> GivenAnswer:
        """What the student typed, in claim order; blank rows are left out."""
        diagnoses = tuple(code for code in (one_line(r.code).strip() for r in self.dx_rows) if code)
        lines = tuple(r.given() for r in self.line_rows if not r.is_blank)
        query = strip_controls(self.query_one("#query", TextArea).text).strip()
        return GivenAnswer(diagnoses=diagnoses, lines=lines, query=query)

    async def load(self, answer: GivenAnswer) -> None:
        """Replace every row with ``answer``."""
        dx = self.query_one("#dx-rows")
        lines = self.query_one("#line-rows")
        await dx.remove_children()
        await lines.remove_children()
        await dx.mount_all([DiagnosisRow(c) for c in answer.diagnoses or ("",)])
        await lines.mount_all([LineRow(ln) for ln in answer.lines or (GivenLine(code=""),)])
        self.query_one("#query", TextArea).text = strip_controls(answer.query)
        self._renumber()

    def problems(self) -> list[str]:
        """Shape problems a claim would refuse (the grader judges the codes themselves)."""
        out: list[str] = []
        answer = self.answer()
        if len(answer.diagnoses) > MAX_DIAGNOSES:
            out.append(f"a claim holds at most {MAX_DIAGNOSES} diagnoses (A-L)")
        for n, line in enumerate(answer.lines, 1):
            if len(line.modifiers) > 4:
                out.append(f"line {n} has {len(line.modifiers)} modifiers; at most 4 fit")
            if len(line.pointers) > 4:
                out.append(f"line {n} has {len(line.pointers)} pointers; at most 4 fit")
        return out

    # -- rows -------------------------------------------------------------------------

    def row_of(self, widget: Widget | None) -> Row | None:
        """The row holding ``widget`` (or None)."""
        node = widget
        while node is not None and node is not self:
            if isinstance(node, DiagnosisRow | LineRow):
                return node
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return None

    def current_row(self) -> Row | None:
        """The row that has the focus."""
        return self.row_of(self.screen.focused)

    async def add_row(self, kind: type[Row] | None = None) -> Row | None:
        """Add an empty row after the focused one (same section) and focus its code field.

        With no row focused, ``kind`` picks the section (diagnoses by default).
        """
        current = self.current_row()
        section = kind or (type(current) if current is not None else DiagnosisRow)
        row: Row
        if section is DiagnosisRow:
            if len(self.dx_rows) >= MAX_DIAGNOSES:
                self.app.bell()
                self.notify(f"A claim holds at most {MAX_DIAGNOSES} diagnoses.")
                return None
            row = DiagnosisRow()
            container = self.query_one("#dx-rows")
        else:
            if len(self.line_rows) >= MAX_LINES:
                self.app.bell()
                return None
            row = LineRow()
            container = self.query_one("#line-rows")
        if current is not None and type(current) is section:
            await container.mount(row, after=current)
        else:
            await container.mount(row)
        self._renumber()
        # focus now, not on the next idle: keys typed right after ctrl+n land here
        self.screen.set_focus(row.code_input)
        row.scroll_visible()
        return row

    async def remove_row(self, row: Row | None = None) -> bool:
        """Remove a row (the focused one by default); the last row of a section is cleared."""
        row = row or self.current_row()
        if row is None:
            return False
        rows: list[Row] = (
            list(self.dx_rows) if isinstance(row, DiagnosisRow) else list(self.line_rows)
        )
        index = rows.index(row)
        if len(rows) == 1:
            for field in row.query(FieldInput):
                field.value = ""
            row.code_input.focus()
            return True
        target = rows[index + 1] if index + 1 < len(rows) else rows[index - 1]
        target.code_input.focus()
        await row.remove()
        self._renumber()
        return True

    def move_row(self, delta: int, row: Row | None = None) -> bool:
        """Move a row up (-1) or down (+1) within its section; focus stays on it."""
        row = row or self.current_row()
        if row is None:
            return False
        container = row.parent
        if not isinstance(container, Widget):
            return False
        siblings = list(container.children)
        index = siblings.index(row)
        new = index + delta
        if not 0 <= new < len(siblings):
            self.app.bell()
            return False
        if delta < 0:
            container.move_child(row, before=siblings[new])
        else:
            container.move_child(row, after=siblings[new])
        self._renumber()
        row.scroll_visible()
        return True

    def _renumber(self) -> None:
        for i, dx in enumerate(self.dx_rows):
            dx.position = i
        for i, line in enumerate(self.line_rows):
            line.position = i

    # -- focus and typing -------------------------------------------------------------

    def insert_code(self, field: FieldInput, code: str) -> None:
        """Put a looked-up code into a field (modifiers and pointers are appended)."""
        if field.kind in ("modifiers", "pointers"):
            parts = [p for p in field.value.replace(",", " ").split() if p]
            if code not in parts:
                parts.append(code)
            field.value = " ".join(parts)
        else:
            field.value = code
        field.cursor_position = len(field.value)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the focused field is always on screen (tab into a row below the fold)
        event.widget.scroll_visible(animate=False)
        if isinstance(event.widget, FieldInput):
            self.post_message(self.FieldFocused(self, event.widget))

    # -- inline messages --------------------------------------------------------------

    def _message_for(self, field: FieldInput) -> Static:
        row = self.row_of(field)
        return self.query_one(
            "#dx-message" if isinstance(row, DiagnosisRow) else "#line-message", Static
        )

    def say(self, field: FieldInput, message: str) -> None:
        """Show ``message`` under the section of ``field`` (``""`` hides it)."""
        box = self._message_for(field)
        box.update(Text(message, end=""))
        box.set_class(bool(message), "-shown")

    @property
    def messages(self) -> list[str]:
        """The inline messages on show (for tests and screen readers)."""
        return [
            str(m.content)
            for m in self.query(".form-message").results(Static)
            if m.has_class("-shown")
        ]

    @on(FieldInput.Refused)
    def _refused(self, event: FieldInput.Refused) -> None:
        event.stop()
        self.say(event.field, event.reason)

    @on(Input.Changed, ".field")
    def _field_changed(self, event: Input.Changed) -> None:
        field = event.input
        if not isinstance(field, FieldInput):
            return
        clean = strip_controls(event.value).replace("\n", " ").replace("\t", " ")
        if clean != event.value:
            field.value = clean  # controls or line breaks pasted in: drop them
            return
        if self._message_for(field).has_class("-shown"):
            self.say(field, "")  # the next good edit takes the message away
        self.post_message(self.FieldEdited(self, field, clean))

    @on(Input.Submitted, ".field")
    def _field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(event.input, FieldInput):
            self.post_message(self.FieldSubmitted(self, event.input))

    def move_on(self) -> None:
        """Focus the next field (what enter does on a field holding a finished code)."""
        self.screen.focus_next()
