"""Schema migrations: every earlier version opens, keeps its data and ends at the current one."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from progress_fixtures import create_at_version

import codetrainer.core.store as store_module
from codetrainer.core.review import Reviewer
from codetrainer.core.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError

V1_ROW = (
    "outpatient-basics",
    "sore-throat",
    "h1",
    json.dumps({"diagnoses": ["J02.0"]}),
    40.0,
    json.dumps(["wrong_code"]),
    1,
    95.5,
    "2025-10-01T08:00:00.000000Z",
)


def _fill(conn: sqlite3.Connection, version: int) -> None:
    """Rows written the way codetrainer at ``version`` wrote them."""
    if version >= 1:
        conn.execute(
            "INSERT INTO attempts (pack_id, case_id, case_hash, answer_json, score, kinds_json, "
            "hints_used, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V1_ROW,
        )
    if version >= 2:
        conn.execute(
            "INSERT INTO attempts (pack_id, case_id, case_hash, answer_json, score, kinds_json, "
            "hints_used, seconds, created_at, wrong_codes_json, mode, exam_id, systems_json, "
            "tags_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "outpatient-basics",
                "ankle",
                "h2",
                "{}",
                75.0,
                json.dumps(["laterality"]),
                0,
                30.0,
                "2025-11-01T08:00:00.000000Z",
                json.dumps(["S93.401A"]),
                "exam",
                "exam-1",
                json.dumps({"ICD-10-CM": [1.5, 2.0]}),
                json.dumps(["injury"]),
            ),
        )
        conn.execute(
            "INSERT INTO exam_sessions (id, started_at, finished_at, seed, state_json) "
            "VALUES ('exam-1', '2025-11-01T07:00:00.000000Z', NULL, '42', '{\"cases\": []}')"
        )


def test_history_is_complete() -> None:
    assert len(MIGRATIONS) == SCHEMA_VERSION >= 3


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = create_at_version(path, version)
    _fill(conn, version)
    conn.close()

    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        kinds = [n.kind for n in s.notices]
        assert kinds == (["migrated"] if version > 0 else [])
        rows = s.attempts()
        assert len(rows) == (0 if version == 0 else 1 if version == 1 else 2)
        if version >= 1:
            first = rows[0]
            assert (first.case_id, first.score, first.kinds, first.hints_used) == (
                "sore-throat",
                40.0,
                ("wrong_code",),
                1,
            )
            assert first.answer == {"diagnoses": ["J02.0"]}
            # columns that did not exist yet take their defaults
            assert (first.mode, first.exam_id, first.wrong_codes, first.systems, first.tags) == (
                "practice",
                None,
                (),
                {},
                (),
            )
        if version >= 2:
            second = rows[1]
            assert (second.mode, second.exam_id, second.systems, second.tags) == (
                "exam",
                "exam-1",
                {"ICD-10-CM": (1.5, 2.0)},
                ("injury",),
            )
            assert [e.id for e in s.exams(finished=False)] == ["exam-1"]
        # the newest features work on the migrated file
        s.record_attempt(rows[0] if rows else _any_attempt())
        assert Reviewer(s).sync() == len(rows) + 1
        s.set_meta("student", "x")

    # opening again is a no-op: no second "migrated" notice
    with Store(path) as s:
        assert s.notices == []


def _any_attempt() -> store_module.Attempt:
    from progress_fixtures import make_attempt

    return make_attempt(score=10.0)


def test_a_failing_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = create_at_version(path, 1)
    _fill(conn, 1)
    conn.close()
    broken = (*MIGRATIONS, ("CREATE TABLE half_done (x)", "THIS IS NOT SQL"))
    monkeypatch.setattr(store_module, "MIGRATIONS", broken)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(broken))
    with pytest.raises(StoreError):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables and "review_cards" not in tables
    columns = {r[1] for r in conn.execute("PRAGMA table_info(attempts)")}
    assert "mode" not in columns
    assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    conn.close()


OPEN_AND_WRITE = """
import sys
from pathlib import Path
from codetrainer.core.store import Attempt, Store
s = Store(Path(sys.argv[1]))
s.record_attempt(Attempt("p", "c", "h", {}, 50.0, (), (), 0, 1.0))
print(s.schema_version)
s.close()
"""


def test_processes_opening_an_old_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = create_at_version(path, 1)
    _fill(conn, 1)
    conn.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AND_WRITE, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == str(SCHEMA_VERSION)
    with Store(path) as s:
        assert s.count_attempts() == 4
