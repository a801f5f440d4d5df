"""Home-screen entries for progress: "Review (N due)", "Exam" and "Stats".

Importing this module registers the entries with
:func:`codetrainer.tui.home_actions.register_home_action` (the app imports it once). The
helpers here connect the screens to the core: which loaded cases exist, what is due for
review (:class:`codetrainer.core.review.Reviewer`), and opening each screen. No SQL here:
only the store's and the reviewer's methods.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from codetrainer.tui.home_actions import HomeAction, register_home_action
from codetrainer.tui.progress_clock import CLOCK

if TYPE_CHECKING:
    from codetrainer.core.models import Case
    from codetrainer.core.review import Reviewer
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = [
    "CaseKey",
    "due_review_cases",
    "find_case",
    "loaded_cases",
    "next_due_text",
    "open_exam",
    "open_review",
    "open_stats",
    "prepare_review_count",
    "prepare_stats_tally",
    "review_label",
    "reviewer_for",
    "sync_review",
]

CaseKey = tuple[str, str]
"""(pack id, case id)."""


def loaded_cases(app: CodetrainerApp) -> dict[CaseKey, tuple[PackEntry, Case]]:
    """Every case of every pack that loaded, by (pack id, case id)."""
    out: dict[CaseKey, tuple[PackEntry, Case]] = {}
    for entry in app.packs:
        if entry.pack is None:
            continue
        for case in entry.pack.cases:
            out.setdefault((entry.id, case.id), (entry, case))
    return out


def find_case(app: CodetrainerApp, pack_id: str, case_id: str) -> tuple[PackEntry, Case] | None:
    """The loaded pack entry and case for a (pack id, case id), if it is still there."""
    return loaded_cases(app).get((pack_id, case_id))


def reviewer_for(app: CodetrainerApp) -> Reviewer | None:
    """A reviewer over the app's store (None when there is no store)."""
    store = app.services.store()
    if store is None:
        return None
    from codetrainer.core.review import Reviewer

    return Reviewer(store)


def sync_review(app: CodetrainerApp) -> str | None:
    """Apply new attempts to the review cards; the reason when that failed (else None).

    A failure loses nothing: the next successful sync applies the attempts.
    """
    reviewer = reviewer_for(app)
    if reviewer is None:
        return app.services.problems.get("store", "no progress store")
    try:
        reviewer.sync()
    except Exception as exc:
        from codetrainer.tui.text import problem_text

        return problem_text(exc)
    return None


def due_review_cases(app: CodetrainerApp, *, sync: bool = True) -> list[CaseKey]:
    """The loaded cases due for review now (due case cards first, then error kinds)."""
    reviewer = reviewer_for(app)
    if reviewer is None:
        return []
    if sync:
        sync_review(app)
    available = loaded_cases(app)
    return reviewer.due_cases(CLOCK.now(), available=available.keys())


_DUE: weakref.WeakKeyDictionary[CodetrainerApp, tuple[int, str | None]] = (
    weakref.WeakKeyDictionary()
)
"""How many cases were due when :func:`prepare_review_count` last ran, per app, and when
the next one comes due (in words) while none is."""


def prepare_review_count(app: CodetrainerApp) -> None:
    """Sync the review cards and count what is due (the home screen runs it in a worker:
    the first sync of a long history takes seconds)."""
    due = len(due_review_cases(app))
    _DUE[app] = (due, None if due else next_due_text(app))


def review_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    """``"Review (N due)"``; ``"Review: next due in 2 days"`` while nothing is due yet;
    hidden (None) before anything was practised or before the count is in (the home
    screen counts in a worker: a label must stay cheap)."""
    due, when = _DUE.get(app, (0, None))
    if due:
        return f"Review ({due} due)"
    return f"Review: next due {when}" if when else None


def next_due_text(app: CodetrainerApp) -> str | None:
    """When the next review card comes due, in words (``"in 3 hours"``); None when no
    card is waiting."""
    reviewer = reviewer_for(app)
    if reviewer is None:
        return None
    now = CLOCK.now()
    try:
        counts = reviewer.counts(now, available=loaded_cases(app).keys())
    except Exception:  # a store problem must not break the home screen
        return None
    if counts.next_due is None:
        return None
    return "in " + _span((counts.next_due - now).total_seconds())


def _span(seconds: float) -> str:
    """``"5 minutes"``, ``"3 hours"``, ``"2 days"`` (rounded up: never "in 0 minutes")."""
    import math

    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = math.ceil(hours / 24)
    return f"{days} days"


def open_review(app: CodetrainerApp, entry: PackEntry | None = None) -> None:
    """Open the first case due for review (the others follow one after another)."""
    due = due_review_cases(app)
    if not due:
        when = next_due_text(app)
        app.notify(
            "Nothing is due for review right now."
            + (f" The next case is due {when}." if when else ""),
            title="Review",
        )
        return
    from codetrainer.tui.screens.review import start_review

    start_review(app, due)


def open_exam(app: CodetrainerApp, entry: PackEntry | None = None) -> None:
    """Open the exam set-up (choose the number of cases, resume or see past exams)."""
    from codetrainer.tui.screens.exam import ExamSetupScreen

    app.push_screen(ExamSetupScreen(entry if entry is not None and entry.ok else None))


def open_stats(app: CodetrainerApp, entry: PackEntry | None = None) -> None:
    """Open the stats screen once its numbers and rows are made (in a thread worker, while
    the home screen stays usable): the screen is then composed and drawn once, with
    everything on it."""
    from codetrainer.tui.screens.stats import StatsScreen, prepare_stats

    home = app.screen

    def work() -> None:
        prepared = prepare_stats(app)

        def show() -> None:
            if app.screen is home:  # the learner did not go elsewhere meanwhile
                app.push_screen(StatsScreen(prepared))

        app.call_from_thread(show)

    app.run_worker(work, thread=True, exclusive=True, group="stats-open", exit_on_error=False)


def prepare_stats_tally(app: CodetrainerApp) -> None:
    """(The home screen's worker) Start bringing the stats tally up to date in a worker of
    its own, so that the home screen's labels do not wait for it and "Stats" opens without
    reading the whole history."""
    from codetrainer.tui.screens.stats import warm_stats

    def start() -> None:
        app.run_worker(
            lambda: warm_stats(app),
            thread=True,
            exclusive=True,
            group="stats-warm",
            exit_on_error=False,
        )

    app.call_from_thread(start)


def _exam_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    return "Exam"


def _stats_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    return "Stats"


register_home_action(
    HomeAction(
        id="review",
        label=review_label,
        run=open_review,
        key="v",
        help="Practise the cases that are due for spaced review, one after another.",
        prepare=prepare_review_count,
    )
)
register_home_action(
    HomeAction(
        id="exam",
        label=_exam_label,
        run=open_exam,
        key="x",
        help="A timed exam: N cases, no hints and no feedback until the end.",
    )
)
register_home_action(
    HomeAction(
        id="stats",
        label=_stats_label,
        run=open_stats,
        key="s",
        help="Accuracy over time, by code system, error kind and tag; streak and goal.",
        prepare=prepare_stats_tally,
    )
)
