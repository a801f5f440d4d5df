"""The file contract as JSON Schema: exact shapes of every scalar, as an editor sees them.

Owns the JSON Schema fragments that the models attach to their field types (ids, text,
codes, pointers) and :func:`editor_schema`, which turns pydantic's schema into the one
``codetrainer schema`` prints. The loader reads every scalar as text; an editor checking
YAML 1.2 sees ``2`` as a number, ``true`` as a boolean and ``"2"`` as text. So each
fragment accepts every form the loader would accept (quoted or not) and nothing more:
difficulty ``"7"`` or ``7`` is refused by both, ``units: 0`` too, a pointer ``13``, an id
``Sore Throat``, a blank note. What only ``validate`` can check is listed in
``docs/pack-format.md`` (code existence, cross-field rules).

May import only the standard library and :mod:`codetrainer.core.codes` (for the aliases).
"""

from __future__ import annotations

from codetrainer.core.contract.fragments import (
    ANY_CODE,
    ICD_CODE,
    MODIFIER_CODE,
    OPT_TEXT,
    POINTER,
    PROCEDURE_CODE,
    SLUG,
    SYSTEM,
    TEXT,
    editor_schema,
)

__all__ = [
    "ANY_CODE",
    "ICD_CODE",
    "MODIFIER_CODE",
    "OPT_TEXT",
    "POINTER",
    "PROCEDURE_CODE",
    "SLUG",
    "SYSTEM",
    "TEXT",
    "editor_schema",
]
