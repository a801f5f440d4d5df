"""Drill accuracy for the stats screen: one bar per deck and one per card kind.

A separate function (not part of :class:`codetrainer.core.progress.StatsTally`), called
from the stats screen's worker with the rest of the stats queries. No Textual here.
"""

from __future__ import annotations

from typing import Any

from codetrainer.tui.widgets.charts import BarRow

__all__ = ["KIND_NAMES", "drill_rows"]

KIND_NAMES = {
    "meaning": "term → meaning",
    "term": "meaning → term",
    "system": "body system",
    "never-code": "never code from",
    "billable": "billable or header",
    "seventh": "7th character",
    "laterality": "laterality",
    "placeholder": "placeholder X",
    "excludes1": "Excludes1 pairs",
    "chapter": "chapter",
    "block": "block",
    "code-title": "code → title",
    "title-code": "title → code",
    "use-additional": "use additional code",
}


def _row(label: str, answered: int, correct: int) -> BarRow:
    pct = 100.0 * correct / answered if answered else 0.0
    return BarRow(label, pct, f"{pct:.0f}%", f"{correct}/{answered} right")


def drill_rows(store: Any) -> tuple[list[BarRow], list[BarRow]]:
    """(rows by deck, rows by card kind); empty lists without a store or answers."""
    if store is None:
        return [], []
    from codetrainer.core.drills.schedule import Drills

    try:
        rows = Drills(store).accuracy()
    except Exception:
        return [], []
    decks: dict[str, tuple[int, int]] = {}
    kinds: dict[str, tuple[int, int]] = {}
    for r in rows:
        a, c = decks.get(r.deck, (0, 0))
        decks[r.deck] = (a + r.answered, c + r.correct)
        a, c = kinds.get(r.kind, (0, 0))
        kinds[r.kind] = (a + r.answered, c + r.correct)
    return (
        [_row(d, a, c) for d, (a, c) in sorted(decks.items())],
        [_row(KIND_NAMES.get(k, k), a, c) for k, (a, c) in sorted(kinds.items())],
    )
