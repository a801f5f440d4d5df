"""The trainer's own commands in the command palette (ctrl+p)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from codetrainer.tui.text import one_line

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["TrainerCommands"]


class TrainerCommands(Provider):
    """Home, help, browse, look up, next unsolved, the home screen's entries (review, exam,
    stats) and "open pack: ..." for every pack."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app: CodetrainerApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Home", app.action_home, "Back to the pack list"),
            ("Next unsolved case", partial(app.open_next_unsolved, None), "Keep going"),
            ("Browse ICD-10-CM codes", app.action_browse, "The tabular list as a tree"),
            ("Look up a code", app.action_lookup, "Search codes by words or code"),
            ("Help: keys", app.action_help, "Every key of the current screen"),
        ]
        from codetrainer.tui.home_actions import HOME_ACTIONS

        for action in HOME_ACTIONS:  # review, exam, stats ... as the home screen lists them
            if action.id == "next":
                continue
            label = action.label(app, None)
            if label:
                commands.append((one_line(label, 60), partial(action.run, app, None), action.help))
        for entry in app.packs:
            if entry.ok:
                commands.append(
                    (
                        f"Open pack: {one_line(entry.title, 60)}",
                        partial(app.open_pack, entry),
                        f"{entry.source}: {entry.path.name}",
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                # Pack titles are data: build the highlight on plain Content, never markup.
                display = Content(name)
                _, offsets = matcher.fuzzy_search.match(query, name)
                for offset in offsets:
                    if not name[offset].isspace():
                        display = display.stylize("bold underline", offset, offset + 1)
                yield Hit(score, display, callback, text=name, help=escape(help_text))
