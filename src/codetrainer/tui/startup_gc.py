"""Start-up without the cyclic garbage collector, until the first frame is on screen.

Importing Textual and building the first screen allocates a few hundred thousand objects
that live as long as the app. With the collector on, that triggers well over a hundred
collections before the first frame, the later ones walking every object allocated so far:
measured, they took a third of the time to the first frame (benchmarks/bench_startup.py,
docs/performance.md). So the ``codetrainer`` command pauses the collector before it
imports the TUI, and the app resumes it once the first frame is painted. Resuming freezes
what start-up allocated (:func:`gc.freeze`: moved to a permanent generation that later
collections skip), so the collections the app makes afterwards stay short too.

Only a start that paused the collector resumes it: apps built by tests, which never
paused it, leave the collector alone (freezing there would keep every earlier test's
objects alive). No Textual here: this is imported before Textual is.
"""

from __future__ import annotations

import gc

__all__ = ["pause", "paused", "resume"]

_paused = False


def pause() -> None:
    """Turn the collector off for start-up (no-op when it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def paused() -> bool:
    """True between :func:`pause` and :func:`resume`."""
    return _paused


def resume() -> None:
    """Freeze start-up's objects and turn the collector back on (only after :func:`pause`)."""
    global _paused
    if not _paused:
        return
    _paused = False
    gc.freeze()
    gc.enable()
