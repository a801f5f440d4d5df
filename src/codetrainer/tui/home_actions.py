"""Entries at the top of the home screen ("Next unsolved case", later "Review (N due)" ...).

The home screen lists :data:`HOME_ACTIONS` above the packs. To add an entry (review,
exam, stats), register a :class:`HomeAction`: a label function (return None to hide the
entry, e.g. when nothing is due) and a run function. Both get the app and the pack the
student has highlighted (or None)::

    register_home_action(HomeAction(
        id="review",
        label=lambda app, entry: f"Review ({count_due(app)} due)",
        run=lambda app, entry: app.push_screen(ReviewScreen(...)),
        key="v",
    ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = ["HOME_ACTIONS", "HomeAction", "register_home_action"]


@dataclass(frozen=True, slots=True)
class HomeAction:
    """One entry of the home screen's action list."""

    id: str
    """Stable identifier (also the option id: ``action:<id>``)."""
    label: Callable[[CodetrainerApp, PackEntry | None], str | None]
    """The text to show (plain text, never markup); None hides the entry."""
    run: Callable[[CodetrainerApp, PackEntry | None], Any]
    """What enter does (may return an awaitable)."""
    key: str | None = None
    """An optional single key on the home screen that runs it (shown in the label)."""
    help: str = ""
    """A sentence for the help screen."""
    prepare: Callable[[CodetrainerApp], None] | None = None
    """Optional: called in a worker thread each time the home screen refreshes, before
    the labels are drawn again. Slow inputs of the label (store queries, a review sync)
    belong here, so that ``label`` itself only reads what ``prepare`` left behind."""


def _next_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    return "Next unsolved case"


def _next_run(app: CodetrainerApp, entry: PackEntry | None) -> None:
    app.open_next_unsolved(entry)


HOME_ACTIONS: list[HomeAction] = [
    HomeAction(
        id="next",
        label=_next_label,
        run=_next_run,
        key="n",
        help="Open the first case you have not solved yet (in the highlighted pack).",
    ),
]
"""The entries, in display order."""


def register_home_action(action: HomeAction, *, before: str | None = None) -> None:
    """Add (or replace, by id) an entry; ``before`` names the id to insert in front of."""
    for i, existing in enumerate(HOME_ACTIONS):
        if existing.id == action.id:
            HOME_ACTIONS[i] = action
            return
    if before is not None:
        for i, existing in enumerate(HOME_ACTIONS):
            if existing.id == before:
                HOME_ACTIONS.insert(i, action)
                return
    HOME_ACTIONS.append(action)
