"""The core services the trainer screens use, loaded lazily and never fatal.

No Textual here. Each service (ICD-10-CM reference, code catalog, search index, grader,
progress store) is imported and loaded on first use; a failure is remembered as a short
message for the screen to show, and the rest of the app keeps working.

Threading: the reference, catalog and search index are read-only once loaded and may be
used from thread workers (:meth:`Services.warm_up` loads them off the UI thread). The
progress store is thread-safe (one connection behind a lock): the home screen's worker
opens it and reads every pack's case summaries at once (:meth:`Services.load_summaries`);
the UI thread then reads them from memory, and :meth:`Services.record_attempt` keeps them
up to date.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codetrainer.core.answer import GivenAnswer
    from codetrainer.core.codes import System
    from codetrainer.core.codesets import Catalog
    from codetrainer.core.grading import CaseResult
    from codetrainer.core.models import Case
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
        self._store_lock = threading.Lock()
        self._summaries: dict[str, dict[str, Any]] | None = None
        self._summaries_at = -1  # the store's attempt_writes when they were read
        self._store_path = store_path
        self._use_store = use_store
        self._code_year: str | None = None
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
            year = CODE_YEAR
        else:
            ref = self.reference()
            year = ref.code_year if ref is not None else CODE_YEAR
        self._code_year = year
        return year

    def code_year_if_known(self) -> str | None:
        """:meth:`code_year_in_force` once something has asked for it (the home screen's
        worker does), else None: the first frame does not import the reference for it."""
        return self._code_year

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
        with self._store_lock:  # a worker and the UI thread may ask at the same time
            if self._store_opened:
                return self._store
            if not self._use_store:
                self.problems["store"] = "progress saving is turned off"
                self._store_opened = True
                return None
            try:
                from codetrainer.core.stores import open_store

                self._store = open_store(self._store_path)
            except Exception as exc:
                self.problems["store"] = _why(exc)
                self._store_opened = True
                return None
            notices = getattr(self._store, "notices", None)
            if isinstance(notices, list | tuple):
                self.store_notices.extend(str(getattr(n, "message", n)) for n in notices)
            self._store_opened = True
            return self._store

    @property
    def summaries_ready(self) -> bool:
        """True once :meth:`load_summaries` has run (progress can be drawn from memory)."""
        return self._summaries is not None

    def load_summaries(self) -> None:
        """Open the store and read every pack's case summaries (call from a worker)."""
        store = self.store()
        found: dict[str, dict[str, Any]] = {}
        at = -1
        if store is not None:
            try:
                at = store.attempt_writes
                found = {k: dict(v) for k, v in store.case_summaries().items()}
            except Exception as exc:
                self.problems["progress"] = _why(exc)
        self._summaries, self._summaries_at = found, at

    def _fresh_summaries(self) -> dict[str, dict[str, Any]] | None:
        """The summaries in memory, unless attempts were saved past them (an exam)."""
        cached = self._summaries
        store = self._store
        if cached is None or (store is not None and store.attempt_writes != self._summaries_at):
            return None
        return cached

    def case_summary(self, pack_id: str) -> dict[str, Any]:
        """Case id -> summary (best score, attempts, solved) for one pack; {} if unknown."""
        cached = self._fresh_summaries()
        if cached is not None:
            return dict(cached.get(pack_id, {}))
        store = self.store()
        if store is None:
            return {}
        try:
            return dict(store.case_summary(pack_id))  # case id -> CaseSummary
        except Exception as exc:
            self.problems["progress"] = _why(exc)
            return {}

    def _remember(self, attempt: Attempt) -> None:
        """Fold a saved attempt into the summaries in memory (as the store would sum it)."""
        cached = self._summaries
        store = self._store
        if cached is None or store is None or store.attempt_writes != self._summaries_at + 1:
            self._summaries_at = -2  # missed a write: read from the store until reloaded
            return
        self._summaries_at = store.attempt_writes
        from codetrainer.core.store import SOLVED_SCORE, CaseSummary

        cases = cached.setdefault(attempt.pack_id, {})
        old = cases.get(attempt.case_id)
        score = float(attempt.score)
        if isinstance(old, CaseSummary):
            best = max(old.best_score, score)
            cases[attempt.case_id] = replace(
                old,
                attempts=old.attempts + 1,
                best_score=best,
                last_score=score,
                last_at=attempt.created_at,
                last_hash=attempt.case_hash,
                solved=best >= SOLVED_SCORE,
            )
        else:
            cases[attempt.case_id] = CaseSummary(
                case_id=attempt.case_id,
                attempts=1,
                best_score=score,
                last_score=score,
                last_at=attempt.created_at,
                last_hash=attempt.case_hash,
                solved=score >= SOLVED_SCORE,
            )

    def solved_cases(self, pack_id: str) -> set[str]:
        """Ids of the cases of a pack that the student has solved."""
        return {cid for cid, s in self.case_summary(pack_id).items() if summary_solved(s)}

    def record_attempt(self, attempt: Attempt) -> str | None:
        """Save an attempt (committed before this returns); the reason when it was not saved."""
        store = self.store()
        if store is None:
            return self.problems.get("store", "no progress store")
        try:
            saved = store.record_attempt(attempt)
        except Exception as exc:  # StoreError and anything unexpected: keep going
            return _why(exc)
        self._remember(saved)
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
