"""Slips make cards: a graded case with a structural slip queues code-fact cards.

When an attempt at a case shows a ``seventh_character``, ``laterality``, ``non_billable``
or ``excludes1`` slip, the code-fact cards for the family of each wrong ICD-10-CM code
(:func:`.codefacts.cards_for_slip`) become due now in the ``code-facts`` deck.

Like spaced review (:mod:`codetrainer.core.review`), this reads the attempts after a
watermark kept in the store and queues their cards **in the same transaction** that
moves the watermark: a crash between saving an attempt and queueing loses nothing (the
next :func:`sync_slips` catches up), and two processes never queue an attempt twice.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from codetrainer.core.drills.codefacts import DECK_ID, SLIP_KINDS, cards_for_slip
from codetrainer.core.drills.schedule import queue_in
from codetrainer.core.reference import Reference
from codetrainer.core.store import Store, format_utc, utc_now

__all__ = ["SLIP_KINDS", "slip_cards", "sync_slips"]

_WATERMARK = "drill_slip_watermark"


def slip_cards(
    reference: Reference, kinds: list[str], wrong_codes: list[str]
) -> list[tuple[str, str, str]]:
    """``(deck, card, reason)`` to queue for one attempt's slip kinds and wrong codes."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    slips = [k for k in SLIP_KINDS if k in kinds]
    for code in wrong_codes:
        if reference.get(code) is None:
            continue
        for slip in slips:
            for card in cards_for_slip(reference, slip, code):
                if card.id not in seen:
                    seen.add(card.id)
                    out.append((DECK_ID, card.id, f"{slip} slip on {code}"))
    return out


def sync_slips(store: Store, reference: Reference, *, now: datetime | None = None) -> int:
    """Queue the cards of every attempt not seen yet; returns how many cards were queued."""
    if store.read_only:
        return 0
    due = format_utc(now or utc_now())

    def work(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (_WATERMARK,)).fetchone()
        watermark = int(row[0]) if row else 0
        rows = conn.execute(
            "SELECT id, kinds_json, wrong_codes_json FROM attempts WHERE id > ? ORDER BY id",
            (watermark,),
        ).fetchall()
        if not rows:
            return 0
        queued = 0
        for _id, kinds_raw, codes_raw in rows:
            try:
                kinds = [str(k) for k in json.loads(kinds_raw)]
                codes = [str(c) for c in json.loads(codes_raw)]
            except (ValueError, TypeError):
                continue
            if not set(kinds) & set(SLIP_KINDS):
                continue
            queued += queue_in(conn, slip_cards(reference, kinds, codes), due)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_WATERMARK, str(rows[-1][0])),
        )
        return queued

    return store.write_transaction(work)
