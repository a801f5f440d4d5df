"""Per-item feedback: verdict as a symbol AND a word, expected and given, points, why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from codetrainer.tui.text import one_line

if TYPE_CHECKING:
    from codetrainer.core.answer import GivenAnswer
    from codetrainer.core.grading import ItemResult

__all__ = [
    "FIELD_NAMES",
    "OPTIONAL_LEFT_OUT",
    "VERDICTS",
    "ResultList",
    "item_renderable",
    "item_text",
    "learner_places",
    "points",
    "verdict_look",
]

_LETTERS = "ABCDEFGHIJKL"

VERDICTS: dict[str, tuple[str, str, str]] = {
    "correct": ("✓", "correct", "bold green"),
    "partial": ("~", "partial", "bold yellow"),
    "wrong": ("✗", "wrong", "bold red"),
    "extra": ("+", "extra", "bold magenta"),
    "missing": ("−", "missing", "bold red"),
}
"""Verdict -> (symbol, word, style). The word is always drawn: never colour alone."""

OPTIONAL_LEFT_OUT = ("○", "optional", "bold cyan")
"""How an optional key code the learner left out is shown (it costs nothing)."""


def verdict_look(item: ItemResult) -> tuple[str, str, str]:
    """(symbol, word, style) for an item; an optional code left out is not "missing"."""
    if item.verdict == "missing" and "optional" in item.kinds:
        return OPTIONAL_LEFT_OUT
    return VERDICTS.get(item.verdict, ("?", item.verdict, "bold"))


FIELD_NAMES = {
    "diagnosis": "Diagnosis",
    "line": "Service line",
    "modifier": "Modifier",
    "units": "Units",
    "pointer": "Pointer",
    "query": "Provider query",
}


def points(value: float) -> str:
    """``1.0`` -> ``"1"``, ``0.5`` -> ``"0.5"``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _flat(code: str | None) -> str:
    return "".join((code or "").split()).upper().replace(".", "")


def learner_places(items: Sequence[ItemResult], answer: GivenAnswer | None) -> list[str]:
    """Where each item sits in the learner's own answer: ``"your B"`` for a diagnosis,
    ``"your line 2"`` for a line and its modifiers, units and pointers ("" when the
    learner gave nothing there). The key's order may differ from the learner's."""
    if answer is None:
        return ["" for _ in items]
    dx: dict[str, int] = {}
    for i, code in enumerate(answer.diagnoses):
        dx.setdefault(_flat(code), i)
    lines: dict[str, int] = {}
    for i, line in enumerate(answer.lines):
        lines.setdefault(_flat(line.code), i)
    # the learner's line matched to each key line, from the line items
    by_key_line: dict[int, int] = {}
    for item in items:
        if item.field == "line" and item.line is not None and item.given:
            mine = lines.get(_flat(item.given))
            if mine is not None:
                by_key_line[item.line] = mine
    out: list[str] = []
    for item in items:
        place = ""
        if item.field == "diagnosis" and item.given:
            at = dx.get(_flat(item.given))
            if at is not None and at < len(_LETTERS):
                place = f"your {_LETTERS[at]}"
        elif item.field == "line" and item.given:
            at = lines.get(_flat(item.given))
            if at is not None:
                place = f"your line {at + 1}"
        elif item.field in ("modifier", "units", "pointer") and item.line is not None:
            mine = by_key_line.get(item.line)
            if mine is not None:
                place = f"your line {mine + 1}"
        out.append(place)
    return out


def item_text(item: ItemResult, place: str = "") -> Text:
    """The verdict line, expected and given, then the explanation (as one Text).

    ``place`` names where the item is in the learner's answer ("your line 2"); without
    it a line item names the key's line.
    """
    symbol, word, style = verdict_look(item)
    text = Text(end="")
    text.append(f"{symbol} {word:<8}", style=style)
    name = FIELD_NAMES.get(item.field, item.field)
    if place:
        name = f"{name} ({place})"
    elif item.line is not None and item.field in ("modifier", "units", "pointer"):
        name = f"{name} (line {item.line + 1})"
    text.append(f" {name}", style="bold")
    text.append(f"  {points(item.points)}/{points(item.max_points)} pts", style="dim")
    if item.field != "query":
        text.append("\nexpected ")
        text.append(one_line(item.expected or "—", 40), style="bold")
        text.append("  given ")
        text.append(one_line(item.given or "—", 40), style="bold")
    explanation = one_line(item.explanation)
    if explanation:
        text.append("\n")
        text.append(explanation, style="italic")
    return text


def item_renderable(item: ItemResult, place: str = "") -> Group:
    """The item for the list: the verdict line, and the rest indented under it."""
    text = item_text(item, place)
    head, _, rest = text.plain.partition("\n")
    first = text[: len(head)]
    if not rest:
        return Group(first)
    body = text[len(head) + 1 :]
    return Group(first, Padding(body, (0, 0, 0, 2)))


class ResultList(OptionList):
    """The graded items of one attempt, one option each (keyboard and mouse)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.items: list[ItemResult] = []
        """The items on show."""

    def show(self, items: Sequence[ItemResult], answer: GivenAnswer | None = None) -> None:
        """Replace the list with ``items`` (named by the learner's own rows when
        ``answer`` is given)."""
        self.items = list(items)
        self.clear_options()
        options: list[Option | None] = []
        for item, place in zip(self.items, learner_places(self.items, answer), strict=True):
            if options:
                options.append(None)  # a divider between items (not an option)
            options.append(Option(item_renderable(item, place)))
        self.add_options(options)
        if self.items:
            self.highlighted = 0

    def highlighted_item(self) -> ItemResult | None:
        """The item under the cursor."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]
