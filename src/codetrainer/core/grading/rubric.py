"""The scoring rubric: weights and the partial-credit table (documented in docs/scoring.md).

Every number the grader uses lives here, so the rubric in the docs and the code cannot
drift apart unnoticed (a test compares them). All weights are multiples of 0.5, which keeps
the arithmetic exact in binary floating point.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CODE_CREDIT",
    "DX_POINTS",
    "EXTRA_CODE_PENALTY",
    "EXTRA_MODIFIER_PENALTY",
    "FIRST_LISTED_POINTS",
    "LINE_POINTS",
    "MODIFIER_POINTS",
    "POINTER_PRIMARY_POINTS",
    "POINTER_SET_POINTS",
    "QUERY_KEYWORDS_FOR_FULL",
    "QUERY_KEYWORD_THRESHOLD",
    "QUERY_POINTS",
    "UNITS_POINTS",
]

DX_POINTS: Final = 10.0
"""Each expected diagnosis code."""
FIRST_LISTED_POINTS: Final = 5.0
"""On top of the first expected diagnosis: earned when the learner lists it first."""
LINE_POINTS: Final = 10.0
"""Each expected service line code (CPT or HCPCS Level II)."""
MODIFIER_POINTS: Final = 3.0
"""Each expected modifier on a line."""
UNITS_POINTS: Final = 2.0
"""The units of each expected line."""
POINTER_PRIMARY_POINTS: Final = 2.0
"""The first diagnosis pointer of a line (when the key gives pointers)."""
POINTER_SET_POINTS: Final = 1.0
"""All pointer targets of a line right, none too many (when the key gives pointers)."""
QUERY_POINTS: Final = 10.0
"""A case whose key asks for a provider query (see ``QUERY_KEYWORDS_FOR_FULL``)."""
EXTRA_CODE_PENALTY: Final = 5.0
"""Each diagnosis or service line that the key does not support (over-coding)."""
EXTRA_MODIFIER_PENALTY: Final = 3.0
"""Each modifier on a graded line that the key does not have."""
QUERY_KEYWORDS_FOR_FULL: Final = 2
"""A query that asks about this many of the authored keywords (or all of them, when the
key lists fewer) earns all of ``QUERY_POINTS``; authors often list synonyms."""
QUERY_KEYWORD_THRESHOLD: Final = 80.0
"""rapidfuzz similarity (0-100) at which a query keyword counts as asked about."""

CODE_CREDIT: Final[dict[str, float]] = {
    # full credit
    "exact": 1.0,
    "alternate": 1.0,
    "format": 1.0,
    # partial credit: the right condition, not a claim-ready code
    "seventh_character_missing": 0.5,
    "placeholder": 0.5,
    "seventh_character": 0.5,
    "less_specific": 0.5,
    "laterality_unspecified": 0.5,
    "laterality": 0.25,
    "non_billable": 0.25,
    # no credit
    "transposition": 0.0,
    "wrong_code": 0.0,
    "invalid_code": 0.0,
}
"""Fraction of a code's points for each structural relation to the expected code.

``seventh_character_missing`` (S52.521 for S52.521A) and ``laterality_unspecified``
(M79.606 for M79.604) are reported under the kinds ``seventh_character`` and
``laterality`` + ``less_specific``; the table keys tell the sub-cases apart.
"""
