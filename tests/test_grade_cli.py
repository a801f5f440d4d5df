"""``codetrainer grade PACK ANSWERS [--json]``: table, JSON shape, exit codes, located errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from grading_fixtures import REPO

from codetrainer.cli import main
from codetrainer.core.grading import grade_pack_answers
from codetrainer.core.packs import load_answers, load_pack
from codetrainer.core.reference import load_reference

EXAMPLES = REPO / "examples"
SAMPLER = EXAMPLES / "sampler-pack.yaml"
SAMPLER_ANSWERS = EXAMPLES / "sampler-answers.yaml"
BASICS_ANSWERS = EXAMPLES / "outpatient-basics-answers.yaml"
ITEM_KEYS = {
    "field",
    "expected",
    "given",
    "verdict",
    "kinds",
    "explanation",
    "points",
    "max_points",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["grade", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(SAMPLER), str(SAMPLER_ANSWERS))
    assert code == 0, err
    assert out.startswith("Pack grading-sampler (Grading sampler): ")
    assert "Student: Sample Student" in out
    for case in ("wrist-buckle-fracture", "diabetes-test-strips", "knee-pain-ask-first"):
        assert re.search(rf"^{case}: [\d.]+ / 100", out, re.M), case
    assert "modifier (line 2)" in out and "modifier_wrong" in out
    assert "seventh_character" in out and "sequencing" in out
    flat = " ".join(out.split())  # explanations are wrapped to the terminal width
    assert "should be A (initial encounter for closed fracture)" in flat


def test_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(SAMPLER), str(SAMPLER_ANSWERS), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"pack", "student", "score", "cases"}
    assert data["pack"] == "grading-sampler"
    assert [c["case"] for c in data["cases"]] == [
        "wrist-buckle-fracture",
        "diabetes-test-strips",
        "knee-pain-ask-first",
    ]
    for case in data["cases"]:
        assert set(case) == {"case", "score", "items"}
        assert 0 <= case["score"] <= 100
        earned = sum(i["points"] for i in case["items"])
        possible = sum(i["max_points"] for i in case["items"])
        assert case["score"] == round(earned / possible * 100 + 1e-9, 1)
        for item in case["items"]:
            assert set(item) == ITEM_KEYS
            assert item["verdict"] in {"correct", "partial", "wrong", "missing", "extra"}
            assert isinstance(item["kinds"], list) and item["kinds"]
            assert item["field"] in {"diagnosis", "line", "modifier", "units", "pointer", "query"}
    # the same numbers as the library call
    pack = load_pack(SAMPLER).value
    answers = load_answers(SAMPLER_ANSWERS).value
    assert pack is not None and answers is not None
    expected = grade_pack_answers(pack, answers, reference=load_reference())
    assert data["score"] == expected.score
    assert [c["score"] for c in data["cases"]] == [c.score for c in expected.cases]


def test_bundled_pack_by_id_with_an_unanswered_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "outpatient-basics", str(BASICS_ANSWERS))
    assert code == 0, err
    assert "1 case had no answer and counts as all missing: post-appendectomy-check" in out
    assert "post-appendectomy-check: 0 / 100" in out
    assert "no answer handed in" in out
    code, out, _ = run(capsys, "outpatient-basics", str(BASICS_ANSWERS), "--json")
    data = json.loads(out)
    by_id = {c["case"]: c for c in data["cases"]}
    assert by_id["post-appendectomy-check"]["score"] == 0
    assert all(i["verdict"] == "missing" for i in by_id["post-appendectomy-check"]["items"])
    mean = sum(c["score"] for c in data["cases"]) / len(data["cases"])
    assert abs(data["score"] - mean) <= 0.05


def test_example_answers_match_the_bundled_pack() -> None:
    """The example hand-in names only cases the bundled pack has (content keeps changing)."""
    pack = load_pack(REPO / "content" / "packs" / "outpatient-basics.yaml").value
    answers = load_answers(BASICS_ANSWERS).value
    assert pack is not None and answers is not None
    ids = {c.id for c in pack.cases}
    assert {a.case for a in answers.answers} <= ids
    assert len(ids - {a.case for a in answers.answers}) == 1


def test_unknown_case_is_a_located_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "hand-in.yaml"
    answers.write_text(
        "answers:\n"
        "  - case: wrist-buckle-fracture\n"
        "    diagnoses: [S52.521A]\n"
        "  - case: knee-pain-ask-frist\n"
        "    diagnoses: [M25.569]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, str(SAMPLER), str(answers))
    assert code == 1 and out == ""
    assert (
        f"{answers}:4:11: error: pack 'grading-sampler' has no case 'knee-pain-ask-frist'; "
        "did you mean 'knee-pain-ask-first'?"
    ) in err
    assert "not graded" in err


def test_invalid_answers_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = tmp_path / "bad.yaml"
    answers.write_text(
        "answers:\n  - case: knee-pain-ask-first\n    diagnosis: [M25.569]\n", encoding="utf-8"
    )
    code, _, err = run(capsys, str(SAMPLER), str(answers))
    assert code == 1
    assert re.search(rf"^{re.escape(str(answers))}:3:5: error: unknown key 'diagnosis'", err, re.M)


def test_invalid_pack(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack:\n  id: x\ncases: []\n", encoding="utf-8")
    code, _, err = run(capsys, str(pack), str(SAMPLER_ANSWERS))
    assert code == 1
    assert re.search(rf"^{re.escape(str(pack))}:\d+:\d+: error: ", err, re.M)


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, str(tmp_path / "nope.yaml"), str(SAMPLER_ANSWERS))[0] == 2
    assert run(capsys, "no-such-pack-id", str(SAMPLER_ANSWERS))[0] == 2
    assert run(capsys, str(SAMPLER), str(tmp_path / "nope.yaml"))[0] == 2
    assert run(capsys, str(SAMPLER), str(SAMPLER_ANSWERS), "--max-bytes", "0")[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["grade", str(SAMPLER)])
    assert exc.value.code == 2


def test_shape_only_and_brief(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(SAMPLER), str(SAMPLER_ANSWERS), "--no-reference", "--brief")
    assert code == 0
    assert "Graded by code shape only" in out
    assert "initial encounter for closed fracture" not in out  # no explanations in --brief
    assert all(not line.startswith("      ") for line in out.splitlines())


def test_student_text_is_printed_as_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "hand-in.yaml"
    answers.write_text(
        "student: '[bold red]Mallory[/]'\n"
        "answers:\n"
        "  - case: knee-pain-ask-first\n"
        "    diagnoses: ['[link=x]M25.569[/link]']\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(SAMPLER), str(answers))
    assert code == 0
    assert "Student: [bold red]Mallory[/]" in out
    assert "[link=x]M25.569[/link]" in out
    assert "\x1b" not in out


def test_runs_as_a_program(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "codetrainer",
            "grade",
            str(SAMPLER),
            str(SAMPLER_ANSWERS),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pack"] == "grading-sampler"
    assert "textual" not in proc.stderr
