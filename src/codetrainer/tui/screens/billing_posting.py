"""The posting ledger: post payment, adjustment and patient balance; the ledger must balance."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Static

from codetrainer.core.billing.models import BillingAnswer
from codetrainer.core.billing.posting import parse_amount
from codetrainer.tui.screens.billing_base import BillingExerciseScreen
from codetrainer.tui.text import data_text, one_line

__all__ = ["PostingLedgerScreen", "ledger_fields"]


def ledger_fields(exercise: object) -> list[tuple[str, str]]:
    """(answer field, ledger label) in posting order."""
    rows = [
        ("payment", "Payer payment"),
        ("adjustment", "Contractual adjustment"),
        ("patient", "Patient balance"),
    ]
    facts = getattr(exercise, "facts", None)
    if getattr(facts, "secondary", None) is not None:
        rows.insert(1, ("secondary_payment", "Secondary payment"))
    return rows


class PostingLedgerScreen(BillingExerciseScreen):
    """Type the amounts; the ledger shows what is still unposted; ctrl+s submits."""

    first_field = "#post-payment"

    def compose(self) -> ComposeResult:
        ex = self.exercise
        f = ex.facts
        yield Header()
        yield Static(
            Text(f"Posting · {one_line(ex.title)} · level {ex.difficulty}", style="bold"),
            id="bill-title",
        )
        with Horizontal(id="bill-body"):
            with VerticalScroll(id="bill-docs", can_focus=True):
                story = Text(end="")
                story.append_text(data_text(ex.story))
                story.append("\n\n")
                rows = [
                    ("Billed", f"{f.billed:.2f}"),
                    ("Allowed", f"{f.allowed:.2f}"),
                    ("Deductible left", f"{f.deductible_remaining:.2f}"),
                    ("Copay", f"{f.copay:.2f}"),
                    ("Coinsurance", f"{f.coinsurance_percent}%"),
                ]
                if f.oop_max is not None:
                    rows.append(("Out-of-pocket max", f"{f.oop_max:.2f} ({f.oop_met:.2f} met)"))
                if f.secondary is not None:
                    rows.append(
                        (
                            "Secondary",
                            f"{one_line(f.secondary.name)} pays {f.secondary.pays_percent}%",
                        )
                    )
                for label, value in rows:
                    story.append(f"{label:<18}", style="bold")
                    story.append(f"{value}\n")
                yield Static(story, id="posting-facts")
            with Vertical(id="bill-work"):
                for field, label in ledger_fields(ex):
                    with Horizontal(classes="ledger-row"):
                        yield Static(label, classes="ledger-label", markup=False)
                        yield Input(
                            placeholder="0.00",
                            compact=True,
                            id=f"post-{field}",
                            classes="ledger-input",
                        )
                yield Static(id="ledger-balance")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bill-docs").border_title = "Remittance and benefits"
        self.query_one("#bill-work").border_title = "Ledger"
        self._update_balance()
        self.query_one("#post-payment").focus()

    @on(Input.Changed, ".ledger-input")
    def _changed(self, event: Input.Changed) -> None:
        self._update_balance()

    def _update_balance(self) -> None:
        billed = self.exercise.facts.billed
        posted = Decimal("0.00")
        bad: list[str] = []
        for field, label in ledger_fields(self.exercise):
            text = self.query_one(f"#post-{field}", Input).value
            amount = parse_amount(text)
            if amount is None and text.strip():
                bad.append(label.lower())
            posted += amount or Decimal("0.00")
        left = billed - posted
        line = Text(end="")
        line.append(f"Billed {billed:.2f} · posted {posted:.2f} · ")
        line.append(
            f"unposted {left:.2f}",
            style="bold green" if left == 0 else "bold red",
        )
        if bad:
            line.append(f"\nnot an amount: {', '.join(bad)}", style="red")
        self.query_one("#ledger-balance", Static).update(line)

    def answer(self) -> BillingAnswer:
        values = {
            field: self.query_one(f"#post-{field}", Input).value
            for field, _ in ledger_fields(self.exercise)
        }
        return BillingAnswer(exercise=self.exercise.id, **values)
