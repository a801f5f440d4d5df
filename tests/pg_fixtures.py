"""A real PostgreSQL for the tests of the class store (the pgserver package: PostgreSQL 16).

One server per test session (per xdist worker), started on first use in a private folder
and stopped at the end. Each test that asks for :func:`pg_class` gets a database of its
own with the class schema set up, so tests never see each other's rows. Logins are
cluster-wide in PostgreSQL, so the helpers give every test unique login names.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_counter = itertools.count(1)


@dataclass
class PgCluster:
    """The running server: its admin URL and a way to make URLs for other logins."""

    server: Any
    admin_url: str
    folder: Path

    def url(self, database: str, user: str = "postgres", password: str = "x") -> str:
        """A URL for ``user`` on ``database`` (the test server trusts local logins)."""
        base = self.admin_url.split("?", 1)
        rest = f"?{base[1]}" if len(base) > 1 else ""
        head = base[0].rsplit("/", 1)[0]  # postgresql://postgres:@
        head = head.replace("postgres:@", f"{user}:{password}@", 1)
        return f"{head}/{database}{rest}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)


@dataclass
class PgClass:
    """A fresh database with the class schema, and unique login names for this test."""

    cluster: PgCluster
    database: str
    admin_url: str

    def name(self, stem: str) -> str:
        return f"{stem}_{self.database}"

    def url_for(self, login: str) -> str:
        return self.cluster.url(self.database, login)

    def student(self, stem: str, cohort: str = "default") -> str:
        """Create a student login; returns its URL."""
        from codetrainer.core.stores.classroom import add_student

        login = add_student(self.admin_url, self.name(stem), cohort=cohort, password="x")
        return self.url_for(login.name)

    def instructor(self, stem: str, *cohorts: str) -> str:
        from codetrainer.core.stores.classroom import add_instructor

        login = add_instructor(
            self.admin_url, self.name(stem), cohorts=cohorts or ("default",), password="x"
        )
        return self.url_for(login.name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's PostgreSQL server (fails, never skips, when it cannot start)."""
    try:
        import pgserver
    except ImportError:  # pragma: no cover - the test extras install it
        pytest.fail("the PostgreSQL tests need the test extras: pip install -e '.[test]'")
    folder = Path(tempfile.mkdtemp(prefix="ct-pg-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    cluster = PgCluster(server=server, admin_url=server.get_uri(), folder=folder)
    try:
        yield cluster
    finally:
        server.cleanup()


@pytest.fixture
def pg_class(pg_cluster: PgCluster) -> Iterator[PgClass]:
    """A database of this test's own with ``class init`` done."""
    from codetrainer.core.stores.classroom import init_class

    database = f"ct{next(_counter)}_{Path(tempfile.mktemp()).name[3:].lower()}"
    database = "".join(ch for ch in database if ch.isalnum() or ch == "_")[:40]
    pg_cluster.sql(f"CREATE DATABASE {database}")
    admin_url = pg_cluster.url(database)
    init_class(admin_url)
    yield PgClass(cluster=pg_cluster, database=database, admin_url=admin_url)
