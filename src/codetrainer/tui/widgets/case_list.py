"""The cases of one pack: solved mark, number, title, level, setting, best score."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from codetrainer.core.packcache import CaseBrief, PackBrief
from codetrainer.tui.services import summary_solved
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.hanging import Hanging, hanging_rows

__all__ = ["CaseList", "case_renderable", "case_text", "level_text"]


def level_text(difficulty: int) -> str:
    """``3`` -> ``"●●●○○ 3/5"`` (the number is there for screen readers and NO_COLOR)."""
    d = max(1, min(5, difficulty))
    return f"{'●' * d}{'○' * (5 - d)} {d}/5"


def _best(summary: Any) -> float | None:
    value = summary.get("best_score") if isinstance(summary, dict) else None
    if value is None:
        value = getattr(summary, "best_score", None)
    return float(value) if isinstance(value, int | float) else None


def case_text(number: int, case: CaseBrief, summary: Any | None) -> Text:
    """Two lines: mark, number and title; then level, setting, tags and progress."""
    solved = summary is not None and summary_solved(summary)
    text = Text(end="")
    text.append("✓ " if solved else "  ", style="bold green")
    text.append(f"{number:>2}. ", style="dim")
    text.append(one_line(case.title), style="bold" if not solved else "")
    text.append("\n     ")
    text.append(level_text(case.difficulty), style="dim")
    text.append(f" · {case.setting}", style="dim")
    if summary is None:
        text.append(" · new", style="dim")
    else:
        best = _best(summary)
        state = "solved" if solved else "tried"
        text.append(f" · {state}", style="dim")
        if best is not None:
            text.append(f", best {best:.0f}", style="dim")
    return text


def case_renderable(number: int, case: CaseBrief, summary: Any | None) -> Hanging:
    """:func:`case_text` laid out with a hanging indent (wrapped titles stay aligned)."""
    text = case_text(number, case, summary)
    head, _, _ = text.plain.partition("\n")
    first = text[: len(head)]
    meta = text[len(head) + 1 :]
    meta_body = meta[5:] if meta.plain.startswith("     ") else meta
    return hanging_rows([(first[:6], first[6:]), ("", meta_body)], 6)


class CaseList(OptionList):
    """Pick a case with up/down and enter (or the mouse)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.pack: PackBrief | None = None
        """The pack on show (its brief from the pack cache: no full pack is needed)."""

    def show(self, pack: PackBrief | None, summaries: Mapping[str, Any]) -> None:
        """List the cases of ``pack`` with their progress (keeps the highlight if it can)."""
        keep = self.highlighted if pack is self.pack else None
        self.pack = pack
        self.clear_options()
        if pack is None:
            return
        self.add_options(
            [
                Option(case_renderable(n, case, summaries.get(case.id)), id=case.id)
                for n, case in enumerate(pack.cases, 1)
            ]
        )
        if pack.cases:
            self.highlighted = min(keep or 0, len(pack.cases) - 1)

    def highlighted_case(self) -> CaseBrief | None:
        """The case under the cursor (its brief; the pack entry has the full case)."""
        if self.pack is None or self.highlighted is None:
            return None
        cases = self.pack.cases
        return cases[self.highlighted] if 0 <= self.highlighted < len(cases) else None

    def select_case(self, case_id: str) -> None:
        """Move the highlight to a case."""
        if self.pack is None:
            return
        for i, case in enumerate(self.pack.cases):
            if case.id == case_id:
                self.highlighted = i
                return
