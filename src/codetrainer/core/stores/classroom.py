"""Setting up a class in PostgreSQL: the schema, the two group roles, students, instructors.

A school admin runs these through ``codetrainer class ...`` with a URL for a role that owns
the database and may create roles (``CREATEROLE``). Students and instructors are ordinary
PostgreSQL login roles, members of :data:`~.postgres.STUDENT_ROLE` or
:data:`~.postgres.INSTRUCTOR_ROLE`; row-level security (set up by the migrations) decides
what each can see. Role names are validated here and quoted by psycopg, never pasted into
SQL as typed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from codetrainer.core.store import StoreError
from codetrainer.core.stores.postgres import (
    INSTRUCTOR_ROLE,
    STUDENT_ROLE,
    connect,
    migrate,
    redact_url,
)

__all__ = ["ClassSetup", "NewLogin", "add_instructor", "add_student", "init_class", "roster"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class ClassSetup:
    """What ``class init`` did."""

    url: str
    before: int
    after: int
    created_roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewLogin:
    """A student or instructor login that was created (or updated)."""

    name: str
    cohorts: tuple[str, ...]
    password: str
    created: bool


def check_name(name: str) -> str:
    """A role name a school can type and PostgreSQL keeps as is (lowercase, no quotes)."""
    cleaned = name.strip()
    if not _NAME.match(cleaned):
        raise ValueError(
            f"{cleaned!r} is not a usable login name: use 1-63 lowercase letters, digits and "
            "underscores, starting with a letter (for example 'ana_ruiz')"
        )
    if cleaned.startswith(("pg_", "codetrainer_")):
        raise ValueError(f"{cleaned!r} is reserved; choose another login name")
    return cleaned


def _sql() -> Any:
    from psycopg import sql

    return sql


def _role_exists(conn: Any, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return row is not None


def init_class(url: str) -> ClassSetup:
    """Create (or upgrade) the schema, the group roles and the policies. Idempotent."""
    import psycopg

    conn = connect(url)
    created: list[str] = []
    try:
        sql = _sql()
        for role in (STUDENT_ROLE, INSTRUCTOR_ROLE):
            if not _role_exists(conn, role):
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                created.append(role)
        before, after = migrate(conn)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StoreError(
            f"{redact_url(url)}: this role may not set up a class ({exc}). Connect as the "
            "database owner with CREATEROLE."
        ) from exc
    except psycopg.Error as exc:
        raise StoreError(f"cannot set up the class in {redact_url(url)}: {exc}") from exc
    finally:
        conn.close()
    return ClassSetup(url=redact_url(url), before=before, after=after, created_roles=tuple(created))


def _login(
    url: str, name: str, group: str, cohorts: tuple[str, ...], password: str | None
) -> NewLogin:
    import psycopg

    name = check_name(name)
    secret = password if password else secrets.token_urlsafe(12)
    conn = connect(url)
    try:
        sql = _sql()
        version = conn.execute("SELECT to_regclass('codetrainer_roster') IS NOT NULL").fetchone()
        if not version or not version[0]:
            raise StoreError("this database has no class yet: run 'codetrainer class init URL'")
        conn.execute("BEGIN")
        try:
            exists = _role_exists(conn, name)
            statement = (
                "ALTER ROLE {} LOGIN PASSWORD {}" if exists else "CREATE ROLE {} LOGIN PASSWORD {}"
            )
            conn.execute(sql.SQL(statement).format(sql.Identifier(name), sql.Literal(secret)))
            conn.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name))
            )
            if group == STUDENT_ROLE:
                conn.execute(
                    "INSERT INTO codetrainer_roster (student, cohort) VALUES (%s, %s) "
                    "ON CONFLICT (student) DO UPDATE SET cohort = excluded.cohort",
                    (name, cohorts[0]),
                )
            else:
                for cohort in cohorts:
                    conn.execute(
                        "INSERT INTO codetrainer_teaching (instructor, cohort) VALUES (%s, %s) "
                        "ON CONFLICT DO NOTHING",
                        (name, cohort),
                    )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StoreError(
            f"{redact_url(url)}: this role may not create logins ({exc}). Connect as the "
            "class admin (the role that ran 'class init')."
        ) from exc
    except psycopg.Error as exc:
        raise StoreError(f"cannot add {name} in {redact_url(url)}: {exc}") from exc
    finally:
        conn.close()
    return NewLogin(name=name, cohorts=cohorts, password=secret, created=not exists)


def add_student(
    url: str, name: str, *, cohort: str = "default", password: str | None = None
) -> NewLogin:
    """Create a student login (or move it to ``cohort``); returns its password."""
    return _login(url, name, STUDENT_ROLE, (cohort.strip() or "default",), password)


def add_instructor(
    url: str, name: str, *, cohorts: tuple[str, ...] = ("default",), password: str | None = None
) -> NewLogin:
    """Create an instructor login that reads the given cohorts; returns its password."""
    chosen = tuple(c.strip() for c in cohorts if c.strip()) or ("default",)
    return _login(url, name, INSTRUCTOR_ROLE, chosen, password)


def roster(url: str) -> list[tuple[str, str]]:
    """(student, cohort) for every student on the roster, sorted."""
    conn = connect(url)
    try:
        rows = conn.execute(
            "SELECT student, cohort FROM codetrainer_roster ORDER BY cohort, student"
        ).fetchall()
    finally:
        conn.close()
    return [(str(r[0]), str(r[1])) for r in rows]
