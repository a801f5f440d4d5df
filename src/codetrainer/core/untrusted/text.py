"""The unsafe-character rule and the one escaping helper (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["UNSAFE", "escape_unsafe", "find_unsafe", "unsafe_name"]

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0 controls but tab and newline, DEL, C1 controls, U+2028/2029 (line breaks to YAML,
invisible in editors), bidi embeddings/overrides (U+202A-202E) and isolates (U+2066-2069)."""

_BIDI = {
    0x202A: "left-to-right embedding",
    0x202B: "right-to-left embedding",
    0x202C: "pop directional formatting",
    0x202D: "left-to-right override",
    0x202E: "right-to-left override",
    0x2066: "left-to-right isolate",
    0x2067: "right-to-left isolate",
    0x2068: "first strong isolate",
    0x2069: "pop directional isolate",
    0x2028: "line separator",
    0x2029: "paragraph separator",
}


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_unsafe(text: str) -> str:
    """``text`` with every unsafe character written as an escape (``\\x1b``, ``\\u202e``).

    The result is safe to print to a terminal and to quote in a message; safe text comes
    back unchanged (the common case costs one regex search).
    """
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_escape_one, text)


def unsafe_name(char: str) -> str:
    """How a message names one unsafe character: ``U+001B (escape)``."""
    code = ord(char)
    if code == 0x1B:
        what = "escape"
    elif code == 0x07:
        what = "bell"
    elif code in _BIDI:
        what = _BIDI[code]
    elif code < 0x20 or code == 0x7F:
        what = "control character"
    else:
        what = "C1 control character"
    return f"U+{code:04X} ({what})"


def find_unsafe(text: str) -> Iterator[tuple[int, str]]:
    """The position and character of every unsafe character in ``text``."""
    for match in UNSAFE.finditer(text):
        yield match.start(), match.group()
