"""One entry point for grading any billing exercise, and whole answers files."""

from __future__ import annotations

from typing import Any

from codetrainer.core.billing.claim import grade_claim
from codetrainer.core.billing.denial import grade_denial
from codetrainer.core.billing.models import (
    BillingAnswer,
    BillingAnswersFile,
    BillingPack,
    ClaimExercise,
    DenialExercise,
    GivenClaim,
    PostingExercise,
    ScrubExercise,
)
from codetrainer.core.billing.posting import grade_posting
from codetrainer.core.billing.refdata import BillingReference
from codetrainer.core.billing.results import ExerciseResult, PackGrade
from codetrainer.core.billing.scrub import grade_scrub

__all__ = ["grade_billing_answers", "grade_exercise", "key_answer"]


def grade_exercise(
    exercise: Any,
    answer: BillingAnswer,
    *,
    ref: BillingReference | None = None,
    reference: Any = None,
    catalog: Any = None,
) -> ExerciseResult:
    """Grade one answer against one exercise of any kind."""
    if isinstance(exercise, ClaimExercise):
        return grade_claim(
            exercise, answer.claim or GivenClaim(), reference=reference, catalog=catalog
        )
    if isinstance(exercise, ScrubExercise):
        return grade_scrub(exercise, [(p.kind, p.line, p.fix) for p in answer.problems])
    if isinstance(exercise, DenialExercise):
        return grade_denial(exercise, answer.cause, answer.action, ref)
    if isinstance(exercise, PostingExercise):
        return grade_posting(
            exercise, answer.payment, answer.adjustment, answer.patient, answer.secondary_payment
        )
    raise TypeError(f"not a billing exercise: {type(exercise).__name__}")


def key_answer(exercise: Any) -> BillingAnswer:
    """The exercise's key written as an answer (graded against itself it scores 100)."""
    from codetrainer.core.billing.claim import claim_as_given
    from codetrainer.core.billing.models import GivenProblem

    if isinstance(exercise, ClaimExercise):
        return BillingAnswer(exercise=exercise.id, claim=claim_as_given(exercise.key))
    if isinstance(exercise, ScrubExercise):
        return BillingAnswer(
            exercise=exercise.id,
            problems=[
                GivenProblem(kind=p.kind, line=str(p.line or ""), fix=p.fix) for p in exercise.key
            ],
        )
    if isinstance(exercise, DenialExercise):
        return BillingAnswer(
            exercise=exercise.id, cause=exercise.key.cause, action=exercise.key.action
        )
    if isinstance(exercise, PostingExercise):
        k = exercise.key
        return BillingAnswer(
            exercise=exercise.id,
            payment=f"{k.payment:.2f}",
            adjustment=f"{k.adjustment:.2f}",
            patient=f"{k.patient:.2f}",
            secondary_payment=f"{k.secondary_payment:.2f}" if k.secondary_payment else "",
        )
    raise TypeError(f"not a billing exercise: {type(exercise).__name__}")


def grade_billing_answers(
    pack: BillingPack,
    answers: BillingAnswersFile,
    *,
    ref: BillingReference | None = None,
    reference: Any = None,
    catalog: Any = None,
) -> PackGrade:
    """Every exercise of the pack, in pack order; unanswered ones are graded as empty."""
    by_id = {a.exercise: a for a in answers.billing_answers}
    results: list[ExerciseResult] = []
    unanswered: list[str] = []
    for ex in pack.exercises:
        answer = by_id.get(ex.id)
        if answer is None:
            unanswered.append(ex.id)
            answer = BillingAnswer(exercise=ex.id)
        results.append(grade_exercise(ex, answer, ref=ref, reference=reference, catalog=catalog))
    score = round(sum(r.score for r in results) / len(results), 1) if results else 0.0
    return PackGrade(pack.billing.id, score, tuple(results), tuple(unanswered))
