"""The learner's own claim as an X12 837P, segment by segment, beside the CMS-1500 boxes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from codetrainer.core.billing.models import ClaimForm
from codetrainer.core.billing.x12 import claim_segments, render_837

__all__ = ["X12ViewScreen"]


class X12ViewScreen(Screen[None]):
    """Read the 837P loop by loop; w writes the file to the exports folder."""

    CSS_PATH = "../billing.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the claim"),
        Binding("w", "write", "Write the file"),
    ]

    def __init__(self, exercise_id: str, claim: ClaimForm) -> None:
        super().__init__(classes="billing-screen")
        self.exercise_id = exercise_id
        self.claim = claim
        self.segments = claim_segments(claim)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            Text("Your claim as an X12 005010X222A1 837P (test data)", style="bold"),
            id="bill-title",
        )
        table: DataTable[Text] = DataTable(id="x12-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="x12-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#x12-table", DataTable)
        table.add_column("CMS-1500", width=30)
        table.add_column("segment", width=40)
        table.add_column("loop", width=24)

        for seg in self.segments:
            table.add_row(Text(seg.boxes), Text(seg.text), Text(seg.loop))
        table.focus()
        self._show(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.segments):
            return
        seg = self.segments[row]
        detail = Text(end="")
        detail.append(seg.text + "~", style="bold")
        detail.append(f"\n{seg.loop}: {seg.boxes}")
        self.query_one("#x12-detail", Static).update(detail)

    def action_back(self) -> None:
        self.dismiss()

    def action_write(self) -> None:
        """Write the 837P into the data folder's exports (atomically)."""
        from codetrainer import paths
        from codetrainer.fileio import write_text_atomic

        target = paths.data_dir() / "exports" / f"{self.exercise_id}.837"
        try:
            write_text_atomic(target, render_837(self.claim))
        except OSError as exc:
            self.notify(f"Could not write {target}: {exc}", severity="error", markup=False)
            return
        self.notify(f"Wrote {target}", markup=False)

    def code_under_cursor(self) -> str | None:
        return None
