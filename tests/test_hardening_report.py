"""Impossible numbers in exports: bounded on the way in, strict JSON on the way out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codetrainer.core.report import ReportError, format_export, load_report, read_export
from codetrainer.core.store import Attempt

BAD_SCORES = ["NaN", "1e308", "-5", "150", "Infinity", "-Infinity"]


def _attempt(n: int, score: float = 80.0) -> Attempt:
    return Attempt(
        pack_id="p",
        case_id=f"c{n}",
        case_hash="h",
        answer={},
        score=score,
        kinds=(),
        wrong_codes=(),
        hints_used=0,
        seconds=30.0,
        created_at=f"2026-01-0{n % 9 + 1}T10:00:00Z",
        id=n,
    )


def _strict_loads(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} in the output")

    return json.loads(text, parse_constant=refuse)


def _json_export(tmp_path: Path) -> Path:
    """One good attempt, then one per impossible score (written as JSON would carry them)."""
    good = json.dumps(_attempt(0).to_dict())
    bad = [good.replace('"score": 80.0', f'"score": {s}') for s in BAD_SCORES]
    assert all(f'"score": {s}' in b for s, b in zip(BAD_SCORES, bad, strict=True))
    text = (
        '{"format": "codetrainer-export", "version": 1, "student": "Ann", "attempts": [\n'
        + ",\n".join([good, *bad])
        + "\n]}\n"
    )
    path = tmp_path / "ann.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_impossible_scores_in_json_are_skipped_and_named(tmp_path: Path) -> None:
    report = load_report([_json_export(tmp_path)], jobs=1)
    assert report.files == 1 and report.attempts == 1 and report.skipped == len(BAD_SCORES)
    assert len(report.problems) == len(BAD_SCORES)
    for n, problem in enumerate(report.problems, start=2):
        assert f"ann.json: error: attempt {n} skipped: score " in problem
    assert report.per_student[0].mean_score == pytest.approx(80.0)


def test_impossible_scores_in_csv_are_skipped_and_named(tmp_path: Path) -> None:
    text = format_export([_attempt(i) for i in range(len(BAD_SCORES) + 1)], "csv", student="Bo")
    lines = text.split("\r\n")
    for i, score in enumerate(["nan", "1e308", "-5", "150", "inf", "-inf"], start=2):
        lines[i] = lines[i].replace(",80.0,", f",{score},", 1)
    path = tmp_path / "bo.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    report = load_report([path], jobs=1)
    assert report.attempts == 1 and report.skipped == 6
    assert [p.split(": error: ")[0] for p in report.problems] == [
        f"{path}:{n}" for n in range(3, 9)
    ]
    assert all("skipped: score" in p and "0 to 100" in p for p in report.problems)
    with pytest.raises(ReportError, match="not a number from 0 to 100"):
        read_export(path)


def test_report_json_is_strict_and_says_what_was_skipped(tmp_path: Path) -> None:
    path = _json_export(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "report", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1  # something was skipped: the instructor must look
    data = _strict_loads(proc.stdout)
    assert isinstance(data, dict)
    assert data["attempts"] == 1 and data["skipped"] == len(BAD_SCORES)
    assert "NaN" not in proc.stdout and "Infinity" not in proc.stdout
    assert "attempt 2 skipped" in proc.stderr


def test_deeply_nested_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "report", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert f"{path}: error: the JSON is nested too deeply" in proc.stderr
    assert "RecursionError" not in proc.stderr and "Traceback" not in proc.stderr
    with pytest.raises(ReportError, match="nested too deeply"):
        read_export(path)


def test_a_deep_answer_cell_in_csv_is_a_clear_error(tmp_path: Path) -> None:
    text = format_export([_attempt(1)], "csv", student="Cy")
    head, row, *rest = text.split("\r\n")
    row = row.replace(",{}", ',"' + "[" * 50_000 + "]" * 50_000 + '"')  # under the cell cap
    path = tmp_path / "cy.csv"
    path.write_text("\r\n".join([head, row, *rest]), encoding="utf-8")
    with pytest.raises(ReportError, match="nested too deeply"):
        read_export(path)
