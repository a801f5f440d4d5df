"""What every billing exercise screen shares: submit, grade, save, then show the feedback.

A subclass composes its own body and returns the learner's answer from :meth:`answer`.
ctrl+s grades it with :func:`codetrainer.core.billing.grade.grade_exercise` (off the UI
thread), commits the attempt to the progress store, and only then opens the feedback.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from codetrainer.core.billing.models import BillingAnswer
from codetrainer.tui.keyorder import after_queued_keys

if TYPE_CHECKING:
    from codetrainer.core.billing.models import BillingPack
    from codetrainer.core.billing.results import ExerciseResult
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["BillingExerciseScreen", "record_billing_attempt"]


def record_billing_attempt(
    app: CodetrainerApp,
    pack: BillingPack,
    exercise: Any,
    answer: BillingAnswer,
    result: ExerciseResult,
    seconds: float,
    hints_used: int = 0,
) -> str | None:
    """Commit the attempt (progress, review, stats); the reason when it was not saved."""
    try:
        from codetrainer.core.store import Attempt

        kinds = tuple(
            k for item in result.items for k in item.kinds if k not in ("exact", "alternate")
        )
        wrong = tuple(
            item.given
            for item in result.items
            if item.given
            and item.verdict in ("wrong", "partial", "extra")
            and item.field.startswith(("box 21", "box 24D code"))
        )
        attempt = Attempt(
            pack_id=pack.billing.id,
            case_id=exercise.id,
            case_hash=exercise.content_hash(),
            answer=answer.model_dump(mode="json"),
            score=result.score,
            kinds=kinds,
            wrong_codes=wrong,
            hints_used=hints_used,
            seconds=round(seconds, 1),
            tags=("billing", exercise.kind, *exercise.tags),
        )
    except Exception as exc:
        return f"the progress store is unavailable ({exc})"
    return app.services.record_attempt(attempt)


class BillingExerciseScreen(Screen[None]):
    """Base of the claim, scrubber, remittance and ledger screens."""

    CSS_PATH = "../billing.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("escape", "back", "Back"),
        Binding("ctrl+o", "toggle_docs", "Documents"),
        Binding("ctrl+g", "hint", "Hint"),
        Binding("tab", "step_focus(1)", "", priority=True, show=False),
        Binding("shift+tab", "step_focus(-1)", "", priority=True, show=False),
    ]

    app: CodetrainerApp

    def __init__(self, pack: BillingPack, exercise: Any) -> None:
        super().__init__(classes="billing-screen")
        self.pack = pack
        """The billing pack the exercise comes from."""
        self.exercise = exercise
        """The exercise being answered."""
        self.started = time.monotonic()
        """When this attempt started."""
        self.submitting = False
        """True while the answer is being graded."""
        self.hints_shown = 0
        """How many of the exercise's hints were revealed (saved with the attempt)."""

    def answer(self) -> BillingAnswer:  # pragma: no cover - every subclass overrides it
        """The learner's answer as typed."""
        return BillingAnswer(exercise=self.exercise.id)

    def action_hint(self) -> None:
        """Reveal the next hint (the number used is saved with the attempt)."""
        hints = list(self.exercise.hints)
        if self.hints_shown >= len(hints):
            self.notify("No more hints for this exercise.", markup=False)
            return
        hint = hints[self.hints_shown]
        self.hints_shown += 1
        self.notify(hint, title=f"Hint {self.hints_shown}/{len(hints)}", markup=False, timeout=12)

    first_field = ""
    """CSS selector of the box the work pane starts in."""

    def action_toggle_docs(self) -> None:
        """Small windows show one pane: switch between the documents and the work."""
        self.toggle_class("-show-docs")
        if self.has_class("-show-docs"):
            self.query_one("#bill-docs").focus()
        elif self.first_field:
            self.query_one(self.first_field).focus()

    async def action_step_focus(self, delta: int) -> None:
        """Tab / shift+tab: the next or previous box, after the keys typed before it."""
        focused = self.focused
        if focused is not None:
            await after_queued_keys(focused)
        if delta > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def title_widget(self) -> Static:
        return self.query_one("#bill-title", Static)

    def action_back(self) -> None:
        """Back to the billing desk."""
        self.dismiss()

    def action_submit(self) -> None:
        """Grade, save, then show the feedback."""
        if self.submitting:
            return
        self.submitting = True
        self._grade(self.answer(), time.monotonic() - self.started)

    @work(exclusive=True, group="billing-submit", exit_on_error=False)
    async def _grade(self, answer: BillingAnswer, seconds: float) -> None:
        from codetrainer.core.billing.grade import grade_exercise
        from codetrainer.tui.billing_actions import billing_library

        try:
            services = self.app.services
            ref = billing_library(self.app).ref
            try:
                result = await asyncio.to_thread(
                    grade_exercise,
                    self.exercise,
                    answer,
                    ref=ref,
                    reference=services.reference(),
                    catalog=services.catalog(),
                )
            except Exception as exc:
                self.notify(f"Could not grade this answer: {exc}", severity="error", markup=False)
                return
            saved_error = record_billing_attempt(
                self.app, self.pack, self.exercise, answer, result, seconds, self.hints_shown
            )
            from codetrainer.tui.screens.billing_feedback import BillingFeedbackScreen

            await self.app.push_screen(
                BillingFeedbackScreen(self.exercise, result, saved_error=saved_error),
                callback=self._after_feedback,
            )
        finally:
            self.submitting = False

    def _after_feedback(self, choice: Any) -> None:
        if choice == "retry":
            self.started = time.monotonic()
        else:
            self.dismiss()

    def code_under_cursor(self) -> str | None:
        """The code in the focused box, for the browser (ctrl+b)."""
        from textual.widgets import Input

        focused = self.focused
        if isinstance(focused, Input) and focused.has_class("code-box") and focused.value:
            return focused.value.strip()
        return None
