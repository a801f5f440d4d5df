"""Display helpers for code descriptions (no UI dependency).

ICD-10-CM titles put what tells siblings apart at the end: the side ("... of right
ankle"), the encounter ("..., initial encounter"), the level ("..., high complexity").
Cutting a long title at its end hides exactly that, so a list of siblings would read
as identical lines. :func:`truncate_middle` cuts from the middle instead.
"""

from __future__ import annotations

__all__ = ["truncate_middle"]

_MARK = "…"


def truncate_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut from the middle with "…".

    The head keeps the first word (what the code is: "Sprain", "Office visit,"), the
    tail gets the rest of the room (what tells siblings apart); a word cut in two at the
    start of the tail is dropped. Never longer than ``width``; ``width < 1`` gives "".
    """
    if width < 1:
        return ""
    if len(text) <= width:
        return text
    if width <= 2:
        return text[: width - 1] + _MARK if width == 2 else _MARK
    room = width - 1
    first = text.split(" ", 1)[0]
    head = first if len(first) <= room // 4 else text[: room // 4]
    tail = text[len(text) - (room - len(head)) :] if room > len(head) else ""
    space = tail.find(" ")
    if 0 <= space < len(tail) // 3:
        tail = tail[space:]
    out = head + _MARK + tail.lstrip()
    return out[:width]
