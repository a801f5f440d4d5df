"""The scrubber: the prepared claim on one side, the problems found and their fixes on the other."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Select, Static

from codetrainer.core.billing.models import PROBLEM_KINDS, BillingAnswer, ClaimForm, GivenProblem
from codetrainer.tui.screens.billing_base import BillingExerciseScreen
from codetrainer.tui.text import data_text, one_line

__all__ = ["MAX_ROWS", "ProblemRow", "ScrubberScreen", "claim_text"]

MAX_ROWS = 8


def claim_text(claim: ClaimForm) -> Text:
    """The claim box by box, as a biller reads it on the screen (plain data)."""
    p, ins = claim.patient, claim.insured
    text = Text(end="")

    def row(box: str, value: str) -> None:
        text.append(f"{box:<14}", style="bold")
        text.append(one_line(value))
        text.append("\n")

    row("1a insured id", ins.id)
    row("2 patient", f"{p.last}, {p.first}")
    row("3 birth, sex", f"{p.birth_date:%m/%d/%Y} {p.sex}")
    row("6 relation", ins.relationship)
    if ins.relationship != "self":
        row("4 insured", f"{ins.last}, {ins.first}")
    row("payer", f"{claim.payer.name} ({claim.payer.id})")
    row("24B POS", claim.pos)
    row("33a billing", f"{claim.billing.name} {claim.billing.npi}")
    if claim.rendering is not None:
        row("24J rendering", f"{claim.rendering.last} {claim.rendering.npi}")
    text.append("21 diagnoses\n", style="bold")
    for n, code in enumerate(claim.diagnoses):
        text.append(f"  {'ABCDEFGHIJKL'[n]} {code}\n")
    text.append("24 lines (date code units pointers charge)\n", style="bold")
    for n, line in enumerate(claim.lines, start=1):
        mods = "-" + "-".join(line.modifiers) if line.modifiers else ""
        ptrs = "".join("ABCDEFGHIJKL"[i - 1] if 0 < i <= 12 else "?" for i in line.pointers)
        text.append(
            f" {n} {line.date:%m/%d} {line.code}{mods} x{line.units} {ptrs or '-'}"
            f" {line.charge:.2f}\n"
        )
    text.append(f"28 total       {claim.total:.2f}", style="bold")
    return text


def facts_text(facts: Any) -> Text:
    text = Text(end="")
    text.append("FACE SHEET AND CARD\n", style="bold")
    text.append_text(data_text(facts.face_sheet))
    text.append("\n\nNOTE\n", style="bold")
    text.append_text(data_text(facts.note))
    end = f"{facts.coverage_end:%m/%d/%Y}" if facts.coverage_end else "open"
    text.append("\n\nCOVERAGE ", style="bold")
    text.append(f"{facts.coverage_start:%m/%d/%Y} to {end}")
    text.append("\nFILING ", style="bold")
    text.append(f"limit {facts.filing_limit_days} days; sending on {facts.submit_date:%m/%d/%Y}")
    return text


class ProblemRow(Horizontal):
    """One problem found: its kind, the line (empty for the header) and the fix."""

    def __init__(self, index: int) -> None:
        super().__init__(classes="problem-row", id=f"problem-{index}")
        self.index = index

    def compose(self) -> ComposeResult:
        yield Select(
            [(name, name) for name in PROBLEM_KINDS],
            prompt="kind",
            compact=True,
            id=f"kind-{self.index}",
            classes="problem-kind",
        )
        yield Input(
            placeholder="line", compact=True, id=f"pline-{self.index}", classes="problem-line"
        )
        yield Input(
            placeholder="the fix", compact=True, id=f"fix-{self.index}", classes="problem-fix"
        )

    def given(self) -> GivenProblem:
        kind = self.query_one(Select).value
        return GivenProblem(
            kind=kind if isinstance(kind, str) else "",
            line=self.query_one(f"#pline-{self.index}", Input).value,
            fix=self.query_one(f"#fix-{self.index}", Input).value,
        )


class ScrubberScreen(BillingExerciseScreen):
    """Find each planted problem; ctrl+n adds a problem row; ctrl+s submits."""

    first_field = "#kind-0"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_row", "New problem"),
    ]

    def compose(self) -> ComposeResult:
        ex = self.exercise
        yield Header()
        yield Static(
            Text(f"Scrub · {one_line(ex.title)} · level {ex.difficulty}", style="bold"),
            id="bill-title",
        )
        with Horizontal(id="bill-body"):
            with VerticalScroll(id="bill-docs", can_focus=True):
                yield Static(claim_text(ex.claim), id="scrub-claim")
                yield Static(facts_text(ex.facts), id="scrub-facts")
            with Vertical(id="bill-work"):
                yield Static(
                    "Kind, line (empty: header), fix. ctrl+n adds a row.",
                    id="scrub-help",
                    markup=False,
                )
                with VerticalScroll(id="problem-rows"):
                    yield ProblemRow(0)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bill-docs").border_title = "The claim"
        self.query_one("#bill-work").border_title = "Problems found"
        self.query_one("#kind-0").focus()

    def rows(self) -> list[ProblemRow]:
        return list(self.query(ProblemRow))

    async def action_add_row(self) -> None:
        """Add a problem row and move to it."""
        rows = self.rows()
        if len(rows) >= MAX_ROWS:
            self.notify(f"At most {MAX_ROWS} problems.", markup=False)
            return
        row = ProblemRow(len(rows))
        await self.query_one("#problem-rows").mount(row)
        self.query_one(f"#kind-{row.index}").focus()

    def answer(self) -> BillingAnswer:
        problems = [r.given() for r in self.rows()]
        problems = [p for p in problems if p.kind or p.fix.strip() or p.line.strip()]
        return BillingAnswer(exercise=self.exercise.id, problems=problems)
