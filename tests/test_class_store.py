"""The class store in a real PostgreSQL: who sees what, hand-ins, reports, failures.

Every test gets a database of its own (``pg_class``) on the session's server
(tests/pg_fixtures.py). Logins are real PostgreSQL roles; row-level security is what
stops a student from reading another's rows, so the tests try exactly that.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_fixtures import PgClass
from progress_fixtures import make_attempt, random_attempts

from codetrainer.cli import main
from codetrainer.core.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError
from codetrainer.core.stores import open_store
from codetrainer.core.stores.classroom import add_student, check_name, init_class
from codetrainer.core.stores.postgres import PgStore, pg_statements

REPO = Path(__file__).resolve().parent.parent


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


# --- access ----------------------------------------------------------------------------------


def test_a_student_reads_and_writes_only_their_own_rows(pg_class: PgClass) -> None:
    ana_url, ben_url = pg_class.student("ana", "a"), pg_class.student("ben", "a")
    ana = pg_class.name("ana")
    with PgStore(ana_url) as store:
        store.record_attempt(make_attempt("sore-throat", 80.0))
        store.set_meta("student", "Ana R.")
    with PgStore(ben_url) as store:
        assert store.attempts() == []
        assert store.count_attempts() == 0
        assert store.get_meta("student") is None
        store.record_attempt(make_attempt("ankle", 50.0))
        assert [a.case_id for a in store.attempts()] == ["ankle"]
    # Straight SQL as ben: the policies, not the client, refuse him.
    with psycopg.connect(ben_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM attempts").fetchone() == (1,)
        assert (
            conn.execute("UPDATE attempts SET score = 0 WHERE student = %s", (ana,)).rowcount == 0
        )
        assert conn.execute("DELETE FROM attempts WHERE student = %s", (ana,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO attempts (student, pack_id, case_id, case_hash, answer_json, score, "
                "created_at) VALUES (%s, 'p', 'c', 'h', '{}', 100, '2026-01-01T00:00:00Z')",
                (ana,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE attempts SET student = %s", (ana,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM codetrainer_roster")
    with PgStore(ana_url) as store:
        assert [(a.case_id, a.score) for a in store.attempts()] == [("sore-throat", 80.0)]
        assert store.get_meta("student") == "Ana R."


def test_an_instructor_reads_their_cohorts_and_changes_nothing(pg_class: PgClass) -> None:
    for stem, cohort in (("ana", "mon"), ("ben", "mon"), ("cy", "wed")):
        with PgStore(pg_class.student(stem, cohort)) as store:
            store.record_attempt(make_attempt(f"case-{stem}"))
    teacher = pg_class.instructor("teach", "mon")
    with PgStore(teacher) as store:
        seen = store.attempts_by_student()
        assert sorted(seen) == sorted([pg_class.name("ana"), pg_class.name("ben")])
    with psycopg.connect(teacher, autocommit=True) as conn:
        for statement in ("UPDATE attempts SET score = 0", "DELETE FROM attempts"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    with PgStore(pg_class.student("cy", "wed")) as store:
        assert store.attempts()[0].score == 100.0


def test_an_instructor_files_graded_hand_ins_only_for_their_cohorts(pg_class: PgClass) -> None:
    pg_class.student("ana", "mon")
    pg_class.student("cy", "wed")
    teacher = pg_class.instructor("teach", "mon")
    with PgStore(teacher, student=pg_class.name("ana")) as store:
        store.record_attempt(make_attempt("hand-in"))
    with (
        PgStore(teacher, student=pg_class.name("cy")) as store,
        pytest.raises(StoreError, match=r"^not saved"),
    ):
        store.record_attempt(make_attempt("hand-in"))
    with PgStore(pg_class.url_for(pg_class.name("ana"))) as store:
        assert [a.case_id for a in store.attempts()] == ["hand-in"]


# --- schema -----------------------------------------------------------------------------


def test_both_backends_have_the_same_tables_and_columns(pg_class: PgClass, tmp_path: Path) -> None:
    Store(tmp_path / "p.sqlite3").close()
    lite = sqlite3.connect(tmp_path / "p.sqlite3")
    tables = [
        r[0]
        for r in lite.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert tables
    with psycopg.connect(pg_class.admin_url, autocommit=True) as conn:
        for table in tables:
            want = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")]
            got = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "ORDER BY ordinal_position",
                    (table,),
                )
            ]
            assert got == ["student", *want], table
            secured = conn.execute(
                "SELECT relrowsecurity FROM pg_class WHERE relname = %s", (table,)
            ).fetchone()
            assert secured == (True,), f"{table} has no row-level security"
        assert conn.execute("SELECT version FROM codetrainer_schema").fetchone() == (
            SCHEMA_VERSION,
        )


def test_every_migration_step_translates() -> None:
    for step in MIGRATIONS:
        statements = pg_statements(step)
        assert statements
        assert not any("AUTOINCREMENT" in s or " REAL" in s for s in statements)


def test_a_newer_class_database_is_refused_and_left_alone(pg_class: PgClass) -> None:
    with psycopg.connect(pg_class.admin_url, autocommit=True) as conn:
        conn.execute("UPDATE codetrainer_schema SET version = %s", (SCHEMA_VERSION + 5,))
    student = pg_class.student("ana")
    with pytest.raises(StoreError, match="newer codetrainer"):
        PgStore(student)
    with pytest.raises(StoreError, match="newer codetrainer"):
        init_class(pg_class.admin_url)
    with psycopg.connect(pg_class.admin_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM codetrainer_schema").fetchone() == (
            SCHEMA_VERSION + 5,
        )


def test_a_student_cannot_set_up_a_database_without_a_class(pg_class: PgClass) -> None:
    pg_class.cluster.sql(f"CREATE DATABASE {pg_class.database}_empty")
    ana = pg_class.name("ana")
    add_student(pg_class.admin_url, ana, password="x")
    pg_class.cluster.sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", f"{pg_class.database}_empty")
    with pytest.raises(StoreError, match="class init"):
        PgStore(pg_class.cluster.url(f"{pg_class.database}_empty", ana))


def test_login_names_are_checked_before_any_sql() -> None:
    assert check_name(" ana_ruiz ") == "ana_ruiz"
    for bad in ("Ana", "ana; DROP TABLE attempts", "", "pg_admin", "codetrainer_student", "1ab"):
        with pytest.raises(ValueError):
            check_name(bad)


# --- the server goes away ----------------------------------------------------------------


def test_server_dying_mid_write_saves_nothing_and_says_not_saved(tmp_path: Path) -> None:
    """A server of this test's own: it is killed while a batch is half inserted."""
    import pgserver
    from pgserver._commands import pg_ctl

    from codetrainer.tui.services import Services

    folder = Path(tempfile.mkdtemp(prefix="ct-pg-kill-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        url = server.get_uri()
        init_class(url)
        store = PgStore(url)
        store.record_attempt(make_attempt("before"))
        # Hold a lock so that the batch blocks after its first rows, inside its transaction.
        blocker = psycopg.connect(url)
        blocker.execute("CREATE TABLE IF NOT EXISTS gate (x int)")
        blocker.commit()
        batch = [make_attempt(f"batch-{i}") for i in range(3)]
        errors: list[BaseException] = []
        blocker.execute("LOCK TABLE exam_sessions IN ACCESS EXCLUSIVE MODE")
        from codetrainer.core.store import ExamRecord

        exam = ExamRecord(id="e1", started_at="2026-01-01T00:00:00Z", finished_at=None, seed="1")

        def write_with_exam() -> None:
            try:
                store.record_attempts(batch, exam=exam)  # attempts first, then the exam row
            except BaseException as exc:
                errors.append(exc)

        worker = threading.Thread(target=write_with_exam)
        worker.start()
        waiting = 0
        for _ in range(200):  # until the batch is blocked on the exam row's lock
            with psycopg.connect(url, autocommit=True) as probe:
                waiting = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                ).fetchone()[0]
            if waiting:
                break
            threading.Event().wait(0.05)
        assert waiting, "the batch never reached the lock"
        pg_ctl(["-m", "immediate", "stop"], pgdata=folder, user=server.system_user)
        worker.join(30)
        assert not worker.is_alive()
        assert len(errors) == 1 and isinstance(errors[0], StoreError)
        assert str(errors[0]).startswith("not saved")
        # The app says so too (and keeps going).
        services = Services(store_path=None)
        services._store, services._store_opened = store, True
        message = services.record_attempt(make_attempt("while-down"))
        # the reason; the screen puts it after its own "not saved:"
        assert message is not None and "class database" in message
        server.ensure_postgres_running()
        with PgStore(url) as again:
            assert [a.case_id for a in again.attempts()] == ["before"]
        # The old store reconnects by itself once the server is back.
        store.record_attempt(make_attempt("after"))
        assert [a.case_id for a in store.attempts()] == ["before", "after"]
        store.close()
    finally:
        server.cleanup()


# --- many writers ----------------------------------------------------------------------------


def _key_answers(pack_path: Path, count: int) -> str:
    from codetrainer.core.packs import load_pack

    pack = load_pack(pack_path).value
    assert pack is not None
    answers = []
    for case in pack.cases[:count]:
        answers.append(
            {
                "case": case.id,
                "diagnoses": [d.code for d in case.answer.diagnoses],
                "lines": [
                    {
                        "code": line.code,
                        "modifiers": list(line.modifiers),
                        "units": str(line.units),
                        "pointers": [str(p) for p in line.pointers],
                    }
                    for line in case.answer.lines
                ],
                "query": " ".join(case.answer.query.keywords) if case.answer.query else "",
            }
        )
    return json.dumps({"answers": answers})  # JSON is YAML


def test_sixteen_concurrent_hand_ins_give_160_rows_and_no_errors(
    pg_class: PgClass, tmp_path: Path
) -> None:
    pack = REPO / "content" / "packs" / "outpatient-basics.yaml"
    answers = tmp_path / "answers.yaml"
    answers.write_text(_key_answers(pack, 10), encoding="utf-8")
    teacher = pg_class.instructor("teach", "default")
    students = [pg_class.name(f"s{n}") for n in range(16)]
    for n in range(16):
        pg_class.student(f"s{n}")
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "codetrainer",
                "grade",
                str(pack),
                str(answers),
                "--save",
                "--student",
                name,
                "--store",
                teacher,
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for name in students
    ]
    results = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [0] * 16, [err for _, err in results]
    assert all("saved 10 attempts" in err for _, err in results)
    with psycopg.connect(pg_class.admin_url, autocommit=True) as conn:
        rows = conn.execute("SELECT student, count(*) FROM attempts GROUP BY student").fetchall()
    assert sorted(rows) == sorted((name, 10) for name in students)
    with PgStore(pg_class.url_for(students[3])) as store:
        mine = store.attempts()
        assert len(mine) == 10 and all(a.score == 100.0 for a in mine)


def test_fifty_students_times_200_attempts_lose_nothing(pg_class: PgClass) -> None:
    names = [pg_class.name(f"p{n}") for n in range(50)]
    urls = [pg_class.student(f"p{n}") for n in range(50)]
    errors: list[BaseException] = []

    def student(n: int) -> None:
        try:
            with open_store(urls[n]) as store:
                for a in random_attempts(200, seed=n):
                    store.record_attempt(a)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=student, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(pg_class.admin_url, autocommit=True) as conn:
        counts = dict(
            conn.execute("SELECT student, count(*) FROM attempts GROUP BY student").fetchall()
        )
        total = conn.execute("SELECT count(DISTINCT id) FROM attempts").fetchone()[0]
    assert counts == {name: 200 for name in names}
    assert total == 10_000


# --- the CLI ---------------------------------------------------------------------------------


def test_report_from_the_class_database_matches_the_report_from_exports(
    pg_class: PgClass, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for n, stem in enumerate(("ana", "ben", "cy")):
        url = pg_class.student(stem)
        with PgStore(url) as store:
            store.record_attempts(random_attempts(40, seed=n + 7))
        out = tmp_path / f"{stem}.json"
        assert (
            main(["--store", url, "export", "--student", pg_class.name(stem), "-o", str(out)]) == 0
        )
        files.append(str(out))
    capsys.readouterr()
    assert main(["report", "--json", *files]) == 0
    from_files = json.loads(capsys.readouterr().out)
    assert main(["report", "--json", "--store", pg_class.admin_url]) == 0
    from_store = json.loads(capsys.readouterr().out)
    assert from_store == from_files
    assert main(["report", "--store", pg_class.admin_url]) == 0
    table = capsys.readouterr().out
    assert pg_class.name("ben") in table


def test_export_from_postgres_through_the_environment(pg_class: PgClass) -> None:
    url = pg_class.student("ana")
    with PgStore(url) as store:
        store.record_attempts(random_attempts(5, seed=3))
    done = _cli("export", "--format", "json", env={"CODETRAINER_STORE": url})
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert len(payload["attempts"]) == 5


def test_class_commands_set_up_a_class(
    pg_class: PgClass, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_class.admin_url
    assert main(["class", "add-student", "nobody"]) == 2  # no URL anywhere
    assert "postgresql:// URL" in capsys.readouterr().err
    assert main(["class", "init", url]) == 0
    assert "up to date" in capsys.readouterr().out
    name = pg_class.name("dee")
    assert main(["class", "add-student", name, "--cohort", "fall", "--url", url]) == 0
    out = capsys.readouterr().out
    assert f"created student {name} (cohort fall)" in out
    password = out.split("password: ", 1)[1].strip()
    assert len(password) >= 12
    assert main(["--store", url, "class", "roster"]) == 0
    assert f"fall\t{name}" in capsys.readouterr().out
    assert main(["class", "add-student", "Robert'); DROP", "--url", url]) == 2
    assert "not a usable login name" in capsys.readouterr().err


def test_an_unreachable_class_database_is_a_clear_error(tmp_path: Path) -> None:
    url = f"postgresql://ana:x@/nowhere?host={tmp_path}"
    done = _cli("export", env={"CODETRAINER_STORE": url})
    assert done.returncode == 1
    assert "cannot reach the class database" in done.stderr
    assert "Traceback" not in done.stderr
    assert ":x@" not in done.stderr  # the password is never printed
