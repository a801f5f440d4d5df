"""Case: the note, the answer form, the inline lookup, hints, and submitting for feedback."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.codes import System, try_normalize
from codetrainer.core.curriculum.claims import PCS_NOTE, claim_label
from codetrainer.core.models import Case
from codetrainer.tui.keyorder import after_queued_keys
from codetrainer.tui.library import PackEntry
from codetrainer.tui.text import one_line, problem_text
from codetrainer.tui.widgets.answer_form import AnswerForm
from codetrainer.tui.widgets.case_list import level_text
from codetrainer.tui.widgets.diagnosis_row import DiagnosisRow
from codetrainer.tui.widgets.field_input import FieldInput, FieldKind
from codetrainer.tui.widgets.hint_box import HintBox
from codetrainer.tui.widgets.line_row import LineRow, split_list
from codetrainer.tui.widgets.lookup_panel import LookupPanel, seventh_advice
from codetrainer.tui.widgets.note_view import NoteView

if TYPE_CHECKING:
    from codetrainer.core.grading import CaseResult
    from codetrainer.core.search import SearchHit
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["SYSTEMS_FOR", "CaseDraft", "CaseScreen"]

SYSTEMS_FOR: dict[FieldKind, frozenset[System] | None] = {
    "diagnosis": frozenset({System.ICD10CM}),
    "line": frozenset({System.CPT, System.HCPCS}),
    "modifiers": frozenset({System.MODIFIER}),
    "units": None,
    "pointers": None,
}
"""Which code systems the lookup searches for each kind of field."""


@dataclass(frozen=True, slots=True)
class CaseDraft:
    """An unfinished answer kept while the student looks elsewhere."""

    answer: GivenAnswer
    hints_shown: int = 0


class CaseScreen(Screen[None]):
    """Read the note, fill in the claim, look codes up, ask for hints, submit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("ctrl+l", "lookup", "Look up", priority=True),
        Binding("ctrl+g", "hint", "Hint", priority=True),
        Binding("h", "hint", "Hint", show=False),
        Binding("ctrl+n", "add_row", "New row", priority=True),
        Binding("ctrl+d", "delete_row", "Delete row", priority=True, show=False),
        Binding("alt+up", "move_row(-1)", "Row up", priority=True, show=False),
        Binding("alt+down", "move_row(1)", "Row down", priority=True, show=False),
        Binding("ctrl+o", "focus_note", "Note", priority=True, show=False),
        # Priority, so keys typed in a burst (a fast typist on a busy machine, a paste)
        # land in the field they were meant for, not all in the one that had the focus
        # (see codetrainer.tui.keyorder).
        # (tab is in the help's list of keys that work everywhere)
        Binding("tab", "step_focus(1)", "", priority=True, show=False),
        Binding("shift+tab", "step_focus(-1)", "", priority=True, show=False),
        Binding(
            "enter",
            "field_enter",
            "Top lookup match (words) or next field (a code)",
            priority=True,
            show=False,
        ),
        # up/down in a code field move the lookup's highlight; enter then inserts that row
        Binding("down", "lookup_move(1)", "Next lookup result", priority=True, show=False),
        Binding("up", "lookup_move(-1)", "Previous lookup result", priority=True, show=False),
        Binding("escape", "back", "Back"),
    ]

    app: CodetrainerApp

    def __init__(
        self,
        entry: PackEntry,
        case: Case,
        draft: CaseDraft | None = None,
        *,
        mode: str = "practice",
    ) -> None:
        super().__init__(classes="case-screen")
        self.mode = mode
        """How attempts are recorded: ``practice`` or ``review`` (see progress screens)."""
        self.entry = entry
        """The pack the case belongs to."""
        self.case = case
        """The case on show."""
        self._draft = draft or CaseDraft(GivenAnswer())
        self.target: FieldInput | None = None
        """The form field that lookup results go into."""
        self.started = time.monotonic()
        """When the student started this attempt (seconds on the monotonic clock)."""
        self.submitting = False
        """True while an answer is being graded."""
        self.picked: FieldInput | None = None
        """The field whose lookup highlight the student moved with up/down (enter then
        inserts the highlighted row even when the field already looks like a code)."""

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._title_text(), id="case-title")
        with Horizontal(id="case-body"):
            with Vertical(id="note-column"):
                yield NoteView(self.case.note, id="note")
                yield HintBox(self.case.hints, self._draft.hints_shown, id="hints")
            with Vertical(id="work-column"):
                if self.case.claim == "facility":
                    yield Static(Text(PCS_NOTE, end=""), id="claim-note")
                yield AnswerForm(self._draft.answer, id="form")
                yield LookupPanel(self.app.services, id="lookup")
        yield Footer()

    def on_mount(self) -> None:
        self.lookup.chooser = self._insert_hit
        first = self.query_one(AnswerForm).dx_rows
        if first:
            first[0].code_input.focus()

    def _position(self) -> tuple[int, int]:
        pack = self.entry.pack
        if pack is None:
            return (0, 0)
        ids = [c.id for c in pack.cases]
        return (ids.index(self.case.id) + 1 if self.case.id in ids else 0, len(ids))

    def _title_text(self) -> Text:
        case = self.case
        number, total = self._position()
        text = Text(end="")
        text.append(one_line(case.title), style="bold")
        text.append("\n")
        hints = self._hints_shown()
        claim = claim_label(case)
        meta = (
            f"case {number} of {total} · {level_text(case.difficulty)} · {case.setting}"
            f"{f' · {claim}' if claim else ''} · hints {hints}/{len(case.hints)}"
        )
        text.append(meta, style="dim")
        return text

    def _hints_shown(self) -> int:
        try:
            return self.query_one(HintBox).shown
        except Exception:  # not mounted yet
            return self._draft.hints_shown

    def _update_title(self) -> None:
        self.query_one("#case-title", Static).update(self._title_text())

    @property
    def form(self) -> AnswerForm:
        """The answer form."""
        return self.query_one(AnswerForm)

    @property
    def lookup(self) -> LookupPanel:
        """The inline lookup panel."""
        return self.query_one(LookupPanel)

    def draft(self) -> CaseDraft:
        """The answer so far and the hints used (kept when the student leaves)."""
        return CaseDraft(self.form.answer(), self._hints_shown())

    # -- lookup -----------------------------------------------------------------------

    @on(AnswerForm.FieldFocused)
    def _field_focused(self, event: AnswerForm.FieldFocused) -> None:
        field = event.field
        if field.kind in ("units", "pointers"):
            return
        self.target = field
        text = self._lookup_text(field)
        panel = self.lookup
        if text:
            panel.set_query(text, SYSTEMS_FOR[field.kind])
        else:
            panel.systems = SYSTEMS_FOR[field.kind]
            panel.refresh_results()
        panel.border_subtitle = Content(self._target_label())

    @on(AnswerForm.FieldEdited)
    def _field_edited(self, event: AnswerForm.FieldEdited) -> None:
        field = event.field
        self.picked = None
        if field.kind in ("units", "pointers"):
            return
        self._drop_seventh_notice(field)
        self.target = field
        self.lookup.set_query(self._lookup_text(field), SYSTEMS_FOR[field.kind])

    async def action_lookup_move(self, delta: int) -> None:
        """Up/down in a code field: move the lookup highlight (elsewhere: the usual keys)."""
        field = self.focused
        if (
            not isinstance(field, FieldInput)
            or field.kind not in ("diagnosis", "line", "modifiers")
            or self.form not in field.ancestors
            or not self.lookup.hits
        ):
            raise SkipAction()
        await after_queued_keys(field)
        self.lookup.action_move(delta)
        self.picked = field

    async def action_step_focus(self, delta: int) -> None:
        """Tab / shift+tab: the next or previous field, after the keys typed before."""
        focused = self.focused
        if focused is not None:
            await after_queued_keys(focused)
        if delta > 0:
            self.focus_next()
        else:
            self.focus_previous()

    async def action_field_enter(self) -> None:
        """Enter in an answer field (other widgets get their own enter)."""
        field = self.focused
        if not isinstance(field, FieldInput) or self.form not in field.ancestors:
            raise SkipAction()
        await after_queued_keys(field)
        if self.focused is field:
            self._enter_in(field)

    @on(AnswerForm.FieldSubmitted)
    def _field_submitted(self, event: AnswerForm.FieldSubmitted) -> None:
        self._enter_in(event.field)

    def _enter_in(self, field: FieldInput) -> None:
        """Enter in a code field: words become the top lookup match; a code moves on."""
        if field.kind in ("diagnosis", "line", "modifiers"):
            text = self._lookup_text(field)
            if self.picked is field and text:
                hit = self.lookup.best_hit_for(text, SYSTEMS_FOR[field.kind])
                self.picked = None
                if hit is not None:
                    self.target = field
                    self._insert_hit(hit)
                    return
            if text and not _looks_finished(field.kind, text):
                hit = self.lookup.best_hit_for(text, SYSTEMS_FOR[field.kind])
                if hit is not None:
                    self.target = field
                    self._insert_hit(hit)
                    return
                if not self.app.services.search_ready:
                    # first start: the index is still being built; keep the words and say so
                    self.notify("The code lookup is still loading; press enter again in a moment.")
                    return
        self.form.move_on()

    def _lookup_text(self, field: FieldInput) -> str:
        if field.kind == "modifiers":
            parts = split_list(field.value)
            return parts[-1] if parts and not field.value.endswith(" ") else ""
        return one_line(field.value)

    def _target_label(self) -> str:
        field = self.target
        if field is None:
            return "enter inserts"
        row = self.form.row_of(field)
        if isinstance(row, DiagnosisRow):
            return f"enter puts the top match in diagnosis {'ABCDEFGHIJKL'[row.position % 12]}"
        if isinstance(row, LineRow):
            what = "modifiers" if field.kind == "modifiers" else "code"
            return f"enter puts the top match in line {row.position + 1} {what}"
        return "enter inserts"

    def action_lookup(self) -> None:
        """Go to the lookup (inline when there is room, else a lookup window)."""
        field = self.target
        systems = SYSTEMS_FOR[field.kind] if field is not None else None
        query = self._lookup_text(field) if field is not None else ""
        if self.has_class("-narrow"):
            from codetrainer.tui.screens.lookup import LookupScreen

            self.app.push_screen(
                LookupScreen(self.app.services, query, systems), callback=self._insert_hit
            )
            return
        panel = self.lookup
        if query:
            panel.set_query(query, systems)
        self.set_focus(panel.query_input)

    @on(LookupPanel.Chosen)
    def _chosen(self, event: LookupPanel.Chosen) -> None:
        event.stop()
        self._insert_hit(event.hit)

    def _insert_hit(self, hit: SearchHit | None) -> None:
        if hit is None:
            if self.target is not None:
                self.target.focus()
            return
        field = self._field_for(hit)
        if field is not None:
            self._place(field, hit)
        else:  # no blank row of the right kind: add one, then insert
            self.call_later(self._insert_in_new_row, hit)

    def _place(self, field: FieldInput, hit: SearchHit) -> None:
        self.form.insert_code(field, hit.code)
        self.target = field
        # set the focus now (not on the next idle): keys already typed go to this field
        self.set_focus(field)
        field.scroll_visible()
        if hit.seventh:
            advice = seventh_advice(hit)
            self.notify(f"{hit.code} is not billable yet: {advice}. Type it now.", markup=False)

    def _drop_seventh_notice(self, field: FieldInput) -> None:
        """Once the code in ``field`` is complete, its "not billable yet" tip goes away."""
        if field.kind != "diagnosis":
            return
        services = self.app.services
        reference = services.reference() if services.search_ready else None
        if reference is None:
            return
        code = one_line(field.value).strip()
        if not reference.is_billable(code):
            return
        flat = code.upper().replace(".", "")
        for notification in list(self.app._notifications):
            message = str(notification.message)
            shown = message.split(" ", 1)[0].upper().replace(".", "")
            if "is not billable yet" in message and flat.startswith(shown):
                self.app._unnotify(notification)

    async def _insert_in_new_row(self, hit: SearchHit) -> None:
        kind = DiagnosisRow if hit.system is System.ICD10CM else LineRow
        row = await self.form.add_row(kind)
        if row is None:
            self.app.bell()
            return
        self._place(row.code_input, hit)

    def _field_for(self, hit: SearchHit) -> FieldInput | None:
        """The field a hit goes into: the target when it takes this system, else a blank one
        (None when a new row is needed)."""
        form = self.form
        target = self.target
        wanted: FieldKind
        if hit.system is System.ICD10CM:
            wanted = "diagnosis"
        elif hit.system is System.MODIFIER:
            wanted = "modifiers"
        else:
            wanted = "line"
        if target is not None and target.kind == wanted and target.is_attached:
            return target
        if wanted == "diagnosis":
            return next((r.code_input for r in form.dx_rows if not r.code.strip()), None)
        if wanted == "line":
            return next(
                (r.code_input for r in form.line_rows if not r.code_input.value.strip()), None
            )
        row = form.row_of(target) if target is not None else None
        if not isinstance(row, LineRow):
            rows = [r for r in form.line_rows if not r.is_blank] or form.line_rows
            row = rows[-1] if rows else None
        return row.query_one(".field-modifiers", FieldInput) if row is not None else None

    # -- actions ----------------------------------------------------------------------

    def action_hint(self) -> None:
        """Reveal the next hint (each one is counted)."""
        box = self.query_one(HintBox)
        if not self.case.hints:
            self.notify("This case has no hints.")
            return
        if not box.reveal():
            self.notify("Every hint is already shown.")
            return
        self._update_title()
        box.scroll_visible()

    async def action_add_row(self) -> None:
        """Add a row after the focused one (diagnoses when the focus is elsewhere)."""
        await self.form.add_row()

    async def action_delete_row(self) -> None:
        """Delete the focused row."""
        if not await self.form.remove_row():
            self.notify("Put the cursor in a diagnosis or service line to delete it.")

    def action_move_row(self, delta: int) -> None:
        """Move the focused row up or down."""
        self.form.move_row(delta)

    def action_focus_note(self) -> None:
        """Focus the note (to scroll it with the keys)."""
        self.query_one(NoteView).focus()

    def action_back(self) -> None:
        """Leave the lookup, or go back home keeping the draft."""
        focused = self.focused
        if focused is not None and self.lookup in focused.ancestors_with_self:
            if self.target is not None and self.target.is_attached:
                self.set_focus(self.target)
            else:
                self.form.focus()
            return
        self.app.keep_draft(self.entry, self.case, self.draft())
        self.dismiss()

    def code_under_cursor(self) -> str | None:
        """The code in the focused field or the highlighted lookup result."""
        focused = self.focused
        if focused is not None and self.lookup in focused.ancestors_with_self:
            hit = self.lookup.highlighted_hit()
            return hit.code if hit is not None else None
        if isinstance(focused, FieldInput) and focused.kind in ("diagnosis", "line"):
            normalized = try_normalize(focused.value)
            return normalized.code if normalized is not None else None
        return None

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    # -- submitting -------------------------------------------------------------------

    def action_submit(self) -> None:
        """Grade the answer, save the attempt, then show the feedback."""
        if self.submitting:
            return
        form = self.form
        problems = form.problems()
        if problems:
            self.notify(
                "; ".join(problems), title="Not submitted", severity="warning", markup=False
            )
            return
        answer = form.answer()
        if answer.is_empty:
            self.notify(
                "Type at least one code (or a provider query) first.",
                title="Nothing to submit",
                severity="warning",
            )
            return
        self.submitting = True
        # tips about the form ("S93.401 needs a 7th character: type it now") would sit
        # over the feedback and read as if they were about it
        self.app.clear_notifications()
        self._grade(answer, self._hints_shown(), time.monotonic() - self.started)

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def _grade(self, answer: GivenAnswer, hints: int, seconds: float) -> None:
        try:
            self.query_one("#case-title", Static).update(Text("Grading…", style="bold"))
            try:
                result = await asyncio.to_thread(self.app.services.grade, self.case, answer)
            except Exception as exc:
                self.notify(
                    f"Could not grade this answer: {problem_text(exc)}",
                    severity="error",
                    markup=False,
                )
                return
            saved_error = self._record(answer, result, hints, seconds)
            self.app.forget_draft(self.entry, self.case)
            from codetrainer.tui.screens.feedback import FeedbackScreen

            await self.app.push_screen(
                FeedbackScreen(self.entry, self.case, answer, result, saved_error=saved_error),
                callback=self._after_feedback,
            )
        finally:
            self.submitting = False
            if self.is_attached:
                self._update_title()

    def _record(
        self, answer: GivenAnswer, result: CaseResult, hints: int, seconds: float
    ) -> str | None:
        """Commit the attempt before the feedback appears; the reason if it was not saved."""
        try:
            from codetrainer.core.store import attempt_from_result

            attempt = attempt_from_result(
                pack_id=self.entry.id,
                case=self.case,
                answer=answer,
                result=result,
                hints_used=hints,
                seconds=round(seconds, 1),
                mode=self.mode,
            )
        except Exception as exc:
            return f"the progress store is unavailable ({problem_text(exc)})"
        return self.app.services.record_attempt(attempt)

    def _after_feedback(self, choice: Any) -> None:
        if choice == "retry":
            self.started = time.monotonic()
            rows = self.form.dx_rows
            if rows:
                rows[0].code_input.focus()
        elif choice == "next":
            self.app.open_next_case(self.entry, self.case, replace=True)
        else:
            self.dismiss()


def _looks_finished(kind: FieldKind, text: str) -> bool:
    """True when the field already holds a code of its kind (enter then moves on)."""
    if kind == "diagnosis":
        return try_normalize(text, System.ICD10CM) is not None
    if kind == "line":
        return any(try_normalize(text, s) is not None for s in (System.CPT, System.HCPCS))
    return try_normalize(text, System.MODIFIER) is not None
