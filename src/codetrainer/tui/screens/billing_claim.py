"""The claim screen: encounter, face sheet and card beside a CMS-1500-shaped form."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from codetrainer.core.billing.models import BillingAnswer
from codetrainer.tui.screens.billing_base import BillingExerciseScreen
from codetrainer.tui.text import data_text, one_line
from codetrainer.tui.widgets.claim_form import ClaimForm, CodeBox

__all__ = ["ClaimFormScreen", "documents_text"]


def documents_text(encounter: str, face_sheet: str, card: str) -> Text:
    """The three source documents, each under its heading (plain data)."""
    text = Text(end="")
    for n, (title, body) in enumerate(
        (("ENCOUNTER", encounter), ("FACE SHEET", face_sheet), ("INSURANCE CARD", card))
    ):
        if n:
            text.append("\n\n")
        text.append(title, style="bold")
        text.append("\n")
        text.append_text(data_text(body))
    return text


class ClaimFormScreen(BillingExerciseScreen):
    """Fill the claim; ctrl+l looks a code up in a code box; ctrl+s submits."""

    first_field = "#box-insured_id"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lookup", "Look up"),
        Binding("ctrl+t", "view_837", "837P"),
    ]

    def compose(self) -> ComposeResult:
        ex = self.exercise
        yield Header()
        yield Static(
            Text(f"Claim · {one_line(ex.title)} · level {ex.difficulty}", style="bold"),
            id="bill-title",
        )
        with Horizontal(id="bill-body"):
            with VerticalScroll(id="bill-docs", can_focus=True):
                yield Static(
                    documents_text(ex.encounter, ex.face_sheet, ex.insurance_card),
                    id="bill-docs-text",
                )
            with VerticalScroll(id="bill-work"):
                yield ClaimForm(id="claim-form")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bill-docs").border_title = "Encounter · face sheet · card"
        self.query_one("#bill-work").border_title = "CMS-1500"
        self.query_one("#box-insured_id").focus()

    @property
    def form(self) -> ClaimForm:
        return self.query_one(ClaimForm)

    def answer(self) -> BillingAnswer:
        return BillingAnswer(exercise=self.exercise.id, claim=self.form.given())

    def action_lookup(self) -> None:
        """Open the code lookup for the focused code box; enter puts the code in."""
        from codetrainer.tui.screens.lookup import LookupScreen

        box = self.focused
        if not isinstance(box, CodeBox):
            self.notify("Move to a diagnosis, code or modifier box first (tab).", markup=False)
            return

        def _chosen(hit: object) -> None:
            code = getattr(hit, "code", None)
            if isinstance(code, str):
                box.value = code
                box.focus()

        self.app.push_screen(
            LookupScreen(self.app.services, box.value.strip(), box.systems), callback=_chosen
        )

    def action_view_837(self) -> None:
        """Show the claim as typed so far as an 837P, segment by segment."""
        from codetrainer.core.billing.claim import claim_from_given
        from codetrainer.tui.screens.billing_x12 import X12ViewScreen

        claim, reasons = claim_from_given(self.exercise.key, self.form.given())
        if claim is None:
            shown = "; ".join(reasons[:3]) + (" ..." if len(reasons) > 3 else "")
            self.notify(f"Not a complete claim yet: {shown}", severity="warning", markup=False)
            return
        self.app.push_screen(X12ViewScreen(self.exercise.id, claim))
