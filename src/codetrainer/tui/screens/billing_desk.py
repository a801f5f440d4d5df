"""The billing desk: every billing exercise by kind, with the best score so far."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from codetrainer.tui.text import one_line

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["BillingDeskScreen", "open_exercise"]

_KIND_TITLES = {
    "claim": "Claims: build the CMS-1500",
    "scrub": "Scrubber: find the problems before it goes out",
    "denial": "Remittances: work the denial",
    "posting": "Ledger: post the payment",
}


def open_exercise(app: CodetrainerApp, pack: Any, exercise: Any) -> None:
    """Push the screen for the exercise's kind."""
    from codetrainer.tui.screens.billing_claim import ClaimFormScreen
    from codetrainer.tui.screens.billing_posting import PostingLedgerScreen
    from codetrainer.tui.screens.billing_remit import RemittanceScreen
    from codetrainer.tui.screens.billing_scrub import ScrubberScreen

    screens = {
        "claim": ClaimFormScreen,
        "scrub": ScrubberScreen,
        "denial": RemittanceScreen,
        "posting": PostingLedgerScreen,
    }
    app.push_screen(screens[exercise.kind](pack, exercise))


class BillingDeskScreen(Screen[None]):
    """Pick a billing exercise; enter opens it."""

    CSS_PATH = "../billing.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    app: CodetrainerApp

    def __init__(self) -> None:
        super().__init__(id="billing-desk", classes="billing-screen")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="desk-info")
        yield OptionList(id="desk-list", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#desk-list").border_title = "Billing desk"
        self.refresh_list()
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        from codetrainer.tui.billing_actions import billing_library
        from codetrainer.tui.services import summary_solved

        lib = billing_library(self.app)
        due = self._due(lib)
        listing = self.query_one(OptionList)
        keep = listing.highlighted
        listing.clear_options()
        options: list[Option | None] = []
        solved = total = 0
        for kind in ("claim", "scrub", "denial", "posting"):
            rows = [(p, ex) for p in lib.packs for ex in p.exercises if ex.kind == kind]
            if not rows:
                continue
            if options:
                options.append(None)
            options.append(Option(Text(_KIND_TITLES[kind], style="bold"), disabled=True))
            for pack, ex in rows:
                summary = self.app.services.case_summary(pack.billing.id).get(ex.id)
                best = getattr(summary, "best_score", None)
                done = summary is not None and summary_solved(summary)
                solved += done
                total += 1
                label = Text(end="", no_wrap=True, overflow="ellipsis")
                label.append("✓ " if done else "  ", style="green")
                label.append(f"{'●' * ex.difficulty:<5} ", style="dim")
                label.append(one_line(ex.title))
                if best is not None:
                    label.append(f"  best {best:g}", style="dim")
                if (pack.billing.id, ex.id) in due:
                    label.append("  ↻ due", style="bold yellow")
                options.append(Option(label, id=f"{pack.billing.id}/{ex.id}"))
        listing.add_options(options)
        info = Text(end="")
        info.append(f"{solved}/{total} solved", style="bold")
        if due:
            info.append(f" · {len(due)} due for review", style="bold yellow")
        info.append(" · enter opens · ctrl+s submits inside an exercise · esc back", style="dim")
        if lib.problems:
            info.append(f"\n{len(lib.problems)} problem(s) in billing packs: ", style="red")
            info.append(one_line(lib.problems[0].format(), 120))
        self.query_one("#desk-info", Static).update(info)
        if listing.option_count:
            first = next(
                (i for i in range(listing.option_count) if listing.get_option_at_index(i).id),
                0,
            )
            listing.highlighted = keep if keep is not None else first

    def _due(self, lib: Any) -> set[tuple[str, str]]:
        """Billing exercises the spaced review says are due (missed ones come back)."""
        from codetrainer.tui.progress_actions import reviewer_for, sync_review
        from codetrainer.tui.progress_clock import CLOCK

        keys = {(p.billing.id, ex.id) for p in lib.packs for ex in p.exercises}
        reviewer = reviewer_for(self.app)
        if reviewer is None or not keys:
            return set()
        sync_review(self.app)
        try:
            return set(reviewer.due_cases(CLOCK.now(), available=keys))
        except Exception:  # the desk works without the review schedule
            return set()

    @on(OptionList.OptionSelected, "#desk-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        from codetrainer.tui.billing_actions import billing_library

        option_id = event.option.id or ""
        pack_id, _, ex_id = option_id.partition("/")
        for pack in billing_library(self.app).packs:
            if pack.billing.id == pack_id:
                ex = pack.exercise(ex_id)
                if ex is not None:
                    open_exercise(self.app, pack, ex)
                return

    def action_back(self) -> None:
        """Back home."""
        self.dismiss()

    def code_under_cursor(self) -> str | None:
        return None
