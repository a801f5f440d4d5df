"""The clock the progress screens read (stats, review, exam), in one place so tests can fix it.

Nothing drawn by the stats screen or the exam summary depends on the real time once
:data:`CLOCK` is replaced: tests set a fixed ``now``, ``tz`` and ``monotonic``. No Textual
here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

__all__ = ["CLOCK", "Clock", "format_duration"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Clock:
    """Where the progress screens get the time from."""

    now: Callable[[], datetime] = field(default=_utc_now)
    """The current moment, timezone-aware UTC (review due dates, exam start)."""
    tz: tzinfo | None = None
    """The zone in which a day begins for streaks and goals (None: the local zone)."""
    monotonic: Callable[[], float] = field(default=time.monotonic)
    """Seconds on a steady clock (the exam timer)."""

    def today(self) -> date:
        """Today's date in :attr:`tz`."""
        return self.now().astimezone(self.tz).date()


CLOCK = Clock()
"""The clock in use (tests replace its fields with fixed functions)."""


def format_duration(seconds: float) -> str:
    """``"4:05"`` for minutes and seconds, ``"1:02:03"`` once there are hours."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
