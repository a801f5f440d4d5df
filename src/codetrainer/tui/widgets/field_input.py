"""A one-line answer field that knows what it holds (a diagnosis code, modifiers ...)."""

from __future__ import annotations

from typing import Literal

from textual.widgets import Input

__all__ = ["FieldInput", "FieldKind"]

FieldKind = Literal["diagnosis", "line", "modifiers", "units", "pointers"]


class FieldInput(Input):
    """An :class:`Input` tagged with the kind of answer field it is.

    The kind tells the lookup which code systems to search and what to insert.
    """

    def __init__(
        self,
        kind: FieldKind,
        value: str = "",
        *,
        placeholder: str = "",
        max_length: int = 0,
        tooltip: str | None = None,
    ) -> None:
        super().__init__(
            value=value,
            placeholder=placeholder,
            max_length=max_length,
            classes=f"field field-{kind}",
            select_on_focus=False,
        )
        self.kind: FieldKind = kind
        """What the field holds."""
        if tooltip:
            self.tooltip = tooltip
