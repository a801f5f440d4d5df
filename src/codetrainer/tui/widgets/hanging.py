"""Rows with a hanging indent: a short gutter (a mark, a number) and text that wraps beside it.

The home screen's packs and a pack's cases are drawn this way, so a wrapped title lines up
under its first word rather than under the mark. It is a Textual Visual (wrapped with
:meth:`Content.wrap`, drawn by Content), not a Rich table: a table per option costs more
than the rest of the home screen's first frame together.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

__all__ = ["Hanging", "hanging_rows"]

_NEWLINE = Content("\n")


class Hanging(Visual):
    """Rows of ``(gutter, body)``: the gutter fills the first ``indent`` cells of the row's
    first line, the body wraps in the cells to its right (continuation lines are indented)."""

    def __init__(self, rows: Sequence[tuple[Content, Content]], indent: int) -> None:
        self.rows = list(rows)
        self.indent = indent
        self._lines_at: tuple[int, list[Content]] | None = None

    def lines(self, width: int) -> list[Content]:
        """The lines as drawn ``width`` cells wide (each at most ``width`` cells)."""
        if self._lines_at is not None and self._lines_at[0] == width:
            return self._lines_at[1]
        indent = min(self.indent, max(0, width - 1))
        body_width = max(1, width - indent)
        blank = Content(" " * indent)
        out: list[Content] = []
        for gutter, body in self.rows:
            wrapped = body.wrap(body_width) if body.cell_length else [Content("")]
            for i, line in enumerate(wrapped or [Content("")]):
                prefix = gutter.truncate(indent, pad=True) if i == 0 else blank
                out.append(prefix + line.rstrip())
        self._lines_at = (width, out)
        return out

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return _NEWLINE.join(self.lines(width)).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        widest = max((body.cell_length for _, body in self.rows), default=0)
        return self.indent + widest

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.indent + 1

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))


def hanging_rows(rows: Sequence[tuple[Text | str, Text | str]], indent: int) -> Hanging:
    """:class:`Hanging` from Rich ``Text`` (or plain strings, shown as they are: never markup)."""

    def content(part: Text | str) -> Content:
        return Content.from_rich_text(part) if isinstance(part, Text) else Content(part)

    return Hanging([(content(gutter), content(body)) for gutter, body in rows], indent)
