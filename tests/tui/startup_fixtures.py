"""Waiting for the work the trainer does after its first frame (real conditions, no sleeps)."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from codetrainer.tui.app import CodetrainerApp

__all__ = ["home_progress_loaded", "wait_until"]


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], limit: float = 60) -> None:
    """Let the app run until ``condition()`` holds; fail after ``limit`` seconds (a hang,
    not a slow machine: the condition is what is waited for)."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, "the app never got there"
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def home_progress_loaded(app: CodetrainerApp) -> Callable[[], bool]:
    """True once the first frame is out and the home screen's worker has read the store."""

    def done() -> bool:
        busy = any(w.group == "home-summaries" and not w.is_finished for w in app.workers)
        return app.first_frame_shown and app.services.summaries_ready and not busy

    return done
