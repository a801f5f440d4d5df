"""What the grader may ask the code data, and a cached view over it.

The grader works with no data at all (shape checks only), with the full ICD-10-CM
reference (:mod:`codetrainer.core.reference`) and with the curated code catalog
(:mod:`codetrainer.core.codesets`). It only needs a few of their methods, described here
as protocols so that tests can hand in a small stand-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from codetrainer.core.codes import System

__all__ = [
    "CatalogLike",
    "CodeFacts",
    "CodeInfoLike",
    "IcdEntryLike",
    "Lookup",
    "ReferenceLike",
    "lookup_for",
]

_GENERIC_SEVENTH = {
    "A": "initial encounter",
    "D": "subsequent encounter",
    "S": "sequela",
}


class IcdEntryLike(Protocol):
    """The parts of :class:`codetrainer.core.reference.IcdEntry` the grader reads."""

    @property
    def code(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def billable(self) -> bool: ...
    @property
    def seventh_characters(self) -> tuple[tuple[str, str], ...]: ...


class ReferenceLike(Protocol):
    """The parts of :class:`codetrainer.core.reference.Reference` the grader calls."""

    def get(self, code: str) -> IcdEntryLike | None: ...
    def excludes1_conflict(self, a: str, b: str) -> str | None: ...
    def billable_descendants(self, code: str, limit: int | None = None) -> list[str]: ...


class CodeInfoLike(Protocol):
    """The parts of :class:`codetrainer.core.codesets.CodeInfo` the grader reads."""

    @property
    def description(self) -> str: ...
    @property
    def billable(self) -> bool: ...
    @property
    def notes(self) -> str: ...


class CatalogLike(Protocol):
    """The part of :class:`codetrainer.core.codesets.Catalog` the grader calls."""

    def get(self, system: System, code: str) -> CodeInfoLike | None: ...


@dataclass(frozen=True, slots=True)
class CodeFacts:
    """What the data says about one canonical code; ``None`` means "no data to tell"."""

    exists: bool | None
    billable: bool | None
    description: str | None
    notes: str = ""


_UNKNOWN = CodeFacts(None, None, None)


class Lookup:
    """Cached answers from a reference and a catalog (either may be missing)."""

    __slots__ = ("_facts", "_items", "_pairs", "_x1", "catalog", "reference", "release")

    def __init__(self, reference: ReferenceLike | None, catalog: CatalogLike | None) -> None:
        self.reference = reference
        self.catalog = catalog
        self.release: str = str(getattr(reference, "release", "") or "ICD-10-CM")
        self._facts: dict[tuple[System, str], CodeFacts] = {}
        self._x1: dict[tuple[str, str], str | None] = {}
        self._pairs: dict[tuple[object, ...], object] = {}
        self._items: dict[tuple[object, ...], object] = {}

    @property
    def has_reference(self) -> bool:
        """True when the full ICD-10-CM reference is there (existence, sides, specificity)."""
        return self.reference is not None

    def pair_cache(self) -> dict[tuple[object, ...], object]:
        """A memo for the relation functions (small values; keyed by field, target, given)."""
        if len(self._pairs) > 100_000:
            self._pairs.clear()
        return self._pairs

    def item_cache(self) -> dict[tuple[object, ...], object]:
        """A memo for finished items (they carry explanations, so it is kept smaller)."""
        if len(self._items) > 20_000:
            self._items.clear()
        return self._items

    def memo_pair(self, key: tuple[object, ...], build: Callable[..., _T], *args: Any) -> _T:
        """``build(*args)`` remembered in :meth:`pair_cache` under ``key``."""
        return _remembered(self.pair_cache(), key, build, args)

    def memo_item(self, key: tuple[object, ...], build: Callable[..., _T], *args: Any) -> _T:
        """``build(*args)`` remembered in :meth:`item_cache` under ``key``: items are pure
        functions of the key, what was typed and the code data."""
        return _remembered(self.item_cache(), key, build, args)

    def facts(self, system: System, code: str) -> CodeFacts:
        """Existence, billability and description of a canonical code."""
        key = (system, code)
        found = self._facts.get(key)
        if found is None:
            found = self._compute(system, code)
            if len(self._facts) > 100_000:
                self._facts.clear()
            self._facts[key] = found
        return found

    def _compute(self, system: System, code: str) -> CodeFacts:
        if system is System.ICD10CM and self.reference is not None:
            entry = self.reference.get(code)
            if entry is not None:
                return CodeFacts(True, entry.billable, entry.description)
            chars = code.replace(".", "")
            if len(chars) == 7:
                base_chars = chars[:6]
                while base_chars.endswith("X") and len(base_chars) > 3:
                    base_chars = base_chars[:-1]
                base = self.reference.get(_dot(base_chars))
                meaning = dict(base.seventh_characters).get(chars[6]) if base else None
                if base is not None and meaning:
                    return CodeFacts(True, True, f"{base.description}, {meaning}")
            return CodeFacts(False, False, None)
        if self.catalog is not None:
            info = self.catalog.get(system, code)
            if info is not None:
                exists = None if system is System.ICD10CM else True
                return CodeFacts(exists, info.billable, info.description or None, info.notes)
        return _UNKNOWN

    def describe(self, system: System, code: str) -> str | None:
        """The code's description, or None when no data has it."""
        return self.facts(system, code).description

    def name(self, system: System, code: str) -> str:
        """``J02.9 'Acute pharyngitis, unspecified'`` (or just the code when unknown)."""
        desc = self.describe(system, code)
        return f"{code} '{desc}'" if desc else code

    def seventh_meaning(self, code: str) -> str | None:
        """What the 7th character of a 7-character ICD-10-CM code means."""
        chars = code.replace(".", "")
        if len(chars) != 7:
            return None
        ch = chars[6]
        if self.reference is not None:
            probe = chars
            for _ in range(5):
                entry = self.reference.get(_dot(probe))
                if entry is not None and entry.seventh_characters:
                    meaning = dict(entry.seventh_characters).get(ch)
                    if meaning:
                        return meaning
                probe = probe[:-1]
                if len(probe) < 3:
                    break
        return _GENERIC_SEVENTH.get(ch)

    def excludes1(self, a: str, b: str) -> str | None:
        """The Excludes1 note when ``a`` and ``b`` may not be reported together."""
        if self.reference is None:
            return None
        key = (a, b) if a <= b else (b, a)
        if key not in self._x1:
            try:
                self._x1[key] = self.reference.excludes1_conflict(a, b)
            except Exception:  # a reference stand-in without the data: no note
                self._x1[key] = None
        return self._x1[key]

    def examples(self, code: str, limit: int = 2) -> list[str]:
        """A few billable codes under a header (empty without a reference)."""
        if self.reference is None:
            return []
        try:
            return list(self.reference.billable_descendants(code, limit=limit))[:limit]
        except Exception:
            return []


def _dot(chars: str) -> str:
    return chars if len(chars) <= 3 else f"{chars[:3]}.{chars[3:]}"


_LOOKUPS: dict[tuple[int, int], tuple[object, object, Lookup]] = {}


def lookup_for(reference: ReferenceLike | None, catalog: CatalogLike | None) -> Lookup:
    """One cached :class:`Lookup` per (reference, catalog) pair of objects.

    The cache holds the last few pairs (a process normally has one reference and one
    catalog); the objects are kept alive while cached so that ids cannot be reused.
    """
    key = (id(reference), id(catalog))
    found = _LOOKUPS.get(key)
    if found is not None and found[0] is reference and found[1] is catalog:
        return found[2]
    if len(_LOOKUPS) >= 8:
        _LOOKUPS.clear()
    made = Lookup(reference, catalog)
    _LOOKUPS[key] = (reference, catalog, made)
    return made


_T = TypeVar("_T")


def _remembered(
    cache: dict[tuple[object, ...], object],
    key: tuple[object, ...],
    build: Callable[..., _T],
    args: tuple[Any, ...],
) -> _T:
    hit = cache.get(key)
    if hit is None:
        hit = build(*args)
        cache[key] = hit
    return hit  # type: ignore[return-value]
