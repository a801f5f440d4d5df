"""Text from packs and students, made safe to draw.

Everything a pack author or a student typed is *data*: it is never parsed as Rich or
Textual markup, and terminal control sequences are removed before it reaches the screen.
The helpers here return :class:`rich.text.Text` objects, which Textual draws as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

from codetrainer.core.untrusted import escape_unsafe

__all__ = [
    "data_text",
    "find_phrase_spans",
    "highlight_phrases",
    "one_line",
    "problem_text",
    "strip_controls",
]

# ANSI escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other ESC pairs.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, ended by BEL or ST (or cut short)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?      # DCS, SOS, PM, APC strings
    | \x1b[@-Z\\-_]                     # two-character sequences
    | \x9b[0-?]*[ -/]*[@-~]             # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides
# that can make text read differently from how it is stored.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Remove terminal escape sequences and control characters (keep tab and newline).

    A carriage return followed by a newline becomes a plain newline; a lone carriage return
    is dropped (it would move the cursor to the start of the line).
    """
    text = text.replace("\r\n", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    if not keep_newlines:
        text = " ".join(text.split())
    return text


_NOT_SAVED = "not saved: "


def problem_text(problem: BaseException | str) -> str:
    """Why something failed, as a message shows it.

    The first line of the error's own words, with control characters escaped
    (``\\x1b``, the rule of :mod:`codetrainer.core.untrusted`), without a leading
    ``not saved: `` (the message around it already says so: no "not saved: not saved:"),
    and never a Python class name: an error with no words is "an unexpected error".
    """
    text = str(problem).strip()
    first = text.splitlines()[0].strip() if text else ""
    while first.lower().startswith(_NOT_SAVED):
        first = first[len(_NOT_SAVED) :].strip()
    return escape_unsafe(first) or "an unexpected error"


def one_line(text: str, limit: int | None = None) -> str:
    """Controls stripped, blank space folded to single spaces, optionally shortened."""
    flat = strip_controls(text, keep_newlines=False)
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


def data_text(text: str, style: str = "", *, single_line: bool = False) -> Text:
    """A :class:`Text` holding ``text`` literally (no markup), controls stripped."""
    clean = one_line(text) if single_line else strip_controls(text)
    return Text(clean, style=style, end="")


def find_phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text``: case-insensitive, any run of blank space matches
    any other (a phrase may cross a line break in the note). Non-overlapping, in order."""
    words = phrase.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def highlight_phrases(text: Text, phrases: Iterable[str], style: str) -> int:
    """Stylize every occurrence of each phrase in ``text``; returns how many were found."""
    found = 0
    plain = text.plain
    for phrase in phrases:
        for start, end in find_phrase_spans(plain, phrase):
            text.stylize(style, start, end)
            found += 1
    return found
