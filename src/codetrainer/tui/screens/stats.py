"""Stats: accuracy over time, by code system, error kind and tag; streak, daily goal, time.

Everything shown comes from the app's :class:`~codetrainer.core.progress.StatsCache` (a
tally of the store's attempts that reads only the attempts added since it last looked; no
SQL here). :func:`prepare_stats` reads it, and makes every text and chart row from it, in
a thread worker; the screen is then composed with them, so it is laid out and drawn once
even with 100,000 attempts. "Today" and the time zone come from
:data:`~codetrainer.tui.progress_clock.CLOCK`, so what is drawn does not depend on the
real clock in tests.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from codetrainer.core.progress import (
    DEFAULT_GOAL_MINUTES,
    DayStat,
    GroupStat,
    KindStat,
    Stats,
    StatsCache,
    WeakArea,
)
from codetrainer.tui.progress_clock import CLOCK, format_duration
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.charts import BarChart, BarRow, ScoreChart, day_label
from codetrainer.tui.workers import call_back

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp

__all__ = [
    "GOAL_META_KEY",
    "GOAL_STEP",
    "SECTIONS",
    "SYSTEM_NAMES",
    "StatsScreen",
    "StatsView",
    "append_weak_area",
    "compute_stats_for",
    "forget_stats",
    "kind_label",
    "prepare_stats",
    "stats_summary_text",
    "warm_stats",
]

GOAL_META_KEY = "daily_goal_minutes"
"""Where the learner's daily goal is kept in the store's meta table."""
GOAL_STEP = 5.0
"""Minutes added or taken by + and -."""
_GOAL_RANGE = (5.0, 240.0)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("over-time", "Accuracy over time"),
    ("systems", "By code system"),
    ("kinds", "By error kind"),
    ("tags", "By tag"),
    ("time", "Time per case"),
    ("weakest", "To work on"),
)
"""(id, title) of each section, in order; keys 1-6 jump to them."""

SYSTEM_NAMES = {"units": "Units", "pointers": "Pointers", "query": "Provider query"}
"""How claim details that are not code systems are named on screen."""
_MODE_NAMES = {"practice": "Practice", "review": "Review", "exam": "Exam"}


def kind_label(kind: str) -> str:
    """``"modifier_missing"`` -> ``"modifier missing"``."""
    return one_line(kind.replace("_", " "))


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def stats_summary_text(stats: Stats) -> Text:
    """Two lines: attempts, mean score, cases solved; streak and today's minutes."""
    text = Text(end="")
    mean = f"{stats.mean_score:.0f}" if stats.mean_score is not None else "—"
    n = stats.attempts
    text.append(f"{n} attempt{'s' if n != 1 else ''}", style="bold")
    text.append(f" · mean {mean}")
    text.append(f" · solved {stats.cases_solved}/{stats.cases_tried}")
    text.append("\n")
    streak = stats.streak
    days = "day" if streak.current == 1 else "days"
    text.append(f"Streak {streak.current} {days}", style="bold")
    text.append(f" (longest {streak.longest})")
    if not streak.practised_today and streak.current:
        text.append(" · practise today to keep it", style="italic")
    return text


def _goal_text(stats: Stats) -> Text:
    goal = stats.goal
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    mark = "✓ " if goal.met else ""
    text.append(f"{mark}Today {goal.minutes_today:.1f}/{goal.goal_minutes:.0f} min", style="bold")
    return text


def _cache_for(app: CodetrainerApp) -> StatsCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(app)
        if cache is None:
            from codetrainer import paths

            # kept on disk too: a new session's first stats read only what came in since
            cache = _CACHES[app] = StatsCache(keep_in=paths.cache_dir() / "stats")
        return cache


_CACHES: weakref.WeakKeyDictionary[CodetrainerApp, StatsCache] = weakref.WeakKeyDictionary()
"""Each app's tally of its store (kept while the app lives, topped up on each open)."""
_CACHES_LOCK = threading.Lock()


def forget_stats(app: CodetrainerApp) -> None:
    """Drop the app's kept tally: the next stats are counted from every attempt again."""
    with _CACHES_LOCK:
        _CACHES.pop(app, None)


def warm_stats(app: CodetrainerApp) -> None:
    """Bring the app's kept tally up to date with the store (call it from a thread worker):
    the stats screen then opens without reading the whole history. A failure is left for
    the screen to report when it is opened."""
    store = app.services.store()
    if store is None:
        return
    with contextlib.suppress(Exception):
        _cache_for(app).tally(store, CLOCK.tz)


def compute_stats_for(
    app: CodetrainerApp, goal_minutes: float = DEFAULT_GOAL_MINUTES
) -> tuple[Stats | str, float]:
    """(The stats or why there are none, the daily goal) from the app's store. The first
    call reads every attempt (:meth:`~codetrainer.core.store.Store.stats_rows`, slow with
    a long history: call it from a thread worker); later calls read only the attempts
    recorded since (:class:`~codetrainer.core.progress.StatsCache`)."""
    services = app.services
    store = services.store()
    if store is None:
        return services.problems.get("store", "the progress store is unavailable"), goal_minutes
    try:
        raw = store.get_meta(GOAL_META_KEY)
        if raw is not None:
            goal_minutes = max(_GOAL_RANGE[0], min(_GOAL_RANGE[1], float(raw)))
        stats = _cache_for(app).stats(
            store, today=CLOCK.today(), tz=CLOCK.tz, goal_minutes=goal_minutes
        )
    except Exception as exc:  # a damaged store: say so, keep the app running
        return (str(exc) or type(exc).__name__), goal_minutes
    return stats, goal_minutes


_CHARTS = (
    "chart-systems",
    "chart-modes",
    "chart-kinds",
    "chart-tags",
    "chart-packs",
    "chart-time",
    "chart-drill-decks",
    "chart-drill-kinds",
)
_TEXTS = (
    "stats-summary",
    "stats-goal-text",
    "stats-empty",
    "stats-chart-caption",
    "stats-time",
    "stats-weakest",
)


@dataclass(frozen=True, slots=True)
class StatsView:
    """What each widget of the stats screen shows, made off the UI thread
    (:func:`prepare_stats`) so that the screen is composed with it in one go."""

    stats: Stats | None
    """The stats on show (None when there are none to show)."""
    goal_minutes: float
    texts: dict[str, Text]
    """Static id -> its text (those not named here are left blank)."""
    charts: dict[str, tuple[tuple[BarRow, ...], float | None]]
    """BarChart id -> (its rows, the value of a full bar or None for the chart's own)."""
    days: tuple[DayStat, ...] = ()
    """The accuracy-over-time chart's days."""
    goal_bar: tuple[float, float] = (DEFAULT_GOAL_MINUTES, 0.0)
    """The goal bar's (total, progress)."""
    empty: bool = True
    """Nothing but a message (no attempt yet, or the store is unavailable)."""
    drills: bool = False
    """Drill answers to show (even with no case attempt)."""


def prepare_stats(app: CodetrainerApp, goal_minutes: float = DEFAULT_GOAL_MINUTES) -> StatsView:
    """The stats (:func:`compute_stats_for`), the drill accuracy and everything drawn
    from them, ready for :class:`StatsScreen` (call it from a thread worker)."""
    result, goal_minutes = compute_stats_for(app, goal_minutes)
    if isinstance(result, str):
        message = Text(f"Progress cannot be shown: {one_line(result, 200)}", end="")
        return StatsView(
            None,
            goal_minutes,
            {"stats-summary": Text("Stats", style="bold", end=""), "stats-empty": message},
            {},
        )
    from codetrainer.tui.drill_stats import drill_rows

    by_deck, by_kind = drill_rows(app.services.store())
    return _view(app, result, goal_minutes, by_deck, by_kind)


def _pack_titles(app: CodetrainerApp) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    packs: dict[str, str] = {}
    cases: dict[tuple[str, str], str] = {}
    for entry in list(app.packs):
        if entry.pack is None:
            continue
        packs.setdefault(entry.id, entry.title)
        for case in entry.pack.cases:
            cases.setdefault((entry.id, case.id), case.title)
    return packs, cases


def _view(
    app: CodetrainerApp,
    stats: Stats,
    goal_minutes: float,
    by_deck: Sequence[BarRow],
    by_kind: Sequence[BarRow],
) -> StatsView:
    goal = stats.goal
    texts = {"stats-goal-text": _goal_text(stats)}
    charts: dict[str, tuple[tuple[BarRow, ...], float | None]] = {
        "chart-drill-decks": (tuple(by_deck), None),
        "chart-drill-kinds": (tuple(by_kind), None),
    }
    goal_bar = (goal.goal_minutes, min(goal.minutes_today, goal.goal_minutes))
    if stats.attempts == 0:
        texts["stats-summary"] = Text("Stats", style="bold", end="")
        texts["stats-empty"] = Text(
            "No attempts yet. Practise a case (press n on the home screen) or "
            "take an exam, and your progress shows up here.",
            end="",
        )
        return StatsView(
            stats, goal_minutes, texts, charts, goal_bar=goal_bar, drills=bool(by_deck)
        )
    pack_titles, case_titles = _pack_titles(app)
    texts["stats-summary"] = stats_summary_text(stats)
    days = stats.over_time
    practised = [d for d in days if d.attempts]
    caption = Text(end="")
    if days:
        caption.append(
            f"Mean score per day, {day_label(days[0])} to {day_label(days[-1])}: "
            f"{len(practised)} day{'s' if len(practised) != 1 else ''} with practice"
        )
        if practised:
            best = max(practised, key=lambda d: (d.mean_score or 0.0, d.day))
            caption.append(f", best {day_label(best)} ({best.mean_score or 0:.0f})")
    texts["stats-chart-caption"] = caption
    charts["chart-systems"] = (tuple(_system_row(g) for g in stats.by_system), None)
    charts["chart-modes"] = (
        tuple(_group_row(g, _MODE_NAMES.get(g.key, g.key)) for g in stats.by_mode),
        None,
    )
    charts["chart-kinds"] = (_kind_rows(stats.by_kind), 100.0)
    charts["chart-tags"] = (tuple(_group_row(g, g.key) for g in stats.by_tag), None)
    charts["chart-packs"] = (
        tuple(_group_row(g, pack_titles.get(g.key, g.key)) for g in stats.by_pack),
        None,
    )
    texts["stats-time"], charts["chart-time"] = _time_parts(stats, case_titles)
    texts["stats-weakest"] = _weakest_text(stats)
    return StatsView(
        stats,
        goal_minutes,
        texts,
        charts,
        days=days,
        goal_bar=goal_bar,
        empty=False,
        drills=bool(by_deck),
    )


def _system_row(group: GroupStat) -> BarRow:
    name = SYSTEM_NAMES.get(group.key, group.key)
    detail = f"{group.earned:.4g}/{group.possible:.4g} pts"
    return BarRow(name, group.accuracy, _pct(group.accuracy), detail)


def _group_row(group: GroupStat, label: str) -> BarRow:
    n = group.attempts
    return BarRow(label, group.accuracy, _pct(group.accuracy), f"{n} tr{'ies' if n != 1 else 'y'}")


def _kind_rows(kinds: Sequence[KindStat]) -> tuple[BarRow, ...]:
    return tuple(
        BarRow(kind_label(k.kind), k.share, f"{k.count}×", f"in {k.share:.0f}% of attempts")
        for k in kinds[:12]
    )


def _time_parts(
    stats: Stats, case_titles: dict[tuple[str, str], str]
) -> tuple[Text, tuple[tuple[BarRow, ...], float | None]]:
    time = stats.time
    text = Text(end="")
    text.append(f"{format_duration(time.mean_seconds)} on average", style="bold")
    text.append(f" · median {format_duration(time.median_seconds)}")
    text.append(f" · {time.total_minutes:.0f} min in all")
    text.append("\nSlowest cases (mean time):", style="dim")
    slowest = time.per_case[:8]
    longest = max((c.mean_seconds for c in slowest), default=0.0)
    rows = tuple(
        BarRow(
            case_titles.get((c.pack_id, c.case_id), f"{c.pack_id}/{c.case_id}"),
            c.mean_seconds,
            format_duration(c.mean_seconds),
            f"{c.attempts} tr{'ies' if c.attempts != 1 else 'y'}",
        )
        for c in slowest
    )
    return text, (rows, max(longest, 1.0))


def _weakest_text(stats: Stats) -> Text:
    text = Text(end="")
    if not stats.weakest:
        text.append("Nothing stands out: every area is at 95 or better.")
    for i, area in enumerate(stats.weakest):
        if i:
            text.append("\n")
        append_weak_area(text, area, lead="• ", tries=True)
    return text


def append_weak_area(text: Text, area: WeakArea, *, lead: str = "", tries: bool = False) -> None:
    """One "to work on" line: a mistake kind and how often it showed, or a code system or
    tag and its accuracy (and over how many tries). ``lead`` starts the dim part."""
    if area.category == "kind":
        text.append(f"{lead}mistake ", style="dim")
        text.append(kind_label(area.name), style="bold")
        text.append(f": {area.count}×")
        return
    what = "code system" if area.category == "system" else "tag"
    name = SYSTEM_NAMES.get(area.name, area.name) if area.category == "system" else area.name
    text.append(f"{lead}{what} ", style="dim")
    text.append(one_line(name), style="bold")
    text.append(f": {area.score or 0:.0f}%" + (f" over {area.count} tries" if tries else ""))


_EMPTY_CHART = {
    "chart-systems": "No codes graded yet.",
    "chart-kinds": "No mistakes recorded. Well done!",
    "chart-tags": "The cases you tried have no tags.",
    "chart-drill-decks": "No drills answered yet.",
    "chart-drill-kinds": "No drills answered yet.",
}


class StatsScreen(Screen[None]):
    """How the learner is doing; every number is also written, never a chart alone."""

    CSS_PATH = "../progress.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("plus,equals_sign", "goal(1)", "Goal +5 min"),
        Binding("minus", "goal(-1)", "Goal −5 min"),
        Binding("f5", "reload", "Refresh", show=False),
        *(
            Binding(str(n), f"jump('{sid}')", title, show=False)
            for n, (sid, title) in enumerate(SECTIONS, 1)
        ),
    ]

    app: CodetrainerApp

    def __init__(self, prepared: StatsView | None = None) -> None:
        classes = "progress-screen"
        if prepared is not None:
            classes += " -empty" * prepared.empty + " -drills" * prepared.drills
        super().__init__(id="stats", classes=classes)
        self.stats: Stats | None = prepared.stats if prepared is not None else None
        """What is on show (None until loaded or when the store is unavailable)."""
        self.goal_minutes: float = (
            prepared.goal_minutes if prepared is not None else DEFAULT_GOAL_MINUTES
        )
        """The daily goal in minutes."""
        self._prepared = prepared

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Every widget, made with what it shows when the view was prepared (so the
        screen is laid out and drawn once)."""
        view = self._prepared
        texts = view.texts if view is not None else {}
        charts = view.charts if view is not None else {}

        def text(sid: str, classes: str | None = None) -> Static:
            return Static(texts.get(sid, ""), id=sid, classes=classes)

        def chart(cid: str, maximum: float = 100.0) -> BarChart:
            rows, full = charts.get(cid, ((), None))
            return BarChart(
                rows,
                maximum=full if full is not None else maximum,
                empty=_EMPTY_CHART.get(cid, "Nothing yet."),
                id=cid,
            )

        def title(n: int) -> Static:
            sid, name = SECTIONS[n - 1]
            return Static(Text(f"{n} {name}", end=""), classes="stats-title", id=f"title-{sid}")

        yield Header()
        yield text("stats-summary")
        with Horizontal(id="stats-goal"):
            yield text("stats-goal-text")
            total, progress = view.goal_bar if view is not None else (DEFAULT_GOAL_MINUTES, 0.0)
            bar = ProgressBar(total=total, show_eta=False, id="stats-goal-bar")
            bar.progress = progress
            yield bar
        with VerticalScroll(id="stats-body", can_focus=True):
            yield text("stats-empty")
            yield title(1)
            yield ScoreChart(id="stats-chart", days=view.days if view is not None else ())
            yield text("stats-chart-caption", classes="stats-caption")
            yield title(2)
            yield chart("chart-systems")
            yield Static("By mode", classes="stats-subtitle")
            yield chart("chart-modes")
            yield title(3)
            yield chart("chart-kinds")
            yield title(4)
            yield chart("chart-tags")
            yield Static("By pack", classes="stats-subtitle")
            yield chart("chart-packs")
            yield title(5)
            yield text("stats-time", classes="stats-caption")
            yield chart("chart-time", maximum=1.0)
            yield title(6)
            yield text("stats-weakest")
            yield Static("Drills by deck", classes="stats-subtitle", id="title-drills")
            yield chart("chart-drill-decks")
            yield Static("Drills by card kind", classes="stats-subtitle", id="title-drill-kinds")
            yield chart("chart-drill-kinds")
        yield Footer()

    def on_mount(self) -> None:
        body = self.query_one("#stats-body")
        body.border_title = "Stats"
        if self._prepared is None:
            self.load()
        self._prepared = None
        body.focus()

    # -- data -------------------------------------------------------------------------

    def load(self) -> None:
        """Read the progress again (in a worker) and redraw everything when it is in."""
        self._load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _load(self) -> None:
        view = prepare_stats(self.app, self.goal_minutes)
        if self.is_attached:
            call_back(self, self._show, view)

    def _show(self, view: StatsView) -> None:
        """Put a freshly prepared view on the widgets already there."""
        self.stats = view.stats
        self.goal_minutes = view.goal_minutes
        self.set_class(view.empty, "-empty")
        self.set_class(view.drills, "-drills")
        for sid in _TEXTS:
            self.query_one(f"#{sid}", Static).update(view.texts.get(sid, ""))
        for cid in _CHARTS:
            rows, full = view.charts.get(cid, ((), None))
            self.query_one(f"#{cid}", BarChart).show(rows, maximum=full)
        self.query_one(ScoreChart).show(view.days)
        bar = self.query_one("#stats-goal-bar", ProgressBar)
        total, progress = view.goal_bar

        def fill() -> None:  # once the text's new width is laid out: the bar rounds to it
            bar.update(total=total, progress=progress)

        self.call_after_refresh(fill)

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to where the stats were opened from."""
        self.dismiss()

    def action_reload(self) -> None:
        """Read the progress again."""
        self.load()

    def action_jump(self, section: str) -> None:
        """Scroll a section's title to the top."""
        try:
            title = self.query_one(f"#title-{section}")
        except Exception:
            return
        if title.display:
            title.scroll_visible(top=True, animate=False)

    def action_goal(self, direction: int) -> None:
        """Raise or lower the daily goal by :data:`GOAL_STEP` minutes (kept in the store)."""
        low, high = _GOAL_RANGE
        goal = max(low, min(high, self.goal_minutes + GOAL_STEP * direction))
        if goal == self.goal_minutes:
            self.app.bell()
            return
        self.goal_minutes = goal
        store = self.app.services.store()
        if store is not None:
            try:
                store.set_meta(GOAL_META_KEY, f"{goal:g}")
            except Exception as exc:
                self.notify(f"Goal not saved: {exc}", severity="warning", markup=False)
        self.load()
        self.notify(f"Daily goal: {goal:.0f} minutes.")
