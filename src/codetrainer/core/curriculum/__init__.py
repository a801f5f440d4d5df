"""Curriculum: whose claim a case codes, optional key items, the course file, coverage.

Owns the rules that sit above one case's schema and below grading: the claim checks
(every inpatient case says whose claim it codes; a professional claim never keys a
diagnosis the note calls uncertain, Guidelines IV.H), the checks on optional key items,
the course file (units -> packs -> cases, with progress through it) and the coverage
table of the bundled content.

May import: :mod:`codetrainer.core.models`, :mod:`codetrainer.core.diagnostics`,
:mod:`codetrainer.core.yamlio`, :mod:`codetrainer.core.codes`, :mod:`codetrainer.paths`
(where the bundled content is) and, for coverage only, the reference and code-set
loaders. Never textual or rich, never the TUI, never grading. :mod:`codetrainer.core.packs`
imports :mod:`.claims`, so nothing here imports ``packs`` (or
:mod:`codetrainer.core.packcache`, which loads through it) at module level: :mod:`.course`
imports them inside its loaders.
"""
