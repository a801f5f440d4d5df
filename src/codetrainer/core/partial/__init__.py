"""Partial validation: what is still known about a case that failed the schema.

Owns :func:`salvage_case`, which rebuilds a case from the parts of it that passed the
schema (stand-ins where parts failed) together with the list of checks those stand-ins
make meaningless, and :class:`TrackingDocument`, which remembers the YAML path of each
diagnostic a check makes so that those checks' findings can be dropped. With them
:mod:`codetrainer.core.packs` runs the cross-field and reference checks on a case with a
bad id or ``difficulty: "7"`` too, so that one ``validate`` run shows every problem, and
none twice. A salvaged case is only ever checked: it never becomes part of a pack.

May import: the standard library, pydantic, :mod:`codetrainer.core.models`,
:mod:`codetrainer.core.diagnostics` and :mod:`codetrainer.core.yamlio` (no Textual/Rich).
"""

from __future__ import annotations

from codetrainer.core.partial.cases import (
    Block,
    Salvaged,
    TrackingDocument,
    keep_findings,
    salvage_case,
)

__all__ = ["Block", "Salvaged", "TrackingDocument", "keep_findings", "salvage_case"]
