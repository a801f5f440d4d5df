"""Crash safety and two writers, with real processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codetrainer.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SUBMITTER = r"""
import sys, time
from pathlib import Path
from codetrainer.core.store import Attempt, Store

path, label, count, then = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
go = Path(str(path) + ".go")
store = Store(path)
while then == "race" and not go.exists():
    time.sleep(0.001)
for i in range(count):
    saved = store.record_attempt(
        Attempt("pack", f"{label}-{i}", "hash", {"diagnoses": ["J02.9"]}, float(i % 101),
                ("missing",), (), 0, 1.5)
    )
    # "feedback shown": only after record_attempt returned
    print(f"saved {saved.case_id}", flush=True)
if then == "wait":
    print("done", flush=True)
    sys.stdin.read()
store.close()
"""


def _spawn(path: Path, label: str, count: int, then: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SUBMITTER, str(path), label, str(count), then],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("n", [1, 7, 40])
def test_sigkill_after_n_submissions_keeps_n_attempts(tmp_path: Path, n: int) -> None:
    path = tmp_path / "progress.sqlite3"
    proc = _spawn(path, "k", n, "wait")
    assert proc.stdout is not None
    lines = [proc.stdout.readline().strip() for _ in range(n + 1)]
    assert lines[-1] == "done", proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # the killed process left its WAL behind; the next open recovers everything
    with Store(path) as s:
        assert s.notices == []
        assert [a.case_id for a in s.attempts()] == [f"k-{i}" for i in range(n)]
    assert _integrity(path) == "ok"


def test_sigkill_in_the_middle_of_writing_loses_no_reported_attempt(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    proc = _spawn(path, "m", 100_000, "exit")
    assert proc.stdout is not None
    reported: list[str] = []
    while len(reported) < 60:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        reported.append(line.split()[1])
    proc.send_signal(signal.SIGKILL)  # very likely between BEGIN and COMMIT or mid-fsync
    proc.wait(timeout=30)
    reported += [line.split()[1] for line in proc.stdout.read().splitlines()]
    with Store(path) as s:
        stored = [a.case_id for a in s.attempts()]
    assert stored[: len(reported)] == reported
    assert len(stored) <= len(reported) + 1  # at most the one committed but not yet reported
    assert _integrity(path) == "ok"


def test_two_processes_writing_500_each_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    Store(path).close()  # created up front so both start on an existing file
    procs = [_spawn(path, label, 500, "race") for label in ("a", "b")]
    time.sleep(0.5)  # both are waiting at the starting line
    Path(str(path) + ".go").touch()
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert err == ""
        assert len(out.splitlines()) == 500
    with Store(path) as s:
        rows = s.attempts()
    assert len(rows) == 1000
    ids = {a.case_id for a in rows}
    assert ids == {f"{label}-{i}" for label in "ab" for i in range(500)}
    assert _integrity(path) == "ok"
    assert not os.path.exists(str(path) + "-journal")
