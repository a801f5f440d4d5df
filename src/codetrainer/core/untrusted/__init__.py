"""Untrusted text: what packs, students and files say, checked on load and escaped in messages.

Owns the one list of characters codetrainer never lets through: C0 and C1 control
characters (except newline and tab), DEL, the Unicode line and paragraph separators and the
bidirectional embedding, override and isolate characters. Loaders refuse them
(:func:`find_unsafe`); every message that quotes user text shows them escaped
(:func:`escape_unsafe`: ``\\x1b``, ``\\u202e``), never raw, so a crafted pack or hand-in
cannot move the cursor, recolour the terminal or write the clipboard (OSC 52).

May import only the standard library (it sits below every other core package).
"""

from __future__ import annotations

from codetrainer.core.untrusted.text import UNSAFE, escape_unsafe, find_unsafe, unsafe_name

__all__ = ["UNSAFE", "escape_unsafe", "find_unsafe", "unsafe_name"]
