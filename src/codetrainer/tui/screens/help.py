"""Help: how a case works and every key of the screen you came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

__all__ = ["GUIDE", "HelpScreen", "KeyRow", "help_rows", "key_name"]

KeyRow = tuple[str, str]
"""(key as shown, what it does)."""

GUIDE = (
    "How it works: read the note, then fill the claim. Diagnoses go in order (the first "
    "is the reason for the visit); their letters A-L are what service-line pointers name. "
    "Each service line takes a CPT or HCPCS code, up to 4 modifiers, units and pointers "
    "(A-L or 1-12). Look codes up with ctrl+l: type words or a code, up/down to pick, "
    "enter to insert into the field you were in. Hints are counted. Submit with ctrl+s to "
    "see each item judged (✓ correct, ~ partial, ✗ wrong, + extra, − missing), the "
    "expected answer and the evidence in the note."
)

EVERYWHERE: tuple[KeyRow, ...] = (
    ("f1 / ?", "this help"),
    ("ctrl+p", "command palette (open a pack, browse codes, look up ...)"),
    ("ctrl+b", "browse the ICD-10-CM tree at the code under the cursor"),
    ("tab / shift+tab", "next / previous field"),
    ("ctrl+q", "quit"),
)


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "up": "↑",
    "down": "↓",
    "escape": "esc",
}


def key_name(key: str) -> str:
    """``alt+up`` -> ``alt+↑``, ``question_mark`` -> ``?`` (the way people write keys)."""
    return "+".join(_KEY_NAMES.get(part, part) for part in key.split("+"))


def help_rows(screen: Screen[object]) -> list[KeyRow]:
    """The screen's own keys in the order it declares them (keys of one action together),
    then any extra rows the screen offers through a ``help_extra()`` method."""
    rows: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for cls in reversed(type(screen).__mro__):
        for item in (
            vars(cls).get("BINDINGS", []) if cls.__module__.startswith("codetrainer") else []
        ):
            binding = item if isinstance(item, Binding) else Binding(*item)
            if not binding.description:
                continue
            keys = [key_name(k.strip()) for k in binding.key.split(",")]
            action = binding.action
            rows.setdefault(action, [])
            rows[action] += [k for k in keys if k not in rows[action]]
            descriptions.setdefault(action, binding.description)
    out: list[KeyRow] = [(" / ".join(keys), descriptions[a]) for a, keys in rows.items()]
    extra = getattr(screen, "help_extra", None)
    if callable(extra):
        out.extend(extra())
    return out


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys; any of escape, q or f1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close"),
    ]

    def __init__(self, title: str, keys: Sequence[KeyRow]) -> None:
        super().__init__(classes="help-screen")
        self.title_text = title
        """Which screen the keys belong to."""
        self.keys = list(keys)
        """The keys of that screen."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._text(), id="help-text")

    def on_mount(self) -> None:
        body = self.query_one("#help-body")
        body.border_title = "Help"
        body.border_subtitle = "esc closes"
        body.focus()

    def _text(self) -> Text:
        text = Text(end="")
        text.append(f"Keys: {self.title_text}\n", style="bold underline")
        width = max((len(k) for k, _ in [*self.keys, *EVERYWHERE]), default=6)
        for key, what in self.keys:
            text.append(f" {key:<{width}} ", style="bold")
            text.append(f"{what}\n")
        text.append("\nEverywhere\n", style="bold underline")
        for key, what in EVERYWHERE:
            text.append(f" {key:<{width}} ", style="bold")
            text.append(f"{what}\n")
        text.append("\n")
        text.append(GUIDE)
        text.append("\n\nThe mouse works too: click fields, list entries and footer keys.")
        return text

    def action_close(self) -> None:
        """Back to the screen underneath."""
        self.dismiss(None)
