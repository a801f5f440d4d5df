"""What billing grading returns: items in the coding grader's shape, an exercise result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from codetrainer.core.grading.results import NOT_ERRORS, Verdict

__all__ = ["BillingItem", "ExerciseResult", "PackGrade", "item", "result_of"]


@dataclass(frozen=True, slots=True)
class BillingItem:
    """One graded field: a claim box, a scrub problem, a denial cause, a posted amount."""

    field: str
    """``box 2 patient name``, ``box 21``, ``problem``, ``cause``, ``payment`` ..."""
    expected: str | None
    given: str | None
    verdict: Verdict
    kinds: tuple[str, ...]
    points: float
    max_points: float
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """The coding grader's JSON item shape (pack-format.md)."""
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


def item(
    field: str,
    expected: str | None,
    given: str | None,
    verdict: Verdict,
    kinds: tuple[str, ...] | list[str],
    points: float,
    max_points: float,
    explanation: str,
) -> BillingItem:
    return BillingItem(
        field, expected, given, verdict, tuple(kinds), float(points), float(max_points), explanation
    )


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    """One graded exercise: ``score`` is ``earned / possible * 100`` (1 decimal, >= 0)."""

    exercise_id: str
    kind: str
    score: float
    items: tuple[BillingItem, ...]
    earned: float
    possible: float

    def to_dict(self) -> dict[str, Any]:
        """The coding grader's case shape, plus the exercise's ``kind``."""
        return {
            "case": self.exercise_id,
            "kind": self.kind,
            "score": self.score,
            "items": [i.to_dict() for i in self.items],
        }

    @property
    def kinds(self) -> Counter[str]:
        counter: Counter[str] = Counter()
        for it in self.items:
            counter.update(k for k in it.kinds if k not in NOT_ERRORS)
        return counter

    @property
    def solved(self) -> bool:
        return self.earned == self.possible and all(i.verdict == "correct" for i in self.items)


def result_of(exercise_id: str, kind: str, items: list[BillingItem]) -> ExerciseResult:
    """Sum the items; extras cost points but the score never drops below 0."""
    possible = sum(i.max_points for i in items)
    earned = max(0.0, sum(i.points for i in items))
    score = round(earned / possible * 100, 1) if possible else 0.0
    return ExerciseResult(exercise_id, kind, score, tuple(items), earned, possible)


@dataclass(frozen=True, slots=True)
class PackGrade:
    """A graded billing answers file."""

    pack_id: str
    score: float
    exercises: tuple[ExerciseResult, ...]
    unanswered: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"pack", "score", "cases": [...]}``: the shape ``codetrainer grade`` prints."""
        return {
            "pack": self.pack_id,
            "score": self.score,
            "cases": [e.to_dict() for e in self.exercises],
        }
