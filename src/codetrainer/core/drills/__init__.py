"""Drills: short single-fact cards (terminology, abbreviations, look-alikes, code facts).

This subpackage owns:

* ``model``: the deck file contract (pydantic models, the JSON Schema ``codetrainer schema
  deck`` prints);
* ``decks``: loading deck YAML through the strict loader, cross-field checks with
  ``PATH:LINE:COL`` diagnostics, and expanding a deck into :class:`~.cards.DrillCard` s
  (reverse cards, body-system and never-code cards);
* ``codefacts``: the ``code-facts`` deck, generated deterministically (seeded) from the
  FY2026 ICD-10-CM reference and cached; a card can be rebuilt from its id alone;
* ``check``: answering (free text with rapidfuzz, multiple choice, codes by structure)
  and the verdict kinds ``correct``, ``typo``, ``confusable``, ``partial``, ``wrong``;
* ``schedule``: per-card FSRS state, the answer log, daily goal, streaks, leeches and
  drill accuracy, kept in the progress store's drill tables;
* ``slips``: turning graded case slips (``seventh_character``, ``laterality``,
  ``non_billable``, ``excludes1``) into queued code-fact cards.

It may import: the standard library, pydantic, rapidfuzz, fsrs, and from the core
``yamlio``, ``diagnostics``, ``packs`` (diagnostic helpers), ``codes``, ``reference`` and
``store``. Never textual or rich, and nothing from ``codetrainer.tui``, ``grading`` or
``commands`` (no arrow runs back up).
"""

from __future__ import annotations

__all__: list[str] = []
