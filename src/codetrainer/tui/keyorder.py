"""Keys typed in a burst are handled in the order they were typed.

Textual hands each key to the widget focused at the moment the app reads it, and that
widget handles it later, from its own queue. A priority binding (enter or tab in an
answer field) runs at once, so it can overtake keys still waiting in the field's queue:
after a fast ``J02.9<enter>`` (or a paste) the field may not hold ``J02.9`` yet when
enter looks at it. :func:`after_queued_keys` waits until the widget has handled what
was sent to it before; the app reads no further key meanwhile, so keys typed after the
enter or tab go where it moves the focus.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual.widget import Widget

__all__ = ["after_queued_keys"]

_LIMIT = 0.5
"""Seconds to wait at most: a widget that never gets round to its queue must not freeze
the keyboard."""


async def after_queued_keys(widget: Widget) -> None:
    """Return once ``widget`` has handled every message sent to it before this call."""
    if not widget.is_attached:
        return
    done = asyncio.Event()
    widget.call_later(done.set)  # queued behind the keys already waiting there
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), _LIMIT)
