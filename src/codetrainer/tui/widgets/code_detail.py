"""The detail of one code: description, billable or not, and its tabular notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from codetrainer.tui.text import one_line

if TYPE_CHECKING:
    from codetrainer.core.codesets import CodeInfo
    from codetrainer.core.reference import IcdEntry

__all__ = ["CodeDetail", "entry_text", "info_text"]

_SECTIONS: tuple[tuple[str, str], ...] = (
    ("inclusion_terms", "Inclusion terms"),
    ("includes", "Includes"),
    ("excludes1", "Excludes1 (never report together with this code)"),
    ("excludes2", "Excludes2 (not part of this code; both may be reported)"),
    ("code_first", "Code first"),
    ("use_additional", "Use additional code"),
    ("code_also", "Code also"),
    ("notes", "Notes"),
)


def _section(text: Text, title: str, lines: Sequence[str]) -> None:
    if not lines:
        return
    text.append(f"\n\n{title}\n", style="bold underline")
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        text.append(f" • {one_line(line)}")


def entry_text(entry: IcdEntry, path: Sequence[IcdEntry] = ()) -> Text:
    """An ICD-10-CM entry with every note the tabular list gives it."""
    text = Text(end="")
    text.append(entry.code, style="bold")
    text.append(f"  {one_line(entry.description)}")
    text.append("\n")
    if entry.kind in ("chapter", "block"):
        text.append(f"{entry.kind}", style="dim")
    elif entry.billable:
        text.append("billable: yes (valid on a claim)", style="bold")
    else:
        text.append("billable: no (a header: pick a more specific code below it)", style="italic")
    if path:
        text.append("\n")
        text.append(
            " › ".join(f"Ch {p.code}" if p.kind == "chapter" else p.code for p in path),
            style="dim",
        )
    for attr, title in _SECTIONS:
        _section(text, title, getattr(entry, attr, ()))
    sevenths = getattr(entry, "seventh_characters", ())
    if sevenths:
        _section(text, "7th characters", [f"{char}  {meaning}" for char, meaning in sevenths])
    return text


def info_text(info: CodeInfo) -> Text:
    """A CPT, HCPCS or modifier entry from the code catalog."""
    text = Text(end="")
    text.append(info.code, style="bold")
    text.append(f"  {one_line(info.description)}\n")
    text.append(f"{info.system}", style="dim")
    text.append(" · billable: yes" if info.billable else " · billable: no", style="dim")
    if info.notes:
        _section(text, "Notes", [info.notes])
    source = getattr(info, "source", "")
    if source:
        text.append(f"\n\nsource: {one_line(source)}", style="dim")
    return text


class CodeDetail(Static):
    """A Static that shows one code's :class:`Text` (never markup)."""

    def show_entry(self, entry: IcdEntry, path: Sequence[IcdEntry] = ()) -> None:
        """Show an ICD-10-CM entry."""
        self.update(entry_text(entry, path))

    def show_info(self, info: CodeInfo) -> None:
        """Show a catalog entry."""
        self.update(info_text(info))

    def show_message(self, message: str) -> None:
        """Show a plain message."""
        self.update(Text(message, end=""))
