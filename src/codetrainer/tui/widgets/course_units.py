"""The course's units as a list: title, how far along (done/total), what the unit covers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from codetrainer.core.curriculum.course import UnitPlan
from codetrainer.tui.text import one_line

__all__ = ["CourseUnits", "unit_text"]


def unit_text(unit: UnitPlan, done: int, total: int, *, current: bool) -> Text:
    """Two lines: a mark, the unit's title and done/total; then its description."""
    text = Text(end="")
    mark = "✓ " if total and done == total else ("▶ " if current else "  ")
    text.append(mark, style="bold")
    text.append(one_line(unit.unit.title), style="bold")
    text.append(f"  {done}/{total} done", style="")
    if current:
        text.append("  · you are here", style="italic")
    description = one_line(unit.unit.description, 160)
    if description:
        text.append("\n    ")
        text.append(description, style="dim")
    return text


class CourseUnits(OptionList):
    """One option per unit (ids ``unit:<n>``); pack text is data, never markup."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.units: list[UnitPlan] = []

    def show(
        self,
        units: Sequence[UnitPlan],
        solved: Callable[[str], set[str]],
        current: UnitPlan | None,
    ) -> None:
        """Fill the list, keeping the highlighted unit (the current one the first time)."""
        keep = self.highlighted
        self.units = list(units)
        self.clear_options()
        options: list[Option | None] = []
        for unit in self.units:
            if options:
                options.append(None)
            done, total = unit.progress(solved)
            options.append(
                Option(
                    unit_text(unit, done, total, current=unit is current), id=f"unit:{unit.number}"
                )
            )
        self.add_options(options)
        if not self.units:
            return
        if keep is None:
            index = self.units.index(current) if current in self.units else 0
            keep = self.get_option_index(f"unit:{self.units[index].number}")
        self.highlighted = min(keep, self.option_count - 1)

    def highlighted_unit(self) -> UnitPlan | None:
        """The unit under the cursor."""
        if self.highlighted is None or not self.option_count:
            return None
        option_id = self.get_option_at_index(self.highlighted).id or ""
        number = int(option_id.split(":", 1)[1]) if option_id.startswith("unit:") else 0
        return next((u for u in self.units if u.number == number), None)
