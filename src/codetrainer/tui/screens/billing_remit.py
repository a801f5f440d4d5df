"""The remittance screen: an EOB/ERA 835 with our CARC/RARC summaries; name cause and action."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Select, Static

from codetrainer.core.billing.denial import describe_remittance
from codetrainer.core.billing.models import ACTIONS, CAUSES, BillingAnswer
from codetrainer.tui.screens.billing_base import BillingExerciseScreen
from codetrainer.tui.text import data_text, one_line

__all__ = ["RemittanceScreen"]


class RemittanceScreen(BillingExerciseScreen):
    """Read the remittance, choose the cause and the next action, ctrl+s submits."""

    first_field = "#denial-cause"

    def compose(self) -> ComposeResult:
        from codetrainer.tui.billing_actions import billing_library

        ex = self.exercise
        ref = billing_library(self.app).ref
        yield Header()
        yield Static(
            Text(f"Denial · {one_line(ex.title)} · level {ex.difficulty}", style="bold"),
            id="bill-title",
        )
        with Horizontal(id="bill-body"):
            with VerticalScroll(id="bill-docs", can_focus=True):
                remit = Text(end="")
                remit.append("REMITTANCE\n", style="bold")
                remit.append_text(data_text("\n".join(describe_remittance(ex.remittance, ref))))
                remit.append("\n\nWHAT YOU KNOW\n", style="bold")
                remit.append_text(data_text(ex.context))
                yield Static(remit, id="remit-text")
            with Vertical(id="bill-work"):
                yield Static("Cause", classes="claim-section", markup=False)
                yield Select(
                    [(f"{name}: {text}", name) for name, text in CAUSES.items()],
                    prompt="cause",
                    compact=True,
                    id="denial-cause",
                )
                yield Static("Next action", classes="claim-section", markup=False)
                yield Select(
                    [(f"{name}: {text}", name) for name, text in ACTIONS.items()],
                    prompt="action",
                    compact=True,
                    id="denial-action",
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bill-docs").border_title = "Remittance (EOB / 835)"
        self.query_one("#bill-work").border_title = "Your call"
        self.query_one("#denial-cause").focus()

    def answer(self) -> BillingAnswer:
        cause = self.query_one("#denial-cause", Select).value
        action = self.query_one("#denial-action", Select).value
        return BillingAnswer(
            exercise=self.exercise.id,
            cause=cause if isinstance(cause, str) else "",
            action=action if isinstance(action, str) else "",
        )
