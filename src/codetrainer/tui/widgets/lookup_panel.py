"""Inline code lookup: type words or a code, see ranked results as you type, pick one.

The search runs in a thread worker (``exclusive=True``: a newer query cancels the older
one) so typing never stutters, and a failing search is reported in the panel, never
raised. Attributes down (:attr:`systems`, :meth:`set_query`), messages up
(:class:`LookupPanel.Chosen`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from codetrainer.core.codes import System
from codetrainer.core.encoder.text import truncate_middle
from codetrainer.tui.keyorder import after_queued_keys
from codetrainer.tui.text import one_line

if TYPE_CHECKING:
    from codetrainer.core.search import SearchHit
    from codetrainer.tui.services import Services

__all__ = ["LookupPanel", "hit_detail", "hit_text", "seventh_advice"]

_SYSTEM_TAGS = {
    System.ICD10CM: "ICD",
    System.CPT: "CPT",
    System.HCPCS: "HCPCS",
    System.MODIFIER: "MOD",
}


def hit_text(hit: SearchHit, width: int | None = None) -> Text:
    """One result line: code, system, description (header codes say so in words).

    With ``width`` a long description is cut from the middle, so the end that tells
    siblings apart (right/left, initial/subsequent, the level) stays visible.
    """
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append(f"{hit.code:<8} ", style="bold")
    text.append(f"{_SYSTEM_TAGS.get(hit.system, str(hit.system)):<5} ", style="dim")
    if hit.seventh:
        text.append("+7th: ", style="italic")
    elif not hit.billable:
        text.append("header: ", style="italic")
    description = one_line(hit.description)
    if width is not None:
        description = truncate_middle(description, width - len(text.plain))
    text.append(description)
    return text


def seventh_advice(hit: SearchHit) -> str:
    """What completes a code still missing its 7th character, in words ("" when complete).

    ``"add a 7th character (A, D, S), e.g. S93.402A"``.
    """
    if not hit.seventh:
        return ""
    choices = ", ".join(hit.seventh)
    example = f"e.g. {hit.code}{hit.seventh[0]}"
    if all(s.startswith("X") and len(s) > 1 for s in hit.seventh):
        return f"add the placeholder X and a 7th character ({choices}), {example}"
    return f"add a 7th character ({choices}), {example}"


def hit_detail(hit: SearchHit) -> Text:
    """The highlighted hit in full: description, billable or not, what matched."""
    text = Text(end="")
    text.append(f"{hit.code} ", style="bold")
    text.append(one_line(hit.description))
    if hit.seventh:
        text.append(f" · not billable yet: {seventh_advice(hit)}", style="italic")
    elif not hit.billable:
        text.append(" · not billable: pick a more specific code below it", style="italic")
    matched = one_line(hit.matched)
    if matched and matched.casefold() not in hit.description.casefold():
        text.append(f" · matched: {matched}", style="dim")
    return text


class LookupPanel(Vertical):
    """A query box over a list of ranked hits; enter inserts the highlighted hit."""

    BORDER_TITLE = "Look up (ctrl+l)"

    DEBOUNCE: ClassVar[float] = 0.12
    """Seconds to wait after a keystroke before searching."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # enter is handled here, before the key reaches the Input, so keys typed right
        # after it land in the field the choice goes to (see codetrainer.tui.keyorder)
        Binding("enter", "choose", "Insert result", show=False, priority=True),
        Binding("down", "move(1)", "Next result", show=False),
        Binding("up", "move(-1)", "Previous result", show=False),
        Binding("pagedown", "move(8)", "Results page down", show=False),
        Binding("pageup", "move(-8)", "Results page up", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """The student picked a result (enter or click)."""

        panel: LookupPanel
        hit: SearchHit

    def __init__(
        self,
        services: Services,
        *,
        systems: Collection[System] | None = None,
        limit: int = 40,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="lookup-panel")
        self.services = services
        """Where the search index comes from."""
        self.systems: frozenset[System] | None = frozenset(systems) if systems else None
        """The code systems searched (None: all)."""
        self.limit = limit
        """How many hits to show."""
        self.hits: list[SearchHit] = []
        """The hits on show, best first."""
        self._shown_query: str | None = None
        self.base_title = self.BORDER_TITLE
        self.chooser: Callable[[SearchHit], None] | None = None
        """Called with the chosen hit, when set (else :class:`Chosen` is posted)."""
        """The border title (the match count is added to it)."""

    def compose(self) -> ComposeResult:
        query = Input(
            placeholder="words or a code: sore throat, J02, 99213",
            id="lookup-query",
            select_on_focus=False,
        )
        query.tooltip = "Type to search; up/down pick a result; enter inserts it."
        yield query
        yield OptionList(id="lookup-results", markup=False)
        yield Static(self._status_text("Type words or a code."), id="lookup-status")

    def on_mount(self) -> None:
        self.border_title = self.base_title

    # -- attributes down --------------------------------------------------------------

    @property
    def query_input(self) -> Input:
        """The query box."""
        return self.query_one("#lookup-query", Input)

    @property
    def results(self) -> OptionList:
        """The result list."""
        return self.query_one("#lookup-results", OptionList)

    def set_query(self, text: str, systems: Collection[System] | None = None) -> None:
        """Show ``text`` in the query box and search it (within ``systems``)."""
        self.systems = frozenset(systems) if systems else None
        clean = one_line(text)
        box = self.query_input
        if box.value != clean:
            with box.prevent(Input.Changed):
                box.value = clean
            box.cursor_position = len(clean)
        self.search(clean)

    def refresh_results(self) -> None:
        """Search again (the index finished loading, or the systems changed)."""
        if not self._live():
            return
        self._shown_query = None
        self.search(self.query_input.value)

    def highlighted_hit(self) -> SearchHit | None:
        """The hit under the cursor."""
        index = self.results.highlighted
        if index is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    def best_hit_for(self, query: str, systems: Collection[System] | None) -> SearchHit | None:
        """The hit enter should insert for ``query``: the highlighted one when the list
        already answers this query, else the top hit of a search run now (a few ms), so
        an enter typed before the debounced search finished still inserts the right code.
        """
        clean = one_line(query)
        if not clean.strip():
            return None
        if self._shown_query == clean and one_line(self.query_input.value) == clean:
            return self.highlighted_hit()
        if not self.services.search_ready:
            return None
        try:
            hits = self.services.search(clean, systems=systems, limit=1)
        except Exception:  # a failing search must not break typing
            return None
        return hits[0] if hits else None

    # -- searching --------------------------------------------------------------------

    def search(self, query: str) -> None:
        """Start a search for ``query`` (cancelling one in flight)."""
        query = one_line(query)
        if not query.strip():
            self._show_hits("", [])
            self._set_status("Type words or a code.")
            return
        if not self.services.search_ready:
            self._set_status("Loading the code index…")
        self._run_search(query, self.systems)

    @work(exclusive=True, thread=True, group="lookup", exit_on_error=False)
    def _run_search(self, query: str, systems: frozenset[System] | None) -> None:
        worker = get_current_worker()
        # Debounce: a newer keystroke cancels this worker while it waits, so a burst of
        # typing runs one search, not one per key (the search is CPU work in Python).
        time.sleep(self.DEBOUNCE)
        if worker.is_cancelled:
            return
        try:
            hits = self.services.search(query, systems=systems, limit=self.limit)
        except Exception as exc:  # never let a lookup failure reach the app
            if not worker.is_cancelled:
                self.app.call_from_thread(self._set_status, f"Lookup failed: {exc}")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_hits, query, hits)

    def _live(self) -> bool:
        """Mounted with its three parts. A search's answer can arrive while the panel's
        screen is being taken down (its parts removed first, the panel still mounted)."""
        if not self.is_mounted:
            return False
        try:
            self.query_one("#lookup-query")
            self.query_one("#lookup-results")
            self.query_one("#lookup-status")
        except NoMatches:
            return False
        return True

    def _show_hits(self, query: str, hits: list[SearchHit]) -> None:
        if not self._live() or query != one_line(self.query_input.value):
            return  # a stale answer to an older query, or the panel is going away
        self.hits = list(hits)
        self._shown_query = query
        results = self.results
        results.clear_options()
        results.add_options(self._options())
        count = len(self.hits)
        more = "+" if count >= self.limit else ""
        self.border_title = Content(
            f"{self.base_title} · {count}{more} match{'es' if count != 1 else ''}"
            if query
            else self.base_title
        )
        if self.hits:
            results.highlighted = 0
            self._show_detail()
        elif query:
            self._set_status("No match. Try fewer words or another spelling.")

    def _row_width(self) -> int | None:
        """Cells a result line may use (None before the list is laid out)."""
        width = self.results.scrollable_content_region.width
        return width - 1 if width > 10 else None

    def _options(self) -> list[Option]:
        width = self._row_width()
        return [Option(hit_text(h, width)) for h in self.hits]

    def on_resize(self) -> None:
        """Cut the descriptions again for the new width (keeping the highlight)."""
        if not self.hits:
            return
        results = self.results
        keep = results.highlighted
        results.clear_options()
        results.add_options(self._options())
        if keep is not None and keep < len(self.hits):
            results.highlighted = keep

    def _status_text(self, message: str) -> Text:
        return Text(message, style="dim", end="")

    def _set_status(self, message: str) -> None:
        if self._live():
            self.query_one("#lookup-status", Static).update(self._status_text(message))

    # -- events -----------------------------------------------------------------------

    def _show_detail(self) -> None:
        if not self._live():
            return
        hit = self.highlighted_hit()
        if hit is not None:
            self.query_one("#lookup-status", Static).update(hit_detail(hit))

    @on(OptionList.OptionHighlighted, "#lookup-results")
    def _option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(Input.Changed, "#lookup-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    @on(Input.Submitted, "#lookup-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose()

    @on(OptionList.OptionSelected, "#lookup-results")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose()

    async def action_choose(self) -> None:
        """Insert the highlighted hit (after the keys typed before enter are in)."""
        await after_queued_keys(self.query_input)
        self._choose()

    def _choose(self) -> None:
        # the results may still answer an older query (enter within the debounce after
        # the last key): then the top hit for what is typed now, not a stale highlight
        hit = self.best_hit_for(self.query_input.value, self.systems)
        if hit is None:
            self.app.bell()
            return
        if self.chooser is not None:
            self.chooser(hit)
        else:
            self.post_message(self.Chosen(self, hit))

    def action_move(self, delta: int) -> None:
        """Move the highlight in the results while typing."""
        results = self.results
        if not self.hits:
            return
        current = results.highlighted or 0
        results.highlighted = max(0, min(len(self.hits) - 1, current + delta))
