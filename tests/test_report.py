"""Exports and the class report: formats, round trips, aggregation, broken files."""

from __future__ import annotations

import csv
import io
import json
import os
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from progress_fixtures import T0, attempt_key, make_attempt, random_attempts

from codetrainer.core.report import (
    EXPORT_COLUMNS,
    ReportError,
    StudentExport,
    build_report,
    export_attempts,
    format_export,
    load_report,
    read_export,
    render_table,
    report_to_csv,
    report_to_json,
)
from codetrainer.core.store import SOLVED_SCORE, Attempt, Store, format_utc
from codetrainer.fileio import write_text_atomic


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "progress.sqlite3")
    yield s
    s.close()


# --- atomic writes -------------------------------------------------------------------------


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_text_atomic(target, "one\n", make_parents=False)
    assert target.read_text() == "one\n"
    assert target.stat().st_mode & 0o777 == 0o644  # not the temporary file's private 0o600
    target.chmod(0o600)
    write_text_atomic(target, "two\r\n", make_parents=False)
    assert target.read_bytes() == b"two\r\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_atomic_write_failure_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_text_atomic(target, "new", make_parents=False)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_atomic_write_into_a_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "nope" / "x.csv", "x", make_parents=False)


# --- export formats --------------------------------------------------------------------------


def test_csv_export_shape(store: Store) -> None:
    store.record_attempt(
        make_attempt(kinds=("missing", "laterality"), wrong=("J02.0",), tags=("E/M",))
    )
    text = export_attempts(store, "csv", student="Ana")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    row = dict(zip(EXPORT_COLUMNS, rows[1], strict=True))
    assert row["student"] == "Ana" and row["attempt_id"] == "1"
    assert row["kinds"] == "missing;laterality" and row["wrong_codes"] == "J02.0"
    assert json.loads(row["tags"]) == ["E/M"]
    assert json.loads(row["answer"])["diagnoses"] == ["J02.9"]


def test_json_export_shape_and_student_from_the_store(store: Store) -> None:
    store.set_meta("student", "Bo")
    store.record_attempt(make_attempt())
    payload = json.loads(export_attempts(store, "json"))
    assert payload["format"] == "codetrainer-export" and payload["version"] == 1
    assert payload["student"] == "Bo"
    assert payload["attempts"][0]["case_id"] == "sore-throat"
    with pytest.raises(ValueError, match="unknown export format"):
        export_attempts(store, "xml")


def test_formula_like_cells_are_defused_and_read_back(tmp_path: Path) -> None:
    a = make_attempt(pack_id="=cmd|' /C calc'!A0", tags=("+tag",))
    text = format_export([a], "csv", student="@SUM(A1)")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0] == "'@SUM(A1)" and row[3].startswith("'=")
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    back = read_export(path)
    assert back.student == "@SUM(A1)" and back.attempts[0].pack_id == a.pack_id


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_store_export_read_round_trip(store: Store, tmp_path: Path, fmt: str) -> None:
    for a in random_attempts(50, seed=2):
        store.record_attempt(a)
    path = tmp_path / f"ana.{fmt}"
    path.write_text(export_attempts(store, fmt, student="Ana Lima"), encoding="utf-8")
    back = read_export(path)
    assert back.student == "Ana Lima"
    assert list(back.attempts) == store.attempts()


def test_student_falls_back_to_the_file_name(tmp_path: Path) -> None:
    for suffix, fmt in ((".csv", "csv"), (".json", "json"), ("", "json")):
        path = tmp_path / f"maria-souza{suffix}"
        path.write_text(format_export([make_attempt()], fmt), encoding="utf-8")
        assert read_export(path).student == "maria-souza"
        assert load_report([path]).per_student[0].student == "maria-souza"


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
_code = st.from_regex(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?|[0-9]{5}", fullmatch=True)
_any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=25)


@st.composite
def exportable(draw: st.DrawFn) -> Attempt:
    return Attempt(
        pack_id=draw(_any_text),
        case_id=draw(_any_text),
        case_hash=draw(_any_text),
        answer={"diagnoses": draw(st.lists(_any_text, max_size=3)), "query": draw(_any_text)},
        score=draw(st.floats(0, 100)),
        kinds=tuple(draw(st.lists(_word, max_size=4))),
        wrong_codes=tuple(draw(st.lists(_code, max_size=3))),
        hints_used=draw(st.integers(0, 5)),
        seconds=draw(st.floats(0, 10_000)),
        mode=draw(st.sampled_from(["practice", "review", "exam"])),
        created_at=format_utc(T0),
        id=draw(st.none() | st.integers(1, 10**9)),
        exam_id=draw(st.none() | _word),
        systems=draw(
            st.dictionaries(_any_text, st.tuples(st.floats(-5, 5), st.floats(0, 5)), max_size=3)
        ),
        tags=tuple(draw(st.lists(_any_text, max_size=3))),
    )


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    attempts=st.lists(exportable(), max_size=5),
    student=_any_text,
    fmt=st.sampled_from(["csv", "json"]),
)
def test_any_export_reads_back_exactly(
    tmp_path: Path, attempts: list[Attempt], student: str, fmt: str
) -> None:
    path = tmp_path / f"export.{fmt}"
    path.write_text(format_export(attempts, fmt, student=student), encoding="utf-8")
    back = read_export(path)
    assert [attempt_key(a) for a in back.attempts] == [attempt_key(a) for a in attempts]
    assert [a.id for a in back.attempts] == [a.id for a in attempts]
    named = bool(attempts) or fmt == "json"  # a CSV without rows has nowhere to keep it
    assert back.student == (student if student and named else "export")


# --- the class report ---------------------------------------------------------------------------


def _class(tmp_path: Path, students: int = 6, per: int = 40) -> dict[str, list[Attempt]]:
    data = {}
    for n in range(students):
        name = f"student {n:02d}"
        attempts = [
            Attempt.from_dict({**a.to_dict(), "id": i + 1})
            for i, a in enumerate(random_attempts(per, seed=100 + n, cases=6))
        ]
        data[name] = attempts
        fmt = "json" if n % 2 else "csv"
        (tmp_path / f"s{n}.{fmt}").write_text(
            format_export(attempts, fmt, student=name), encoding="utf-8"
        )
    return data


def test_report_numbers_match_a_brute_force_count(tmp_path: Path) -> None:
    data = _class(tmp_path)
    report = load_report([tmp_path])
    everything = [(s, a) for s, attempts in data.items() for a in attempts]
    assert (report.files, report.students, report.attempts) == (6, 6, len(everything))
    assert report.problems == () and report.duplicates == 0

    by_case: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _s, a in everything:
        by_case[(a.pack_id, a.case_id)].append(a.score)
    assert {(c.pack_id, c.case_id) for c in report.cases} == set(by_case)
    for c in report.cases:
        scores = by_case[(c.pack_id, c.case_id)]
        assert c.attempts == len(scores)
        assert c.mean_score == pytest.approx(sum(scores) / len(scores))
    means = [c.mean_score for c in report.cases]
    assert means == sorted(means)  # hardest first

    first_case = report.cases[0]
    firsts = []
    solved = 0
    for attempts in data.values():
        mine = [
            a
            for a in attempts
            if (a.pack_id, a.case_id) == (first_case.pack_id, first_case.case_id)
        ]
        if mine:
            firsts.append(min(mine, key=lambda a: a.created_at).score)
            solved += max(a.score for a in mine) >= SOLVED_SCORE
    assert first_case.students == len(firsts)
    assert first_case.first_try_mean == pytest.approx(sum(firsts) / len(firsts))
    assert first_case.solved_share == pytest.approx(100 * solved / len(firsts))

    kinds = Counter(k for _s, a in everything for k in a.kinds)
    assert {r.name: r.count for r in report.kinds} == dict(kinds)
    assert [r.count for r in report.kinds] == sorted(kinds.values(), reverse=True)
    codes = Counter(c for _s, a in everything for c in a.wrong_codes)
    assert {r.name: r.count for r in report.wrong_codes} == dict(codes)
    top_code = report.wrong_codes[0]
    assert top_code.students == sum(
        1 for attempts in data.values() if any(top_code.name in a.wrong_codes for a in attempts)
    )

    for total in report.per_student:
        attempts = data[total.student]
        assert total.attempts == len(attempts)
        assert total.mean_score == pytest.approx(sum(a.score for a in attempts) / len(attempts))
        assert total.cases == len({(a.pack_id, a.case_id) for a in attempts})
        assert total.last_active == max(a.created_at for a in attempts)

    # reading the files fully and aggregating gives the same report
    exports = [read_export(p) for p in sorted(tmp_path.iterdir())]
    assert build_report(exports) == report


def test_the_same_export_twice_counts_once(tmp_path: Path) -> None:
    data = _class(tmp_path, students=2, per=10)
    (tmp_path / "copy.csv").write_bytes((tmp_path / "s0.csv").read_bytes())
    report = load_report(sorted(tmp_path.iterdir()))
    assert report.attempts == sum(len(v) for v in data.values())
    assert report.duplicates == 10 and report.files == 3


def test_top_limits_kinds_and_codes(tmp_path: Path) -> None:
    _class(tmp_path, students=3)
    report = load_report([tmp_path], top=2)
    assert len(report.kinds) == 2 and len(report.wrong_codes) == 2


BROKEN = {
    "not-json.json": "{oops",
    "foreign.json": json.dumps({"hello": 1}),
    "future.json": json.dumps({"format": "codetrainer-export", "version": 99, "attempts": []}),
    "bad-attempts.json": json.dumps({"format": "codetrainer-export", "version": 1, "attempts": {}}),
    "no-columns.csv": "name,grade\nx,1\n",
    "empty.csv": "",
}
BAD_ATTEMPT = {
    "bad-item.json": json.dumps(
        {"format": "codetrainer-export", "version": 1, "attempts": [{"pack_id": "p"}]}
    ),
    "bad-score.csv": "pack_id,case_id,score\np,c,ninety\n",
    "short-row.csv": "pack_id,case_id,score\np,c\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_exports_are_reported_and_skipped(tmp_path: Path, name: str) -> None:
    bad = tmp_path / name
    bad.write_text(BROKEN[name], encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(format_export([make_attempt()], "csv", student="G"), encoding="utf-8")
    report = load_report([bad, good])
    assert report.files == 1 and report.attempts == 1
    [problem] = report.problems
    assert problem.startswith(str(bad)) and ": error: " in problem
    with pytest.raises(ReportError):
        read_export(bad)


@pytest.mark.parametrize("name", sorted(BAD_ATTEMPT))
def test_a_bad_attempt_is_skipped_and_counted(tmp_path: Path, name: str) -> None:
    """The file is read; its one bad attempt is skipped, named and counted."""
    bad = tmp_path / name
    bad.write_text(BAD_ATTEMPT[name], encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(format_export([make_attempt()], "csv", student="G"), encoding="utf-8")
    report = load_report([bad, good])
    assert report.files == 2 and report.attempts == 1 and report.skipped == 1
    [problem] = report.problems
    assert problem.startswith(str(bad)) and ": error: attempt 1 skipped: " in problem
    with pytest.raises(ReportError):  # reading one export in full stays strict
        read_export(bad)


def test_unreadable_inputs(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("pack_id,case_id,score\nção,c,1\n".encode("latin-1"))
    report = load_report([latin, tmp_path / "missing.csv"])
    assert report.files == 0 and len(report.problems) == 2
    assert "not UTF-8" in report.problems[0] and "cannot read" in report.problems[1]


def test_minimal_csv_with_only_the_required_columns(tmp_path: Path) -> None:
    path = tmp_path / "min.csv"
    path.write_text("pack_id,case_id,score\np,c,50\np,c,100\n", encoding="utf-8")
    report = load_report([path])
    assert report.per_student[0].student == "min"
    assert report.cases[0].mean_score == 75.0 and report.cases[0].solved_share == 100.0


# --- output ------------------------------------------------------------------------------------


def test_outputs(tmp_path: Path) -> None:
    data = _class(tmp_path, students=3, per=20)
    weird = [make_attempt("x", 10.0, wrong=("E11.9",))]
    (tmp_path / "evil.json").write_text(
        format_export(weird, "json", student="evil\x1b[2Jname"), encoding="utf-8"
    )
    report = load_report([tmp_path])
    table = render_table(report, top=3)
    assert "Hardest cases" in table and "Students" in table
    assert "\x1b" not in table and "evil\\x1b[2Jname" in table  # shown escaped
    for name in data:
        assert name in table
    parsed = json.loads(report_to_json(report))
    assert parsed["students"] == 4 and len(parsed["cases"]) == len(report.cases)
    rows = list(csv.DictReader(io.StringIO(report_to_csv(report))))
    sections = Counter(r["section"] for r in rows)
    assert sections == {
        "case": len(report.cases),
        "kind": len(report.kinds),
        "wrong_code": len(report.wrong_codes),
        "student": 4,
        "progress": len(report.progress),
    }
    student_rows = [r for r in rows if r["section"] == "student"]
    assert {r["student"] for r in student_rows} == {*data, "evil\x1b[2Jname"}


def test_an_empty_export_still_lists_its_student() -> None:
    report = build_report([StudentExport(student="a", attempts=(), source="a.csv")])
    assert (report.students, report.attempts, report.cases) == (1, 0, ())
    assert report.per_student[0].attempts == 0 and report.per_student[0].mean_score == 0.0
    assert "1 students" in render_table(report)


def test_generated_class_aggregates(tmp_path: Path) -> None:
    rng = random.Random(4)
    exports = [
        StudentExport(f"s{i}", tuple(random_attempts(rng.randrange(1, 30), seed=i)), f"s{i}.csv")
        for i in range(20)
    ]
    report = build_report(exports)
    assert report.attempts == sum(len(e.attempts) for e in exports)
    assert sum(c.attempts for c in report.cases) == report.attempts
    assert sum(s.attempts for s in report.per_student) == report.attempts


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    classes=st.lists(
        st.tuples(st.lists(exportable(), max_size=6), _any_text, st.sampled_from(["csv", "json"])),
        min_size=1,
        max_size=4,
    )
)
def test_fast_report_path_equals_reading_everything(
    tmp_path: Path, classes: list[tuple[list[Attempt], str, str]]
) -> None:
    folder = tmp_path / "class"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for n, (attempts, student, fmt) in enumerate(classes):
        (folder / f"{n}.{fmt}").write_text(
            format_export(attempts, fmt, student=student), encoding="utf-8"
        )
    paths = sorted(folder.iterdir())
    fast = load_report(paths)
    assert fast.problems == ()
    assert fast == build_report([read_export(p) for p in paths])


def _big_class(folder: Path) -> list[Path]:
    """60 files: each student's first export and a later one repeating it (plus newer
    attempts), eight copies handed in twice, and four broken files."""
    folder.mkdir()
    for n in range(24):
        name = f"student {n:02d}"
        attempts = [
            Attempt.from_dict({**a.to_dict(), "id": i + 1})
            for i, a in enumerate(random_attempts(30, seed=500 + n, cases=8))
        ]
        first, later = ("json", "csv") if n % 3 else ("csv", "json")
        early_text = format_export(attempts[:18], first, student=name)
        (folder / f"{n:02d}-a.{first}").write_text(early_text, encoding="utf-8")
        later_text = format_export(attempts, later, student=name)
        (folder / f"{n:02d}-b.{later}").write_text(later_text, encoding="utf-8")
        if n < 8:
            (folder / f"{n:02d}-c.{first}").write_text(early_text, encoding="utf-8")
    for name, text in sorted(BROKEN.items())[:4]:
        (folder / f"zz-{name}").write_text(text, encoding="utf-8")
    return sorted(folder.iterdir())


def test_worker_processes_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codetrainer.core import report as report_module

    paths = _big_class(tmp_path / "class")
    assert len(paths) == 60
    calls: list[int] = []
    parallel = report_module._aggregate_parallel

    def spy(files: list[Path], jobs: int, top: int | None, packs: Any = None) -> Any:
        calls.append(jobs)
        return parallel(files, jobs, top, packs)

    monkeypatch.setattr(report_module, "_aggregate_parallel", spy)
    serial = load_report(paths, jobs=1)
    assert calls == []
    spread = load_report(paths, jobs=2)
    assert calls == [2]  # really read by worker processes
    assert spread == serial
    # each student's 30 attempts once: the later export and the copy repeat 18 + 18
    assert serial.attempts == 24 * 30 and serial.students == 24
    assert serial.duplicates == 24 * 18 + 8 * 18
    assert len(serial.problems) == 4 and serial.files == 56


def test_without_worker_processes_the_report_is_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    paths = _big_class(tmp_path / "class")
    expected = load_report(paths, jobs=1)

    class NoProcesses:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise OSError(38, "Function not implemented")  # e.g. no semaphores in a sandbox

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoProcesses)
    assert load_report(paths, jobs=2) == expected
