"""Choosing the progress store: the learner's SQLite file, or a school's PostgreSQL.

This package owns the choice of backend (:func:`open_store`, :func:`store_target`) and the
PostgreSQL backend (:mod:`.postgres`) with the class administration that goes with it
(:mod:`.classroom`: roles, row-level security, the roster). The SQLite store itself is
:mod:`codetrainer.core.store`; both backends share its public interface, its dataclasses and
its migration steps, so progress, review, exams, drills and stats work on either.

It may import :mod:`codetrainer.core.store` and the standard library; ``psycopg`` only
inside the PostgreSQL module, so that a plain install (no ``[postgres]`` extra) never needs
it. Nothing here imports textual or rich.

How a store is chosen, first match wins:

1. an explicit ``--store URL`` (commands pass it to :func:`open_store`);
2. the ``CODETRAINER_STORE`` environment variable;
3. the SQLite file in the user data folder (:func:`codetrainer.core.store.default_store_path`).

A target is a PostgreSQL URL (``postgresql://`` or ``postgres://``), ``sqlite:PATH``, or a
plain file path (SQLite).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codetrainer.core.store import Store

__all__ = ["ENV_VAR", "describe_target", "is_postgres_url", "open_store", "store_target"]

ENV_VAR = "CODETRAINER_STORE"
"""The environment variable that selects the store when no ``--store`` is given."""

_PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: str | Path | None) -> bool:
    """True for ``postgresql://...`` and ``postgres://...`` targets."""
    return isinstance(target, str) and target.strip().lower().startswith(_PG_SCHEMES)


def store_target(explicit: str | None = None) -> str | None:
    """The store target in force: ``explicit``, else ``CODETRAINER_STORE``, else None."""
    for value in (explicit, os.environ.get(ENV_VAR)):
        if value is not None and value.strip():
            return value.strip()
    return None


def _sqlite_path(target: str) -> Path:
    if target.lower().startswith("sqlite:"):
        target = target[len("sqlite:") :]
        if target.startswith("//"):
            target = target[2:]
    return Path(target).expanduser()


def describe_target(target: str | None) -> str:
    """A target as it may be shown to a person: a PostgreSQL password is never printed."""
    if target is None:
        from codetrainer.core.store import default_store_path

        return str(default_store_path())
    if is_postgres_url(target):
        from codetrainer.core.stores.postgres import redact_url

        return redact_url(target)
    return str(_sqlite_path(target))


def open_store(target: str | Path | None = None, *, student: str | None = None) -> Store:
    """Open the store named by ``target`` (see :func:`store_target` for the default).

    ``student`` matters only for PostgreSQL: attempts recorded through this store are
    filed under that student (an instructor saving graded hand-ins); by default they belong
    to the connected database role. Raises :class:`codetrainer.core.store.StoreError` with a
    message for the learner when the store cannot be used.
    """
    from codetrainer.core.store import Store

    if isinstance(target, Path):
        return Store(target)
    chosen = store_target(target)
    if chosen is None:
        return Store(None)
    if is_postgres_url(chosen):
        from codetrainer.core.stores.postgres import PgStore

        return PgStore(chosen, student=student)
    return Store(_sqlite_path(chosen))
