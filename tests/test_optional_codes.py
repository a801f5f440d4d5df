"""Optional key codes (``optional: true``): worth nothing either way, and the feedback says so.

Table tests for each situation, hypothesis properties (adding or removing an optional code
never changes the score), and the JSON of ``codetrainer grade``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from grading_fixtures import answer, bundled_cases, key_answer, make_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codetrainer.cli import main
from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.core.grading import CaseResult, grade_case
from codetrainer.core.grading.engine import OPTIONAL_NOTE
from codetrainer.core.models import Case
from codetrainer.core.reference import Reference, load_reference

REF: Reference = load_reference()
SETTINGS = settings(
    max_examples=int(os.environ.get("CODETRAINER_GRADING_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BUNDLED = bundled_cases()
PLACE_WHY = "The place of occurrence is optional: report it when the note names the place."


def wrist_case() -> Case:
    """A fracture with a required cause, an optional place and activity, an optional line."""
    return make_case(
        [
            "S52.521A",
            "W19.XXXA",
            {"code": "Y92.009", "optional": "true", "why": PLACE_WHY},
            {"code": "Y93.01", "optional": "yes", "why": "Activity codes are optional."},
        ],
        [
            {"code": "99213", "pointers": ["1"]},
            {"code": "A4253", "optional": "true", "pointers": ["1"], "why": "Strips, optional."},
        ],
    )


def item(result: CaseResult, expected: str) -> Any:
    found = [i for i in result.items if i.expected == expected and i.field in ("diagnosis", "line")]
    assert len(found) == 1, result.items
    return found[0]


REQUIRED = answer(["S52.521A", "W19.XXXA"], [{"code": "99213", "pointers": ["1"]}])


@pytest.mark.parametrize(
    ("label", "dx", "lines", "score"),
    [
        ("only the required codes", ["S52.521A", "W19.XXXA"], [], 100.0),
        ("every optional code too", ["S52.521A", "W19.XXXA", "Y92.009", "Y93.01"], ["A4253"], 100),
        ("one optional code", ["S52.521A", "W19.XXXA", "Y93.01"], [], 100.0),
        ("a wrong optional code", ["S52.521A", "W19.XXXA", "Y92.008"], [], 100.0),
        ("a header for an optional code", ["S52.521A", "W19.XXXA", "Y93.0"], [], 100.0),
        # listed first: the first-listed 5 points go, and pointer 1 now lands on Y92.009 (3)
        ("the optional codes listed first", ["Y92.009", "S52.521A", "W19.XXXA"], [], 80.0),
        ("a required code left out", ["S52.521A", "Y92.009", "Y93.01"], [], 75.0),
        ("an unrelated extra besides", ["S52.521A", "W19.XXXA", "Y92.009", "R50.9"], [], 87.5),
    ],
)
def test_optional_code_table(label: str, dx: list[str], lines: list[str], score: float) -> None:
    case = wrist_case()
    given_lines = [{"code": "99213", "pointers": ["1"]}, *lines]
    result = grade_case(case, answer(dx, given_lines), reference=REF)
    assert result.score == score, (label, result.items)
    assert result.possible == 40.0  # 15 + 10 + (10 + 2 + 3): the optional items add nothing
    assert result.earned == sum(i.points for i in result.items)
    assert result.possible == sum(i.max_points for i in result.items)
    for i in result.items:
        if "optional" in i.kinds:
            assert i.points == 0.0 and i.max_points == 0.0


def test_left_out_optional_code_says_optional_and_why() -> None:
    result = grade_case(wrist_case(), REQUIRED, reference=REF)
    place = item(result, "Y92.009")
    assert place.verdict == "missing"
    assert place.kinds == ("missing", "optional")
    assert place.explanation.startswith(OPTIONAL_NOTE)
    assert PLACE_WHY in place.explanation
    assert place.explanation.count(PLACE_WHY) == 1
    strips = item(result, "A4253")
    assert strips.kinds == ("missing", "optional")
    assert "Strips, optional." in strips.explanation
    assert result.score == 100.0
    assert result.solved  # nothing required is missing


def test_given_optional_code_is_correct_and_free() -> None:
    full = answer(
        ["S52.521A", "W19.XXXA", "Y92.009", "Y93.01"],
        [{"code": "99213", "pointers": ["1"]}, {"code": "A4253", "pointers": ["1"]}],
    )
    result = grade_case(wrist_case(), full, reference=REF)
    place = item(result, "Y92.009")
    assert place.verdict == "correct"
    assert place.kinds == ("exact", "optional")
    assert place.explanation.startswith(OPTIONAL_NOTE)
    assert result.score == 100.0 and result.solved
    line_items = [i for i in result.items if i.line == 1]
    assert [i.field for i in line_items] == ["line", "units", "pointer"]
    assert all("optional" in i.kinds and i.max_points == 0 for i in line_items)


def test_wrong_optional_code_is_named_but_costs_nothing() -> None:
    ans = answer(["S52.521A", "W19.XXXA", "Y92.008"], [{"code": "99213", "pointers": ["1"]}])
    result = grade_case(wrist_case(), ans, reference=REF)
    place = item(result, "Y92.009")
    assert place.verdict == "wrong"
    assert place.given == "Y92.008"
    assert "Y92.009" in place.explanation
    assert result.score == 100.0
    assert not [i for i in result.items if i.verdict == "extra"]


def test_optional_items_are_not_error_kinds_for_stats_and_review() -> None:
    ans = answer(["S52.521A", "W19.XXXA", "Y92.008"], [{"code": "99213", "pointers": ["1"]}])
    result = grade_case(wrist_case(), ans, reference=REF)
    assert result.score == 100.0
    assert "missing" not in result.kinds  # Y93.01 and A4253 were left out, at no cost
    assert "wrong_code" not in result.kinds and "optional" not in result.kinds
    assert result.wrong_codes == []
    slip = grade_case(wrist_case(), answer(["S52.521D", "W19.XXXA"]), reference=REF)
    assert slip.kinds["seventh_character"] == 1 and slip.wrong_codes == ["S52.521D"]


@pytest.mark.parametrize(("name", "case"), BUNDLED, ids=[n for n, _ in BUNDLED])
def test_bundled_key_without_its_optional_codes_scores_100(name: str, case: Case) -> None:
    key = key_answer(case)
    optional = {d.code for d in case.answer.diagnoses if d.optional}
    optional |= {ln.code for ln in case.answer.lines if ln.optional}
    ans = GivenAnswer(
        tuple(c for c in key.diagnoses if c not in optional),
        tuple(ln for ln in key.lines if ln.code not in optional),
        key.query,
    )
    assert grade_case(case, ans, reference=REF).score == 100.0, name


def test_optional_line_with_a_stray_modifier_costs_nothing() -> None:
    ans = answer(
        ["S52.521A", "W19.XXXA"],
        [{"code": "99213", "pointers": ["1"]}, {"code": "A4253", "modifiers": ["59"]}],
    )
    result = grade_case(wrist_case(), ans, reference=REF)
    mods = [i for i in result.items if i.field == "modifier"]
    assert len(mods) == 1 and mods[0].verdict == "extra" and "optional" in mods[0].kinds
    assert mods[0].points == 0.0
    assert result.score == 100.0


def test_a_required_code_is_not_given_away_to_an_optional_one() -> None:
    """An optional relative (S52.521D) must not take the code a required item needs."""
    case = make_case(["S52.521A", {"code": "S52.521D", "optional": "true"}])
    result = grade_case(case, answer(["S52.521A"]), reference=REF)
    assert result.score == 100.0
    assert item(result, "S52.521A").verdict == "correct"


def test_shape_only_grading_treats_optional_the_same() -> None:
    result = grade_case(wrist_case(), REQUIRED, reference=None)
    assert result.score == 100.0
    assert item(result, "Y93.01").kinds == ("missing", "optional")


# -- properties ------------------------------------------------------------------------

REQUIRED_DX = ["J02.9", "E11.9", "I10", "S52.521A", "W19.XXXA", "M79.604", "R50.9", "K35.80"]
OPTIONAL_DX = ["Y92.009", "Y93.01", "Y99.8", "Z79.4", "Z87.891"]
GIVEN_DX = [*REQUIRED_DX, "J02.0", "E11", "S52.521D", "M79.605", "R07.0", "X", "", "99213"]
LINES = ["99213", "87880", "36415", "J1100"]
OPTIONAL_LINES = ["A4253", "G0439"]


@st.composite
def optional_cases(draw: st.DrawFn) -> tuple[Case, list[str], list[str]]:
    required = draw(st.lists(st.sampled_from(REQUIRED_DX), min_size=1, max_size=4, unique=True))
    optional = draw(st.lists(st.sampled_from(OPTIONAL_DX), min_size=1, max_size=3, unique=True))
    opt_lines = draw(st.lists(st.sampled_from(OPTIONAL_LINES), max_size=2, unique=True))
    lines: list[dict[str, Any]] = [
        {"code": code, "pointers": ["1"]}
        for code in draw(st.lists(st.sampled_from(LINES), max_size=2, unique=True))
    ]
    lines += [{"code": code, "optional": "true"} for code in opt_lines]
    dx: list[Any] = [*required, *({"code": c, "optional": "true"} for c in optional)]
    return make_case(dx, lines), optional, opt_lines


@st.composite
def other_answers(draw: st.DrawFn) -> GivenAnswer:
    """An answer of anything except the optional codes themselves."""
    dx = draw(st.lists(st.sampled_from(GIVEN_DX), max_size=6))
    lines = tuple(
        GivenLine(
            code=draw(st.sampled_from([*LINES, "99214", ""])),
            modifiers=tuple(draw(st.lists(st.sampled_from(["25", "59", "QW"]), max_size=2))),
            units=draw(st.sampled_from(["1", "2"])),
            pointers=tuple(draw(st.lists(st.sampled_from(["1", "2", "A"]), max_size=2))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return GivenAnswer(tuple(dx), lines, "")


@pytest.mark.parametrize("reference", [REF, None], ids=["reference", "shape-only"])
@SETTINGS
@given(drawn=optional_cases(), base=other_answers(), data=st.data())
def test_adding_optional_codes_never_changes_the_score(
    reference: Reference | None,
    drawn: tuple[Case, list[str], list[str]],
    base: GivenAnswer,
    data: st.DataObject,
) -> None:
    case, optional, opt_lines = drawn
    added_dx = data.draw(st.lists(st.sampled_from(optional), unique=True))
    added_lines = data.draw(
        st.lists(st.sampled_from(opt_lines), unique=True) if opt_lines else st.just([])
    )
    more = GivenAnswer(
        (*base.diagnoses, *added_dx),  # appended: the learner's pointers still land the same
        (*base.lines, *(GivenLine(code) for code in added_lines)),
        base.query,
    )
    before = grade_case(case, base, reference=reference)
    after = grade_case(case, more, reference=reference)
    assert after.score == before.score
    assert after.earned == before.earned
    assert after.possible == before.possible


@SETTINGS
@given(drawn=optional_cases(), data=st.data())
def test_removing_optional_codes_from_the_key_answer_keeps_100(
    drawn: tuple[Case, list[str], list[str]], data: st.DataObject
) -> None:
    case, optional, opt_lines = drawn
    key = key_answer(case)
    dropped = set(data.draw(st.lists(st.sampled_from([*optional, *opt_lines]), unique=True)))
    ans = GivenAnswer(
        tuple(c for c in key.diagnoses if c not in dropped),
        tuple(ln for ln in key.lines if ln.code not in dropped),
        key.query,
    )
    result = grade_case(case, ans, reference=REF)
    assert result.score == 100.0
    assert result.solved
    full = grade_case(case, key, reference=REF)
    assert full.possible == result.possible


@SETTINGS
@given(drawn=optional_cases())
def test_optional_items_are_worth_nothing(drawn: tuple[Case, list[str], list[str]]) -> None:
    case, _optional, _lines = drawn
    required_only = make_case(
        [d.model_dump() for d in case.answer.diagnoses if not d.optional],
        [ln.model_dump() for ln in case.answer.lines if not ln.optional],
    )
    empty = GivenAnswer()
    assert grade_case(case, empty, reference=REF).possible == (
        grade_case(required_only, empty, reference=REF).possible
    )


# -- the grade JSON ----------------------------------------------------------------------

PACK = """\
pack:
  id: optional-demo
  title: Optional codes
  version: "1.0"
  code_year: FY2026
cases:
  - id: wrist
    title: Wrist
    note: Fell at home. Right distal radius torus fracture. Walking.
    answer:
      diagnoses:
        - code: S52.521A
          why: Torus fracture of the right radius, active treatment.
        - code: W19.XXXA
          why: The fall.
        - code: Y92.009
          optional: true
          why: The place is optional.
"""

ANSWERS = """\
answers:
  - case: wrist
    diagnoses: [S52.521A, W19.XXXA]
"""


def test_grade_json_reports_optional_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    code = main(["grade", str(pack), str(answers), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["score"] == 100.0
    items = data["cases"][0]["items"]
    place = next(i for i in items if i["expected"] == "Y92.009")
    assert place["verdict"] == "missing"
    assert place["kinds"] == ["missing", "optional"]
    assert place["points"] == 0.0 and place["max_points"] == 0.0
    assert "The place is optional." in place["explanation"]
    assert sum(i["max_points"] for i in items) == 25.0


def test_the_json_schema_knows_optional_and_claim() -> None:
    from codetrainer.commands.schema import json_schema

    defs = json_schema("pack")["$defs"]
    for model in ("DiagnosisKey", "LineKey"):
        prop = defs[model]["properties"]["optional"]
        assert prop["default"] is False and "costs nothing" in prop["description"]
        assert {"type": "boolean"} in prop["anyOf"]  # bare or quoted, as YAML authors write
    claim = defs["Case"]["properties"]["claim"]
    assert "professional" in str(claim) and "facility" in str(claim)
