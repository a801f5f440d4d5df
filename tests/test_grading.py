"""The grader, table-driven: every error kind with a real FY2026 example, scores, explanations."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from grading_fixtures import REPO, TinyReference, answer, key_answer, make_case

from codetrainer.core.grading import (
    CaseResult,
    ItemResult,
    grade_case,
    grade_pack_answers,
    rubric,
    score_of,
)
from codetrainer.core.grading.assign import max_weight_assignment
from codetrainer.core.grading.relations import is_transposition, side_of
from codetrainer.core.models import AnswerEntry, AnswersFile, Pack, PackInfo
from codetrainer.core.reference import Reference

# ---------------------------------------------------------------------------------------
# every kind, with a real FY2026 example


@dataclass
class Row:
    """One graded answer and what one of its items must say."""

    id: str
    key_dx: list[Any]
    given_dx: list[str]
    field: str
    kind: str
    verdict: str
    points: float
    max_points: float
    needle: str = ""
    """A phrase the explanation must contain."""
    key_lines: list[Any] = field(default_factory=list)
    given_lines: list[Any] = field(default_factory=list)
    query: dict[str, Any] | None = None
    given_query: str = ""
    mistakes: dict[str, str] | None = None
    expected: str | None = "<first>"
    """Which item: the one with this ``expected`` (default: the first of ``field``)."""
    given: str | None = "<any>"


QUERY = {"why": "The note never says which leg.", "keywords": ["laterality", "injury"]}
LINE_PTRS = [{"code": "99214", "pointers": ["1", "2"]}]

# fmt: off
ROWS = [
    Row("exact", ["J02.9"], ["J02.9"], "diagnosis", "exact", "correct", 15, 15,
        "J02.9 'Acute pharyngitis, unspecified'"),
    Row("format", ["J02.9"], ["j029"], "diagnosis", "format", "correct", 15, 15,
        "the standard spelling is J02.9"),
    Row("alternate", [{"code": "R10.9", "also_accept": ["R10.84"]}], ["R10.84"], "diagnosis",
        "alternate", "correct", 15, 15, "alternative the key allows"),
    Row("non_billable", ["E11.9"], ["E11"], "diagnosis", "non_billable", "partial", 7.5, 15,
        "You entered E11: that is the category 'Type 2 diabetes mellitus'; a billable code "
        "needs more characters"),
    Row("less_specific", ["J02.0"], ["J02.9"], "diagnosis", "less_specific", "partial", 10, 15,
        "less specific than the note allows: J02.0 'Streptococcal pharyngitis'"),
    Row("seventh_character", ["S52.521A"], ["S52.521D"], "diagnosis", "seventh_character",
        "partial", 10, 15, "the 7th character should be A (initial encounter for closed fracture)"),
    Row("seventh_character_missing", ["S52.521A"], ["S52.521"], "diagnosis", "seventh_character",
        "partial", 10, 15, "without its 7th character"),
    Row("placeholder", ["W61.62XD"], ["W61.62D"], "diagnosis", "placeholder", "partial", 10, 15,
        "missing the placeholder X"),
    Row("placeholder_and_seventh", ["W61.62XD"], ["W61.62"], "diagnosis", "placeholder",
        "partial", 10, 15, "placeholder X fills the gap"),
    Row("laterality", ["M79.604"], ["M79.605"], "diagnosis", "laterality", "partial", 7.5, 15,
        "'Pain in left leg' is the wrong side"),
    Row("laterality_unspecified", ["M79.604"], ["M79.606"], "diagnosis", "laterality",
        "partial", 10, 15, "leaves the side unspecified"),
    Row("laterality_knee", ["M25.562"], ["M25.561"], "diagnosis", "laterality", "partial", 7.5,
        15, "wrong side"),
    Row("transposition", ["J02.9"], ["J20.9"], "diagnosis", "transposition", "wrong", 0, 15,
        "J20.9 is acute bronchitis, unspecified; you probably meant J02.9"),
    Row("invalid_code_paired", ["J02.9"], ["J02.7"], "diagnosis", "invalid_code", "wrong", 0, 15,
        "not a valid code in ICD-10-CM FY2026"),
    Row("invalid_code_extra", ["J02.9"], ["J02.9", "Z99.999"], "diagnosis", "invalid_code",
        "extra", -5, 0, "not a valid code", expected=None, given="Z99.999"),
    Row("unreadable_extra", ["J02.9"], ["J02.9", "hello"], "diagnosis", "invalid_code", "extra",
        -5, 0, "not shaped like an ICD-10-CM code", expected=None, given="hello"),
    Row("wrong_code", ["J02.9"], ["J02.8"], "diagnosis", "wrong_code", "wrong", 0, 15,
        "not the right code; the key has J02.9"),
    Row("missing", ["J02.9", "I10"], ["J02.9"], "diagnosis", "missing", "missing", 0, 10,
        "Missing: I10 'Essential (primary) hypertension'", expected="I10"),
    Row("extra", ["J02.9"], ["J02.9", "I10"], "diagnosis", "extra", "extra", -5, 0,
        "over-coding", expected=None, given="I10"),
    Row("sequencing", ["E11.9", "I10"], ["I10", "E11.9"], "diagnosis", "sequencing", "partial",
        10, 15, "should be listed first"),
    Row("mistake", ["J02.9"], ["J02.0"], "diagnosis", "mistake", "wrong", 0, 15,
        "Strep needs a positive test.", mistakes={"J02.0": "Strep needs a positive test."}),
    Row("mistake_unrelated", ["J02.9"], ["R07.0"], "diagnosis", "mistake", "wrong", 0, 15,
        "A symptom of the diagnosis", mistakes={"R07.0": "A symptom of the diagnosis."}),
    Row("excludes1", ["E11.9"], ["E11.9", "E10.9"], "diagnosis", "excludes1", "extra", -5, 0,
        "Excludes1", expected=None, given="E10.9"),
    Row("wrong_system_dx", ["J02.9"], ["J02.9", "99213"], "diagnosis", "wrong_system", "extra",
        -5, 0, "belongs on a service line", expected=None, given="99213"),
    Row("duplicate", ["J02.9"], ["J02.9", "j02.9"], "diagnosis", "duplicate", "extra", -5, 0,
        "twice", expected=None, given="j02.9"),
    Row("line_exact", [], [], "line", "exact", "correct", 10, 10, "Correct: 99213",
        key_lines=["99213"], given_lines=["99213"]),
    Row("em_level", [], [], "line", "em_level", "wrong", 0, 10, "different levels",
        key_lines=["99213"], given_lines=["99214"]),
    Row("em_new_established", [], [], "line", "em_new_established", "wrong", 0, 10,
        "new patient", key_lines=["99213"], given_lines=["99203"]),
    Row("line_transposition", [], [], "line", "transposition", "wrong", 0, 10,
        "you probably meant 87880", key_lines=["87880"], given_lines=["87808"]),
    Row("line_wrong_system", [], [], "line", "wrong_system", "extra", -5, 0,
        "belongs on the diagnoses", key_lines=["99213"], given_lines=["99213", "J02.9"],
        expected=None, given="J02.9"),
    Row("line_invalid", [], [], "line", "invalid_code", "extra", -5, 0, "not a CPT code",
        key_lines=["99213"], given_lines=["99213", "9921"], expected=None, given="9921"),
    Row("line_missing", [], [], "line", "missing", "missing", 0, 15,
        "Missing: 87880 (modifier QW)",
        key_lines=["99213", {"code": "87880", "modifiers": ["QW"]}], given_lines=["99213"],
        expected="87880"),
    Row("modifier_missing", [], [], "modifier", "modifier_missing", "missing", 0, 3,
        "needs modifier QW", key_lines=[{"code": "87880", "modifiers": ["QW"]}],
        given_lines=["87880"]),
    Row("modifier_extra", [], [], "modifier", "modifier_extra", "extra", -3, 0,
        "does not belong", key_lines=["99213"],
        given_lines=[{"code": "99213", "modifiers": ["25"]}], expected=None),
    Row("modifier_wrong", [], [], "modifier", "modifier_wrong", "wrong", 0, 3, "not LT",
        key_lines=[{"code": "20610", "modifiers": ["RT"]}],
        given_lines=[{"code": "20610", "modifiers": ["LT"]}]),
    Row("modifier_loose", [], [], "modifier", "exact", "correct", 3, 3, "right",
        key_lines=[{"code": "99213", "modifiers": ["25"]}],
        given_lines=[{"code": "99213", "modifiers": ["-25"]}]),
    Row("units", [], [], "units", "units", "wrong", 0, 2, "should have 4 units; you gave 1",
        key_lines=[{"code": "J1100", "units": "4"}],
        given_lines=[{"code": "J1100", "units": "1"}]),
    Row("units_garbage", [], [], "units", "units", "wrong", 0, 2, "not a number of units",
        key_lines=["99213"], given_lines=[{"code": "99213", "units": "one"}]),
    Row("pointer_order", ["E11.9", "I10"], ["E11.9", "I10"], "pointer", "pointer", "partial", 1,
        3, "first pointer should be", key_lines=LINE_PTRS,
        given_lines=[{"code": "99214", "pointers": ["2", "1"]}]),
    Row("pointer_letters", ["E11.9", "I10"], ["E11.9", "I10"], "pointer", "exact", "correct", 3,
        3, "right", key_lines=LINE_PTRS,
        given_lines=[{"code": "99214", "pointers": ["a", "B"]}]),
    Row("pointer_missing", ["E11.9", "I10"], ["E11.9", "I10"], "pointer", "pointer", "missing",
        0, 3, "no diagnosis pointers", key_lines=LINE_PTRS, given_lines=["99214"]),
    Row("pointer_nowhere", ["E11.9", "I10"], ["E11.9", "I10"], "pointer", "pointer", "partial",
        2, 3, "points at none of your diagnoses", key_lines=LINE_PTRS,
        given_lines=[{"code": "99214", "pointers": ["1", "7"]}]),
    Row("pointer_follows_codes", ["E11.9", "I10"], ["I10", "E11.9"], "pointer", "exact",
        "correct", 3, 3, "right", key_lines=LINE_PTRS,
        given_lines=[{"code": "99214", "pointers": ["2", "1"]}]),
    Row("query_missed", [], [], "query", "query_missed", "missing", 0, 10, "Ask about",
        query=QUERY),
    Row("query_fuzzy", [], [], "query", "exact", "correct", 10, 10, "asks about", query=QUERY,
        given_query="Which leg is it (lateralty)? Was he injured?"),
    Row("query_incomplete", [], [], "query", "query_incomplete", "partial", 5, 10,
        "should also ask about: injury", query=QUERY,
        given_query="Please document the laterality."),
    Row("query_off_topic", [], [], "query", "query_missed", "wrong", 0, 10, "should ask about:",
        query=QUERY, given_query="Is this chronic?"),
    Row("query_synonyms", [], [], "query", "exact", "correct", 10, 10, "asks about",
        query={"why": "Which leg?", "keywords": ["laterality", "which leg", "right", "injury"]},
        given_query="Which leg hurts, right or left?"),
    Row("query_one_of_many", [], [], "query", "query_incomplete", "partial", 5, 10,
        "also ask about 1 more of", query={"why": "Ask.", "keywords": ["side", "injury", "onset"]},
        given_query="Was there an injury?"),
    Row("query_unneeded", ["J02.9"], ["J02.9"], "query", "query_unneeded", "extra", 0, 0,
        "not needed", given_query="Was the strep culture positive?", expected=None),
]
# fmt: on


def _grade(row: Row, reference: Any) -> CaseResult:
    case = make_case(row.key_dx, row.key_lines, query=row.query, mistakes=row.mistakes)
    return grade_case(
        case, answer(row.given_dx, row.given_lines, row.given_query), reference=reference
    )


def _item(result: CaseResult, row: Row) -> ItemResult:
    for item in result.items:
        if item.field != row.field:
            continue
        if row.expected != "<first>" and item.expected != row.expected:
            continue
        if row.given != "<any>" and item.given != row.given:
            continue
        return item
    raise AssertionError(f"no {row.field} item for {row.id}: {result.items}")


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_kind(row: Row, ref: Reference) -> None:
    result = _grade(row, ref)
    item = _item(result, row)
    assert row.kind in item.kinds, item
    assert item.verdict == row.verdict, item
    assert (item.points, item.max_points) == (row.points, row.max_points), item
    assert row.needle in item.explanation, item.explanation
    assert item.explanation.strip()
    _check_breakdown(result)


def _check_breakdown(result: CaseResult) -> None:
    assert result.earned == sum(i.points for i in result.items)
    assert result.possible == sum(i.max_points for i in result.items)
    assert result.score == score_of(result.earned, result.possible)
    assert 0 <= result.score <= 100
    for item in result.items:
        assert item.explanation.strip(), item
        assert item.points <= item.max_points
        if item.verdict == "extra":
            assert item.max_points == 0


def test_every_documented_kind_is_covered() -> None:
    """The names in pack-format.md each have a row above."""
    documented = {
        "exact", "alternate", "format", "invalid_code", "non_billable", "less_specific",
        "seventh_character", "laterality", "transposition", "wrong_code", "missing", "extra",
        "sequencing", "modifier_missing", "modifier_extra", "modifier_wrong", "units",
        "pointer", "query_missed",
    }  # fmt: skip
    assert documented <= {r.kind for r in ROWS}


# ---------------------------------------------------------------------------------------
# without a reference: shape only


@pytest.mark.parametrize(
    ("key", "given", "kinds", "points"),
    [
        ("J02.9", "J02.9", ("exact",), 15),
        ("J02.9", "j029", ("format",), 15),
        ("E11.9", "E11", ("non_billable",), 7.5),
        ("S52.521A", "S52.521D", ("seventh_character",), 10),
        ("S52.521A", "S52.521", ("seventh_character",), 10),
        ("W61.62XD", "W61.62D", ("placeholder",), 10),
        ("J02.9", "J20.9", ("transposition",), 0),
        ("J02.0", "J02.9", ("wrong_code",), 0),  # less_specific needs the descriptions
        ("M79.604", "M79.605", ("wrong_code",), 0),  # so does laterality
        ("J02.9", "J02.7", ("wrong_code",), 0),  # existence needs the reference
    ],
)
def test_without_reference(key: str, given: str, kinds: tuple[str, ...], points: float) -> None:
    result = grade_case(make_case([key]), answer([given]))
    item = result.items[0]
    assert (item.kinds, item.points) == (kinds, points)
    _check_breakdown(result)


def test_protocol_stand_in_reference() -> None:
    """Anything with get/excludes1_conflict/billable_descendants works as a reference."""
    tiny = TinyReference.with_codes(
        [
            ("M79.60", "Pain in leg", False),
            ("M79.604", "Pain in right leg", True),
            ("M79.605", "Pain in left leg", True),
        ]
    )
    result = grade_case(make_case(["M79.604"]), answer(["M79.605", "M79.699"]), reference=tiny)
    assert result.items[0].kinds == ("laterality",)
    extra = result.items[1]
    assert extra.kinds == ("extra", "invalid_code")
    assert "Tiny test reference" in extra.explanation


# ---------------------------------------------------------------------------------------
# matching


def test_assignment_is_optimal_not_first_come(ref: Reference) -> None:
    """J02 could serve J02.9 or J02.0; the exact J02.9 must not lose its partner."""
    case = make_case(["J02.0", "J02.9"])
    result = grade_case(case, answer(["J02", "J02.9"]), reference=ref)
    by_expected = {i.expected: i for i in result.items}
    assert by_expected["J02.9"].kinds == ("exact",)
    assert by_expected["J02.0"].kinds == ("non_billable",)
    assert result.earned == 10 + 2.5 + 5  # J02 is listed first and earns the first-listed points


def test_same_code_twice_in_key_lines(ref: Reference) -> None:
    key = [{"code": "20610", "modifiers": ["RT"]}, {"code": "20610", "modifiers": ["LT"]}]
    given = [{"code": "20610", "modifiers": ["LT"]}, {"code": "20610", "modifiers": ["RT"]}]
    result = grade_case(make_case([], key), answer([], given), reference=ref)
    assert result.score == 100


def test_hungarian_matches_brute_force() -> None:
    import itertools
    import random

    rng = random.Random(7)
    for _ in range(300):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        w = [[rng.choice([0.0, 0.0, rng.randint(1, 9) / 2]) for _ in range(m)] for _ in range(n)]
        got = max_weight_assignment(w)
        total = sum(w[i][j] for i, j in enumerate(got) if j is not None)
        assert len({j for j in got if j is not None}) == sum(j is not None for j in got)
        best = 0.0
        cols = list(range(m)) + [None] * n
        for perm in itertools.permutations(cols, n):
            if len({j for j in perm if j is not None}) != sum(j is not None for j in perm):
                continue
            best = max(best, sum(w[i][j] for i, j in enumerate(perm) if j is not None))
        assert total == best, (w, got)


def test_transposition_and_sides() -> None:
    assert is_transposition("J209", "J029")
    assert not is_transposition("J029", "J028")
    assert not is_transposition("J029", "J029")
    assert side_of("Pain in right leg") == "right"
    assert side_of("Pain in leg, unspecified") == "unspecified"
    assert side_of("Bilateral primary osteoarthritis of knee") == "bilateral"
    assert side_of("Acute pharyngitis") is None


# ---------------------------------------------------------------------------------------
# scores


def test_key_scores_100_and_empty_scores_0(ref: Reference) -> None:
    case = make_case(
        ["E11.9", "I10"],
        [{"code": "99214", "pointers": ["1", "2"]}, {"code": "82947", "pointers": ["1"]}],
        query=QUERY,
    )
    full = grade_case(case, key_answer(case), reference=ref)
    assert full.score == 100 and full.solved
    assert full.possible == 15 + 10 + (10 + 2 + 3) * 2 + 10
    empty = grade_case(case, answer(), reference=ref)
    assert empty.score == 0 and empty.possible == full.possible
    assert {i.verdict for i in empty.items} == {"missing"}


def test_extras_never_push_below_zero(ref: Reference) -> None:
    case = make_case(["J02.9"])
    result = grade_case(case, answer(["J02", "I10", "E11.9", "K35.80"]), reference=ref)
    assert result.earned == 0 and result.score == 0
    points = [i.points for i in result.items]
    assert points == [7.5, -5, -2.5, 0]
    assert "Nothing was left to lose" in result.items[-1].explanation


def test_score_rounding_is_half_up_and_exact() -> None:
    assert score_of(1, 3) == 33.3
    assert score_of(2, 3) == 66.7
    assert score_of(0.5, 16) == 3.1  # 3.125 -> 3.1
    assert score_of(1, 8) == 12.5
    assert score_of(1, 1600) == 0.1  # 0.0625 -> 0.1
    assert score_of(0, 10) == 0 and score_of(10, 10) == 100
    assert score_of(0, 0) == 100


def test_kinds_and_wrong_codes(ref: Reference) -> None:
    case = make_case(["E11.9", "I10"], ["99213"])
    result = grade_case(case, answer(["I10", "E11", "R51.9"], ["99214"]), reference=ref)
    kinds = result.kinds
    assert kinds["non_billable"] == 1 and kinds["sequencing"] == 1 and kinds["extra"] == 1
    assert "exact" not in kinds
    assert result.wrong_codes == ["E11", "R51.9", "99214"]


def test_to_dict_shape(ref: Reference) -> None:
    case = make_case(["J02.9"], [{"code": "87880", "modifiers": ["QW"], "pointers": ["1"]}])
    result = grade_case(case, answer(["J02.9"], ["87880"]), reference=ref)
    data = result.to_dict()
    assert set(data) == {"case", "score", "items"}
    for item in data["items"]:
        assert set(item) == {
            "field", "expected", "given", "verdict", "kinds", "explanation", "points",
            "max_points",
        }  # fmt: skip
        assert item["verdict"] in {"correct", "partial", "wrong", "missing", "extra"}
    json.dumps(data)


def test_grading_is_deterministic(ref: Reference) -> None:
    case = make_case(["S52.521A", "W19.XXXA"], [{"code": "25600", "modifiers": ["RT"]}])
    given = answer(["s52521d", "W19.XXXA", "I10"], [{"code": "25600", "modifiers": ["LT", "59"]}])
    a = grade_case(case, given, reference=ref)
    b = grade_case(case, given, reference=ref)
    assert a == b and a.to_dict() == b.to_dict()


# ---------------------------------------------------------------------------------------
# packs


def _pack(*cases: Any) -> Pack:
    info = PackInfo(id="test-pack", title="Test", version="1", code_year="FY2026")
    return Pack.model_construct(pack=info, cases=list(cases))


def test_grade_pack_answers(ref: Reference) -> None:
    one = make_case(["J02.9"], case_id="one")
    two = make_case(["I10"], case_id="two")
    answers = AnswersFile(
        answers=[
            AnswerEntry(case="one", diagnoses=["J02.9"]),
            AnswerEntry(case="nope", diagnoses=["I10"]),
        ]
    )
    result = grade_pack_answers(_pack(one, two), answers, reference=ref)
    assert [c.case_id for c in result.cases] == ["one", "two"]
    assert result.unanswered == ("two",) and result.unknown_cases == ("nope",)
    assert result.cases[1].unanswered
    assert "No answer was handed in" in result.cases[1].items[0].explanation
    assert result.score == 50.0
    assert result.to_dict()["pack"] == "test-pack"


def test_pack_score_is_mean_of_case_scores() -> None:
    cases = [make_case(["J02.9", "I10", "E11.9"], case_id=f"c{i}") for i in range(3)]
    answers = [
        AnswerEntry(case="c0", diagnoses=["J02.9"]),  # 15/35
        AnswerEntry(case="c1", diagnoses=["J02.9", "I10"]),  # 25/35
        AnswerEntry(case="c2", diagnoses=["J02.9", "I10", "E11.9"]),
    ]
    result = grade_pack_answers(_pack(*cases), answers)
    assert [c.score for c in result.cases] == [42.9, 71.4, 100.0]
    assert result.score == 71.4  # (42.9 + 71.4 + 100) / 3 = 71.43


# ---------------------------------------------------------------------------------------
# the rubric in docs/scoring.md matches the code


def test_docs_state_the_weights() -> None:
    doc = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    for name in (
        "DX_POINTS", "FIRST_LISTED_POINTS", "LINE_POINTS", "MODIFIER_POINTS", "UNITS_POINTS",
        "POINTER_PRIMARY_POINTS", "POINTER_SET_POINTS", "QUERY_POINTS", "EXTRA_CODE_PENALTY",
        "EXTRA_MODIFIER_PENALTY", "QUERY_KEYWORDS_FOR_FULL", "QUERY_KEYWORD_THRESHOLD",
    ):  # fmt: skip
        value = getattr(rubric, name)
        assert re.search(rf"`{name}`\s*\|\s*{value:g}\b", doc), name
    for rule, credit in rubric.CODE_CREDIT.items():
        assert re.search(rf"`{rule}`[^\n]*\|\s*{credit * 100:g} ?%", doc), rule


def test_docs_worked_examples(ref: Reference) -> None:
    """Each worked example in docs/scoring.md is graded here to the score it states."""
    doc = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- example (\{.*?\}) -->", doc)
    assert len(blocks) >= 3
    for raw in blocks:
        ex = json.loads(raw)
        case = make_case(ex["key_dx"], ex.get("key_lines", []), query=ex.get("query"))
        got = grade_case(
            case,
            answer(ex.get("dx", []), ex.get("lines", []), ex.get("q", "")),
            reference=ref,
        )
        assert got.score == ex["score"], (ex, got.earned, got.possible)
        assert (got.earned, got.possible) == (ex["earned"], ex["possible"]), ex


def test_core_grading_has_no_ui_imports() -> None:
    for path in (REPO / "src" / "codetrainer" / "core" / "grading").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (textual|rich)\b", text, re.M), path
        assert "print(" not in text, path


def test_example_files_are_clean() -> None:
    """The sample pack and hand-ins in examples/ load without errors or warnings."""
    from codetrainer.core.packs import load_answers, load_pack

    pack = load_pack(REPO / "examples" / "sampler-pack.yaml")
    assert pack.value is not None and pack.diagnostics == []
    for name in ("sampler-answers.yaml", "outpatient-basics-answers.yaml"):
        loaded = load_answers(REPO / "examples" / name)
        assert loaded.value is not None and loaded.diagnostics == [], name
