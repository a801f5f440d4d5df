"""A one-line answer field that knows what it holds (a diagnosis code, modifiers ...).

It also says why a key or a paste was refused: :class:`FieldInput.Refused` goes up to the
answer form, which shows the reason inline (units take digits only; pointers are A-L or
1-12; a paste longer than the field is cut, not dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import events
from textual.message import Message
from textual.widgets import Input

__all__ = ["RULES", "FieldInput", "FieldKind"]

FieldKind = Literal["diagnosis", "line", "modifiers", "units", "pointers"]

RULES: dict[str, tuple[str, str]] = {
    "units": (r"[0-9]*", "Units take digits only (blank means 1)."),
    "pointers": (
        r"[A-La-l0-9 ,;/]*",
        "Pointers are diagnosis letters A-L or numbers 1-12, most important first; "
        "'AB' means A then B.",
    ),
}
"""Per kind: the characters the field accepts (a regex over the whole value) and the
sentence shown when a key is refused."""


class FieldInput(Input):
    """An :class:`Input` tagged with the kind of answer field it is.

    The kind tells the lookup which code systems to search and what to insert.
    """

    @dataclass
    class Refused(Message):
        """A key or paste was refused or cut; ``reason`` says why, in words."""

        field: FieldInput
        reason: str

    def __init__(
        self,
        kind: FieldKind,
        value: str = "",
        *,
        placeholder: str = "",
        max_length: int = 0,
        tooltip: str | None = None,
    ) -> None:
        rule = RULES.get(kind)
        super().__init__(
            value=value,
            placeholder=placeholder,
            max_length=max_length,
            restrict=rule[0] if rule else None,
            classes=f"field field-{kind}",
            select_on_focus=False,
        )
        self.kind: FieldKind = kind
        """What the field holds."""
        if tooltip:
            self.tooltip = tooltip

    def restricted(self) -> None:
        """A refused key: the bell, and the reason in words (not only a sound)."""
        self.app.bell()
        rule = RULES.get(self.kind)
        if rule is not None:
            reason = rule[1]
        elif self.max_length:
            reason = f"This field holds at most {self.max_length} characters."
        else:
            return
        self.post_message(self.Refused(self, reason))

    def _on_paste(self, event: events.Paste) -> None:
        """A paste longer than the room left is cut to fit and said so (never dropped)."""
        lines = event.text.splitlines() if event.text else []
        text = lines[0] if lines else ""
        if self.max_length and text:
            selection = self.selection
            start, end = sorted((selection.start, selection.end))
            room = self.max_length - (len(self.value) - (end - start))
            if len(text) > room:
                kept = text[: max(0, room)]
                # Textual runs Input._on_paste too unless the default is prevented
                event.prevent_default()
                event.stop()
                if kept:
                    self.replace(kept, start, end)
                self.post_message(
                    self.Refused(
                        self,
                        f"The paste was {len(text)} characters; this field holds "
                        f"{self.max_length}, so only the first {len(kept)} went in.",
                    )
                )
                return
        # it fits: Input._on_paste (run after this one) inserts it
