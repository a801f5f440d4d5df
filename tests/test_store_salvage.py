"""A damaged progress file: what can still be read is saved before the file is moved aside.

The damage is real: a store is written, then one b-tree page of it (found by reading the
file's own page structure) is overwritten with garbage bytes, and the store is opened again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from damage_fixtures import leaf_of, page_info, scribble
from progress_fixtures import make_attempt, random_attempts

from codetrainer.core.review import Reviewer
from codetrainer.core.salvage import read_rows
from codetrainer.core.store import ExamRecord, Store

N = 2000


def _write_store(path: Path, n: int = N) -> list[int]:
    with Store(path) as s:
        saved = s.record_attempts(
            random_attempts(n, seed=5),
            exam=ExamRecord("exam-1", "2026-03-01T08:00:00.000000Z", "seed-1", None, {"a": 1}),
        )
        s.set_meta("student", "Ana Diaz")
        Reviewer(s).sync()
    # closing the last connection checkpoints the WAL into the main file
    assert not path.with_name(path.name + "-wal").exists()
    return [a.id for a in saved if a.id is not None]


def test_a_damaged_index_page_loses_no_attempt(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    ids = _write_store(path)
    size, root = page_info(path, "attempts_pack_case")
    damaged = scribble(path, root, size)
    with Store(path) as s:
        [notice] = s.notices
        assert notice.kind == "corrupt_moved"
        assert notice.saved == N and notice.unreadable == 0
        assert f"{N} attempts could be read and were saved" in notice.message
        assert [a.id for a in s.attempts()] == ids
        assert s.get_meta("student") == "Ana Diaz"
        exam = s.exam("exam-1")
        assert exam is not None and exam.state == {"a": 1}
        # the review cards are rebuilt from the saved attempts
        assert Reviewer(s).sync() == N
        assert s.review_cards()
        assert s.count_attempts(pack_id="outpatient-basics") > 0  # the index works again
        s.record_attempt(make_attempt())
        assert s.count_attempts() == N + 1
    assert notice.path is not None and notice.path.read_bytes() == damaged
    assert not list(tmp_path.glob("*.salvage*"))


def test_a_damaged_table_page_loses_only_its_own_rows(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    ids = _write_store(path)
    with Store(path) as before:
        originals = {a.id: a for a in before.attempts()}
    size, _ = page_info(path, "attempts")
    leaf = leaf_of(path, "attempts")
    damaged = scribble(path, leaf, size)
    with Store(path) as s:
        [notice] = s.notices
        kept = s.attempts()
    assert notice.saved == len(kept)
    lost = N - len(kept)
    assert 0 < lost < 50  # one 4 KiB page holds a few attempts
    assert notice.unreadable == lost
    assert f"({lost} on damaged pages could not be read)" in notice.message
    # the saved ones are exactly the originals, ids and all
    assert all(originals[a.id] == a for a in kept)
    missing = sorted(set(ids) - {a.id for a in kept})
    assert missing == list(range(missing[0], missing[-1] + 1))  # one run of ids: one page
    assert notice.path is not None and notice.path.read_bytes() == damaged


def test_garbage_in_the_first_page_saves_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    _write_store(path, 50)
    size, _ = page_info(path, "attempts")
    scribble(path, 1, size)
    with Store(path) as s:
        [notice] = s.notices
        assert notice.kind == "corrupt_moved" and not notice.saved
        assert "no attempts could be read" in notice.message
        assert s.count_attempts() == 0


def test_read_rows_splits_ranges_around_a_bad_page(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, "x" * 300) for i in range(1, 3001)])
    conn.commit()
    conn.close()
    size, _ = page_info(path, "t")
    scribble(path, leaf_of(path, "t"), size)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM t").fetchall()
    found = read_rows(conn, "t", ["id", "body"], chunk=64)
    conn.close()
    assert not found.complete
    got = [r[0] for r in found.rows]
    assert got == sorted(got) and len(got) == 3000 - found.unreadable
    assert 0 < found.unreadable < 20
