"""The core services the trainer screens use, loaded lazily and never fatal.

No Textual here. Each service (ICD-10-CM reference, code catalog, search index, grader,
progress store) is imported and loaded on first use; a failure is remembered as a short
message for the screen to show, and the rest of the app keeps working.

Threading: the reference, catalog and search index are read-only once loaded and may be
used from thread workers (:meth:`Services.warm_up` loads them off the UI thread). The
progress store is opened and used on the UI thread only (SQLite connections belong to
the thread that made them).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.codes import System
from codetrainer.core.models import Case

if TYPE_CHECKING:
    from codetrainer.core.codesets import Catalog
    from codetrainer.core.grading import CaseResult
    from codetrainer.core.reference import Reference
    from codetrainer.core.search import SearchHit, SearchIndex
    from codetrainer.core.store import Attempt, Store

__all__ = ["ServiceUnavailable", "Services", "summary_solved"]


class ServiceUnavailable(RuntimeError):
    """A core service could not be loaded; the message says which and why."""


def _why(exc: BaseException) -> str:
    from codetrainer.tui.text import problem_text

    return problem_text(exc)


def summary_solved(summary: Any) -> bool:
    """Whether a store case summary says the case is solved (tolerant of its shape)."""
    if isinstance(summary, dict):
        return bool(summary.get("solved", False))
    return bool(getattr(summary, "solved", False))


class Services:
    """Lazily loaded core services with remembered failures.

    ``store_path`` picks the progress database (default: the store's own default in the
    user data dir); ``use_store=False`` runs without saving anything.
    """

    def __init__(self, *, store_path: Path | None = None, use_store: bool = True) -> None:
        self._lock = threading.RLock()
        self._reference: Reference | None = None
        self._catalog: Catalog | None = None
        self._index: SearchIndex | None = None
        self._store: Store | None = None
        self._store_opened = False
        self._store_path = store_path
        self._use_store = use_store
        self.problems: dict[str, str] = {}
        """Service name -> why it is unavailable."""
        self.store_notices: list[str] = []
        """Things the store wants the student to know (a damaged file moved aside...)."""

    # -- reference data (thread-safe) ---------------------------------------------------

    def reference(self) -> Reference | None:
        """The ICD-10-CM reference, or None (see :attr:`problems`)."""
        with self._lock:
            if self._reference is None and "reference" not in self.problems:
                try:
                    from codetrainer.core.reference import load_reference

                    self._reference = load_reference()
                except Exception as exc:  # any failure: the trainer runs without it
                    self.problems["reference"] = _why(exc)
            return self._reference

    def catalog(self) -> Catalog | None:
        """The CPT/HCPCS/modifier catalog, or None."""
        with self._lock:
            if self._catalog is None and "catalog" not in self.problems:
                try:
                    from codetrainer.core.codesets import load_catalog

                    self._catalog = load_catalog()
                except Exception as exc:
                    self.problems["catalog"] = _why(exc)
            return self._catalog

    def code_year_in_force(self) -> str:
        """The ICD-10-CM code year lookups and grading use (``FY2026`` unless a school
        imported a later tabular list); loads nothing for the bundled release."""
        from codetrainer.core.reference import CODE_YEAR, imported_path

        if self._reference is None and not imported_path().is_file():
            return CODE_YEAR
        ref = self.reference()
        return ref.code_year if ref is not None else CODE_YEAR

    def search_index(self) -> SearchIndex | None:
        """The lookup index over every code system, or None."""
        with self._lock:
            if self._index is None and "search" not in self.problems:
                try:
                    from codetrainer.core.search import load_search_index

                    self._index = load_search_index(self.reference(), self.catalog())
                except Exception as exc:
                    self.problems["search"] = _why(exc)
            return self._index

    @property
    def search_ready(self) -> bool:
        """True once the search index is loaded (or has failed to load)."""
        return self._index is not None or "search" in self.problems

    def warm_up(self) -> None:
        """Load the reference, catalog and search index (call from a thread worker)."""
        self.search_index()

    def search(
        self, query: str, *, systems: Collection[System] | None = None, limit: int = 30
    ) -> list[SearchHit]:
        """Ranked lookup hits; raises ServiceUnavailable when there is no index."""
        index = self.search_index()
        if index is None:
            raise ServiceUnavailable(f"code lookup is unavailable ({self.problems.get('search')})")
        return index.search(query, systems=systems, limit=limit)

    def describe(self, code: str) -> str | None:
        """A one-line description of any code, from the reference or the catalog."""
        reference = self._reference
        if reference is not None:
            entry = reference.get(code)
            if entry is not None:
                return entry.description
        catalog = self._catalog
        if catalog is not None:
            info = catalog.lookup(code)
            if info is not None:
                return info.description
        return None

    # -- grading --------------------------------------------------------------------------

    def grade(self, case: Case, answer: GivenAnswer) -> CaseResult:
        """Grade an answer; raises ServiceUnavailable when the grader cannot be loaded."""
        try:
            from codetrainer.core.grading import grade_case
        except Exception as exc:
            raise ServiceUnavailable(f"grading is unavailable ({_why(exc)})") from exc
        return grade_case(case, answer, reference=self.reference(), catalog=self.catalog())

    # -- progress store (UI thread only) ------------------------------------------------

    def store(self) -> Store | None:
        """The progress store, opened on first use; None when it cannot be opened."""
        if self._store_opened:
            return self._store
        self._store_opened = True
        if not self._use_store:
            self.problems["store"] = "progress saving is turned off"
            return None
        try:
            from codetrainer.core.stores import open_store

            self._store = open_store(self._store_path)
        except Exception as exc:
            self.problems["store"] = _why(exc)
            return None
        notices = getattr(self._store, "notices", None)
        if isinstance(notices, list | tuple):
            self.store_notices.extend(str(getattr(n, "message", n)) for n in notices)
        return self._store

    def case_summary(self, pack_id: str) -> dict[str, Any]:
        """Case id -> summary (best score, attempts, solved) for one pack; {} if unknown."""
        store = self.store()
        if store is None:
            return {}
        try:
            return dict(store.case_summary(pack_id))  # case id -> CaseSummary
        except Exception as exc:
            self.problems["progress"] = _why(exc)
            return {}

    def solved_cases(self, pack_id: str) -> set[str]:
        """Ids of the cases of a pack that the student has solved."""
        return {cid for cid, s in self.case_summary(pack_id).items() if summary_solved(s)}

    def record_attempt(self, attempt: Attempt) -> str | None:
        """Save an attempt (committed before this returns); the reason when it was not saved."""
        store = self.store()
        if store is None:
            return self.problems.get("store", "no progress store")
        try:
            store.record_attempt(attempt)
        except Exception as exc:  # StoreError and anything unexpected: keep going
            return _why(exc)
        self._queue_slip_drills(store)
        return None

    def _queue_slip_drills(self, store: Store) -> None:
        """Slips make cards: structural slips queue code-fact drills (never fatal; the
        next sync catches up, see codetrainer.core.drills.slips)."""
        try:
            from codetrainer.core.drills.slips import sync_slips

            reference = self.reference()
            if reference is not None:
                sync_slips(store, reference)
        except Exception as exc:
            self.problems["drills"] = _why(exc)

    def close(self) -> None:
        """Close the store."""
        if self._store is not None:
            try:
                self._store.close()
            except Exception as exc:
                self.problems["store-close"] = _why(exc)
            self._store = None
