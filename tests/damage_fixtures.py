"""Real damage to a real SQLite file: find a b-tree page by the file format, overwrite it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["GARBAGE", "children", "leaf_of", "page_info", "scribble"]

GARBAGE = bytes(range(7, 256, 3)) * 64
"""Bytes that are no valid b-tree page (the first one, 7, is no page type)."""


def page_info(path: Path, name: str) -> tuple[int, int]:
    """(page size, root page number) of a table or index, read with SQLite itself."""
    conn = sqlite3.connect(path)
    try:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        root = int(
            conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        )
    finally:
        conn.close()
    return size, root


def children(page: bytes) -> list[int]:
    """Child page numbers of an interior table b-tree page (file format section 1.6)."""
    assert page[0] == 0x05, "expected an interior table page"
    cells = int.from_bytes(page[3:5], "big")
    out = []
    for i in range(cells):
        offset = int.from_bytes(page[12 + 2 * i : 14 + 2 * i], "big")
        out.append(int.from_bytes(page[offset : offset + 4], "big"))
    out.append(int.from_bytes(page[8:12], "big"))  # the right-most pointer
    return out


def scribble(path: Path, page_number: int, page_size: int) -> bytes:
    data = bytearray(path.read_bytes())
    start = (page_number - 1) * page_size
    data[start : start + page_size] = GARBAGE[:page_size]
    path.write_bytes(bytes(data))
    return bytes(data)


def leaf_of(path: Path, table: str) -> int:
    """A leaf page in the middle of a table's b-tree."""
    size, root = page_info(path, table)
    data = path.read_bytes()
    page = data[(root - 1) * size : root * size]
    while page[0] == 0x05:
        kids = children(page)
        number = kids[len(kids) // 2]
        page = data[(number - 1) * size : number * size]
        if page[0] == 0x0D:  # a leaf table page
            return number
    raise AssertionError("the attempts table has a single page; write more attempts")
