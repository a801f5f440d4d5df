"""The bundled lay-term table: the words learners and notes use, each pointing at codes.

Two YAML files in ``content/encoder/`` (our own words, read with the strict loader):

* ``lay-terms.yaml``: ``layterms:`` entries of ``terms`` and ``code`` (ICD-10-CM);
* ``procedure-terms.yaml``: ``procedures:`` and ``drugs:`` (CPT / HCPCS Level II, the
  system follows from the code's shape) and ``modifiers:``; entries of ``terms`` and
  ``codes`` (best first).

:meth:`LayTable.match` takes a query's tokens (as :func:`codetrainer.core.search.tokenize`
makes them) and returns the entries whose terms the query says, with how much of the
query each explains and which query words are left over (``right``, ``initial``,
``moderate`` ...) for the caller to choose among sibling codes with.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codetrainer.core.codes import System

if TYPE_CHECKING:
    from codetrainer.core.diagnostics import Diagnostic
    from codetrainer.core.reference import Reference
    from codetrainer.core.yamlio import YamlDocument

__all__ = ["LayEntry", "LayMatch", "LayTable", "check_lay_file", "load_lay_table", "system_of"]

_FILES = ("lay-terms.yaml", "procedure-terms.yaml")
_SECTIONS = {
    "layterms": System.ICD10CM,
    "procedures": None,
    "drugs": None,
    "modifiers": System.MODIFIER,
}


def system_of(code: str, section_system: System | None) -> System:
    """CPT for five digits (or four digits and a letter), else HCPCS Level II."""
    if section_system is not None:
        return section_system
    return System.CPT if code[:1].isdigit() else System.HCPCS


@dataclass(frozen=True, slots=True)
class LayEntry:
    """One row of the table: ways of saying it, and the codes it means (best first)."""

    terms: tuple[str, ...]
    codes: tuple[str, ...]
    systems: tuple[System, ...]
    """The system of each code (CPT and HCPCS may share an entry)."""
    source: str
    """``FILE:LINE`` of the entry (for test messages)."""
    cite: str = ""
    """An Official Guidelines section, where the guidelines govern the choice."""

    @property
    def system(self) -> System:
        """The system of the first (best) code."""
        return self.systems[0]

    def pairs(self) -> list[tuple[System, str]]:
        """``(system, code)`` of every code, best first."""
        return list(zip(self.systems, self.codes, strict=True))


@dataclass(frozen=True, slots=True)
class LayMatch:
    """One entry a query says."""

    entry: LayEntry
    term: str
    """The term that matched, as written in the table."""
    covered: float
    """Share of the query's words the term explains (0-1)."""
    complete: float
    """Share of the term's words the query says (0-1)."""
    leftover: tuple[str, ...]
    """Query words the term does not explain."""


class LayTable:
    """Terms by their tokens, and a word -> terms index for matching."""

    def __init__(self, entries: list[LayEntry], tokenize: Callable[[str], list[str]]) -> None:
        self.entries = entries
        self._tokenize = tokenize
        self._phrases: list[tuple[frozenset[str], int, str]] = []
        self._by_word: dict[str, list[int]] = {}
        for e, entry in enumerate(entries):
            for term in entry.terms:
                words = frozenset(tokenize(term))
                if not words:
                    continue
                p = len(self._phrases)
                self._phrases.append((words, e, term))
                for w in words:
                    self._by_word.setdefault(w, []).append(p)
        self.vocab = frozenset(self._by_word)
        self._sorted_vocab = sorted(self.vocab)

    def __len__(self) -> int:
        return len(self.entries)

    def variants(self, token: str, *, prefix: bool, fuzzy: bool) -> list[tuple[str, float]]:
        """Table words standing for ``token``: exact, completions of a half-typed last
        word, and (only when ``fuzzy``) close spellings."""
        out: dict[str, float] = {}
        if token in self.vocab:
            out[token] = 1.0
        if prefix and len(token) >= 3:
            from bisect import bisect_left

            lo = bisect_left(self._sorted_vocab, token)
            for w in self._sorted_vocab[lo : lo + 12]:
                if not w.startswith(token):
                    break
                out.setdefault(w, 0.9)
        if fuzzy and not out and len(token) >= 4:
            from rapidfuzz import fuzz, process

            cutoff = 85.0 if len(token) <= 5 else 80.0
            for w, score, _ in process.extract(
                token, self._sorted_vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
            ):
                out.setdefault(w, 0.85 * float(score) / 100.0)
        return list(out.items())

    def match(
        self,
        tokens: list[str],
        *,
        prefix_last: bool = False,
        exact_elsewhere: Collection[str] = (),
        systems: Collection[System] | None = None,
    ) -> list[LayMatch]:
        """Entries whose terms the query says, best first.

        A term matches when the query says all its words, or (for terms of three or
        more words) all but one. ``exact_elsewhere`` are query words known exactly to
        the other indexes: they are never read as typos of a table word.
        """
        if not tokens:
            return []
        qset = list(dict.fromkeys(tokens))
        seen_as: dict[str, tuple[str, float]] = {}  # table word -> (query word, quality)
        for k, tok in enumerate(qset):
            last = k == len(qset) - 1
            fuzzy = tok not in exact_elsewhere
            for w, quality in self.variants(tok, prefix=prefix_last and last, fuzzy=fuzzy):
                old = seen_as.get(w)
                if old is None or quality > old[1]:
                    seen_as[w] = (tok, quality)
        candidates: set[int] = set()
        for w in seen_as:
            candidates.update(self._by_word.get(w, ()))
        best: dict[int, LayMatch] = {}
        n_query = len(qset)
        for p in candidates:
            words, e, term = self._phrases[p]
            entry = self.entries[e]
            if systems is not None and not any(x in systems for x in entry.systems):
                continue
            said = [seen_as[w] for w in words if w in seen_as]
            missing = len(words) - len(said)
            if missing > (1 if len(words) >= 3 else 0):
                continue
            used = {q for q, _ in said}
            covered = len(used) / n_query
            complete = sum(q for _, q in said) / len(words)
            leftover = tuple(t for t in qset if t not in used)
            m = LayMatch(entry, term, covered, complete, leftover)
            prev = best.get(e)
            if prev is None or (m.covered * m.complete, -len(m.term)) > (
                prev.covered * prev.complete,
                -len(prev.term),
            ):
                best[e] = m
        return sorted(
            best.values(), key=lambda m: (-(m.covered * m.complete), len(m.term), m.entry.source)
        )


def check_lay_file(doc: YamlDocument) -> list[Diagnostic]:
    """``validate`` for a lay-term file: shape, and every code valid for FY2026.

    An ICD-10-CM code must be billable, or lack only its 7th character; a CPT, HCPCS
    or modifier code must be in the loaded code sets.
    """
    from codetrainer.core.codesets import load_catalog
    from codetrainer.core.reference import ReferenceUnavailable, load_reference

    out: list[Diagnostic] = []
    data = doc.data if isinstance(doc.data, dict) else {}
    for key in data:
        if key not in _SECTIONS:
            out.append(
                doc.diagnostic(
                    (key,),
                    f"unknown section '{key}'; expected one of: {', '.join(_SECTIONS)}",
                    rule="layterms-section",
                    at_key=True,
                )
            )
    try:
        ref: Reference | None = load_reference()
    except ReferenceUnavailable:
        ref = None
    catalog = load_catalog(reference=ref)
    for section, sys_ in _SECTIONS.items():
        rows = data.get(section)
        if rows is None:
            continue
        if not isinstance(rows, list):
            out.append(doc.diagnostic((section,), "expected a list of entries", rule="layterms"))
            continue
        for k, row in enumerate(rows):
            if not isinstance(row, dict) or not row.get("terms"):
                out.append(doc.diagnostic((section, k), "an entry needs 'terms'", rule="layterms"))
                continue
            raw = row.get("codes") or ([row["code"]] if "code" in row else [])
            codes = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
            if not codes:
                out.append(doc.diagnostic((section, k), "an entry needs 'code' or 'codes'"))
            for c, code in enumerate(codes):
                code = str(code).strip().upper()
                system = system_of(code, sys_)
                where: tuple[str | int, ...] = (
                    (section, k, "codes", c) if "codes" in row else (section, k, "code")
                )
                if system is System.ICD10CM:
                    if ref is None:
                        continue
                    i = ref.index_of(code)
                    if i is None:
                        msg = f"{code} is not an ICD-10-CM code in FY2026"
                    elif ref.is_billable_at(i) or ref.seventh_suffixes_at(i):
                        continue
                    else:
                        msg = f"{code} is a header in FY2026; point at a billable code"
                elif catalog.has(system, code):
                    continue
                else:
                    msg = f"{system.value} {code} is not in the loaded code sets"
                out.append(doc.diagnostic(where, msg, rule="layterms-code"))
    return out


def _load_entries(folder: Path) -> list[LayEntry]:
    from codetrainer.core.yamlio import load_yaml_file

    entries: list[LayEntry] = []
    for name in _FILES:
        path = folder / name
        if not path.is_file():
            continue
        doc = load_yaml_file(path)
        data = doc.data if isinstance(doc.data, dict) else {}
        for section, sys_ in _SECTIONS.items():
            rows = data.get(section) or []
            if not isinstance(rows, list):
                continue
            for k, row in enumerate(rows):
                if not isinstance(row, dict):
                    continue
                terms = row.get("terms") or []
                codes = row.get("codes") or ([row["code"]] if "code" in row else [])
                if isinstance(terms, str):
                    terms = [terms]
                if isinstance(codes, str):
                    codes = [codes]
                terms_t = tuple(str(t) for t in terms if isinstance(t, str) and t.strip())
                codes_t = tuple(str(c).strip().upper() for c in codes if isinstance(c, str))
                if not terms_t or not codes_t:
                    continue
                line, _col = doc.locate((section, k))
                entries.append(
                    LayEntry(
                        terms_t,
                        codes_t,
                        tuple(system_of(c, sys_) for c in codes_t),
                        f"{path.name}:{line}",
                        str(row.get("cite", "")),
                    )
                )
    return entries


_memo: dict[str, LayTable] = {}
_lock = threading.Lock()


def load_lay_table(folder: Path | None = None) -> LayTable:
    """The bundled table (memoized per folder); empty when the files are missing."""
    if folder is None:
        from codetrainer import paths

        folder = paths.bundled_content_dir() / "encoder"
    key = str(folder)
    with _lock:
        table = _memo.get(key)
        if table is None:
            from codetrainer.core.search import tokenize

            table = _memo[key] = LayTable(_load_entries(folder), tokenize)
        return table
