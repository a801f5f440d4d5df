"""Read a rowid table of a damaged SQLite file range by range.

SQLite keeps a table's rows in a b-tree keyed by rowid. A full scan stops at the first
damaged page, but a lookup of a rowid range only visits the pages on the way to that
range. So: try a full scan first (a damaged *index* does not disturb it); when that fails,
read fixed ranges of rowids, and split a range that fails in halves until the failing
rowids are single ones. Every row on a readable page comes back; the rows on a damaged
page (or below a damaged interior page) are counted as unreadable.

Uses only :mod:`sqlite3` (no ``sqlite3`` command-line tool is needed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["SalvagedRows", "read_rows", "table_columns"]

CHUNK = 256
"""Rowids read per range query before splitting."""

_MAX_GUESS = 50_000_000
"""Upper bound on the rowids probed when the file cannot say its largest rowid."""


@dataclass(frozen=True, slots=True)
class SalvagedRows:
    """What could be read of one table."""

    rows: list[tuple[Any, ...]]
    """``(rowid, *columns)`` in rowid order."""
    unreadable: int
    """Rowids whose lookup failed (rows on damaged pages; an estimate when ids have gaps)."""
    complete: bool
    """True when a full scan succeeded (nothing was lost in this table)."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_columns(conn: sqlite3.Connection, table: str) -> list[str] | None:
    """The table's column names, or None when the schema cannot be read or has no table."""
    try:
        rows = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    except sqlite3.DatabaseError:
        return None
    return [str(r[1]) for r in rows] or None


def _upper_bound(conn: sqlite3.Connection, table: str) -> int:
    """The largest rowid worth probing: from the table itself, its AUTOINCREMENT counter,
    or (when neither can be read) from the file's size."""
    found: list[int] = []
    for sql, params in (
        (f"SELECT max(rowid) FROM {_quote(table)}", ()),
        ("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)),
    ):
        try:
            row = conn.execute(sql, params).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row and isinstance(row[0], int):
            found.append(row[0])
    if found:
        return max(found)
    try:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    except (sqlite3.DatabaseError, TypeError):
        return 0
    return min(_MAX_GUESS, pages * size // 16)  # a row takes more than 16 bytes


def read_rows(
    conn: sqlite3.Connection,
    table: str,
    expressions: Sequence[str],
    *,
    chunk: int = CHUNK,
) -> SalvagedRows:
    """Every readable row of ``table`` as ``(rowid, *expressions)``, oldest rowid first.

    ``expressions`` are SQL column expressions (column names, or literals standing in
    for columns an older file does not have). Rowids below 1 are not probed unless a
    full scan succeeds (codetrainer's tables never use them).
    """
    select = f"SELECT rowid, {', '.join(expressions)} FROM {_quote(table)} NOT INDEXED"
    try:
        return SalvagedRows(conn.execute(select + " ORDER BY rowid").fetchall(), 0, True)
    except sqlite3.DatabaseError:
        pass
    ranged = select + " WHERE rowid BETWEEN ? AND ? ORDER BY rowid"
    rows: list[tuple[Any, ...]] = []
    unreadable = 0
    # an explicit stack instead of recursion: [low, high] ranges, lowest first
    top = _upper_bound(conn, table)
    pending: list[tuple[int, int]] = [
        (low, min(low + chunk - 1, top)) for low in range(top - (top - 1) % chunk, 0, -chunk)
    ]
    while pending:
        low, high = pending.pop()
        try:
            rows.extend(conn.execute(ranged, (low, high)).fetchall())
            continue
        except sqlite3.DatabaseError:
            pass
        if low == high:
            unreadable += 1
            continue
        middle = (low + high) // 2
        pending.append((middle + 1, high))
        pending.append((low, middle))
    return SalvagedRows(rows, unreadable, False)
