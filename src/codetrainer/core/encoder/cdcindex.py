"""The CDC/CMS ICD-10-CM Alphabetic Index and its tables: import, cache, look up.

Coders find a code in the Index first and verify it in the tabular list. This module
compiles the official XML files of a release into the user cache:

* ``icd10cm_index_YYYY.xml``: the Index to Diseases and Injuries (main terms with
  nested ``<term level="N">`` subterms, ``<code>``, ``<see>``, ``<seeAlso>``,
  nonessential modifiers in ``<nemod>``);
* ``icd10cm_eindex_YYYY.xml``: the External Cause of Injuries Index (same shape);
* ``icd10cm_drug_YYYY.xml``: the Table of Drugs and Chemicals (``<cell col="2..7">``:
  poisoning accidental, intentional self-harm, assault, undetermined, adverse effect,
  underdosing);
* ``icd10cm_neoplasm_YYYY.xml``: the Neoplasm Table (malignant primary, secondary, in
  situ, benign, uncertain, unspecified behavior).

The kind of a file is read from its content (its column headings or title), not its
name. A CSV export of the main index (``RowID,Letter,Level,Term,See,SeeAlso,
NonEssModif,Code``) is read too, and any file may be ``.xz`` compressed.

:class:`IndexLookup` answers a query with :class:`IndexHit` rows: the path of titles
("Sprain > ankle"), the code ("S93.40-": a trailing dash means the tabular list
completes it), "see"/"see also" cross-references (followed one step to the code they
name), and for the two tables all their columns.
"""

from __future__ import annotations

import csv
import io
import lzma
import marshal
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DRUG_COLUMNS",
    "INDEX_FORMAT",
    "KINDS",
    "NEOPLASM_COLUMNS",
    "IndexError_",
    "IndexHit",
    "IndexImport",
    "IndexLookup",
    "IndexRow",
    "import_index",
    "index_dir",
    "load_index_lookup",
    "parse_index_file",
]

INDEX_FORMAT = 2
"""Bump when the cached layout changes."""
KINDS = ("index", "eindex", "drug", "neoplasm")
KIND_TITLES = {
    "index": "Alphabetic Index",
    "eindex": "External Cause Index",
    "drug": "Table of Drugs and Chemicals",
    "neoplasm": "Neoplasm Table",
}
DRUG_COLUMNS = (
    "poisoning, accidental",
    "poisoning, intentional self-harm",
    "poisoning, assault",
    "poisoning, undetermined",
    "adverse effect",
    "underdosing",
)
NEOPLASM_COLUMNS = (
    "malignant primary",
    "malignant secondary",
    "ca in situ",
    "benign",
    "uncertain behavior",
    "unspecified behavior",
)
_MAGIC = b"CTINDX1\x00"
_CSV_HEADER = ["RowID", "Letter", "Level", "Term", "See", "SeeAlso", "NonEssModif", "Code"]


class IndexError_(Exception):
    """A file that is not an ICD-10-CM index or table, with ``PATH:LINE:COL`` text."""


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One main term or subterm."""

    path: tuple[str, ...]
    """Titles from the main term down (without nonessential modifiers)."""
    nemod: str
    """Nonessential modifiers of the last title, "(acute) (chronic)"."""
    code: str
    """The code given, or "" (may end in "-": complete it in the tabular list)."""
    see: str
    see_also: str
    cells: tuple[str, ...] = ()
    """The six columns of a drug or neoplasm table row ("" for "--")."""


@dataclass(frozen=True, slots=True)
class IndexHit:
    """A row the query found, ranked."""

    kind: str
    row: IndexRow
    score: float
    """0-100."""
    code: str
    """The code to offer: the row's own, a chosen column, or the one "see" leads to."""
    column: str = ""
    """For a table row: which column ``code`` came from."""
    via: str = ""
    """The "see" reference followed to reach ``code``."""
    leftover: tuple[str, ...] = ()
    """Query words the path does not say (side, encounter ...)."""

    def path_text(self) -> str:
        """``Sprain > ankle -> S93.40-`` (with the column or the "see" step when used)."""
        text = " > ".join(self.row.path)
        if self.via:
            text += f" (see {self.via})"
        if self.column:
            text += f" [{self.column}]"
        return f"{text} -> {self.code}" if self.code else text


@dataclass(slots=True)
class IndexImport:
    """What an import wrote."""

    kind: str
    version: str
    rows: int
    written: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# parsing


def _read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix == ".xz" or raw[:6] == b"\xfd7zXZ\x00":
        try:
            return lzma.decompress(raw)
        except lzma.LZMAError as exc:
            raise IndexError_(f"{path}:1:1: error: not a readable .xz file ({exc})") from None
    return raw


def _title(elem: Any) -> tuple[str, str]:
    """Title text without its ``<nemod>`` parts, and the nemod text."""
    if elem is None:
        return "", ""
    parts = [elem.text or ""]
    nemods: list[str] = []
    for sub in elem:
        if sub.tag == "nemod":
            nemods.append("".join(sub.itertext()).strip())
        else:
            parts.append("".join(sub.itertext()))
        parts.append(sub.tail or "")
    return " ".join("".join(parts).split()), " ".join(nemods)


def _kind_of(root: Any) -> str:
    heads = [(h.text or "").strip().lower() for h in root.iter("head")]
    if heads:
        if heads[0].startswith("substance") or heads[0].startswith("drug"):
            return "drug"
        if heads[0].startswith("neoplasm"):
            return "neoplasm"
    title = (root.findtext("title") or "").lower()
    if "external cause" in title:
        return "eindex"
    return "index"


def _walk(elem: Any, parents: tuple[str, ...], out: list[IndexRow]) -> None:
    title, nemod = _title(elem.find("title"))
    path = (*parents, title) if title else parents
    code = " ".join((elem.findtext("code") or "").split())
    see = " ".join((elem.findtext("see") or "").split())
    see_also = " ".join((elem.findtext("seeAlso") or "").split())
    cells: list[str] = []
    cell_elems = elem.findall("cell")
    if cell_elems:
        by_col = {c.attrib.get("col", ""): (c.text or "").strip() for c in cell_elems}
        cells = [by_col.get(str(k), "") for k in range(2, 8)]
        cells = ["" if c in ("--", "-") else c for c in cells]
    if title:
        out.append(IndexRow(path, nemod, code, see, see_also, tuple(cells)))
    for sub in elem.findall("term"):
        _walk(sub, path, out)


def parse_index_file(path: Path) -> tuple[str, str, list[IndexRow]]:
    """``(kind, version, rows)`` of one index or table file (XML or the CSV export)."""
    raw = _read_bytes(path)
    head = raw[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"RowID,"):
        return _parse_csv(path, raw)
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (1, 0))
        reason = str(exc).split(":")[0]
        raise IndexError_(
            f"{path}:{line}:{col + 1}: error: not well-formed XML ({reason})"
        ) from None
    if root.tag != "ICD10CM.index":
        raise IndexError_(
            f"{path}:1:1: error: the root element is <{root.tag}>, not <ICD10CM.index>: "
            "this is not an ICD-10-CM index or table file"
        )
    kind = _kind_of(root)
    version = (root.findtext("version") or "").strip()
    rows: list[IndexRow] = []
    for letter in root.findall("letter"):
        for main in letter.findall("mainTerm"):
            _walk(main, (), rows)
    if not rows:
        raise IndexError_(f"{path}:1:1: error: no <mainTerm> entries found")
    return kind, version, rows


def _parse_csv(path: Path, raw: bytes) -> tuple[str, str, list[IndexRow]]:
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    if header[: len(_CSV_HEADER)] != _CSV_HEADER:
        raise IndexError_(f"{path}:1:1: error: expected the columns {','.join(_CSV_HEADER)}")
    stack: list[str] = []
    rows: list[IndexRow] = []
    for n, rec in enumerate(reader, start=2):
        if len(rec) < 8:
            raise IndexError_(f"{path}:{n}:1: error: expected 8 columns, found {len(rec)}")
        try:
            level = int(rec[2])
        except ValueError:
            raise IndexError_(f"{path}:{n}:1: error: Level is not a number: {rec[2]!r}") from None
        if level > len(stack):
            raise IndexError_(f"{path}:{n}:1: error: level {level} skips a level")
        del stack[level:]
        stack.append(" ".join(rec[3].split()))
        rows.append(IndexRow(tuple(stack), rec[6].strip(), rec[7].strip(), rec[4], rec[5]))
    m = re.search(r"(20\d\d)", path.name)
    return "index", m.group(1) if m else "", rows


# ---------------------------------------------------------------------------------------
# the cache


def index_dir(dest: Path | None = None) -> Path:
    """Where compiled index files live (the user cache unless ``dest`` is given)."""
    if dest is not None:
        return dest
    from codetrainer import paths

    return paths.cache_dir() / "icd10cm-index"


_Words = tuple[list[frozenset[str]], dict[str, list[int]]]
"""Per row its words (main term and subterm titles), and word -> rows."""


def _words_of(
    rows: list[IndexRow],
    tokenize: Callable[[str], list[str]],
    title_words: dict[str, frozenset[str]] | None = None,
) -> _Words:
    """A row's words are its parent path's words plus its own title's: each title is
    tokenized once (paths share their prefixes; titles repeat)."""
    cache = title_words if title_words is not None else {}
    path_words: dict[tuple[str, ...], frozenset[str]] = {(): frozenset()}
    words: list[frozenset[str]] = []
    for r in rows:
        got = path_words.get(r.path)
        if got is None:
            title = r.path[-1]
            own = cache.get(title)
            if own is None:
                own = cache[title] = frozenset(tokenize(title))
            parent = path_words.get(r.path[:-1])
            if parent is None:
                parent = frozenset(w for t in r.path[:-1] for w in tokenize(t))
            got = path_words[r.path] = parent | own
        words.append(got)
    by_word: dict[str, list[int]] = {}
    for k, ws in enumerate(words):
        for w in ws:
            by_word.setdefault(w, []).append(k)
    return words, by_word


def _dump(kind: str, version: str, source: str, rows: list[IndexRow], words: _Words) -> bytes:
    payload = marshal.dumps(
        (
            INDEX_FORMAT,
            kind,
            version,
            source,
            [(r.path, r.nemod, r.code, r.see, r.see_also, r.cells) for r in rows],
            words[0],
            words[1],
        )
    )
    return _MAGIC + zlib.adler32(payload).to_bytes(4, "little") + payload


def _load(path: Path) -> tuple[str, str, str, list[IndexRow], _Words]:
    raw = path.read_bytes()
    if raw[:8] != _MAGIC:
        raise ValueError("not a codetrainer index cache")
    payload = raw[12:]
    if zlib.adler32(payload) != int.from_bytes(raw[8:12], "little"):
        raise ValueError("checksum mismatch")
    data = marshal.loads(payload)
    if not isinstance(data, tuple) or len(data) != 7 or data[0] != INDEX_FORMAT:
        raise ValueError("format differs")
    _fmt, kind, version, source, rows, words, by_word = data
    if kind not in KINDS or len(words) != len(rows) or not isinstance(by_word, dict):
        raise ValueError("columns disagree")
    return kind, version, source, [IndexRow(*r) for r in rows], (words, by_word)


def import_index(files: Iterable[Path], dest: Path | None = None) -> list[IndexImport]:
    """Compile each file into ``dest`` (default: the user cache); one cache per kind."""
    from codetrainer.fileio import write_bytes_atomic

    folder = index_dir(dest)
    results: list[IndexImport] = []
    for src in files:
        kind, version, rows = parse_index_file(src)
        result = IndexImport(kind, version, len(rows))
        target = folder / f"{kind}.bin"
        from codetrainer.core.search import tokenize

        words = _words_of(rows, tokenize)
        write_bytes_atomic(target, _dump(kind, version, src.name, rows, words))
        result.written.append(str(target))
        if version and not re.fullmatch(r"20\d\d", version):
            result.warnings.append(f"{src.name}: unexpected <version> {version!r}")
        results.append(result)
    clear_memo()
    return results


# ---------------------------------------------------------------------------------------
# looking up

_SPLIT = re.compile(r"[^0-9a-z]+")
_DRUG_INTENT: dict[str, int] = {
    "overdose": 0,
    "poisoning": 0,
    "accidental": 0,
    "toxicity": 0,
    "ingestion": 0,
    "suicide": 1,
    "self": 1,
    "harm": 1,
    "intentional": 1,
    "assault": 2,
    "undetermined": 3,
    "adverse": 4,
    "side": 4,
    "reaction": 4,
    "allergic": 4,
    "underdosing": 5,
    "underdose": 5,
    "missed": 5,
    "noncompliance": 5,
}
"""Query words that choose a drug-table column."""
_NEOPLASM_BEHAVIOR: dict[str, int] = {
    "cancer": 0,
    "malignant": 0,
    "primary": 0,
    "carcinoma": 0,
    "secondary": 1,
    "metastatic": 1,
    "metastasis": 1,
    "mets": 1,
    "situ": 2,
    "benign": 3,
    "uncertain": 4,
    "unspecified": 5,
}
_OPTIONAL = frozenset(
    {"right", "left", "bilateral", "initial", "subsequent", "sequela", "encounter", "rt", "lt"}
)
"""Words that choose among the tabular codes a row leads to, not the row itself."""
_NEOPLASM_WORDS = frozenset({"neoplasm", "tumor", "tumour", "mass", "growth", "neoplastic"})


@dataclass(slots=True)
class _Table:
    kind: str
    version: str
    source: str
    rows: list[IndexRow]
    words: list[frozenset[str]]
    by_word: dict[str, list[int]]
    _by_path: dict[tuple[str, ...], int] | None = None

    @property
    def by_path(self) -> dict[tuple[str, ...], int]:
        """Lower-cased path -> row (built on the first "see" followed)."""
        if self._by_path is None:
            by_path: dict[tuple[str, ...], int] = {}
            for k, r in enumerate(self.rows):
                key = tuple(p.lower() for p in r.path)
                by_path.setdefault(key, k)
                # "see Herpes, zoster" names the main term "Herpes, herpesvirus" by its head
                head = key[0].split(",")[0].strip()
                if head != key[0]:
                    by_path.setdefault((head, *key[1:]), k)
            self._by_path = by_path
        return self._by_path


class IndexLookup:
    """Query the imported index and tables (whatever kinds have been imported)."""

    def __init__(
        self,
        tables: dict[str, tuple[str, str, list[IndexRow]]],
        tokenize: Callable[[str], list[str]],
        words: dict[str, _Words] | None = None,
    ) -> None:
        """``tables``: kind -> (version, source, rows); ``words`` as compiled at import
        (computed here when not given)."""
        self._tokenize = tokenize
        self.tables: dict[str, _Table] = {}
        title_words: dict[str, frozenset[str]] = {}
        for kind, (version, source, rows) in tables.items():
            known = (words or {}).get(kind)
            row_words, by_word = (
                known if known is not None else _words_of(rows, tokenize, title_words)
            )
            self.tables[kind] = _Table(kind, version, source, rows, row_words, by_word)
        self.vocab = frozenset(w for t in self.tables.values() for w in t.by_word)

    def __bool__(self) -> bool:
        return bool(self.tables)

    def kinds(self) -> list[str]:
        return [k for k in KINDS if k in self.tables]

    def version(self, kind: str) -> str:
        t = self.tables.get(kind)
        return t.version if t else ""

    def search(self, query: str, *, limit: int = 10) -> list[IndexHit]:
        """Rows whose path says the query's words, best first."""
        tokens = self._tokens(query)
        if not tokens:
            return []
        hits: list[IndexHit] = []
        for table in self.tables.values():
            hits.extend(self._search_table(table, tokens))
        hits.sort(key=lambda h: (-h.score, len(h.row.path), h.row.path))
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        out: list[IndexHit] = []
        for h in hits:
            key = (h.kind, h.code, h.row.path)
            if key in seen:
                continue
            seen.add(key)
            out.append(h)
            if len(out) >= limit:
                break
        return out

    def _tokens(self, query: str) -> list[str]:
        """Query words, with "sprained"/"bitten"-style endings cut when only the stem is
        an index word."""
        out: list[str] = []
        for t in self._tokenize(query):
            if len(t) > 5:
                for cut in ("ed", "ing", "d", "en"):
                    if t.endswith(cut) and t[: -len(cut)] in self.vocab:
                        t = t[: -len(cut)]
                        break
            if t not in out:
                out.append(t)
        return out

    def _search_table(self, table: _Table, tokens: list[str]) -> Iterator[IndexHit]:
        kind = table.kind
        chooser = (
            _DRUG_INTENT if kind == "drug" else _NEOPLASM_BEHAVIOR if kind == "neoplasm" else {}
        )
        skip = _OPTIONAL | set(chooser) | (_NEOPLASM_WORDS if kind == "neoplasm" else set())
        content = [t for t in tokens if t not in skip]
        if not content:
            return
        # candidate rows: those holding the rarest content word
        postings = [table.by_word.get(t, []) for t in content]
        present = [(len(p), k) for k, p in enumerate(postings) if p]
        if not present:
            return
        _n, rare = min(present)
        for r in postings[rare]:
            words = table.words[r]
            said = [t for t in content if t in words]
            if len(said) < max(1, len(content) - 1) and len(said) < len(content):
                continue
            row = table.rows[r]
            leftover = tuple(t for t in tokens if t not in words)
            spec = len(said) / max(1, len(words))
            cover = len(said) / len(content)
            score = 70.0 + 20.0 * cover + 8.0 * spec - 0.5 * (len(row.path) - 1)
            if cover < 1.0:
                score -= 15.0
            main_words = set(self._tokenize(row.path[0]))
            if content[0] in main_words:
                score += 1.5
            if row.cells:
                col = _choose_column(tokens, chooser)
                code = row.cells[col] if col < len(row.cells) else ""
                if not code:
                    code = next((c for c in row.cells if c), "")
                    col = row.cells.index(code) if code else 0
                if not code:
                    continue
                names = DRUG_COLUMNS if kind == "drug" else NEOPLASM_COLUMNS
                yield IndexHit(kind, row, score, code, names[col], "", leftover)
                # the row's other columns follow it (poisoning, adverse effect, underdosing
                # ... are one step away in a list), below the column the words chose
                for k, other in enumerate(row.cells):
                    if other and k != col:
                        yield IndexHit(
                            kind, row, score - 4.0 - 0.2 * k, other, names[k], "", leftover
                        )
            elif row.code:
                yield IndexHit(kind, row, score, row.code, "", "", leftover)
            elif row.see or row.see_also:
                target = self._follow(table, row.see or row.see_also)
                if target is not None:
                    yield IndexHit(
                        kind, row, score - 2.0, target.code, "", row.see or row.see_also, leftover
                    )
                else:
                    yield IndexHit(
                        kind, row, score - 10.0, "", "", row.see or row.see_also, leftover
                    )

    def _follow(self, table: _Table, ref: str) -> IndexRow | None:
        """The row a "see" reference names ("Herpes, zoster"), when it gives a code."""
        parts = tuple(p.strip().lower() for p in ref.split(",") if p.strip())
        for n in range(len(parts), 0, -1):
            k = table.by_path.get(parts[:n])
            if k is not None and table.rows[k].code:
                return table.rows[k]
        # "see condition" style references name no row: nothing to follow
        return None

    def table_rows(self, query: str, kind: str, limit: int = 5) -> list[IndexHit]:
        """Drug or neoplasm table rows for ``query`` (every column is in ``row.cells``)."""
        table = self.tables.get(kind)
        if table is None:
            return []
        tokens = self._tokens(query)
        hits = sorted(self._search_table(table, tokens), key=lambda h: (-h.score, h.row.path))
        return hits[:limit]


def _choose_column(tokens: list[str], chooser: dict[str, int]) -> int:
    for t in tokens:
        if t in chooser:
            return chooser[t]
    return 0


_memo: dict[str, IndexLookup] = {}
_lock = threading.Lock()


def clear_memo() -> None:
    with _lock:
        _memo.clear()


def load_index_lookup(folder: Path | None = None) -> IndexLookup:
    """The imported index and tables (memoized); empty when nothing was imported."""
    folder = index_dir(folder)
    key = str(folder)
    with _lock:
        found = _memo.get(key)
        if found is not None:
            return found
        from codetrainer.core.search import tokenize

        tables: dict[str, tuple[str, str, list[IndexRow]]] = {}
        words: dict[str, _Words] = {}
        started = time.perf_counter()
        for kind in KINDS:
            path = folder / f"{kind}.bin"
            try:
                k, version, source, rows, row_words = _load(path)
            except (OSError, ValueError, EOFError, TypeError):
                continue
            tables[k] = (version, source, rows)
            words[k] = row_words
        lookup = IndexLookup(tables, tokenize, words)
        lookup.load_seconds = time.perf_counter() - started  # type: ignore[attr-defined]
        _memo[key] = lookup
        return lookup
