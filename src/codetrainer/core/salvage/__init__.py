"""Salvage: read what is still readable out of a damaged SQLite file.

Owns reading the rows of a table whose b-tree pages may be partly garbage, so that one
bad page costs only the rows stored on it (:func:`read_rows`). It knows nothing about
codetrainer's schema: :mod:`codetrainer.core.store` says which tables and columns to copy
and writes the rows it gets back into a fresh store.

May import: the standard library only (no other codetrainer module, no Textual/Rich).
"""

from __future__ import annotations

from codetrainer.core.salvage.rows import SalvagedRows, read_rows, table_columns

__all__ = ["SalvagedRows", "read_rows", "table_columns"]
