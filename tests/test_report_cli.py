"""``codetrainer export`` and ``codetrainer report`` end to end."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from progress_fixtures import random_attempts

from codetrainer.cli import main
from codetrainer.core.store import SCHEMA_VERSION, Store, default_store_path


def _fill(n: int, seed: int, student: str | None = None) -> None:
    with Store() as s:
        for a in random_attempts(n, seed=seed):
            s.record_attempt(a)
        if student:
            s.set_meta("student", student)


def test_export_without_history_prints_just_the_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("student,attempt_id,") and out.count("\n") == 1
    assert not default_store_path().exists()  # exporting does not create a progress file


def test_export_csv_to_stdout_and_json_by_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(12, seed=1, student="Ana")
    assert main(["export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 12 and {r["student"] for r in rows} == {"Ana"}

    target = tmp_path / "ana.json"
    assert main(["export", "-o", str(target), "--student", "Ana L."]) == 0
    err = capsys.readouterr().err
    assert "wrote 12 attempts" in err
    payload = json.loads(target.read_text())
    assert payload["student"] == "Ana L." and len(payload["attempts"]) == 12

    # the name given with --student is remembered for the next export
    assert main(["export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["student"] == "Ana L."


def test_export_to_an_unwritable_place_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(2, seed=1)
    assert main(["export", "-o", str(tmp_path / "missing-dir" / "x.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_export_refuses_a_newer_progress_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = default_store_path()
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    assert main(["export"]) == 1
    assert "newer codetrainer" in capsys.readouterr().err


def test_export_then_report_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hand_in = tmp_path / "hand-in"
    hand_in.mkdir()
    expected = {}
    for n, name in enumerate(["Ana", "Bo", "Cy"]):
        monkeypatch.setenv("CODETRAINER_HOME", str(tmp_path / f"home-{n}"))
        _fill(20 + n * 5, seed=n, student=name)
        suffix = "json" if n == 1 else "csv"
        assert main(["export", "-o", str(hand_in / f"{n}.{suffix}")]) == 0
        with Store() as s:
            expected[name] = s.attempts()
    capsys.readouterr()

    assert main(["report", str(hand_in), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["students"] == 3
    assert report["attempts"] == sum(len(v) for v in expected.values())
    totals = {s["student"]: s for s in report["per_student"]}
    for name, attempts in expected.items():
        assert totals[name]["attempts"] == len(attempts)
        assert totals[name]["mean_score"] == pytest.approx(
            sum(a.score for a in attempts) / len(attempts)
        )

    assert main(["report", *sorted(str(p) for p in hand_in.iterdir()), "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["student"] for r in rows if r["section"] == "student"} == set(expected)

    assert main(["report", str(hand_in), "--top", "3"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("Class report: 3 students")
    case_lines = table.split("Hardest cases")[1].split("Most common error kinds")[0]
    # the rest of the title, the column names, the rule, then 3 cases
    assert len(case_lines.strip().splitlines()) == 3 + 3

    out_file = tmp_path / "report.json"
    assert main(["report", str(hand_in), "--json", "-o", str(out_file)]) == 0
    assert json.loads(out_file.read_text())["students"] == 3


def test_report_skips_broken_files_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(5, seed=3, student="Di")
    good = tmp_path / "good.csv"
    assert main(["export", "-o", str(good)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    capsys.readouterr()
    assert main(["report", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert f"{bad}: error: not valid JSON" in captured.err
    assert "Di" in captured.out


def test_report_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "none.csv")]) == 1
    assert "no export could be read" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--top", "-1"]) == 2
    assert main(["report"]) == 2  # neither files nor a class database
    assert "--store URL" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["report", "x.csv", "--json", "--csv"])
    assert exc.value.code == 2


def test_commands_are_listed_and_do_not_load_the_ui() -> None:
    code = (
        "import sys\n"
        "from codetrainer.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['export'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    helptext = subprocess.run(
        [sys.executable, "-m", "codetrainer", "--help"], capture_output=True, text=True, timeout=120
    ).stdout
    assert "export" in helptext and "report" in helptext


def test_report_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from progress_fixtures import random_attempts

    from codetrainer.core.report import format_export

    for n in range(50):  # big enough for worker processes
        text = format_export(random_attempts(12, seed=n), "csv", student=f"S{n:02d}")
        (tmp_path / f"{n:02d}.csv").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(tmp_path), "--json", "--jobs", "1"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["report", str(tmp_path), "--json", "--jobs", "2"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one == two and one["students"] == 50 and one["attempts"] == 600
    assert main(["report", str(tmp_path), "--jobs", "0"]) == 2
    assert "--jobs must be 1 or more" in capsys.readouterr().err
