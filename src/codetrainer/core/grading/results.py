"""What grading returns: one item per graded field, a case result, a pack result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "NOT_ERRORS",
    "CaseResult",
    "Field",
    "ItemResult",
    "PackResult",
    "Verdict",
]

Verdict = Literal["correct", "partial", "wrong", "missing", "extra"]
Field = Literal["diagnosis", "line", "modifier", "units", "pointer", "query"]

NOT_ERRORS = frozenset({"exact", "alternate"})
"""Kinds that mean "nothing wrong" and are left out of :attr:`CaseResult.kinds`."""

_CODE_OK = frozenset({"exact", "alternate", "format"})


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One graded field: a diagnosis, a line code, a modifier, units, pointers or the query."""

    field: Field
    expected: str | None
    """What the key has (a code, a modifier, a number of units, pointer targets)."""
    given: str | None
    """What the learner gave, as typed (``None`` when nothing was given)."""
    verdict: Verdict
    kinds: tuple[str, ...]
    """Names from pack-format.md (``exact``, ``seventh_character`` ...), most telling first."""
    points: float
    """Earned; negative for extras (their cost), never below what the case can lose."""
    max_points: float
    """What the item is worth; 0 for extras."""
    explanation: str
    line: int | None = None
    """0-based index of the expected service line (for line/modifier/units/pointer items)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON item shape of pack-format.md, plus ``points`` and ``max_points``."""
        return {
            "field": self.field,
            "expected": self.expected,
            "given": self.given,
            "verdict": self.verdict,
            "kinds": list(self.kinds),
            "explanation": self.explanation,
            "points": self.points,
            "max_points": self.max_points,
        }

    @property
    def code_right(self) -> bool:
        """For diagnosis and line items: the given code itself earned full credit."""
        return bool(_CODE_OK.intersection(self.kinds))


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The graded answer to one case: ``score`` is ``earned / possible * 100`` (1 decimal)."""

    case_id: str
    score: float
    items: tuple[ItemResult, ...]
    earned: float
    """Sum of the items' points."""
    possible: float
    """Sum of the items' max_points (fixed by the key, whatever the answer)."""
    unanswered: bool = False
    """True when no answer was handed in (every item missing)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON case shape of pack-format.md."""
        return {
            "case": self.case_id,
            "score": self.score,
            "items": [item.to_dict() for item in self.items],
        }

    @property
    def kinds(self) -> Counter[str]:
        """Error kinds over all items (``exact`` and ``alternate`` left out, and optional
        items, which cost nothing, too)."""
        counter: Counter[str] = Counter()
        for item in self.items:
            if "optional" not in item.kinds:
                counter.update(k for k in item.kinds if k not in NOT_ERRORS)
        return counter

    @property
    def wrong_codes(self) -> list[str]:
        """Codes the learner entered that were not accepted (partial, wrong or extra);
        optional items, which cost nothing, are left out."""
        out: list[str] = []
        for item in self.items:
            if (
                item.field in ("diagnosis", "line")
                and "optional" not in item.kinds
                and item.given is not None
                and not item.code_right
                and item.given not in out
            ):
                out.append(item.given)
        return out

    @property
    def solved(self) -> bool:
        """Every item earned full credit and nothing extra was given (optional items,
        worth nothing either way, are left out of this)."""
        return self.earned == self.possible and all(
            i.verdict == "correct" or "optional" in i.kinds for i in self.items
        )


@dataclass(frozen=True, slots=True)
class PackResult:
    """A graded answers file: one result per case of the pack, in pack order."""

    pack_id: str
    score: float
    """Mean of the case scores (unanswered cases count as 0-scoring all-missing answers)."""
    cases: tuple[CaseResult, ...]
    unanswered: tuple[str, ...] = ()
    """Ids of the pack's cases that had no answer."""
    unknown_cases: tuple[str, ...] = ()
    """Case ids in the answers that the pack does not have (they are not graded)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of pack-format.md: ``{"pack", "score", "cases"}``."""
        return {
            "pack": self.pack_id,
            "score": self.score,
            "cases": [case.to_dict() for case in self.cases],
        }
