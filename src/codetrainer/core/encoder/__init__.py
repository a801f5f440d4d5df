"""Encoder-grade lookup: the words learners type and the index and tables coders use.

Owns:

* ``layterms``: the bundled table of lay terms, eponyms, abbreviations, brand names,
  procedure verbs and modifier words (``content/encoder/*.yaml``), each pointing at
  one code, and matching a query against it;
* ``cdcindex``: the importer for the CDC/CMS ICD-10-CM Alphabetic Index, External
  Cause Index, Table of Drugs and Chemicals and Neoplasm Table (XML, compiled into the
  user cache) and the lookup that walks main term -> subterm paths;
* ``refine``: choosing among sibling codes by the side/encounter words of a query;
* ``evaluate``: scoring the lookup on a set of learner queries (tests, benchmark);
* ``text``: display helpers with no UI dependency (truncation from the middle).

May import: ``codetrainer.core.codes``, ``core.reference``, ``core.codesets``,
``core.yamlio``, ``core.diagnostics``, ``codetrainer.paths``, ``codetrainer.fileio``
and the standard library. ``core.search`` imports this package (never the other way
round at import time). Never Textual or Rich.
"""
