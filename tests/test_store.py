"""The progress store: recording, reading, damage, newer files, unwritable places."""

from __future__ import annotations

import dataclasses
import math
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from progress_fixtures import T0, attempt_key, make_attempt, read_only

from codetrainer.core.store import (
    SCHEMA_VERSION,
    Attempt,
    ExamRecord,
    Store,
    StoreError,
    attempt_from_result,
    default_store_path,
    format_utc,
    parse_utc,
)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "progress.sqlite3")
    yield s
    s.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The store contract runs on both backends (PostgreSQL as a student login)."""
    if request.param == "sqlite":
        s: Store = Store(tmp_path / "progress.sqlite3")
    else:
        from codetrainer.core.stores.postgres import PgStore

        s = PgStore(request.getfixturevalue("pg_class").student("learner"))
    yield s
    s.close()


def test_default_path_follows_codetrainer_home(isolated_home: Path) -> None:
    assert default_store_path() == isolated_home / "data" / "progress.sqlite3"
    with Store() as s:
        s.record_attempt(make_attempt())
    assert (isolated_home / "data" / "progress.sqlite3").is_file()


def test_record_returns_id_and_timestamp_and_reads_back(store: Store) -> None:
    saved = store.record_attempt(make_attempt(kinds=("missing",), wrong=("J02.0",), hints=1))
    assert saved.id == 1
    assert saved.created_at == format_utc(T0)
    [back] = store.attempts()
    assert back == saved
    assert back.kinds == ("missing",) and back.wrong_codes == ("J02.0",)


def test_empty_created_at_is_filled_with_utc_now(store: Store) -> None:
    saved = store.record_attempt(Attempt("p", "c", "h", {}, 50.0, (), (), 0, 1.0))
    assert saved.created_at.endswith("Z")
    assert abs((parse_utc(saved.created_at) - parse_utc(format_utc(T0))).days) < 10_000


def test_created_at_with_offset_is_stored_as_utc(store: Store) -> None:
    local = Attempt.from_dict(
        {**make_attempt().to_dict(), "created_at": "2026-03-02T10:00:00+01:00"}
    )
    saved = store.record_attempt(local)
    assert saved.created_at == "2026-03-02T09:00:00.000000Z"


def test_attempt_is_visible_to_a_second_connection_when_record_returns(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store(path) as s:
        s.record_attempt(make_attempt())
        # A separate, plain sqlite3 connection sees the row: it was committed.
        other = sqlite3.connect(path)
        assert other.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
        other.close()


def test_filters_and_limit(store: Store) -> None:
    for i in range(6):
        store.record_attempt(
            make_attempt(
                f"c{i % 3}",
                10.0 * i,
                minutes=i,
                mode="exam" if i == 5 else "practice",
                exam_id="e1" if i == 5 else None,
            )
        )
    assert [a.case_id for a in store.attempts(case_id="c1")] == ["c1", "c1"]
    assert [a.score for a in store.attempts(mode="exam")] == [50.0]
    assert [a.score for a in store.attempts(exam_id="e1")] == [50.0]
    assert [a.score for a in store.attempts(limit=2)] == [40.0, 50.0]
    assert [
        a.score for a in store.attempts(since=format_utc(parse_utc("2026-03-02T09:04:00Z")))
    ] == [
        40.0,
        50.0,
    ]
    assert [a.id for a in store.attempts(after_id=4)] == [5, 6]
    assert store.attempts(pack_id="nope") == []
    assert store.count_attempts() == 6
    assert store.count_attempts(pack_id="outpatient-basics") == 6
    assert store.pack_ids() == ["outpatient-basics"]


def test_case_summary_best_last_solved_and_changed(store: Store) -> None:
    store.record_attempt(make_attempt("a", 40.0, minutes=0, case_hash="h1"))
    store.record_attempt(make_attempt("a", 100.0, minutes=1, case_hash="h1"))
    store.record_attempt(make_attempt("a", 70.0, minutes=2, case_hash="h2"))
    store.record_attempt(make_attempt("b", 60.0, minutes=3, case_hash="hb"))
    store.record_attempt(make_attempt("x", 60.0, pack_id="other"))
    summary = store.case_summary("outpatient-basics", {"a": "h2", "b": "hb-edited"})
    assert set(summary) == {"a", "b"}
    a, b = summary["a"], summary["b"]
    assert (a.attempts, a.best_score, a.last_score, a.last_hash) == (3, 100.0, 70.0, "h2")
    assert a.solved and not b.solved
    assert a.changed is False and b.changed is True
    assert b.changed_since("hb-edited") and not b.changed_since("hb")
    # without current hashes "changed" is unknown; removed cases keep their history
    assert store.case_summary("outpatient-basics")["b"].changed is None
    assert store.case_summary("outpatient-basics", {"a": "h2"})["b"].changed is None


@pytest.mark.parametrize(
    "bad",
    [
        make_attempt(mode="quiz"),
        make_attempt(score=math.nan),
        make_attempt(seconds=math.inf),
    ],
)
def test_nonsense_attempts_are_refused_before_writing(store: Store, bad: Attempt) -> None:
    with pytest.raises(ValueError):
        store.record_attempt(bad)
    assert store.count_attempts() == 0


def test_record_attempts_and_exam_in_one_transaction(store: Store) -> None:
    exam = ExamRecord(
        id="e1",
        started_at=format_utc(T0),
        seed="7",
        finished_at=format_utc(T0),
        state={"cases": [1]},
    )
    saved = store.record_attempts(
        [
            make_attempt("a", mode="exam", exam_id="e1"),
            make_attempt("b", mode="exam", exam_id="e1"),
        ],
        exam=exam,
    )
    assert [a.id for a in saved] == [1, 2]
    assert [a.case_id for a in store.attempts(exam_id="e1")] == ["a", "b"]
    assert store.exams() == [exam]
    assert store.exams(finished=False) == []
    assert store.exam("e1") == exam and store.exam("nope") is None


def test_failed_batch_saves_nothing(store: Store) -> None:
    with pytest.raises(ValueError):
        store.record_attempts([make_attempt("a"), make_attempt("b", mode="bogus")])
    assert store.count_attempts() == 0


def test_save_exam_updates_in_place(store: Store) -> None:
    rec = ExamRecord(id="e", started_at=format_utc(T0), seed="s", state={"n": 1})
    store.save_exam(rec)
    store.save_exam(ExamRecord(id="e", started_at=rec.started_at, seed="s", state={"n": 2}))
    assert [r.state for r in store.exams(finished=False)] == [{"n": 2}]


def test_meta(store: Store) -> None:
    assert store.get_meta("student") is None
    store.set_meta("student", "Ana")
    store.set_meta("student", "Ana B.")
    assert store.get_meta("student") == "Ana B."


def test_new_file_is_wal_at_current_version(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.notices == []
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


# --- damage ------------------------------------------------------------------------------------


def test_garbage_file_is_moved_aside_and_the_learner_is_told(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    garbage = b"this is not a database " * 200
    path.write_bytes(garbage)
    with Store(path) as s:
        [notice] = s.notices
        assert notice.kind == "corrupt_moved"
        assert notice.path is not None and notice.path.read_bytes() == garbage
        assert notice.path.name.startswith("progress.sqlite3.corrupt-")
        assert notice.path.name in notice.message
        s.record_attempt(make_attempt())
        assert s.count_attempts() == 1


def test_damaged_pages_fail_quick_check_and_are_salvaged_then_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with Store(path) as s:
        for i in range(300):
            s.record_attempt(make_attempt(f"case-{i}", float(i % 100), minutes=i))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 6 * page_size
    # keep the header page, scribble over pages 3-5 (b-tree pages of the attempts table)
    data[2 * page_size : 5 * page_size] = b"\xa5" * (3 * page_size)
    path.write_bytes(bytes(data))
    with Store(path) as s:
        [notice] = s.notices
        assert notice.kind == "corrupt_moved"
        # what could be read was saved (test_store_salvage.py has the page-exact cases)
        assert notice.saved is not None and s.count_attempts() == notice.saved
        assert notice.saved + notice.unreadable == 300
    moved = list(tmp_path.glob("progress.sqlite3.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == bytes(data)


def test_two_damaged_files_in_the_same_second_do_not_overwrite_each_other(
    tmp_path: Path,
) -> None:
    path = tmp_path / "progress.sqlite3"
    for n in range(2):
        path.write_bytes(b"garbage %d" % n * 100)
        Store(path).close()
    moved = sorted(tmp_path.glob("progress.sqlite3.corrupt-*"))
    assert {m.read_bytes()[:9] for m in moved} == {b"garbage 0", b"garbage 1"}


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, future TEXT)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer codetrainer"):
        Store(path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a codetrainer progress file"):
        Store(path)
    assert path.read_bytes() == before


# --- cannot write ------------------------------------------------------------------------------


def test_read_only_folder_without_a_file_raises_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder), pytest.raises(StoreError, match=r"^not saved: "):
        Store(folder / "progress.sqlite3")


def test_read_only_file_shows_history_and_refuses_writes(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "progress.sqlite3"
    with Store(path) as s:
        s.record_attempt(make_attempt())
    with read_only(path, folder):
        s = Store(path)
        try:
            assert s.read_only
            assert [n.kind for n in s.notices] == ["read_only"]
            assert len(s.attempts()) == 1
            with pytest.raises(StoreError, match=r"^not saved: .*read-only"):
                s.record_attempt(make_attempt())
            with pytest.raises(StoreError, match=r"^not saved"):
                s.set_meta("student", "x")
        finally:
            s.close()
    with Store(path) as s:
        assert s.count_attempts() == 1 and not s.read_only


def test_full_disk_raises_not_saved_and_the_store_keeps_working(sqlite_store: Store) -> None:
    store = sqlite_store
    store.record_attempt(make_attempt())
    conn = store._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is now full
    big = Attempt.from_dict({**make_attempt().to_dict(), "answer": {"query": "x" * 200_000}})
    with pytest.raises(StoreError, match=r"^not saved: the disk is full"):
        store.record_attempt(big)
    assert store.count_attempts() == 1
    conn.execute("PRAGMA max_page_count = 1073741823")
    store.record_attempt(big)
    assert store.count_attempts() == 2


def test_closed_store_raises_store_error(tmp_path: Path) -> None:
    s = Store(tmp_path / "p.sqlite3")
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="not saved"):
        s.record_attempt(make_attempt())
    with pytest.raises(StoreError):
        s.attempts()


def test_threads_share_one_store(store: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(25):
                store.record_attempt(make_attempt(f"t{n}-{i}"))
                store.attempts(case_id=f"t{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_attempts() == 100


# --- from a grading result ---------------------------------------------------------------------


def test_attempt_from_result_sums_points_per_system() -> None:
    from collections import Counter
    from dataclasses import dataclass

    from codetrainer.core.answer import GivenAnswer

    @dataclass
    class Item:
        field: str
        expected: str | None
        given: str | None
        points: float
        max_points: float

    @dataclass
    class Result:
        score: float
        items: tuple[Item, ...]
        kinds: Counter[str]
        wrong_codes: list[str]

    @dataclass
    class Case:
        id: str
        tags: list[str]

        def content_hash(self) -> str:
            return "abc"

    result = Result(
        score=62.5,
        items=(
            Item("diagnosis", "J02.9", "J02.9", 2.0, 2.0),
            Item("diagnosis", "R50.9", None, 0.0, 1.0),
            Item("line", "99213", "99214", 0.5, 2.0),
            Item("line", "A4253", "A4253", 1.0, 1.0),
            Item("line", None, "J1100", -0.5, 0.0),
            Item("modifier", "25", None, 0.0, 1.0),
            Item("units", "1", "1", 0.5, 0.5),
            Item("pointer", "1", "1", 0.5, 0.5),
        ),
        kinds=Counter({"missing": 2, "wrong_code": 1, "extra": 1}),
        wrong_codes=["99214", "J1100"],
    )
    answer = GivenAnswer(diagnoses=("J02.9",))
    a = attempt_from_result(
        pack_id="p",
        case=Case("sore", ["ENT"]),
        answer=answer,
        result=result,
        hints_used=1,
        seconds=42.0,
        mode="review",
    )
    assert a.systems == {
        "ICD-10-CM": (2.0, 3.0),
        "CPT": (0.5, 2.0),
        "HCPCS": (0.5, 1.0),
        "MODIFIER": (0.0, 1.0),
        "units": (0.5, 0.5),
        "pointers": (0.5, 0.5),
    }
    assert a.kinds == ("extra", "missing", "missing", "wrong_code")
    assert a.wrong_codes == ("99214", "J1100")
    assert (a.case_hash, a.tags, a.mode, a.hints_used) == ("abc", ("ENT",), "review", 1)
    assert a.answer == answer.to_dict()


# --- properties -------------------------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=10,
)


@st.composite
def attempts(draw: st.DrawFn) -> Attempt:
    finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
    return Attempt(
        pack_id=draw(_text),
        case_id=draw(_text),
        case_hash=draw(_text),
        answer=draw(st.dictionaries(_text, _json_value, max_size=4)),
        score=draw(st.floats(min_value=0, max_value=100)),
        kinds=tuple(draw(st.lists(_text, max_size=4))),
        wrong_codes=tuple(draw(st.lists(_text, max_size=3))),
        hints_used=draw(st.integers(0, 10)),
        seconds=draw(st.floats(min_value=0, max_value=1e5)),
        mode=draw(st.sampled_from(["practice", "review", "exam"])),
        created_at=format_utc(draw(st.datetimes(min_value=T0.replace(tzinfo=None, year=2000)))),
        exam_id=draw(st.none() | _text),
        systems=draw(st.dictionaries(_text, st.tuples(finite, finite), max_size=3)),
        tags=tuple(draw(st.lists(_text, max_size=3))),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempt=attempts())
def test_any_attempt_reads_back_exactly(tmp_path: Path, attempt: Attempt) -> None:
    with Store(tmp_path / "prop.sqlite3") as s:
        saved = s.record_attempt(attempt)
        assert s.attempts(after_id=(saved.id or 1) - 1) == [saved]
        expected = dataclasses.replace(attempt, exam_id=attempt.exam_id or None)
        assert attempt_key(saved) == attempt_key(expected)
        assert Attempt.from_dict(saved.to_dict()) == saved
