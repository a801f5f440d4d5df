"""The complete April 1, 2026 FY2026 ICD-10-CM, compiled once into a compact cache.

The source is the tabular list shipped inside the pinned PyPI package
``simple-icd-10-cm==1.5.0`` (``data/icd10c-tabular-April-1-2026.xml`` and
``data/code-list-April-2026.txt``). Importing that package costs seconds and about
200 MB, so we never import it at run time: the first call to :func:`load_reference`
reads its XML with ElementTree (the package directory is located with
``importlib.util.find_spec``, which does not run the package), reproduces the
package's own rules (tree, billable = leaf, generated 7th-character codes kept only
when the official code list has them) and writes a columnar cache to
``paths.cache_dir()``. Later loads read that file in a few tens of milliseconds.

Cache layout (``FORMAT_VERSION`` 2): an 8-byte magic, Adler-32 checksum and length
of the payload, then a :mod:`marshal` tuple: the codes as fixed-width ASCII in
tabular (pre-order) order and again sorted (binary search, no dict to build), one
flag byte per item, parent and subtree-end indexes as ``array('i')`` bytes, and one
UTF-8 text blob with an offset table (description plus any notes per item). Items
are turned into :class:`IcdEntry` objects only when :meth:`Reference.get` asks.

Two naming rules worth knowing:

* A block holding a single category has the same XML id as that category
  (``B20``). The category keeps the code; the block is named as a one-category
  range, ``B20-B20``.
* Generated 7th-character codes (``S52.521A``, ``W61.62XD``) get the package's
  description: the parent's text, a comma, and the 7th-character meaning.
"""

from __future__ import annotations

import marshal
import os
import re
import struct
import sys
import threading
import time
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from codetrainer.core.codes import CodeFormatError, clean_code_text

__all__ = [
    "FORMAT_VERSION",
    "PACKAGE_NAME",
    "PINNED_VERSION",
    "RELEASE",
    "BuildInfo",
    "IcdEntry",
    "ImportedTabular",
    "Reference",
    "ReferenceUnavailable",
    "cache_path",
    "clear_memo",
    "code_refs",
    "import_tabular",
    "imported_path",
    "load_reference",
    "ref_matches",
    "remove_imported",
]

PACKAGE_NAME = "simple-icd-10-cm"
"""The PyPI distribution that carries the tabular list."""
PINNED_VERSION = "1.5.0"
"""The version pyproject.toml pins; its data file names are below."""
RELEASE = "ICD-10-CM FY2026 (April 1, 2026)"
CODE_YEAR = "FY2026"
"""The code year of the bundled release (packs declare theirs as ``code_year``)."""
FORMAT_VERSION = 2
"""Bump when the cache layout or its content rules change."""

_MODULE = "simple_icd_10_cm"
_XML_NAME = "icd10c-tabular-April-1-2026.xml"
_LIST_NAME = "code-list-April-2026.txt"
_MAGIC = b"CTICD10\x00"
_HEADER = struct.Struct("<8sIQ")

_KINDS = ("chapter", "block", "category", "subcategory", "code")
_K_CHAPTER, _K_BLOCK, _K_CATEGORY, _K_SUBCATEGORY, _K_CODE = range(5)
_F_KIND = 0x07
_F_BILLABLE = 0x08
_F_GENERATED = 0x10
"""A 7th-character code generated from its parent (not an XML element)."""
_F_OWN_7TH = 0x20
"""The item itself defines 7th characters (a ``sevenChrDef``)."""

_FS = "\x1f"  # between the fields of one record
_IS = "\x1e"  # between the items of one field
_KV = "\x1d"  # between a 7th character and its meaning

_NOTE_FIELDS = (
    "inclusionTerm",
    "includes",
    "excludes1",
    "excludes2",
    "codeFirst",
    "useAdditionalCode",
    "codeAlso",
    "notes",
)


class ReferenceUnavailable(RuntimeError):
    """The ICD-10-CM source data cannot be found (the pinned package is missing)."""


@dataclass(frozen=True, slots=True)
class IcdEntry:
    """One item of the tabular list: a chapter, block, category, subcategory or code.

    The note fields hold the notes written at this item; notes at its ancestors
    apply too (see :meth:`Reference.notes_in_effect`). ``seventh_characters`` is
    the exception: it lists the 7th characters that apply here, inherited from the
    ancestor that defines them, and for a code whose 7th-character children exist
    only those the official code list has.
    """

    code: str
    """Canonical: dotted ``E11.9``; blocks ``A00-A09``; chapters ``1``..``22``."""
    description: str
    kind: str
    """``chapter`` | ``block`` | ``category`` | ``subcategory`` | ``code``.

    A three-character category is ``category`` even when billable (``I10``); longer
    non-billable items are ``subcategory``; longer billable items are ``code``.
    """
    billable: bool
    parent: str | None
    children: tuple[str, ...]
    inclusion_terms: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    excludes1: tuple[str, ...] = ()
    excludes2: tuple[str, ...] = ()
    code_first: tuple[str, ...] = ()
    use_additional: tuple[str, ...] = ()
    code_also: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seventh_characters: tuple[tuple[str, str], ...] = ()

    @property
    def is_header(self) -> bool:
        """A category or subcategory that needs more characters before it can be reported."""
        return self.kind in ("category", "subcategory") and not self.billable


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """How and when the cache was compiled."""

    package_version: str
    format_version: int
    built_at: str
    build_seconds: float
    source: str
    """The XML file it came from."""
    cache_file: str = ""
    from_cache: bool = True
    """False when this process compiled it."""
    rebuilt_reason: str = ""
    """Why an existing cache was not used (``missing``, ``corrupt: ...``)."""


# ---------------------------------------------------------------------------------------
# code references inside notes: "(E10.-)", "(O24.4-)", "(A00-B99)", "(E08.-, E09.-)"

_REF_CODE = r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?"
_REF_ITEM = re.compile(rf"^({_REF_CODE})(?:\.?-)?(?:\s*-\s*({_REF_CODE})(?:\.?-)?)?$")
_PARENS = re.compile(r"\(([^()]*)\)")


def code_refs(note: str) -> list[tuple[str, str]]:
    """The codes a note points at, as ``(first, last)`` compact prefixes.

    ``"type 1 diabetes mellitus (E10.-)"`` -> ``[("E10", "E10")]``;
    ``"(A00-B99)"`` -> ``[("A00", "B99")]``; items that are not codes are skipped.
    """
    out: list[tuple[str, str]] = []
    for group in _PARENS.findall(note):
        for raw in group.split(","):
            item = raw.strip().upper()
            m = _REF_ITEM.match(item)
            if not m:
                continue
            first = m.group(1).replace(".", "")
            last = (m.group(2) or m.group(1)).replace(".", "")
            out.append((first, last))
    return out


def ref_matches(ref: tuple[str, str], code: str) -> bool:
    """True when ``code`` (canonical or compact) falls inside a note reference."""
    compact = code.replace(".", "")
    first, last = ref
    if first == last:
        return compact.startswith(first)
    return first <= compact[: len(first)] and compact[: len(last)] <= last


# ---------------------------------------------------------------------------------------
# the in-memory reference


@dataclass(slots=True)
class _Tables:
    width: int
    """Every code padded with spaces to this many bytes."""
    tab: bytes
    """The codes in tabular order, fixed width."""
    keys: bytes
    """The same codes sorted, fixed width (binary search)."""
    key_pos: array[int]
    """Tabular position of each sorted key."""
    flags: bytes
    parent: array[int]
    end: array[int]
    blob: bytes
    offsets: array[int]
    meta: dict[str, Any] = field(default_factory=dict)


class Reference:
    """The FY2026 ICD-10-CM tabular list, read-only and fast.

    Build it with :func:`load_reference`. Every method accepts loose spellings
    (``e119``, ``E119``, `` E11.9 ``); unknown codes give ``None``/``False``/empty.
    """

    release: str = RELEASE
    code_year: str = CODE_YEAR
    """The fiscal year of the release in force (``FY2026``; ``FY2027`` once imported)."""

    def __init__(self, tables: _Tables, build: BuildInfo) -> None:
        if tables.meta.get("code_year"):
            self.code_year = str(tables.meta["code_year"])
            self.release = str(tables.meta.get("release") or f"ICD-10-CM {self.code_year}")
        self._w = tables.width
        self._tab = tables.tab
        self._keys = tables.keys
        self._key_pos = tables.key_pos
        self._n = len(tables.flags)
        self._flags = tables.flags
        self._parent = tables.parent
        self._end = tables.end
        self._blob = tables.blob
        self._offsets = tables.offsets
        self.build: BuildInfo = build
        """Where the data came from and how long compiling it took."""
        self.fingerprint: str = f"{build.package_version}-f{build.format_version}"
        """Identifies the content: derived caches (the search index) key on it."""
        self._entry = lru_cache(maxsize=8192)(self._make_entry)
        self._refs_cache: dict[int, list[tuple[str, list[tuple[str, str]]]]] = {}
        self._categories: list[int] | None = None

    # -- basic protocol -------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.index_of(code) is not None

    def __repr__(self) -> str:
        return f"<Reference {self.release}: {len(self)} items>"

    def _find(self, code: str) -> int | None:
        """Binary search of an exact canonical code among the sorted keys."""
        w = self._w
        if len(code) > w:
            return None
        try:
            key = code.encode("ascii").ljust(w)
        except UnicodeEncodeError:
            return None
        keys = self._keys
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if keys[mid * w : mid * w + w] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and keys[lo * w : lo * w + w] == key:
            return self._key_pos[lo]
        return None

    def index_of(self, code: str) -> int | None:
        """Position of ``code`` in tabular order, or None (any loose spelling)."""
        i = self._find(code)
        if i is not None:
            return i
        text = "".join(code.split()).upper()
        if text != code:
            i = self._find(text)
            if i is not None:
                return i
        try:
            text = clean_code_text(code)
        except CodeFormatError:
            return None
        # Own dotting rather than codes.normalize_icd10cm: the April 2026 release has
        # categories with a letter in second place (QA0), which that shape rule refuses.
        compact = text.replace(".", "")
        if not 3 <= len(compact) <= 7 or ("." in text and text.index(".") != 3):
            return None
        return self._find(compact if len(compact) == 3 else f"{compact[:3]}.{compact[3:]}")

    def canonical(self, code: str) -> str | None:
        """The canonical spelling of a known code (``e119`` -> ``E11.9``), else None."""
        i = self.index_of(code)
        return None if i is None else self.code_at(i)

    def get(self, code: str) -> IcdEntry | None:
        """The entry for ``code`` (any loose spelling), or None when it does not exist."""
        i = self.index_of(code)
        return None if i is None else self._entry(i)

    def entry_at(self, i: int) -> IcdEntry:
        """The entry at tabular position ``i`` (0 <= i < len)."""
        return self._entry(i)

    def code_at(self, i: int) -> str:
        """The canonical code at tabular position ``i``."""
        w = self._w
        return self._tab[i * w : i * w + w].decode("ascii").rstrip()

    def is_billable(self, code: str) -> bool:
        """True for a code that can be reported on a claim (a leaf of the tabular list)."""
        i = self.index_of(code)
        return i is not None and bool(self._flags[i] & _F_BILLABLE)

    def is_billable_at(self, i: int) -> bool:
        """Billable flag by position."""
        return bool(self._flags[i] & _F_BILLABLE)

    def is_generated_at(self, i: int) -> bool:
        """True for a generated 7th-character code."""
        return bool(self._flags[i] & _F_GENERATED)

    def kind_at(self, i: int) -> str:
        """The kind of the item at position ``i``."""
        return _KINDS[self._flags[i] & _F_KIND]

    def parent_at(self, i: int) -> int:
        """Position of the parent, -1 for a chapter."""
        return self._parent[i]

    def description_at(self, i: int) -> str:
        """The description by position (cheaper than building the entry)."""
        if self._flags[i] & _F_GENERATED:
            return f"{self.description_at(self._parent[i])}, {self._record(i)[0]}"
        return self._record(i)[0]

    def seventh_meaning_at(self, i: int) -> str:
        """For a generated 7th-character code, what its 7th character means ("" otherwise)."""
        if not self._flags[i] & _F_GENERATED:
            return ""
        return self._record(i)[0]

    def seventh_suffixes_at(self, i: int) -> tuple[str, ...]:
        """For a code whose children are its 7th-character codes, what completes it.

        ``("A", "D", "S")`` for S93.402; ``("XA", "XD", "XS")`` for S01.01, which needs
        the placeholder X first. Empty for anything else.
        """
        if self._flags[i] & (_F_BILLABLE | _F_GENERATED):
            return ()
        j = i + 1
        if j >= self._end[i] or not self._flags[j] & _F_GENERATED:
            return ()
        code = self.code_at(i)
        return tuple(self.code_at(k)[len(code) :] for k in self._child_positions(i))

    def texts_at(self, i: int) -> tuple[str, list[str], list[str]]:
        """Description, inclusion terms and includes notes by position (for indexing)."""
        fields = self._record(i)
        if self._flags[i] & _F_GENERATED:
            return self.description_at(i), [], []
        return fields[0], _items(fields, 1), _items(fields, 2)

    # -- tree -----------------------------------------------------------------------------

    def _child_positions(self, i: int) -> Iterator[int]:
        j = i + 1
        stop = self._end[i]
        while j < stop:
            yield j
            j = self._end[j]

    def child_positions(self, i: int) -> list[int]:
        """Positions of the children of the item at ``i``, in tabular order."""
        return list(self._child_positions(i))

    def subtree_end(self, i: int) -> int:
        """Descendants of ``i`` are the positions ``i + 1 .. subtree_end(i) - 1``."""
        return self._end[i]

    def children(self, code: str) -> list[IcdEntry]:
        """The direct children, in tabular order."""
        i = self.index_of(code)
        if i is None:
            return []
        return [self._entry(j) for j in self._child_positions(i)]

    def ancestors(self, code: str) -> list[IcdEntry]:
        """Parent, grandparent ... up to the chapter (nearest first)."""
        i = self.index_of(code)
        out: list[IcdEntry] = []
        if i is None:
            return out
        p = self._parent[i]
        while p >= 0:
            out.append(self._entry(p))
            p = self._parent[p]
        return out

    def billable_descendants(self, code: str, limit: int | None = None) -> list[str]:
        """Billable codes below ``code`` in tabular order (``[]`` for a billable code)."""
        i = self.index_of(code)
        out: list[str] = []
        if i is None:
            return out
        flags = self._flags
        for j in range(i + 1, self._end[i]):
            if flags[j] & _F_BILLABLE:
                out.append(self.code_at(j))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def count_billable_descendants(self, code: str) -> int:
        """How many billable codes sit below ``code``."""
        i = self.index_of(code)
        if i is None:
            return 0
        flags = self._flags
        return sum(1 for j in range(i + 1, self._end[i]) if flags[j] & _F_BILLABLE)

    def chapters(self) -> list[IcdEntry]:
        """The 22 chapters in order."""
        out: list[IcdEntry] = []
        i = 0
        while i < self._n:
            out.append(self._entry(i))
            i = self._end[i]
        return out

    def category_positions(self) -> list[int]:
        """Positions of every three-character category (tabular order)."""
        if self._categories is None:
            flags = self._flags
            self._categories = [i for i in range(len(flags)) if flags[i] & _F_KIND == _K_CATEGORY]
        return self._categories

    def iter_codes(self, billable_only: bool = False) -> Iterator[IcdEntry]:
        """Every item (or every billable code) in tabular order."""
        flags = self._flags
        for i in range(self._n):
            if not billable_only or flags[i] & _F_BILLABLE:
                yield self._entry(i)

    def needs_seventh(self, code: str) -> bool:
        """True for a header inside a 7th-character scope (``S52.521``, ``S52.52``)."""
        i = self.index_of(code)
        if i is None or self._flags[i] & _F_BILLABLE:
            return False
        if self._flags[i] & _F_KIND < _K_CATEGORY:
            return False
        return bool(self._seventh_def(i))

    # -- notes ----------------------------------------------------------------------------

    def notes_in_effect(self, code: str, kind: str) -> list[tuple[str, str]]:
        """``(where, note)`` for one note field at the code and each ancestor.

        ``kind`` is an :class:`IcdEntry` field name (``excludes1``, ``use_additional``
        ...). The code's own notes come first, then its parent's, and so on.
        """
        i = self.index_of(code)
        out: list[tuple[str, str]] = []
        while i is not None and i >= 0:
            entry = self._entry(i)
            for note in getattr(entry, kind):
                out.append((entry.code, note))
            i = self._parent[i]
        return out

    def _excludes1_refs(self, i: int) -> list[tuple[str, list[tuple[str, str]]]]:
        """Excludes1 notes in effect at position ``i`` with their parsed references."""
        cached = self._refs_cache.get(i)
        if cached is not None:
            return cached
        out: list[tuple[str, list[tuple[str, str]]]] = []
        p = i
        while p >= 0:
            entry = self._entry(p)
            for note in entry.excludes1:
                refs = code_refs(note)
                if refs:
                    out.append((f"Excludes1 note at {entry.code}: {note}", refs))
            p = self._parent[p]
        if len(self._refs_cache) > 4096:
            self._refs_cache.clear()
        self._refs_cache[i] = out
        return out

    def excludes1_conflict(self, a: str, b: str) -> str | None:
        """The Excludes1 note that forbids reporting ``a`` and ``b`` together, or None.

        Both directions are checked (a note at ``a`` or an ancestor naming ``b``,
        and the reverse). The text says where the note sits:
        ``"Excludes1 note at E11: type 1 diabetes mellitus (E10.-)"``.
        """
        ia, ib = self.index_of(a), self.index_of(b)
        if ia is None or ib is None or ia == ib:
            return None
        ca, cb = self.code_at(ia), self.code_at(ib)
        for first, second, ifirst in ((ca, cb, ia), (cb, ca, ib)):
            for text, refs in self._excludes1_refs(ifirst):
                for ref in refs:
                    if ref_matches(ref, second) and not ref_matches(ref, first):
                        return text
        return None

    # -- suggestions ----------------------------------------------------------------------

    def suggest(self, code: str, limit: int = 5) -> list[str]:
        """Existing codes near a mistyped or non-existent one ("did you mean").

        Tries, in order: a missing placeholder ``X`` (``W61.62D`` -> ``W61.62XD``),
        swapped neighbours, one character dropped, changed or added, and finally the
        billable codes below the longest existing prefix. Billable codes first.
        """
        text = "".join(code.split()).upper().replace(".", "").rstrip("-")
        if not text:
            return []
        found: list[str] = []
        seen: set[str] = set()

        def add(compact: str) -> None:
            if len(compact) < 3:
                return
            dotted = compact if len(compact) == 3 else f"{compact[:3]}.{compact[3:]}"
            i = self._find(dotted)
            if i is not None and dotted not in seen and self._flags[i] & _F_KIND >= 2:
                seen.add(dotted)
                found.append(dotted)

        # placeholder X before a 7th character
        if 4 <= len(text) <= 6:
            add(text[:-1] + "X" * (7 - len(text)) + text[-1])
        for k in range(len(text) - 1):
            add(text[:k] + text[k + 1] + text[k] + text[k + 2 :])
        for k in range(len(text)):
            add(text[:k] + text[k + 1 :])
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for k in range(len(text) - 1, -1, -1):
            for ch in alphabet:
                if ch != text[k]:
                    add(text[:k] + ch + text[k + 1 :])
        for k in range(len(text), 2, -1):
            for ch in alphabet:
                add(text[:k] + ch + text[k:])
        # same category first (a slip inside the code), then billable codes first
        category = text[:3]
        found.sort(key=lambda c: (c[:3] != category, not self.is_billable(c)))
        out = found[:limit]
        if len(out) < limit:
            for n in range(min(len(text), 7), 2, -1):
                prefix = text[:n]
                dotted = prefix if n == 3 else f"{prefix[:3]}.{prefix[3:]}"
                if self._find(dotted) is not None:
                    for c in [dotted, *self.billable_descendants(dotted, limit=limit)]:
                        if c not in out and c != text:
                            out.append(c)
                    break
        out.sort(key=lambda c: (c[:3] != category, not self.is_billable(c)))
        return out[:limit]

    # -- materialising entries -----------------------------------------------------------

    def _record(self, i: int) -> list[str]:
        raw = self._blob[self._offsets[i] : self._offsets[i + 1]].decode("utf-8")
        return raw.split(_FS)

    def _seventh_def(self, i: int) -> list[tuple[str, str]]:
        """The 7th-character definition in effect at ``i`` (own or inherited)."""
        p = i
        while p >= 0:
            if self._flags[p] & _F_OWN_7TH and not self._flags[p] & _F_GENERATED:
                fields = self._record(p)
                raw = fields[9] if len(fields) > 9 else ""
                pairs: list[tuple[str, str]] = []
                for item in raw.split(_IS) if raw else []:
                    ch, _, meaning = item.partition(_KV)
                    pairs.append((ch, meaning))
                return pairs
            p = self._parent[p]
        return []

    def _make_entry(self, i: int) -> IcdEntry:
        flags = self._flags[i]
        kind = _KINDS[flags & _F_KIND]
        p = self._parent[i]
        parent = self.code_at(p) if p >= 0 else None
        children = tuple(self.code_at(j) for j in self._child_positions(i))
        seventh: tuple[tuple[str, str], ...] = ()
        defs = self._seventh_def(i)
        if defs:
            if flags & _F_GENERATED:
                siblings = {self.code_at(j)[-1] for j in self._child_positions(p)}
                seventh = tuple((c, m) for c, m in defs if c in siblings)
            elif children and self._flags[i + 1] & _F_GENERATED:
                have = {c[-1] for c in children}
                seventh = tuple((c, m) for c, m in defs if c in have)
            else:
                seventh = tuple(defs)
        if flags & _F_GENERATED:
            return IcdEntry(
                code=self.code_at(i),
                description=self.description_at(i),
                kind=kind,
                billable=bool(flags & _F_BILLABLE),
                parent=parent,
                children=children,
                seventh_characters=seventh,
            )
        fields = self._record(i)
        return IcdEntry(
            code=self.code_at(i),
            description=fields[0],
            kind=kind,
            billable=bool(flags & _F_BILLABLE),
            parent=parent,
            children=children,
            inclusion_terms=_items(fields, 1),
            includes=_items(fields, 2),
            excludes1=_items(fields, 3),
            excludes2=_items(fields, 4),
            code_first=_items(fields, 5),
            use_additional=_items(fields, 6),
            code_also=_items(fields, 7),
            notes=_items(fields, 8),
            seventh_characters=seventh,
        )


def _items(fields: list[str], k: int) -> Any:
    if len(fields) <= k or not fields[k]:
        return ()
    return tuple(fields[k].split(_IS))


# ---------------------------------------------------------------------------------------
# locating the package data without importing the package


def _package_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec(_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ReferenceUnavailable(
            f"the ICD-10-CM data package '{PACKAGE_NAME}=={PINNED_VERSION}' is not installed; "
            f"install it with: pip install '{PACKAGE_NAME}=={PINNED_VERSION}'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _package_version(pkg_dir: Path) -> str:
    """The installed version, read from the dist-info folder next to the package.

    (``importlib.metadata`` costs ~100 ms to import; a directory listing costs ~1 ms.)
    """
    prefix = _MODULE + "-"
    try:
        for name in os.listdir(pkg_dir.parent):
            if name.startswith(prefix) and name.endswith(".dist-info"):
                return name[len(prefix) : -len(".dist-info")]
    except OSError:
        pass
    return PINNED_VERSION


def cache_path(cache_dir: Path | None = None) -> Path:
    """Where the compiled reference lives for the installed package version."""
    if cache_dir is None:
        from codetrainer import paths

        cache_dir = paths.cache_dir()
    version = _package_version(_package_dir())
    return cache_dir / f"icd10cm-{version}-f{FORMAT_VERSION}.bin"


# ---------------------------------------------------------------------------------------
# compiling the XML


class _Builder:
    def __init__(self, confirmed: set[str] | None) -> None:
        self.confirmed = confirmed
        self.codes: list[str] = []
        self.flags = bytearray()
        self.parent = array("i")
        self.end = array("i")
        self.records: list[str] = []

    def _add(self, code: str, flags: int, parent: int, record: str) -> int:
        i = len(self.codes)
        self.codes.append(code)
        self.flags.append(flags)
        self.parent.append(parent)
        self.end.append(0)
        self.records.append(record)
        return i

    def node(self, elem: Any, parent: int, seven_anc: dict[str, str] | None) -> None:
        tag = elem.tag
        name = elem.attrib.get("id", "")
        desc = ""
        lists: dict[str, list[str]] = {f: [] for f in _NOTE_FIELDS}
        seven: dict[str, str] = {}
        child_elems: list[tuple[Any, dict[str, str] | None]] = []
        current_seven = seven_anc
        for sub in elem:
            stag = sub.tag
            if stag in ("section", "diag"):
                # like the package: a child sees the 7th characters defined before it
                child_elems.append((sub, current_seven))
            elif stag == "name":
                name = sub.text or ""
            elif stag == "desc":
                desc = sub.text or ""
            elif stag in lists:
                lists[stag].extend(n.text for n in sub if n.text is not None)
            elif stag == "sevenChrDef":
                last: str | None = None
                for ext in sub:
                    if ext.tag == "extension":
                        last = ext.attrib["char"]
                        seven[last] = ext.text or ""
                    elif ext.tag == "note" and last is not None and ext.text is not None:
                        seven[last] = seven[last] + "/" + ext.text
                current_seven = seven
        if tag == "chapter":
            kind = _K_CHAPTER
        elif tag == "section":
            kind = _K_BLOCK
        elif len(name) == 3:
            kind = _K_CATEGORY
        else:
            kind = _K_SUBCATEGORY
        fields = [desc] + [_IS.join(lists[f]) for f in _NOTE_FIELDS]
        fields.append(_IS.join(f"{c}{_KV}{m}" for c, m in seven.items()))
        record = _FS.join(fields).rstrip(_FS)
        flags = kind | (_F_OWN_7TH if seven else 0)
        i = self._add(name, flags, parent, record)
        for sub, anc in child_elems:
            self.node(sub, i, anc)
        has_children = len(self.codes) > i + 1
        if not has_children and kind >= _K_CATEGORY:
            defs = seven or seven_anc
            if defs:
                base = name if len(name) != 3 else name + "."
                base = base + "X" * (7 - len(base))
                compact = base[:3] + base[4:]
                for ch, meaning in defs.items():
                    if self.confirmed is None or compact + ch in self.confirmed:
                        g = self._add(base + ch, _K_CODE | _F_BILLABLE | _F_GENERATED, i, meaning)
                        self.end[g] = g + 1
        has_children = len(self.codes) > i + 1
        if kind >= _K_CATEGORY and not has_children:
            self.flags[i] = (
                (self.flags[i] & ~_F_KIND & 0xFF)
                | _F_BILLABLE
                | (_K_CATEGORY if kind == _K_CATEGORY else _K_CODE)
            )
        self.end[i] = len(self.codes)


def _compile(pkg_dir: Path) -> _Tables:
    import xml.etree.ElementTree as ET

    data = pkg_dir / "data"
    xml_path = data / _XML_NAME
    list_path = data / _LIST_NAME
    if not xml_path.is_file() or not list_path.is_file():
        raise ReferenceUnavailable(
            f"{xml_path} is missing; codetrainer needs {PACKAGE_NAME}=={PINNED_VERSION} "
            "(pip install it)"
        )
    confirmed = _code_list(list_path)
    return _compile_root(ET.parse(xml_path).getroot(), confirmed)


def _code_list(path: Path) -> set[str]:
    """Codes (without dots) of an official order/code list: the first word of each line."""
    return {
        line.split()[0].strip().replace(".", "")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    }


def _compile_root(root: Any, confirmed: set[str] | None) -> _Tables:
    """Compile a parsed ``<ICD10CM.tabular>``; ``confirmed=None`` keeps every 7th-character
    code the definitions generate (no code list to check them against)."""
    builder = _Builder(confirmed)
    for chapter in root:
        if chapter.tag == "chapter":
            builder.node(chapter, -1, None)
    # a block that holds one category shares its id ("B20"): name it as a range
    seen: set[str] = set()
    codes = builder.codes
    for i in range(len(codes) - 1, -1, -1):
        if codes[i] in seen and builder.flags[i] & _F_KIND == _K_BLOCK:
            codes[i] = f"{codes[i]}-{codes[i]}"
        seen.add(codes[i])
    encoded = [r.encode("utf-8") for r in builder.records]
    offsets = array("I", [0])
    total = 0
    for chunk in encoded:
        total += len(chunk)
        offsets.append(total)
    width = max(len(c) for c in codes)
    order = sorted(range(len(codes)), key=lambda k: codes[k].ljust(width))
    return _Tables(
        width=width,
        tab="".join(c.ljust(width) for c in codes).encode("ascii"),
        keys="".join(codes[k].ljust(width) for k in order).encode("ascii"),
        key_pos=array("i", order),
        flags=bytes(builder.flags),
        parent=builder.parent,
        end=builder.end,
        blob=b"".join(encoded),
        offsets=offsets,
    )


# ---------------------------------------------------------------------------------------
# cache file


def _dump(tables: _Tables, meta: dict[str, Any]) -> bytes:
    payload = marshal.dumps(
        (
            meta,
            tables.width,
            tables.tab,
            tables.keys,
            tables.key_pos.tobytes(),
            tables.flags,
            tables.parent.tobytes(),
            tables.end.tobytes(),
            tables.blob,
            tables.offsets.tobytes(),
        )
    )
    return _HEADER.pack(_MAGIC, zlib.adler32(payload), len(payload)) + payload


def _array(kind: str, raw: Any, n: int) -> array[int]:
    if not isinstance(raw, bytes):
        raise ValueError("bad column")
    out = array(kind)
    out.frombytes(raw)
    if len(out) != n:
        raise ValueError("column length mismatch")
    return out


def _parse(raw: bytes) -> _Tables:
    if len(raw) < _HEADER.size:
        raise ValueError("file too short")
    magic, crc, length = _HEADER.unpack_from(raw)
    if magic != _MAGIC:
        raise ValueError("not a codetrainer reference cache")
    payload = memoryview(raw)[_HEADER.size :]
    if len(payload) != length:
        raise ValueError("truncated")
    if zlib.adler32(payload) != crc:
        raise ValueError("checksum mismatch")
    data = marshal.loads(payload)
    if not isinstance(data, tuple) or len(data) != 10:
        raise ValueError("unexpected layout")
    meta, width, tab, keys, key_pos, flags, parent, end, blob, offsets = data
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise ValueError("format version differs")
    if not isinstance(width, int) or width < 1:
        raise ValueError("bad width")
    for column in (tab, keys, flags, blob):
        if not isinstance(column, bytes):
            raise ValueError("bad columns")
    n = len(flags)
    if len(tab) != n * width or len(keys) != n * width:
        raise ValueError("column length mismatch")
    offs = _array("I", offsets, n + 1)
    if offs[-1] != len(blob):
        raise ValueError("text blob length mismatch")
    return _Tables(
        width=width,
        tab=tab,
        keys=keys,
        key_pos=_array("i", key_pos, n),
        flags=flags,
        parent=_array("i", parent, n),
        end=_array("i", end, n),
        blob=blob,
        offsets=offs,
        meta=meta,
    )


_memo: dict[str, Reference] = {}
_lock = threading.Lock()


def clear_memo() -> None:
    """Forget loaded references (tests)."""
    with _lock:
        _memo.clear()


def load_reference(cache_dir: Path | None = None, *, rebuild: bool = False) -> Reference:
    """The FY2026 reference: from the cache, compiling it first when needed.

    Memoized per process: with ``cache_dir=None`` any reference already loaded is
    returned (the content does not depend on where its cache lives). A missing,
    stale or corrupt cache is rebuilt and written atomically; when the cache folder
    cannot be written the compiled reference is still returned.
    Raises :class:`ReferenceUnavailable` when the pinned package is not installed.
    """
    key = "" if cache_dir is None else str(Path(cache_dir).resolve())
    with _lock:
        if not rebuild:
            if key in _memo:
                return _memo[key]
            if cache_dir is None and _memo:
                return next(iter(_memo.values()))
        ref = _load_or_build(cache_dir, rebuild=rebuild)
        _memo[key] = ref
        return ref


def _load_or_build(cache_dir: Path | None, *, rebuild: bool) -> Reference:
    imported = _load_imported()
    if imported is not None:
        return imported
    pkg_dir = _package_dir()
    version = _package_version(pkg_dir)
    if cache_dir is None:
        from codetrainer import paths

        cache_dir = paths.cache_dir()
    target = Path(cache_dir) / f"icd10cm-{version}-f{FORMAT_VERSION}.bin"
    reason = "rebuild requested" if rebuild else ""
    if not rebuild:
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            reason = "missing"
        except OSError as exc:
            reason = f"unreadable: {exc.strerror or exc}"
        else:
            try:
                tables = _parse(raw)
                if tables.meta.get("package_version") != version:
                    raise ValueError("package version differs")
            except (ValueError, EOFError, TypeError, KeyError, IndexError) as exc:
                reason = f"corrupt: {exc}"
            else:
                meta = tables.meta
                build = BuildInfo(
                    package_version=version,
                    format_version=FORMAT_VERSION,
                    built_at=str(meta.get("built_at", "")),
                    build_seconds=float(meta.get("build_seconds", 0.0)),
                    source=str(meta.get("source", "")),
                    cache_file=str(target),
                    from_cache=True,
                )
                return Reference(tables, build)
    started = time.perf_counter()
    tables = _compile(pkg_dir)
    seconds = time.perf_counter() - started
    meta = {
        "format": FORMAT_VERSION,
        "package_version": version,
        "release": RELEASE,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(seconds, 3),
        "source": f"{PACKAGE_NAME} {version}: data/{_XML_NAME}",
        "python": sys.version.split()[0],
        "items": len(tables.flags),
    }
    written = ""
    try:
        from codetrainer.fileio import write_bytes_atomic

        write_bytes_atomic(target, _dump(tables, meta))
        written = str(target)
    except OSError:
        pass
    else:
        for old in target.parent.glob("icd10cm-*-f*.bin"):
            if old != target and not old.name.startswith("icd10cm-search-"):
                old.unlink(missing_ok=True)
    build = BuildInfo(
        package_version=version,
        format_version=FORMAT_VERSION,
        built_at=str(meta["built_at"]),
        build_seconds=round(seconds, 3),
        source=str(meta["source"]),
        cache_file=written,
        from_cache=False,
        rebuilt_reason=reason,
    )
    return Reference(tables, build)


# ---------------------------------------------------------------------------------------
# a later CDC release, imported by a school (codetrainer codesets import-icd10cm)


@dataclass(frozen=True, slots=True)
class ImportedTabular:
    """What :func:`import_tabular` wrote."""

    code_year: str
    items: int
    billable: int
    path: Path


def imported_path(data_dir: Path | None = None) -> Path:
    """Where an imported tabular list lives (user data: it cannot be rebuilt without
    the school's file)."""
    if data_dir is None:
        from codetrainer import paths

        data_dir = paths.data_dir()
    return data_dir / "reference" / f"icd10cm-imported-f{FORMAT_VERSION}.bin"


def import_tabular(
    xml_path: Path, codes_path: Path | None = None, *, data_dir: Path | None = None
) -> ImportedTabular:
    """Compile a CDC ``icd10cm_tabular_YYYY.xml`` into the user data folder.

    From then on :func:`load_reference` uses it instead of the bundled FY2026 list.
    ``codes_path`` (the release's ``icd10cm_codes_YYYY.txt``) confirms which generated
    7th-character codes exist; without it every generated code is kept. Raises
    ``ValueError`` with a ``PATH:LINE:COL: error:`` message for a file that is not a
    tabular list.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (1, 0))
        raise ValueError(f"{xml_path}:{line}:{col + 1}: error: not well-formed XML") from None
    if root.tag != "ICD10CM.tabular":
        raise ValueError(
            f"{xml_path}:1:1: error: the root element is <{root.tag}>, not <ICD10CM.tabular>"
        )
    version = (root.findtext("version") or "").strip()
    if not re.fullmatch(r"20\d\d", version):
        raise ValueError(f"{xml_path}:1:1: error: no <version> year (found {version!r})")
    confirmed = _code_list(codes_path) if codes_path is not None else None
    started = time.perf_counter()
    tables = _compile_root(root, confirmed)
    if not tables.flags:
        raise ValueError(f"{xml_path}:1:1: error: no <chapter> entries found")
    year = f"FY{version}"
    crc = zlib.adler32(tables.blob) & 0xFFFFFFFF
    meta = {
        "format": FORMAT_VERSION,
        "package_version": f"imported-{year}-{crc:08x}",
        "code_year": year,
        "release": f"ICD-10-CM {year} (imported from {xml_path.name})",
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 3),
        "source": str(xml_path.name),
        "items": len(tables.flags),
    }
    from codetrainer.fileio import write_bytes_atomic

    target = imported_path(data_dir)
    write_bytes_atomic(target, _dump(tables, meta))
    clear_memo()
    billable = sum(1 for f in tables.flags if f & _F_BILLABLE)
    return ImportedTabular(year, len(tables.flags), billable, target)


def remove_imported(data_dir: Path | None = None) -> bool:
    """Go back to the bundled release; True when an imported list was removed."""
    target = imported_path(data_dir)
    existed = target.is_file()
    target.unlink(missing_ok=True)
    clear_memo()
    return existed


def _load_imported(data_dir: Path | None = None) -> Reference | None:
    """The imported tabular list, when there is a valid one."""
    target = imported_path(data_dir)
    try:
        raw = target.read_bytes()
    except OSError:
        return None
    try:
        tables = _parse(raw)
    except (ValueError, EOFError, TypeError, KeyError, IndexError):
        return None
    meta = tables.meta
    build = BuildInfo(
        package_version=str(meta.get("package_version", "imported")),
        format_version=FORMAT_VERSION,
        built_at=str(meta.get("built_at", "")),
        build_seconds=float(meta.get("build_seconds", 0.0)),
        source=str(meta.get("source", "")),
        cache_file=str(target),
        from_cache=True,
    )
    return Reference(tables, build)
