"""Drills on the home screen: the "Drills (N due)" entry, and the services the drill screens use.

The decks (:class:`~codetrainer.core.drills.library.DrillLibrary`) are loaded once per app,
off the UI thread; the drill progress (:class:`~codetrainer.core.drills.schedule.Drills`)
lives in the app's progress store and is used on the UI thread only, like attempts. "Now"
and "today" come from :data:`~codetrainer.tui.progress_clock.CLOCK` (fixed in tests).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import codetrainer.tui.progress_actions  # noqa: F401  (Stats first: Drills goes before it)
from codetrainer.tui.home_actions import HomeAction, register_home_action
from codetrainer.tui.progress_clock import CLOCK

if TYPE_CHECKING:
    from codetrainer.core.drills.library import DrillLibrary
    from codetrainer.core.drills.schedule import Drills
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = ["drill_library", "drills_for", "drills_label", "open_drills", "today"]

_LIBRARIES: WeakKeyDictionary[CodetrainerApp, DrillLibrary] = WeakKeyDictionary()
_LOCK = threading.Lock()


def drill_library(app: CodetrainerApp) -> DrillLibrary:
    """Every deck, loaded on first use (safe to call from a thread worker)."""
    with _LOCK:
        library = _LIBRARIES.get(app)
        if library is None:
            from codetrainer.core.drills.library import DrillLibrary

            library = DrillLibrary(reference=app.services.reference())
            _LIBRARIES[app] = library
        return library


def drills_for(app: CodetrainerApp) -> Drills | None:
    """Drill progress in the app's store (None without a store)."""
    store = app.services.store()
    if store is None:
        return None
    from codetrainer.core.drills.schedule import Drills

    return Drills(store)


def today() -> str:
    """The learner's day for the goal and streak (from the frozen-in-tests clock)."""
    return CLOCK.today().isoformat()


def sync_slips(app: CodetrainerApp) -> None:
    """Queue code-fact cards for slips of attempts not seen yet (never fatal)."""
    store = app.services.store()
    reference = app.services.reference()
    if store is None or reference is None:
        return
    try:
        from codetrainer.core.drills.slips import sync_slips as sync

        sync(store, reference, now=CLOCK.now())
    except Exception as exc:
        app.services.problems["drills"] = str(exc) or type(exc).__name__


_DUE: WeakKeyDictionary[CodetrainerApp, int] = WeakKeyDictionary()


def prepare_drills_count(app: CodetrainerApp) -> None:
    """In the home screen's worker: count the cards due (a store query)."""
    drills = drills_for(app)
    if drills is None:
        return
    try:
        _DUE[app] = len(drills.due_keys(CLOCK.now()))
    except Exception:  # the label then just says "Drills"
        _DUE.pop(app, None)


def drills_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    """``Drills`` or ``Drills (N due)`` (the count from :func:`prepare_drills_count`)."""
    due = _DUE.get(app, 0)
    return f"Drills ({due} due)" if due else "Drills"


def open_drills(app: CodetrainerApp, entry: PackEntry | None = None) -> None:
    """Open the drill deck picker."""
    from codetrainer.tui.screens.drills import DrillsScreen

    app.push_screen(DrillsScreen())


register_home_action(
    HomeAction(
        id="drills",
        label=drills_label,
        run=open_drills,
        key="d",
        help="Short drills: word parts, abbreviations, look-alikes and code facts.",
        prepare=prepare_drills_count,
    ),
    before="stats",
)
