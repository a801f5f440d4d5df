"""``codetrainer export`` after the progress file was found damaged (through the CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from damage_fixtures import leaf_of, page_info, scribble
from progress_fixtures import random_attempts

from codetrainer.cli import main
from codetrainer.core.store import Store, default_store_path


def test_export_refuses_an_empty_hand_in_when_nothing_could_be_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = default_store_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all " * 300)
    target = tmp_path / "hand-in.csv"
    assert main(["export", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "no export was written" in err and "moved aside" in err
    assert "progress.sqlite3.corrupt-" in err
    assert not target.exists()
    # and still on the next run, while the new file is empty and the damaged one is beside it
    assert main(["export"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no export was written" in captured.err


def test_export_hands_in_what_was_saved_from_a_damaged_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = default_store_path()
    path.parent.mkdir(parents=True)
    with Store(path) as s:
        s.record_attempts(random_attempts(1500, seed=3))
    size, _ = page_info(path, "attempts")
    scribble(path, leaf_of(path, "attempts"), size)
    target = tmp_path / "hand-in.json"
    assert main(["export", "-o", str(target)]) == 0
    err = capsys.readouterr().err
    data = json.loads(target.read_text())
    saved = len(data["attempts"])
    assert 1450 < saved < 1500
    assert f"{saved} attempts could be read and were saved" in err
    assert f"wrote {saved} attempts" in err


def test_export_subprocess_exit_status_for_a_damaged_file(tmp_path: Path) -> None:
    path = default_store_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 1000)
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "export"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "no export was written" in proc.stderr
