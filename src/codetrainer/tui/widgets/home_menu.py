"""The home screen's list: actions first, then every pack with its progress or its errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from codetrainer.tui.library import PackEntry
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.hanging import Hanging, hanging_rows

__all__ = ["HomeMenu", "MenuAction", "pack_renderable", "pack_text"]


@dataclass(frozen=True, slots=True)
class MenuAction:
    """An action entry as the menu shows it."""

    id: str
    label: str
    key: str | None = None


def pack_text(entry: PackEntry, progress: tuple[int, int] | None) -> Text:
    """Two lines: title; then progress and source (or the error count)."""
    text = Text(end="")
    if entry.ok:
        text.append(one_line(entry.title), style="bold")
        text.append("\n  ")
        if progress is not None:
            solved, total = progress
            text.append(f"{solved}/{total} solved", style="")
        else:
            text.append(f"{len(entry.brief.cases) if entry.brief else 0} cases")
        text.append(f" · {entry.source}", style="dim")
    else:
        text.append("⚠ ", style="bold red")
        text.append(one_line(entry.title), style="bold")
        n = len(entry.errors)
        text.append("\n  ")
        text.append(f"failed to load: {n} error{'s' if n != 1 else ''}", style="italic")
        text.append(f" · {entry.source}", style="dim")
    return text


def pack_renderable(entry: PackEntry, progress: tuple[int, int] | None) -> Hanging:
    """:func:`pack_text` with a hanging indent, so wrapped titles stay aligned."""
    text = pack_text(entry, progress)
    head, _, rest = text.plain.partition("\n")
    mark = 0 if entry.ok else 2
    body = len(head) + 1 + (len(rest) - len(rest.lstrip(" ")))
    return hanging_rows(
        [(text[0:mark] if mark else "", text[mark : len(head)]), ("", text[body:])], 2
    )


class HomeMenu(OptionList):
    """Actions and packs; option ids are ``action:<id>`` and ``pack:<index>``."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def show(
        self,
        actions: Sequence[MenuAction],
        packs: Sequence[PackEntry],
        progress: Mapping[int, tuple[int, int]],
    ) -> None:
        """Fill the menu (keeps the highlighted option when it still exists).

        A highlight on the first option stays on the first option: entries that the home
        screen's worker adds after the first frame ("Start here") arrive above it, and the
        learner who has not moved should find the cursor at the top.
        """
        keep = None
        if self.highlighted and self.option_count:
            keep = self.get_option_at_index(self.highlighted).id
        self.clear_options()
        options: list[Option | None] = []
        for action in actions:
            label = Text(one_line(action.label), style="bold", end="")
            if action.key:
                label.append(f"  ({action.key})", style="dim")
            # a long label ("Start here: <case title> ...") wraps under its first word
            prompt = hanging_rows([(Text("▶ ", style="bold"), label)], 2)
            options.append(Option(prompt, id=f"action:{action.id}"))
        if actions and packs:
            options.append(None)
        for i, entry in enumerate(packs):
            options.append(Option(pack_renderable(entry, progress.get(i)), id=f"pack:{i}"))
        self.add_options(options)
        if not self.option_count:
            return
        index = 0
        if keep is not None:
            try:
                index = self.get_option_index(keep)
            except OptionDoesNotExist:  # the option is gone: start at the top
                index = 0
        self.highlighted = index

    def highlighted_id(self) -> str | None:
        """``action:<id>``, ``pack:<index>`` or None."""
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id
