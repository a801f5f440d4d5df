"""Grading: match a claim-shaped answer to a case key, score it by a rubric, explain it.

Public API::

    from codetrainer.core.grading import grade_case, grade_pack_answers
    from codetrainer.core.grading import CaseResult, ItemResult, PackResult

The rubric (weights and partial credit) is in :mod:`.rubric` and docs/scoring.md.
"""

from __future__ import annotations

from codetrainer.core.grading.engine import grade_case, grade_pack_answers, score_of
from codetrainer.core.grading.lookup import (
    CatalogLike,
    CodeInfoLike,
    IcdEntryLike,
    ReferenceLike,
)
from codetrainer.core.grading.results import (
    NOT_ERRORS,
    CaseResult,
    Field,
    ItemResult,
    PackResult,
    Verdict,
)

__all__ = [
    "NOT_ERRORS",
    "CaseResult",
    "CatalogLike",
    "CodeInfoLike",
    "Field",
    "IcdEntryLike",
    "ItemResult",
    "PackResult",
    "ReferenceLike",
    "Verdict",
    "grade_case",
    "grade_pack_answers",
    "score_of",
]
