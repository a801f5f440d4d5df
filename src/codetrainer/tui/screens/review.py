"""Spaced review: the due cases, one after another, through the normal case screen.

:func:`start_review` opens the first due case in a :class:`ReviewCaseScreen`: the case
screen with a banner, whose attempts are recorded with ``mode="review"``. After the
feedback, "next case" moves to the next case still due (the cards are synced first, so
the attempt just made counts); when none is left the learner is back home. The rating
each card gets comes from the grade and the hints, in the core
(:func:`codetrainer.core.review.rating_for`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from codetrainer.tui.progress_actions import CaseKey, due_review_cases, find_case
from codetrainer.tui.screens.case import CaseDraft, CaseScreen

if TYPE_CHECKING:
    from codetrainer.core.models import Case
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = ["ReviewCaseScreen", "ReviewSession", "start_review"]


@dataclass(slots=True)
class ReviewSession:
    """One sitting of review: what was due at the start, what is done."""

    queue: list[CaseKey]
    """Cases still to do, in order."""
    done: list[CaseKey] = field(default_factory=list)
    """Cases answered in this sitting."""

    @property
    def total(self) -> int:
        """Done plus still to do."""
        return len(self.done) + len(self.queue)

    def refresh(self, app: CodetrainerApp) -> None:
        """Recompute the queue from the cards (after an attempt), leaving out done cases."""
        due = due_review_cases(app)
        self.queue = [key for key in due if key not in self.done]

    def next_case(self, app: CodetrainerApp) -> tuple[PackEntry, Case] | None:
        """The next case still due and still loaded (dropped from the queue when gone)."""
        while self.queue:
            found = find_case(app, *self.queue[0])
            if found is not None:
                return found
            self.queue.pop(0)
        return None


def start_review(app: CodetrainerApp, due: list[CaseKey]) -> bool:
    """Open the first of ``due``; False when none of them is loaded."""
    session = ReviewSession(list(due))
    found = session.next_case(app)
    if found is None:
        app.notify("The cases due for review are not loaded.", title="Review")
        return False
    entry, case = found
    draft = app.drafts.get((entry.id, case.id))
    app.push_screen(ReviewCaseScreen(entry, case, draft, session=session))
    return True


class ReviewCaseScreen(CaseScreen):
    """The case screen in review mode: a banner, and "next" goes to the next due case."""

    CSS_PATH = "../progress.tcss"

    def __init__(
        self,
        entry: PackEntry,
        case: Case,
        draft: CaseDraft | None = None,
        *,
        session: ReviewSession,
    ) -> None:
        super().__init__(entry, case, draft, mode="review")
        self.session = session
        """The review sitting this case belongs to."""

    def on_mount(self) -> None:
        # CaseScreen.on_mount runs as well (Textual calls the handler of every class).
        banner = Static(self.banner_text(), classes="mode-banner", id="review-banner")
        self.mount(banner, before="#case-title")

    def banner_text(self) -> Text:
        """``Review 1 of 3 · rated from your score and hints``."""
        session = self.session
        position = len(session.done) + 1
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append(f"Review {position} of {max(position, session.total)}", style="bold")
        text.append(" · rated from your score and hints")
        return text

    def _after_feedback(self, choice: Any) -> None:
        if choice == "retry":
            super()._after_feedback(choice)
            return
        key = (self.entry.id, self.case.id)
        session = self.session
        if key not in session.done:
            session.done.append(key)
        session.refresh(self.app)
        if choice == "next":
            found = session.next_case(self.app)
            if found is not None:
                entry, case = found
                draft = self.app.drafts.get((entry.id, case.id))
                self.app.switch_screen(ReviewCaseScreen(entry, case, draft, session=session))
                return
            n = len(session.done)
            from codetrainer.tui.progress_actions import next_due_text

            when = next_due_text(self.app)
            self.app.notify(
                f"Review done: {n} case{'s' if n != 1 else ''} reviewed. "
                + (
                    f"The next case is due {when}."
                    if when
                    else "Missed cases come back when they are due."
                ),
                title="Review",
            )
        self.dismiss()
