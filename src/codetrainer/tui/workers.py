"""Handing a thread worker's result back to the screen that started it.

A screen can be closed while its worker runs; the result then lands on a screen that is
no longer attached, or one being taken down whose parts are already removed. Either way
the result is of no use and must not fail the worker (which would show the student a
"background task failed" notice for nothing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.css.query import NoMatches
from textual.dom import DOMNode

__all__ = ["call_back"]


def call_back(node: DOMNode, callback: Callable[..., Any], *args: Any) -> None:
    """From a thread worker: run ``callback(*args)`` on the UI thread, unless ``node``
    has been closed meanwhile (then drop it)."""

    def deliver() -> None:
        if not node.is_attached:
            return
        with contextlib.suppress(NoMatches):  # its parts are being removed
            callback(*args)

    node.app.call_from_thread(deliver)
