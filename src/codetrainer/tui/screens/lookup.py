"""A lookup window: the inline lookup panel on its own (small windows, and from anywhere)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from codetrainer.core.codes import System
from codetrainer.tui.widgets.lookup_panel import LookupPanel

if TYPE_CHECKING:
    from codetrainer.core.search import SearchHit  # noqa: F401 (used in a string below)
    from codetrainer.tui.services import Services

__all__ = ["LookupScreen"]


class LookupScreen(ModalScreen["SearchHit | None"]):
    """Type, pick with up/down, enter returns the hit (escape returns None)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        services: Services,
        query: str = "",
        systems: Collection[System] | None = None,
    ) -> None:
        super().__init__(classes="lookup-screen")
        self.services = services
        """Where the search comes from."""
        self.initial_query = query
        """The query to start with."""
        self.systems = systems
        """The systems searched (None: all)."""

    def compose(self) -> ComposeResult:
        yield LookupPanel(self.services, systems=self.systems, id="lookup-modal")

    def on_mount(self) -> None:
        panel = self.query_one(LookupPanel)
        panel.base_title = panel.border_title = "Look up (enter picks, esc cancels)"
        if self.initial_query:
            panel.set_query(self.initial_query, self.systems)
        panel.query_input.focus()

    @on(LookupPanel.Chosen)
    def _chosen(self, event: LookupPanel.Chosen) -> None:
        event.stop()
        self.dismiss(event.hit)

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

    def code_under_cursor(self) -> str | None:
        """The highlighted hit's code."""
        hit = self.query_one(LookupPanel).highlighted_hit()
        return hit.code if hit is not None else None
