"""Class report completeness: progress against each pack's case count, the student x case
matrix (table, CSV, JSON), and the student's name in ``grade --json``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from codetrainer.cli import main
from codetrainer.core.report import KnownPacks, format_export, load_report
from codetrainer.core.store import Attempt

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "tui" / "fixtures" / "mini-pack.yaml"  # tui-mini, three cases
MINI_CASES = ["sore-throat", "diabetes-check", "knee-pain"]
SAMPLER = REPO / "examples" / "sampler-pack.yaml"
SAMPLER_ANSWERS = REPO / "examples" / "sampler-answers.yaml"


def _attempt(case: str, score: float, n: int, pack: str = "tui-mini") -> Attempt:
    return Attempt(
        pack_id=pack,
        case_id=case,
        case_hash="h",
        answer={},
        score=score,
        kinds=(),
        wrong_codes=(),
        hints_used=0,
        seconds=60.0,
        created_at=f"2026-02-0{n}T09:00:00Z",
        id=n,
    )


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    ann = tmp_path / "ann.csv"  # two of the three cases, both solved
    ann.write_text(
        format_export(
            [
                _attempt("sore-throat", 40, 1),
                _attempt("sore-throat", 100, 2),
                _attempt("knee-pain", 100, 3),
            ],
            "csv",
            student="Ann",
        ),
        encoding="utf-8",
    )
    bob = tmp_path / "bob.json"  # one case
    bob.write_text(
        format_export([_attempt("diabetes-check", 60, 1)], "json", student="Bob"),
        encoding="utf-8",
    )
    return [ann, bob]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_progress_counts_the_packs_cases_not_the_attempted_ones(exports: list[Path]) -> None:
    report = load_report(exports, jobs=1, packs={"tui-mini": MINI_CASES})
    by_student = {p.student: p for p in report.progress}
    ann, bob = by_student["Ann"], by_student["Bob"]
    assert (ann.done, ann.solved, ann.total) == (2, 2, 3)
    assert ann.score == pytest.approx(200 / 3)  # not 100: the third case counts 0
    assert (bob.done, bob.solved, bob.total) == (1, 0, 3)
    assert bob.score == pytest.approx(20.0)
    assert report.per_student[0].mean_score == pytest.approx(80.0)  # attempts, as before


def test_the_matrix_has_every_case_of_the_pack(exports: list[Path]) -> None:
    report = load_report(exports, jobs=1, packs={"tui-mini": MINI_CASES})
    assert report.matrix.cases == tuple(f"tui-mini/{c}" for c in MINI_CASES)
    rows = {r.student: r.best for r in report.matrix.rows}
    assert rows == {"Ann": (100.0, None, 100.0), "Bob": (None, 60.0, None)}


def test_an_unloaded_pack_says_its_total_is_a_lower_bound(exports: list[Path]) -> None:
    report = load_report(exports, jobs=1)
    ann = next(p for p in report.progress if p.student == "Ann")
    assert (ann.done, ann.total, ann.pack_known) == (2, 3, False)  # three cases were tried
    quiet = load_report(exports, jobs=1, packs=KnownPacks({"other": ["a", "b"]}))
    assert {p.pack_id for p in quiet.progress} == {"tui-mini"}  # untried packs not listed
    named = load_report(exports, jobs=1, packs={"other": ["a", "b"]})
    assert {p.pack_id for p in named.progress} == {"tui-mini", "other"}


def test_report_cli_table_and_matrix(
    exports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "report", "--pack", str(MINI), *map(str, exports))
    assert code == 0, err
    assert "Progress per pack" in out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "Ann tui-mini 2/3 2 66.7" in lines and "Bob tui-mini 1/3 0 20.0" in lines
    code, out, err = _run(capsys, "report", "--matrix", "--pack", str(MINI), *map(str, exports))
    assert code == 0, err
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "Ann 100 - 100 2/3" in lines and "Bob - 60 - 1/3" in lines
    assert "1 tui-mini/sore-throat" in lines and "3 tui-mini/knee-pain" in lines


def test_report_cli_matrix_csv(exports: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    for flags in (["--format", "csv"], ["--csv"]):
        code, out, _ = _run(
            capsys, "report", "--matrix", *flags, "--pack", str(MINI), *map(str, exports)
        )
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["student"] for r in rows] == ["Ann", "Bob"]
        assert rows[0]["tui-mini/sore-throat"] == "100.0"
        assert rows[0]["tui-mini/diabetes-check"] == ""
        assert (rows[0]["tui-mini done"], rows[0]["tui-mini total"]) == ("2", "3")
        assert rows[1]["tui-mini/diabetes-check"] == "60.0"


def test_report_cli_json_has_progress_and_matrix(
    exports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys, "report", "--format", "json", "--pack", "no-such-pack", str(exports[0])
    )
    assert code == 1 and "no bundled or user pack has the id 'no-such-pack'" in err
    code, out, _ = _run(capsys, "report", "--json", "--pack", str(MINI), *map(str, exports))
    assert code == 0
    data = json.loads(out)
    assert data["matrix"]["cases"] == [f"tui-mini/{c}" for c in MINI_CASES]
    assert data["matrix"]["rows"][0] == {"student": "Ann", "best": [100.0, None, 100.0]}
    ann = next(p for p in data["progress"] if p["student"] == "Ann")
    assert (ann["done"], ann["total"]) == (2, 3)


def test_report_csv_has_progress_rows(
    exports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "report", "--csv", "--pack", str(MINI), *map(str, exports))
    assert code == 0
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["section"] == "progress"]
    assert {(r["student"], r["done"], r["total"]) for r in rows} == {
        ("Ann", "2", "3"),
        ("Bob", "1", "3"),
    }


def test_grade_json_names_the_student(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "student: Dana Díaz\n"
        + SAMPLER_ANSWERS.read_text(encoding="utf-8").replace("student:", "# student:"),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "grade", "--no-reference", "--json", str(SAMPLER), str(answers))
    assert code == 0
    assert json.loads(out)["student"] == "Dana Díaz"
    code, out, _ = _run(
        capsys, "grade", "--no-reference", "--json", "--student", "Eli", str(SAMPLER), str(answers)
    )
    assert json.loads(out)["student"] == "Eli"
