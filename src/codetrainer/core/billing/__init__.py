"""The billing desk: claims (CMS-1500 / 837P), claim scrubbing, denials and payment posting.

Owns: the billing pack and billing answers formats (:mod:`.models`, loaded by
:mod:`.loading` through the strict YAML loader), the reference facts a biller checks
(:mod:`.refdata`: CARC/RARC summaries, NCCI pairs, MUE limits, sex and age edits, and the
importers for CMS's quarterly NCCI and MUE files), the NPI check digit (:mod:`.npi`), the
graders (:mod:`.claim`, :mod:`.scrub`, :mod:`.denial`, :mod:`.posting`, dispatched by
:mod:`.grade`) and the X12 005010X222A1 837P writer (:mod:`.x12`).

May import: the standard library, pydantic, rapidfuzz, ``codetrainer.paths``,
``codetrainer.fileio`` and the rest of ``codetrainer.core`` (yamlio, diagnostics, packs'
error mapping, codes, models, grading, reference, codesets). Nothing in core imports this
package back, and it never imports textual or rich.
"""

from __future__ import annotations

__all__: list[str] = []
