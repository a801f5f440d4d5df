"""Charts for the progress screens: text bar charts and the accuracy-over-time plot.

A :class:`BarChart` draws one row per group (label, bar, number) and fits any width; the
number is always written out, so the bars are never the only way to read a value (no
colour alone, fine with ``NO_COLOR``). :class:`ScoreChart` plots the mean score per day
with textual-plotext. Labels are data (tags come from packs): they are drawn as plain
:class:`rich.text.Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget
from textual_plotext import PlotextPlot

from codetrainer.core.progress import DayStat
from codetrainer.tui.text import one_line

__all__ = ["BarChart", "BarRow", "ScoreChart", "bar_text", "day_label"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(day: DayStat) -> str:
    """``"Mar 02"`` (English month names whatever the locale, so snapshots match)."""
    return f"{_MONTHS[day.day.month - 1]} {day.day.day:02d}"


@dataclass(frozen=True, slots=True)
class BarRow:
    """One row of a :class:`BarChart`."""

    label: str
    """What the row is about (plain text; controls are stripped when drawn)."""
    value: float
    """Where the bar ends, 0 to the chart's ``maximum``."""
    value_text: str
    """The number written after the bar (e.g. ``"82%"``)."""
    detail: str = ""
    """Dim text after the number when there is room (e.g. ``"45/55 pts"``)."""


def bar_text(value: float, maximum: float, width: int) -> str:
    """A bar of ``width`` cells: full blocks, one partial block, then light shade."""
    if width <= 0:
        return ""
    share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    bar = "█" * full + partial
    return bar + "░" * (width - len(bar))


class BarChart(Widget):
    """Horizontal bars, one per row, sized to the widget's width."""

    COMPONENT_CLASSES = {"bar-chart--bar"}  # noqa: RUF012 (Textual declares it a plain set)
    """``bar-chart--bar``: the style of the bars."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        width: 1fr;
    }
    BarChart > .bar-chart--bar {
        color: $accent;
    }
    """

    def __init__(
        self,
        rows: Sequence[BarRow] = (),
        *,
        maximum: float = 100.0,
        empty: str = "Nothing yet.",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: tuple[BarRow, ...] = tuple(rows)
        """The rows on show."""
        self.maximum = maximum
        """The value of a full bar."""
        self.empty = empty
        """What to say when there are no rows."""

    def show(self, rows: Sequence[BarRow], *, maximum: float | None = None) -> None:
        """Replace the rows (and optionally the full-bar value)."""
        self.rows = tuple(rows)
        if maximum is not None:
            self.maximum = maximum
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows))

    def render(self) -> Text:
        width = max(1, self.content_region.width or self.size.width)
        if not self.rows:
            return Text(self.empty, style="italic", end="")
        labels = [one_line(row.label) for row in self.rows]
        numbers = [row.value_text for row in self.rows]
        number_width = max(len(n) for n in numbers)
        label_width = min(max(len(label) for label in labels), max(6, width // 3))
        details = [one_line(row.detail) for row in self.rows]
        detail_width = max((len(d) for d in details), default=0)
        bar_width = width - label_width - number_width - 2
        show_details = detail_width > 0 and bar_width - detail_width - 1 >= 10
        if show_details:
            bar_width -= detail_width + 1
        bar_width = max(0, bar_width)
        bar_style = self.get_component_rich_style("bar-chart--bar", partial=True)
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        for i, row in enumerate(self.rows):
            if i:
                text.append("\n")
            label = labels[i]
            if len(label) > label_width:
                label = label[: max(0, label_width - 1)] + "…"
            text.append(f"{label:<{label_width}} ")
            if bar_width:
                text.append(bar_text(row.value, self.maximum, bar_width), style=bar_style)
                text.append(" ")
            text.append(f"{numbers[i]:>{number_width}}", style="bold")
            if show_details and details[i]:
                text.append(f" {details[i]}", style="dim")
        return text


class ScoreChart(PlotextPlot):
    """Mean score per day (days without practice are left out of the line)."""

    def __init__(
        self,
        *,
        days: Sequence[DayStat] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.days: tuple[DayStat, ...] = tuple(days)
        """The days on show, oldest first."""
        self._rendered: tuple[tuple[object, ...], Text] | None = None

    def show(self, days: Sequence[DayStat]) -> None:
        """Plot these days."""
        self.days = tuple(days)
        self.refresh()

    def on_resize(self) -> None:
        self.refresh()

    def render(self) -> Text:
        # Textual asks again after each layout pass; plotext redraws from scratch, so the
        # last drawing is kept for as long as what it depends on stays the same.
        key = (self.days, self.size, self.app.theme, self.theme)
        if self._rendered is not None and self._rendered[0] == key:
            return self._rendered[1].copy()
        self._draw()
        rendered = super().render()
        assert isinstance(rendered, Text)
        self._rendered = (key, rendered)
        return rendered.copy()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        days = self.days
        points = [(i, d.mean_score) for i, d in enumerate(days) if d.mean_score is not None]
        if points:
            xs = [float(x) for x, _ in points]
            ys = [float(y) for _, y in points if y is not None]
            if len(points) > 1:
                plt.plot(xs, ys, marker="braille")
            plt.scatter(xs, ys, marker="●")
        last = max(1, len(days) - 1)
        plt.xlim(0, last)
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])
        if days:
            wide = self.size.width >= 40
            ticks = [0, last // 2, last] if wide else [0, last]
            plt.xticks([float(t) for t in ticks], [day_label(days[t]) for t in ticks])
        plt.xlabel("")
        plt.ylabel("")
