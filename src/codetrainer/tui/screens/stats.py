"""Stats: accuracy over time, by code system, error kind and tag; streak, daily goal, time.

Everything shown comes from :func:`codetrainer.core.progress.stats_from_rows` over the
store's :meth:`~codetrainer.core.store.Store.stats_rows` (one query, no SQL here), read and
summed in a thread worker so the screen opens at once even with 100,000 attempts; "today"
and the time zone come from :data:`~codetrainer.tui.progress_clock.CLOCK`, so what is drawn
does not depend on the real clock in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    GroupStat,
    KindStat,
    Stats,
    stats_from_rows,
)
from codetrainer.tui.progress_clock import CLOCK, format_duration
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.charts import BarChart, BarRow, ScoreChart, day_label

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp

__all__ = [
    "GOAL_META_KEY",
    "GOAL_STEP",
    "SECTIONS",
    "StatsScreen",
    "compute_stats_for",
    "kind_label",
    "stats_summary_text",
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

_SYSTEM_NAMES = {"units": "Units", "pointers": "Pointers", "query": "Provider query"}
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


def compute_stats_for(
    app: CodetrainerApp, goal_minutes: float = DEFAULT_GOAL_MINUTES
) -> tuple[Stats | str, float]:
    """(The stats or why there are none, the daily goal) from the app's store: one query
    (:meth:`~codetrainer.core.store.Store.stats_rows`). Slow with a long history: call it
    from a thread worker."""
    services = app.services
    store = services.store()
    if store is None:
        return services.problems.get("store", "the progress store is unavailable"), goal_minutes
    try:
        raw = store.get_meta(GOAL_META_KEY)
        if raw is not None:
            goal_minutes = max(_GOAL_RANGE[0], min(_GOAL_RANGE[1], float(raw)))
        rows = store.stats_rows()
    except Exception as exc:  # a damaged store: say so, keep the app running
        return (str(exc) or type(exc).__name__), goal_minutes
    stats = stats_from_rows(rows, today=CLOCK.today(), tz=CLOCK.tz, goal_minutes=goal_minutes)
    return stats, goal_minutes


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

    def __init__(self, prepared: tuple[Stats | str, float] | None = None) -> None:
        super().__init__(id="stats", classes="progress-screen")
        self.stats: Stats | None = None
        """What is on show (None until loaded or when the store is unavailable)."""
        self.goal_minutes: float = DEFAULT_GOAL_MINUTES
        """The daily goal in minutes."""
        self._prepared = prepared

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stats-summary")
        with Horizontal(id="stats-goal"):
            yield Static(id="stats-goal-text")
            yield ProgressBar(total=DEFAULT_GOAL_MINUTES, show_eta=False, id="stats-goal-bar")
        with VerticalScroll(id="stats-body", can_focus=True):
            yield Static(id="stats-empty")
            yield Static(classes="stats-title", id="title-over-time")
            yield ScoreChart(id="stats-chart")
            yield Static(id="stats-chart-caption", classes="stats-caption")
            yield Static(classes="stats-title", id="title-systems")
            yield BarChart(id="chart-systems", empty="No codes graded yet.")
            yield Static("By mode", classes="stats-subtitle")
            yield BarChart(id="chart-modes")
            yield Static(classes="stats-title", id="title-kinds")
            yield BarChart(id="chart-kinds", empty="No mistakes recorded. Well done!")
            yield Static(classes="stats-title", id="title-tags")
            yield BarChart(id="chart-tags", empty="The cases you tried have no tags.")
            yield Static("By pack", classes="stats-subtitle")
            yield BarChart(id="chart-packs")
            yield Static(classes="stats-title", id="title-time")
            yield Static(id="stats-time", classes="stats-caption")
            yield BarChart(id="chart-time", maximum=1.0)
            yield Static(classes="stats-title", id="title-weakest")
            yield Static(id="stats-weakest")
            yield Static("Drills by deck", classes="stats-subtitle", id="title-drills")
            yield BarChart(id="chart-drill-decks", empty="No drills answered yet.")
            yield Static("Drills by card kind", classes="stats-subtitle", id="title-drill-kinds")
            yield BarChart(id="chart-drill-kinds", empty="No drills answered yet.")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-body").border_title = "Stats"
        for n, (sid, title) in enumerate(SECTIONS, 1):
            self.query_one(f"#title-{sid}", Static).update(Text(f"{n} {title}", end=""))
        if self._prepared is not None:  # computed before the screen was pushed
            result, self.goal_minutes = self._prepared
            self._prepared = None
            self._show(result)
        else:
            self.load()
        self.query_one("#stats-body").focus()

    # -- data -------------------------------------------------------------------------

    def _compute(self) -> Stats | str:
        """The stats, or why there are none to show (runs in the worker thread)."""
        result, self.goal_minutes = compute_stats_for(self.app, self.goal_minutes)
        return result

    def load(self) -> None:
        """Read the progress again (in a worker) and redraw everything when it is in."""
        self._load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _load(self) -> None:
        result = self._compute()
        if self.is_attached:
            self.app.call_from_thread(self._show, result)

    def _show(self, result: Stats | str) -> None:
        if not self.is_attached:
            return
        if isinstance(result, str):
            self.stats = None
            self._show_message(Text(f"Progress cannot be shown: {one_line(result, 200)}", end=""))
            return
        self.stats = result
        self._draw(result)

    def _show_message(self, message: Text) -> None:
        self.set_class(True, "-empty")
        self.query_one("#stats-summary", Static).update(Text("Stats", style="bold", end=""))
        self.query_one("#stats-empty", Static).update(message)

    def _titles(self, pack_id: str, case_id: str) -> str:
        for entry in self.app.packs:
            if entry.id == pack_id and entry.pack is not None:
                case = entry.pack.case(case_id)
                if case is not None:
                    return case.title
        return f"{pack_id}/{case_id}"

    def _pack_title(self, pack_id: str) -> str:
        for entry in self.app.packs:
            if entry.id == pack_id and entry.pack is not None:
                return entry.title
        return pack_id

    # -- drawing ----------------------------------------------------------------------

    def _draw(self, stats: Stats) -> None:
        self._draw_goal(stats)
        self._draw_drills()
        if stats.attempts == 0:
            self._show_message(
                Text(
                    "No attempts yet. Practise a case (press n on the home screen) or "
                    "take an exam, and your progress shows up here.",
                    end="",
                )
            )
            return
        self.set_class(False, "-empty")
        self.query_one("#stats-summary", Static).update(stats_summary_text(stats))
        days = stats.over_time
        self.query_one(ScoreChart).show(days)
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
        self.query_one("#stats-chart-caption", Static).update(caption)
        self.query_one("#chart-systems", BarChart).show(
            [self._system_row(g) for g in stats.by_system]
        )
        self.query_one("#chart-modes", BarChart).show(
            [self._group_row(g, _MODE_NAMES.get(g.key, g.key)) for g in stats.by_mode]
        )
        self._draw_kinds(stats.by_kind)
        self.query_one("#chart-tags", BarChart).show(
            [self._group_row(g, g.key) for g in stats.by_tag]
        )
        self.query_one("#chart-packs", BarChart).show(
            [self._group_row(g, self._pack_title(g.key)) for g in stats.by_pack]
        )
        self._draw_time(stats)
        self._draw_weakest(stats)

    def _draw_drills(self) -> None:
        """Drill accuracy by deck and by card kind (codetrainer.tui.drill_stats)."""
        from codetrainer.tui.drill_stats import drill_rows

        by_deck, by_kind = drill_rows(self.app.services.store())
        self.query_one("#chart-drill-decks", BarChart).show(by_deck)
        self.query_one("#chart-drill-kinds", BarChart).show(by_kind)
        self.set_class(bool(by_deck), "-drills")  # shown even before any case attempt

    def _draw_goal(self, stats: Stats) -> None:
        goal = stats.goal
        self.query_one("#stats-goal-text", Static).update(_goal_text(stats))
        bar = self.query_one("#stats-goal-bar", ProgressBar)

        def fill() -> None:  # once the text's new width is laid out: the bar rounds to it
            bar.update(total=goal.goal_minutes, progress=min(goal.minutes_today, goal.goal_minutes))

        self.call_after_refresh(fill)

    @staticmethod
    def _system_row(group: GroupStat) -> BarRow:
        name = _SYSTEM_NAMES.get(group.key, group.key)
        detail = f"{group.earned:.4g}/{group.possible:.4g} pts"
        return BarRow(name, group.accuracy, _pct(group.accuracy), detail)

    @staticmethod
    def _group_row(group: GroupStat, label: str) -> BarRow:
        n = group.attempts
        return BarRow(
            label, group.accuracy, _pct(group.accuracy), f"{n} tr{'ies' if n != 1 else 'y'}"
        )

    def _draw_kinds(self, kinds: Sequence[KindStat]) -> None:
        rows = [
            BarRow(
                kind_label(k.kind),
                k.share,
                f"{k.count}×",
                f"in {k.share:.0f}% of attempts",
            )
            for k in kinds[:12]
        ]
        self.query_one("#chart-kinds", BarChart).show(rows, maximum=100.0)

    def _draw_time(self, stats: Stats) -> None:
        time = stats.time
        text = Text(end="")
        text.append(f"{format_duration(time.mean_seconds)} on average", style="bold")
        text.append(f" · median {format_duration(time.median_seconds)}")
        text.append(f" · {time.total_minutes:.0f} min in all")
        text.append("\nSlowest cases (mean time):", style="dim")
        self.query_one("#stats-time", Static).update(text)
        slowest = time.per_case[:8]
        longest = max((c.mean_seconds for c in slowest), default=0.0)
        rows = [
            BarRow(
                self._titles(c.pack_id, c.case_id),
                c.mean_seconds,
                format_duration(c.mean_seconds),
                f"{c.attempts} tr{'ies' if c.attempts != 1 else 'y'}",
            )
            for c in slowest
        ]
        self.query_one("#chart-time", BarChart).show(rows, maximum=max(longest, 1.0))

    def _draw_weakest(self, stats: Stats) -> None:
        text = Text(end="")
        if not stats.weakest:
            text.append("Nothing stands out: every area is at 95 or better.")
        for i, area in enumerate(stats.weakest):
            if i:
                text.append("\n")
            if area.category == "kind":
                text.append("• mistake ", style="dim")
                text.append(kind_label(area.name), style="bold")
                text.append(f": {area.count}×")
            else:
                what = "code system" if area.category == "system" else "tag"
                name = (
                    _SYSTEM_NAMES.get(area.name, area.name)
                    if area.category == "system"
                    else area.name
                )
                text.append(f"• {what} ", style="dim")
                text.append(one_line(name), style="bold")
                text.append(f": {area.score or 0:.0f}% over {area.count} tries")
        self.query_one("#stats-weakest", Static).update(text)

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
