"""Table tests: every named slip of the billing graders, each from a realistic answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from codetrainer.core.billing.grade import grade_exercise, key_answer
from codetrainer.core.billing.models import BillingAnswer, GivenClaim, GivenLine, GivenProblem
from codetrainer.core.billing.refdata import BillingReference
from codetrainer.core.codesets import Catalog
from codetrainer.core.reference import Reference

Change = Callable[[BillingAnswer], BillingAnswer]


def claim(**changes: Any) -> Change:
    def apply(ans: BillingAnswer) -> BillingAnswer:
        assert ans.claim is not None
        return ans.model_copy(update={"claim": ans.claim.model_copy(update=changes)})

    return apply


def line(n: int, **changes: Any) -> Change:
    def apply(ans: BillingAnswer) -> BillingAnswer:
        assert ans.claim is not None
        lines = list(ans.claim.lines)
        lines[n] = lines[n].model_copy(update=changes)
        return ans.model_copy(update={"claim": ans.claim.model_copy(update={"lines": lines})})

    return apply


def answer(**changes: Any) -> Change:
    def apply(ans: BillingAnswer) -> BillingAnswer:
        return ans.model_copy(update=changes)

    return apply


def problems(*rows: tuple[str, str, str]) -> Change:
    return answer(problems=[GivenProblem(kind=k, line=ln, fix=f) for k, ln, f in rows])


# (exercise, change, field that carries the slip, kind expected, verdict expected)
CASES: list[tuple[str, Change, str, str, str]] = [
    # --- claim: boxes
    (
        "claim-sore-throat",
        claim(patient_last="MIRA", patient_first="QUILL"),
        "box 2 patient name",
        "name_order",
        "wrong",
    ),
    (
        "claim-sore-throat",
        claim(patient_last="QILL"),
        "box 2 patient name",
        "name_spelling",
        "wrong",
    ),
    (
        "claim-sore-throat",
        claim(patient_last="quill", patient_first=" Mira"),
        "box 2 patient name",
        "format",
        "correct",
    ),
    (
        "claim-sore-throat",
        claim(patient_birth_date="12/04/1990"),
        "box 3 birth date",
        "date_swapped",
        "wrong",
    ),
    (
        "claim-sore-throat",
        claim(patient_birth_date="04/12/1990"),
        "box 3 birth date",
        "format",
        "correct",
    ),
    (
        "claim-sore-throat",
        claim(patient_birth_date="1991-04-12"),
        "box 3 birth date",
        "wrong_date",
        "wrong",
    ),
    (
        "claim-sore-throat",
        claim(patient_birth_date="April twelfth"),
        "box 3 birth date",
        "invalid_date",
        "wrong",
    ),
    (
        "claim-sore-throat",
        claim(insured_id="ZQX48213970"),
        "box 1a insured id",
        "transposition",
        "wrong",
    ),
    ("claim-sore-throat", claim(insured_id=""), "box 1a insured id", "missing", "missing"),
    (
        "claim-child-bronchitis",
        claim(relationship="self"),
        "box 6 relationship",
        "relationship",
        "wrong",
    ),
    (
        "claim-child-bronchitis",
        claim(insured_last="RUTH", insured_first="PELLING"),
        "box 4 insured name",
        "name_order",
        "wrong",
    ),
    ("claim-telehealth-uri", claim(pos="11"), "box 24B place of service", "pos_wrong", "wrong"),
    (
        "claim-sore-throat",
        claim(rendering_npi="1987654321"),
        "box 24J rendering NPI",
        "npi_check_digit",
        "wrong",
    ),
    (
        "claim-sore-throat",
        claim(rendering_npi="2123456784", billing_npi="1987654328"),
        "box 33a billing NPI",
        "npi_swapped",
        "wrong",
    ),
    ("claim-sore-throat", claim(billing_npi="21234"), "box 33a billing NPI", "npi_format", "wrong"),
    ("claim-sore-throat", claim(tax_id="36 1234567"), "box 25 tax id", "format", "correct"),
    ("claim-sore-throat", line(1, charge="53.00"), "box 24F charge (line 2)", "charge", "wrong"),
    (
        "claim-sore-throat",
        line(0, date="03/03/2026"),
        "box 24A date (line 1)",
        "wrong_date",
        "wrong",
    ),
    ("claim-sore-throat", claim(total="150.00"), "box 28 total charge", "total_mismatch", "wrong"),
    # --- claim: box 21 and 24 through the coding grader
    ("claim-sore-throat", claim(diagnoses=["J02.0"]), "box 21 diagnosis", "wrong_code", "wrong"),
    ("claim-sore-throat", claim(diagnoses=["J02"]), "box 21 diagnosis", "non_billable", "partial"),
    (
        "claim-er-laceration",
        claim(diagnoses=["S61.412D", "W26.0XXA"]),
        "box 21 diagnosis",
        "seventh_character",
        "partial",
    ),
    (
        "claim-bp-and-tdap",
        line(0, modifiers=[]),
        "box 24D modifier (line 1)",
        "modifier_missing",
        "missing",
    ),
    (
        "claim-knee-injection",
        line(1, modifiers=["LT"]),
        "box 24D modifier (line 2)",
        "modifier_wrong",
        "wrong",
    ),
    ("claim-sore-throat", line(1, pointers=["B"]), "box 24E pointer (line 2)", "pointer", "wrong"),
    # --- scrub
    ("scrub-pointer-to-nothing", problems(), "problem", "missing", "missing"),
    (
        "scrub-pointer-to-nothing",
        problems(("pointer_nothing", "1", "point it at A")),
        "problem",
        "wrong_location",
        "partial",
    ),
    (
        "scrub-pointer-to-nothing",
        problems(("pointer nothing", "line 2", "delete the claim")),
        "problem",
        "fix_wrong",
        "partial",
    ),
    (
        "scrub-pointer-to-nothing",
        problems(("pointer-nothing", "2", "")),
        "problem",
        "fix_missing",
        "partial",
    ),
    (
        "scrub-pointer-to-nothing",
        problems(
            ("pointer_nothing", "2", "change pointer to A"), ("duplicate_line", "1", "delete")
        ),
        "problem",
        "false_alarm",
        "extra",
    ),
    (
        "scrub-pointer-to-nothing",
        problems(("pointer_nothing", "2", "to A"), ("looks odd", "", "")),
        "problem",
        "unknown_problem_kind",
        "extra",
    ),
    # --- denial
    (
        "denial-coverage-ended",
        answer(cause="timely_filing", action="check_eligibility"),
        "cause",
        "wrong_cause",
        "wrong",
    ),
    (
        "denial-coverage-ended",
        answer(cause="coverage_terminated", action="appeal"),
        "action",
        "wrong_action",
        "wrong",
    ),
    (
        "denial-coverage-ended",
        answer(cause="coverage_terminated", action="pray"),
        "action",
        "unknown_choice",
        "wrong",
    ),
    (
        "denial-coverage-ended",
        answer(cause="", action="check eligibility"),
        "cause",
        "missing",
        "missing",
    ),
    (
        "denial-ncci-mi0",
        answer(cause="bundled", action="appeal"),
        "action",
        "appeal_ncci_mi0",
        "wrong",
    ),
    (
        "denial-coinsurance-due",
        answer(cause="patient_responsibility", action="write off"),
        "action",
        "wrote_off_patient_responsibility",
        "wrong",
    ),
    (
        "denial-timely-filing",
        answer(cause="timely_filing", action="bill_patient"),
        "action",
        "billed_patient_for_co",
        "wrong",
    ),
    (
        "denial-ncci-mi0",
        answer(cause="bundled", action="bill_patient"),
        "action",
        "billed_patient_for_co",
        "wrong",
    ),
    (
        "denial-duplicate",
        answer(cause="duplicate", action="correct & resubmit"),
        "action",
        "resubmitted_duplicate",
        "wrong",
    ),
    (
        "denial-ncci-mi0",
        answer(cause="bundled", action="appeal"),
        "action",
        "appealed_contractual",
        "wrong",
    ),
    # --- posting
    (
        "post-copay-and-coinsurance",
        answer(payment="76.00", adjustment="60.00", patient="44.00"),
        "patient",
        "copay_after_coinsurance",
        "wrong",
    ),
    (
        "post-oop-nearly-met",
        answer(payment="720.00", adjustment="300.00", patient="180.00"),
        "patient",
        "oop_full_cap",
        "wrong",
    ),
    (
        "post-copay-only",
        answer(payment="75.00", adjustment="75.00", patient="0.00"),
        "adjustment",
        "wrote_off_patient_share",
        "wrong",
    ),
    (
        "post-copay-only",
        answer(payment="75.00", adjustment="75.00", patient="0.00"),
        "patient",
        "wrote_off_patient_share",
        "wrong",
    ),
    (
        "post-deductible-then-coinsurance",
        answer(payment="176.00", adjustment="80.00", patient="44.00"),
        "patient",
        "deductible_ignored",
        "wrong",
    ),
    (
        "post-medicare-coinsurance",
        answer(payment="64.50", adjustment="47.50", patient="28.00"),
        "patient",
        "coinsurance_on_billed",
        "wrong",
    ),
    (
        "post-secondary-partial",
        answer(payment="120.00", adjustment="150.00", patient="230.00", secondary_payment=""),
        "patient",
        "secondary_ignored",
        "wrong",
    ),
    (
        "post-copay-only",
        answer(payment="75.00", adjustment="50.00", patient="20.00"),
        "balance",
        "not_balanced",
        "wrong",
    ),
    (
        "post-copay-only",
        answer(payment="seventy", adjustment="50.00", patient="25.00"),
        "payment",
        "invalid_amount",
        "wrong",
    ),
    (
        "post-copay-only",
        answer(payment="", adjustment="50.00", patient="25.00"),
        "payment",
        "missing",
        "missing",
    ),
    (
        "post-copay-only",
        answer(payment="$75", adjustment="50", patient="25.0"),
        "payment",
        "exact",
        "correct",
    ),
]


@pytest.mark.parametrize(
    ("exercise_id", "change", "field", "kind", "verdict"),
    CASES,
    ids=[f"{c[0]}:{c[3]}:{c[2]}" for c in CASES],
)
def test_slip(
    exercise_id: str,
    change: Change,
    field: str,
    kind: str,
    verdict: str,
    exercises: dict[str, Any],
    ref: Reference,
    catalog: Catalog,
    bref: BillingReference,
) -> None:
    ex = exercises[exercise_id]
    given = change(key_answer(ex))
    result = grade_exercise(ex, given, ref=bref, reference=ref, catalog=catalog)
    matching = [i for i in result.items if i.field == field and kind in i.kinds]
    assert matching, [(i.field, i.kinds) for i in result.items if i.verdict != "correct"]
    assert matching[0].verdict == verdict
    assert matching[0].explanation.strip()
    if verdict != "correct":
        assert result.score < 100


def test_every_named_slip_is_in_the_table() -> None:
    """Each slip name the graders can emit has a row above (kept in step with the code)."""
    import inspect

    from codetrainer.core.billing import claim as claim_mod
    from codetrainer.core.billing import denial, posting, scrub

    emitted: set[str] = set()
    for mod in (claim_mod, denial, posting, scrub):
        source = inspect.getsource(mod)
        for name in [
            "name_order",
            "name_spelling",
            "date_swapped",
            "wrong_date",
            "invalid_date",
            "transposition",
            "relationship",
            "pos_wrong",
            "npi_check_digit",
            "npi_swapped",
            "npi_format",
            "charge",
            "total_mismatch",
            "wrong_location",
            "fix_wrong",
            "fix_missing",
            "false_alarm",
            "unknown_problem_kind",
            "wrong_cause",
            "wrong_action",
            "unknown_choice",
            "appeal_ncci_mi0",
            "wrote_off_patient_responsibility",
            "billed_patient_for_co",
            "appealed_contractual",
            "resubmitted_duplicate",
            "copay_after_coinsurance",
            "oop_full_cap",
            "wrote_off_patient_share",
            "deductible_ignored",
            "coinsurance_on_billed",
            "secondary_ignored",
            "not_balanced",
            "invalid_amount",
        ]:
            if f'"{name}"' in source:
                emitted.add(name)
    tested = {c[3] for c in CASES}
    assert emitted <= tested, emitted - tested
    assert len(emitted) >= 30


def test_an_empty_claim_scores_zero(exercises: dict[str, Any], ref: Reference) -> None:
    ex = exercises["claim-knee-injection"]
    result = grade_exercise(ex, BillingAnswer(exercise=ex.id, claim=GivenClaim()), reference=ref)
    assert result.score == 0
    assert all(i.verdict == "missing" for i in result.items)


def test_claim_lines_match_by_code_not_position(exercises: dict[str, Any], ref: Reference) -> None:
    ex = exercises["claim-sore-throat"]
    key = key_answer(ex)
    assert key.claim is not None
    swapped = key.claim.model_copy(update={"lines": list(reversed(key.claim.lines))})
    result = grade_exercise(ex, key.model_copy(update={"claim": swapped}), reference=ref)
    assert result.score == 100
    wrong = key.claim.model_copy(
        update={"lines": [GivenLine(code="99213", date="2026-03-02", pointers=["A"], charge="125")]}
    )
    result = grade_exercise(ex, key.model_copy(update={"claim": wrong}), reference=ref)
    assert result.score < 100
    assert any(i.field == "box 24D code" and i.verdict == "missing" for i in result.items)
