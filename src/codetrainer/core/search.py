"""Lookup: ranked codes for what a coder types, across ICD-10-CM, CPT, HCPCS, modifiers.

A query is tried two ways and the answers merged:

* **as a code**: exact (``J02.9``, loose ``j029`` / ``e119``), a branch (``E11.``
  lists E11's billable codes in tabular order, headers too when asked), a prefix
  (``E1``, ``9921``), or "did you mean" codes when nothing fits;
* **as words** against descriptions, inclusion terms and includes notes (the words
  coders look for: J02.9 includes "Sore throat (acute) NOS"). Words may come in any
  order, may be misspelled (rapidfuzz over the vocabulary), the last one may be
  half-typed, and common abbreviations are expanded (``DM2``, ``HTN``, ``URI`` ...).

Scoring (0-100): mostly how much of the query a text covers, weighted by how rare
each word is (idf), plus how little else the text says (words in parentheses are
nonessential modifiers, as in the Alphabetic Index, and do not count against it).
Billable codes get a small bonus and headers a small penalty, so the code a claim can
carry comes first.

Speed: an inverted index (word -> texts) is compiled once per reference version and
cached next to the reference; a query touches only the postings of its own words,
switching to binary search in the long postings lists of very common words.
"""

from __future__ import annotations

import marshal
import math
import re
import struct
import threading
import unicodedata
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codetrainer.core.codes import System
from codetrainer.core.encoder.refine import refine

if TYPE_CHECKING:
    from codetrainer.core.codesets import Catalog
    from codetrainer.core.encoder.cdcindex import IndexLookup
    from codetrainer.core.encoder.layterms import LayTable
    from codetrainer.core.reference import Reference

__all__ = [
    "SEARCH_FORMAT",
    "SYNONYMS",
    "SearchHit",
    "SearchIndex",
    "build_icd_index",
    "clear_memo",
    "load_search_index",
    "tokenize",
]

SEARCH_FORMAT = 4
"""Bump when the index layout or the tokenizer changes."""

_MAGIC = b"CTSRCH1\x00"
_HEADER = struct.Struct("<8sIQ")

SYNONYMS: dict[str, str] = {
    # diabetes
    "dm": "diabetes mellitus",
    "dm1": "type 1 diabetes mellitus",
    "dmi": "type 1 diabetes mellitus",
    "t1dm": "type 1 diabetes mellitus",
    "iddm": "type 1 diabetes mellitus",
    "dm2": "type 2 diabetes mellitus",
    "dmii": "type 2 diabetes mellitus",
    "t2dm": "type 2 diabetes mellitus",
    "niddm": "type 2 diabetes mellitus",
    # heart and vessels
    "htn": "hypertension",
    "hbp": "hypertension",
    "high blood pressure": "hypertension",
    "chf": "congestive heart failure",
    "hf": "heart failure",
    "mi": "myocardial infarction",
    "ami": "acute myocardial infarction",
    "heart attack": "myocardial infarction",
    "cad": "atherosclerotic heart disease coronary artery",
    "ashd": "atherosclerotic heart disease",
    "afib": "atrial fibrillation",
    "af": "atrial fibrillation",
    "dvt": "thrombosis deep vein",
    "pe": "pulmonary embolism",
    "cva": "cerebral infarction",
    "stroke": "cerebral infarction",
    "tia": "transient cerebral ischemic attack",
    "hld": "hyperlipidemia",
    # lungs and ENT
    "uri": "upper respiratory infection",
    "urti": "upper respiratory infection",
    "copd": "chronic obstructive pulmonary disease",
    "sob": "shortness of breath",
    "pna": "pneumonia",
    "osa": "obstructive sleep apnea",
    "om": "otitis media",
    "aom": "acute otitis media",
    "flu": "influenza",
    "strep": "streptococcal",
    "strep throat": "streptococcal pharyngitis",
    "pink eye": "conjunctivitis",
    "ear infection": "otitis media",
    "bladder infection": "cystitis",
    "kidney stone": "calculus kidney",
    "high cholesterol": "hypercholesterolemia",
    "broken": "fracture",
    "sting": "venom",
    "bee sting": "venom bees",
    "wasp sting": "venom wasps",
    "hornet sting": "venom hornets",
    "dog bite": "bitten by dog",
    "cat bite": "bitten by cat",
    "cut": "laceration",
    "hives": "urticaria",
    # belly, kidneys, bladder
    "gerd": "gastro esophageal reflux disease",
    "uti": "urinary tract infection",
    "ckd": "chronic kidney disease",
    "esrd": "end stage renal disease",
    "aki": "acute kidney failure",
    "bph": "benign prostatic hyperplasia",
    "ibs": "irritable bowel syndrome",
    "uc": "ulcerative colitis",
    "n/v": "nausea vomiting",
    # joints, bones, pain
    "oa": "osteoarthritis",
    "ra": "rheumatoid arthritis",
    "lbp": "low back pain",
    "fx": "fracture",
    "ha": "headache",
    "cp": "chest pain",
    # mind
    "adhd": "attention deficit hyperactivity disorder",
    "mdd": "major depressive disorder",
    "gad": "generalized anxiety disorder",
    "ptsd": "post traumatic stress disorder",
    # services and supplies
    "flu shot": "influenza vaccine",
    "venipuncture": "venous blood draw",
    "blood draw": "venous blood draw",
    "ed": "emergency department",
    "er": "emergency department",
    "e/m": "evaluation and management",
    "ekg": "electrocardiogram",
    "ecg": "electrocardiogram",
    "ua": "urinalysis",
    "cbc": "blood count",
    "bmi": "body mass index",
    "hx": "history",
}
"""Abbreviations and lay terms -> the words the official titles use (all lower case)."""

_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
    }
)
_NONESSENTIAL = re.compile(
    r"\((?:[^()]*)\)|\[[^\[\]]*\]|\b(?:site not specified|not specified|"
    r"not elsewhere classified|nec|nos|unspecified (?:organism|site)|site unspecified|"
    r"unspecified)\b",
    re.IGNORECASE,
)
"""Nonessential modifiers (in parentheses or brackets) and "unspecified"-like words."""
_DEFAULT = re.compile(
    r"(?:, unspecified(?: organism| site)?$|^unspecified\b|\bNOS\b|without complications?$|"
    r"site not specified)",
    re.IGNORECASE,
)
"""Texts of the default code when the query names nothing more specific."""
_SPLIT = re.compile(r"[^0-9a-z]+")

_F_DESC, _F_INCL, _F_INCLUDES, _F_CATALOG = 0, 1, 2, 3
_DEFAULT_BIT = 0x80
_FIELD_BONUS = {_F_DESC: 0.0, _F_INCL: -0.5, _F_INCLUDES: -2.0, _F_CATALOG: 0.0}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked answer."""

    system: System
    code: str
    description: str
    billable: bool
    score: float
    """0-100, higher is better."""
    matched: str
    """The text that matched: a description, an inclusion term, or the code itself."""
    seventh: tuple[str, ...] = ()
    """For an ICD-10-CM code that still needs its 7th character, what completes it:
    ``("A", "D", "S")``, or ``("XA", "XD", "XS")`` when the placeholder X comes first."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON row of ``codetrainer lookup --json``."""
        row: dict[str, Any] = {
            "system": self.system.value,
            "code": self.code,
            "description": self.description,
            "billable": self.billable,
            "score": self.score,
            "matched": self.matched,
        }
        if self.seventh:
            row["seventh"] = list(self.seventh)
        return row


def _fold(text: str) -> str:
    text = text.lower()
    if not text.isascii():
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    return text


def _stem(word: str) -> str:
    if len(word) > 4:
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
            return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case, accent-free, stemmed words without stop words."""
    return [_stem(w) for w in _SPLIT.split(_fold(text)) if w and w not in _STOP]


def essential_words(text: str) -> set[str]:
    """The words of ``text`` that say something: not stop words, not in parentheses."""
    return set(tokenize(_NONESSENTIAL.sub(" ", text)))


# ---------------------------------------------------------------------------------------
# one inverted index (the ICD-10-CM one is cached; the catalog one is built on the fly)


class _TextIndex:
    """Texts (each owned by an entry) and word -> sorted text ids.

    Per text: its owner (a reference position or a catalog row), a field byte (what
    kind of text; bit 7 marks a "default" text such as ``..., unspecified``), its
    number of essential words and their word ids (to judge how much of a text the
    query explains).
    """

    def __init__(
        self,
        vocab: list[str],
        post_off: array[int],
        postings: array[int],
        owner: array[int],
        fields: bytes,
        ess: bytes,
        ess_off: array[int],
        ess_ids: array[int],
        item: array[int],
        blob: bytes,
        text_off: array[int],
    ) -> None:
        self.vocab = vocab
        self.word_id = {w: i for i, w in enumerate(vocab)}
        self.post_off = post_off
        self.postings = postings
        self.owner = owner
        self.fields = fields
        self.ess = ess
        self.ess_off = ess_off
        self.ess_ids = ess_ids
        self.item = item
        self.blob = blob
        self.text_off = text_off
        self.n_texts = len(owner)
        self._by_len: dict[int, list[str]] | None = None
        self.resolver: Callable[[int, int, int], str] | None = None
        """Gives a text back from ``(owner, field, item)`` when the blob is not kept."""

    @classmethod
    def build(
        cls, records: Iterable[tuple[int, int, int, str]], *, keep_text: bool = True
    ) -> _TextIndex:
        """``records`` are ``(owner, field, item, text)``; text ids follow their order.

        ``item`` numbers the texts of one field of one owner (the k-th inclusion term),
        so that an index built with ``keep_text=False`` can ask for a text back.
        """
        owner = array("i")
        item = array("H")
        fields = bytearray()
        chunks: list[bytes] = []
        text_off = array("I", [0])
        total = 0
        word_texts: dict[str, list[int]] = {}
        essentials: list[set[str]] = []
        for t, (own, fld, k, text) in enumerate(records):
            owner.append(own)
            item.append(min(k, 0xFFFF))
            fields.append(fld | (_DEFAULT_BIT if _DEFAULT.search(text) else 0))
            words = set(tokenize(text))
            essentials.append(essential_words(text) & words)
            if keep_text:
                data = text.encode("utf-8")
                chunks.append(data)
                total += len(data)
                text_off.append(total)
            for w in words:
                word_texts.setdefault(w, []).append(t)
        vocab = sorted(word_texts)
        word_id = {w: i for i, w in enumerate(vocab)}
        post_off = array("I", [0])
        postings = array("i")
        for w in vocab:
            postings.extend(word_texts[w])
            post_off.append(len(postings))
        ess = bytearray()
        ess_off = array("I", [0])
        ess_ids = array("i")
        for essential in essentials:
            ess.append(min(255, max(1, len(essential))))
            ess_ids.extend(sorted(word_id[w] for w in essential))
            ess_off.append(len(ess_ids))
        return cls(
            vocab,
            post_off,
            postings,
            owner,
            bytes(fields),
            bytes(ess),
            ess_off,
            ess_ids,
            item,
            b"".join(chunks),
            text_off,
        )

    def text(self, t: int) -> str:
        """The text with id ``t`` (from the blob, or asked back from its owner)."""
        if len(self.text_off) > t + 1:
            return self.blob[self.text_off[t] : self.text_off[t + 1]].decode("utf-8")
        if self.resolver is None:
            raise LookupError("this index keeps no texts and has no resolver")
        return self.resolver(self.owner[t], self.fields[t] & 0x7F, self.item[t])

    def df(self, w: int) -> int:
        return self.post_off[w + 1] - self.post_off[w]

    def dump(self) -> bytes:
        payload = marshal.dumps(
            (
                SEARCH_FORMAT,
                "\n".join(self.vocab),
                self.post_off.tobytes(),
                self.postings.tobytes(),
                self.owner.tobytes(),
                self.fields,
                self.ess,
                self.ess_off.tobytes(),
                self.ess_ids.tobytes(),
                self.item.tobytes(),
                self.blob,
                self.text_off.tobytes(),
            )
        )
        return _HEADER.pack(_MAGIC, zlib.adler32(payload), len(payload)) + payload

    @classmethod
    def parse(cls, raw: bytes) -> _TextIndex:
        if len(raw) < _HEADER.size:
            raise ValueError("file too short")
        magic, crc, length = _HEADER.unpack_from(raw)
        payload = memoryview(raw)[_HEADER.size :]
        if magic != _MAGIC or len(payload) != length or zlib.adler32(payload) != crc:
            raise ValueError("damaged search index")
        data = marshal.loads(payload)
        if not isinstance(data, tuple) or len(data) != 12 or data[0] != SEARCH_FORMAT:
            raise ValueError("search index format differs")
        (
            _,
            vocab_text,
            post_off,
            postings,
            owner,
            fields,
            ess,
            ess_off,
            ess_ids,
            item,
            blob,
            text_off,
        ) = data
        if not all(isinstance(c, bytes) for c in (fields, ess, blob)) or not isinstance(
            vocab_text, str
        ):
            raise ValueError("bad column")

        def arr(kind: str, raw_col: Any) -> array[int]:
            if not isinstance(raw_col, bytes):
                raise ValueError("bad column")
            out = array(kind)
            out.frombytes(raw_col)
            return out

        vocab = vocab_text.split("\n") if vocab_text else []
        idx = cls(
            vocab,
            arr("I", post_off),
            arr("i", postings),
            arr("i", owner),
            fields,
            ess,
            arr("I", ess_off),
            arr("i", ess_ids),
            arr("H", item),
            blob,
            arr("I", text_off),
        )
        n = idx.n_texts
        if (
            len(idx.post_off) != len(vocab) + 1
            or idx.post_off[-1] != len(idx.postings)
            or len(fields) != n
            or len(ess) != n
            or len(idx.ess_off) != n + 1
            or idx.ess_off[-1] != len(idx.ess_ids)
            or len(idx.item) != n
            or len(idx.text_off) not in (1, n + 1)
            or idx.text_off[-1] != len(blob)
        ):
            raise ValueError("search index columns disagree")
        return idx

    # -- matching words -------------------------------------------------------------------

    def variants(self, token: str, *, prefix: bool, fuzzy: bool = True) -> list[tuple[int, float]]:
        """Vocabulary words standing for ``token``: ``(word id, quality 0-1)``.

        ``fuzzy=False`` when the word is spelled right somewhere else (another index,
        the lay-term table): "department" is then never read as "compartment".
        """
        out: dict[int, float] = {}
        exact = self.word_id.get(token)
        if exact is not None:
            out[exact] = 1.0
        if prefix and len(token) >= 3:
            # a half-typed last word: its completions, shortest first, within a budget
            lo = bisect_left(self.vocab, token)
            found: list[int] = []
            for w in range(lo, len(self.vocab)):
                if not self.vocab[w].startswith(token):
                    break
                found.append(w)
            found.sort(key=lambda w: (len(self.vocab[w]), self.vocab[w]))
            budget = 25_000
            for w in found[:40]:
                budget -= self.df(w)
                if budget < 0 and out:
                    break
                out.setdefault(w, 0.9)
        if fuzzy and exact is None and len(token) >= 4:
            for w, quality in self._fuzzy(token):
                if w not in out:
                    out[w] = quality
        return list(out.items())

    def _fuzzy(self, token: str) -> list[tuple[int, float]]:
        from rapidfuzz import fuzz, process

        if self._by_len is None:
            by_len: dict[int, list[str]] = {}
            for w in self.vocab:
                by_len.setdefault(len(w), []).append(w)
            self._by_len = by_len
        n = len(token)
        pool: list[str] = []
        for k in range(n - 2, n + 3):
            pool.extend(self._by_len.get(k, ()))
        cutoff = 85.0 if n <= 4 else 80.0 if n <= 6 else 76.0
        found = process.extract(
            token, pool, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=4
        )
        return [(self.word_id[w], 0.85 * float(score) / 100.0) for w, score, _ in found]


@dataclass(slots=True)
class _Group:
    """One query word (or one word of an expanded abbreviation)."""

    token: str
    variants: list[tuple[int, float]]
    weight: float
    df: int


def _groups(
    index: _TextIndex,
    tokens: list[str],
    last_is_prefix: bool,
    no_fuzzy: Collection[str] = (),
) -> list[_Group]:
    n = max(1, index.n_texts)
    groups: list[_Group] = []
    for k, tok in enumerate(tokens):
        variants = index.variants(
            tok, prefix=last_is_prefix and k == len(tokens) - 1, fuzzy=tok not in no_fuzzy
        )
        df = max((index.df(w) for w, _ in variants), default=0)
        weight = math.log((n + 1) / (df + 0.5)) if variants else math.log(n + 1)
        groups.append(_Group(tok, variants, max(weight, 0.05), df))
    return groups


_PRIOR = -0.002
"""Each candidate starts a little below zero, less so for short texts: the first pass
then prefers short texts among equal coverage (the offset is removed again later)."""


def _coverage(index: _TextIndex, groups: list[_Group]) -> dict[int, float]:
    """Share of the query's weight each candidate text covers (0-1, minus a tiny prior).

    Groups are added rarest first; a very common word (more postings than the
    candidates so far can use) only raises existing candidates, found by binary
    search in its sorted postings, instead of adding thousands of new ones.
    """
    total = sum(g.weight for g in groups) or 1.0
    cover: dict[int, float] = {}
    postings, post_off = index.postings, index.post_off
    for group in sorted(groups, key=lambda g: g.df):
        if not group.variants:
            continue
        share = group.weight / total
        size = sum(index.df(w) for w, _ in group.variants)
        if len(cover) >= 1000 and size > 1500:
            # intersect in C: the candidates that also contain this word
            done: set[int] = set()
            for w, quality in sorted(group.variants, key=lambda v: -v[1]):
                hits = cover.keys() & set(postings[post_off[w] : post_off[w + 1]])
                hits -= done
                inc = share * quality
                for t in hits:
                    cover[t] += inc
                done |= hits
            continue
        get = cover.get
        ess = index.ess
        if len(group.variants) == 1:
            w, quality = group.variants[0]
            inc = share * quality
            for t in postings[post_off[w] : post_off[w + 1]]:
                cover[t] = get(t, _PRIOR * ess[t]) + inc
            continue
        best_of: dict[int, float] = {}
        best_get = best_of.get
        for w, quality in group.variants:
            for t in postings[post_off[w] : post_off[w + 1]]:
                if best_get(t, 0.0) < quality:
                    best_of[t] = quality
        for t, quality in best_of.items():
            cover[t] = get(t, _PRIOR * ess[t]) + share * quality
    return cover


def _text_mask(index: _TextIndex, t: int, groups: list[_Group]) -> int:
    """Which groups text ``t`` contains (bit k for group k)."""
    postings, post_off = index.postings, index.post_off
    mask = 0
    for k, group in enumerate(groups):
        for w, _ in group.variants:
            lo, hi = post_off[w], post_off[w + 1]
            pos = bisect_left(postings, t, lo, hi)
            if pos < hi and postings[pos] == t:
                mask |= 1 << k
                break
    return mask


# ---------------------------------------------------------------------------------------
# the public index


@dataclass(slots=True)
class _CatalogRow:
    system: System
    code: str
    description: str
    billable: bool


class SearchIndex:
    """Answers :meth:`search`; build it with :func:`load_search_index`."""

    def __init__(
        self,
        reference: Reference | None,
        icd_index: _TextIndex | None,
        catalog: Catalog | None,
        *,
        lay_table: LayTable | None = None,
        use_lay_terms: bool = True,
        cdc_index: IndexLookup | None = None,
    ) -> None:
        self.reference = reference
        self.catalog = catalog
        self._icd = icd_index
        self._meanings: dict[str, frozenset[str]] = {}
        if icd_index is not None and reference is not None and icd_index.resolver is None:
            icd_index.resolver = _icd_text(reference)
        self._rows: list[_CatalogRow] = []
        records: list[tuple[int, int, int, str]] = []
        if catalog is not None:
            for system, code, description, billable in sorted(
                catalog.raw_entries(), key=lambda r: (r[0], r[1])
            ):
                if system is System.ICD10CM and reference is not None:
                    continue  # the reference already covers them
                if system is System.ICD10CM and not description:
                    continue
                self._rows.append(_CatalogRow(system, code, description, billable))
                if description:
                    records.append((len(self._rows) - 1, _F_CATALOG, 0, description))
                    spelled = _spell_out(description)
                    if spelled != description:
                        records.append((len(self._rows) - 1, _F_CATALOG, 1, spelled))
        self._cat = _catalog_index(records)
        self._row_by_key = {(r.system, r.code): i for i, r in enumerate(self._rows)}
        self._lay: LayTable | None = lay_table
        if self._lay is None and use_lay_terms:
            from codetrainer.core.encoder.layterms import load_lay_table

            self._lay = load_lay_table()
        self.cdc_index: IndexLookup | None = cdc_index if cdc_index else None
        """The imported CDC Alphabetic Index and tables, when a school imported them."""

    # -- entry point ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        systems: Collection[System] | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Ranked hits for ``query`` (best first, at most ``limit``).

        A query that ends in a space is taken as complete (its last word is not
        completed as a prefix).
        """
        text = " ".join(query.split())
        if not text or limit <= 0:
            return []
        allowed = set(systems) if systems else set(System)
        found: dict[tuple[System, str], SearchHit] = {}

        def add(hits: Iterable[SearchHit]) -> None:
            for hit in hits:
                key = (hit.system, hit.code)
                old = found.get(key)
                if old is None or hit.score > old.score:
                    found[key] = hit

        code_like = _looks_like_code(text)
        add(self._code_hits(text, allowed, limit))
        if not code_like or text.lower() in SYNONYMS:
            add(self._word_hits(text, allowed, limit, query.endswith((" ", "\t"))))
        if not found:
            add(self._suggest_hits(text, allowed, limit))
        ranked = sorted(
            found.values(), key=lambda h: (-h.score, not h.billable, h.system.value, h.code)
        )
        return [
            replace(h, score=round(min(100.0, max(0.0, h.score)), 1), seventh=self._seventh_of(h))
            for h in ranked[:limit]
        ]

    def _seventh_of(self, hit: SearchHit) -> tuple[str, ...]:
        """What completes a shown ICD-10-CM code still missing its 7th character."""
        ref = self.reference
        if ref is None or hit.billable or hit.system is not System.ICD10CM:
            return ()
        i = ref.index_of(hit.code)
        return ref.seventh_suffixes_at(i) if i is not None else ()

    def warm_up(self) -> None:
        """Do the one-off work of a first query now (import rapidfuzz, length buckets).

        A UI can call this in a background worker right after loading.
        """
        for index in (self._icd, self._cat):
            if index is not None and index.n_texts:
                index.variants("warmup", prefix=True)

    # -- codes ----------------------------------------------------------------------------

    def _icd_hit(self, i: int, score: float, matched: str | None = None) -> SearchHit:
        ref = self.reference
        assert ref is not None
        code = ref.code_at(i)
        return SearchHit(
            System.ICD10CM,
            code,
            ref.description_at(i),
            ref.is_billable_at(i),
            score,
            matched if matched is not None else code,
        )

    def _row_hit(self, r: int, score: float, matched: str | None = None) -> SearchHit:
        row = self._rows[r]
        return SearchHit(
            row.system,
            row.code,
            row.description,
            row.billable,
            score,
            matched if matched is not None else row.code,
        )

    def _code_hits(self, text: str, allowed: set[System], limit: int) -> Iterator[SearchHit]:
        raw = "".join(text.split()).upper()
        compact = raw.rstrip(".-*").lstrip("-")
        if not (_looks_like_code(text) or re.fullmatch(r"[A-Z0-9]{2}", compact)):
            return
        flat = compact.replace(".", "")
        if (
            System.ICD10CM in allowed
            and self.reference is not None
            and re.fullmatch(r"[A-Z][0-9A-Z]{1,6}", flat)
        ):
            yield from self._icd_code_hits(flat, limit)
        for system in (System.CPT, System.HCPCS, System.MODIFIER):
            if system not in allowed:
                continue
            exact = self._row_by_key.get((system, flat))
            if exact is not None:
                yield self._row_hit(exact, 100.0)
            if system is System.MODIFIER or len(flat) < 2:
                continue
            rank = 0
            for r, row in enumerate(self._rows):
                if row.system is system and row.code.startswith(flat) and row.code != flat:
                    yield self._row_hit(r, 90.0 - rank * 0.01)
                    rank += 1
                    if rank >= limit:
                        break

    def _icd_code_hits(self, flat: str, limit: int) -> Iterator[SearchHit]:
        ref = self.reference
        assert ref is not None
        dotted = flat if len(flat) <= 3 else f"{flat[:3]}.{flat[3:]}"
        i = ref.index_of(dotted) if len(flat) >= 3 else None
        if i is not None:
            yield self._icd_hit(i, 100.0)
            if ref.is_billable_at(i):
                return
            # a header: its billable codes in tabular order
            rank = 0
            for j in range(i + 1, ref.subtree_end(i)):
                if ref.is_billable_at(j):
                    yield self._icd_hit(j, 95.0 - rank * 0.001)
                    rank += 1
                    if rank >= limit:
                        break
            return
        # a partial code: what starts with it (categories for one or two characters)
        for rank, j in enumerate(self._icd_prefix_positions(flat, limit * 2)):
            yield self._icd_hit(j, 90.0 - rank * 0.001)

    def _icd_prefix_positions(self, flat: str, cap: int) -> list[int]:
        ref = self.reference
        assert ref is not None
        if len(flat) <= 2:
            return [i for i in ref.category_positions() if ref.code_at(i).startswith(flat)][:cap]
        dotted = f"{flat[:3]}.{flat[3:]}"
        for n in range(len(flat) - 1, 2, -1):
            parent = ref.index_of(f"{flat[:3]}.{flat[3:n]}" if n > 3 else flat[:3])
            if parent is None:
                continue
            out: list[int] = []
            for j in range(parent + 1, ref.subtree_end(parent)):
                if ref.code_at(j).startswith(dotted):
                    out.append(j)
                    if len(out) >= cap:
                        break
            return out
        return []

    def _suggest_hits(self, text: str, allowed: set[System], limit: int) -> Iterator[SearchHit]:
        ref = self.reference
        flat = "".join(text.split()).upper().replace(".", "").rstrip("-")
        if (
            ref is None
            or System.ICD10CM not in allowed
            or not re.fullmatch(r"[A-Z][0-9A-Z]{2,6}", flat)
            or not any(c.isdigit() for c in flat)
        ):
            return
        for rank, code in enumerate(ref.suggest(flat, limit=min(limit, 8))):
            i = ref.index_of(code)
            if i is not None:
                yield self._icd_hit(i, 60.0 - rank * 0.1, f"did you mean {code}?")

    # -- words ----------------------------------------------------------------------------

    def _known_words(self, tokens: list[str]) -> frozenset[str]:
        """Query words spelled exactly as some index or the lay table has them."""
        out: set[str] = set()
        for tok in tokens:
            if (
                (self._icd is not None and tok in self._icd.word_id)
                or tok in self._cat.word_id
                or (self._lay is not None and tok in self._lay.vocab)
            ):
                out.add(tok)
        return frozenset(out)

    def _cdc_hits(self, text: str) -> list[SearchHit]:
        """ICD-10-CM hits from the imported Alphabetic Index and tables.

        The index path is shown as ``matched`` ("Sprain > ankle -> S93.40-"); a code
        ending in "-" is completed in the tabular list by the leftover query words
        (side, encounter), down to the code that only lacks its 7th character.
        """
        ref = self.reference
        if ref is None or self.cdc_index is None:
            return []
        out: list[SearchHit] = []
        for h in self.cdc_index.search(text, limit=8):
            if not h.code:
                continue
            i = ref.index_of(h.code.rstrip("-").rstrip("."))
            if i is None:
                continue  # a code of another release
            j, used = refine(ref, i, h.leftover, tokenize)
            score = 0.97 * h.score + 1.5 * used
            out.append(self._icd_hit(j, score, h.path_text()))
        return out

    def _lay_hits(
        self, tokens: list[str], prefix: bool, allowed: set[System], known: Collection[str]
    ) -> list[SearchHit]:
        """Hits from the bundled lay-term table (lay terms, brands, procedure verbs ...).

        Score 84-98 by how much of the query the term explains; among an entry's codes
        the listed order and the leftover query words ("moderate", "right") decide.
        """
        lay = self._lay
        if lay is None or not tokens:
            return []
        ref = self.reference
        out: list[SearchHit] = []
        for m in lay.match(tokens, prefix_last=prefix, exact_elsewhere=known, systems=allowed)[:6]:
            base = 84.0 + 14.0 * m.covered * m.complete
            left = set(m.leftover)
            if left:
                # only words that tell the entry's codes apart count ("high", not "complexity")
                said_by = [
                    set(tokenize(self._rows[r].description))
                    for r in (self._row_by_key.get(p) for p in m.entry.pairs())
                    if r is not None
                ]
                if len(said_by) > 1:
                    left -= said_by[0].intersection(*said_by[1:])
            for k, (system, code) in enumerate(m.entry.pairs()):
                if system not in allowed:
                    continue
                score = base - 0.4 * k
                if system is System.ICD10CM:
                    if ref is None:
                        continue
                    i = ref.index_of(code)
                    if i is None:
                        continue
                    j, used = refine(ref, i, m.leftover, tokenize)
                    out.append(self._icd_hit(j, score + 1.5 * used, m.term))
                    continue
                r = self._row_by_key.get((system, code))
                if r is None:
                    continue
                if left:
                    said = set(tokenize(self._rows[r].description))
                    score += 4.0 * len(left & said) / len(m.leftover)
                out.append(self._row_hit(r, score, m.term))
        return out

    @staticmethod
    def _queries(text: str) -> list[list[str]]:
        """The query's tokens, plus a second version with abbreviations expanded."""
        folded = _fold(text)
        plain = tokenize(folded)
        words = [w for w in re.split(r"[^0-9a-z/]+", folded) if w]
        expanded: list[str] = []
        changed = False
        k = 0
        while k < len(words):
            for size in (3, 2, 1):
                key = " ".join(words[k : k + size])
                if size <= len(words) - k and key in SYNONYMS:
                    expanded.extend(tokenize(SYNONYMS[key]))
                    k += size
                    changed = True
                    break
            else:
                expanded.extend(tokenize(words[k]))
                k += 1
        out = [plain] if plain else []
        if changed and expanded and expanded != plain:
            out.append(expanded)
        return out

    def _word_hits(
        self, text: str, allowed: set[System], limit: int, ended: bool
    ) -> list[SearchHit]:
        best: dict[tuple[System, str], SearchHit] = {}
        want_cat = bool(allowed - {System.ICD10CM}) or self.reference is None
        for tokens in self._queries(text):
            prefix = not ended and tokens[-1] not in SYNONYMS
            known = self._known_words(tokens)
            found: list[SearchHit] = []
            if System.ICD10CM in allowed and self._icd is not None:
                found.extend(self._rank_icd(self._icd, tokens, prefix, limit, known))
            if want_cat and self._cat.n_texts:
                found.extend(self._rank_catalog(tokens, prefix, allowed, limit, known))
            found.extend(self._lay_hits(tokens, prefix, allowed, known))
            if System.ICD10CM in allowed and self.cdc_index is not None:
                found.extend(self._cdc_hits(" ".join(tokens)))
            for hit in found:
                key = (hit.system, hit.code)
                if key not in best or hit.score > best[key].score:
                    best[key] = hit
        return list(best.values())

    @staticmethod
    def _top_texts(
        index: _TextIndex,
        tokens: list[str],
        prefix: bool,
        keep: int,
        no_fuzzy: Collection[str] = (),
    ) -> tuple[list[tuple[float, int, int]], list[_Group]]:
        """``(score, text id, matched-group mask)`` of the best texts.

        A cheap first pass (coverage, shorter texts first on a tie) keeps ``keep``
        candidates; each is then scored exactly from its own essential words.
        """
        groups = _groups(index, tokens, prefix, no_fuzzy)
        cover = _coverage(index, groups)
        if not cover:
            return [], groups
        if len(cover) > keep:
            import heapq
            from operator import itemgetter

            first = [t for t, _ in heapq.nlargest(keep, cover.items(), key=itemgetter(1))]
        else:
            first = list(cover)
        group_ids = [frozenset(w for w, _ in g.variants) for g in groups]
        n_groups = len(groups)
        ess, ess_off, ess_ids, fields = index.ess, index.ess_off, index.ess_ids, index.fields
        out: list[tuple[float, int, int]] = []
        for t in first:
            mask = _text_mask(index, t, groups)
            matched: set[int] = set()
            for k in range(n_groups):
                if mask >> k & 1:
                    matched |= group_ids[k]
            essential = ess_ids[ess_off[t] : ess_off[t + 1]]
            spec = sum(1 for w in essential if w in matched) / len(essential) if essential else 1.0
            full = 2.0 if mask.bit_count() == n_groups else 0.0
            coverage = cover[t] - _PRIOR * ess[t]
            field = fields[t]
            score = 76.0 * coverage + 18.0 * spec + full + _FIELD_BONUS[field & 0x7F]
            if field & _DEFAULT_BIT:
                score += 1.0
            out.append((score, t, mask))
        return out, groups

    def _rank_icd(
        self,
        index: _TextIndex,
        tokens: list[str],
        prefix: bool,
        limit: int,
        no_fuzzy: Collection[str] = (),
    ) -> list[SearchHit]:
        ref = self.reference
        assert ref is not None
        scored, groups = self._top_texts(index, tokens, prefix, max(150, limit * 8), no_fuzzy)
        per_owner: dict[int, tuple[float, int, int]] = {}
        for score, t, mask in scored:
            i = index.owner[t]
            score += 3.0 if ref.is_billable_at(i) else -6.0
            old = per_owner.get(i)
            if old is None or score > old[0]:
                per_owner[i] = (score, t, mask)
        top = sorted(per_owner.items(), key=lambda kv: (-kv[1][0], kv[0]))[: limit + 5]
        hits: list[SearchHit] = []
        for i, (score, t, mask) in top:
            matched = index.text(t)
            refined = self._seventh(i, score, mask, groups)
            if refined is not None:
                hits.append(self._icd_hit(refined[0], refined[1], matched))
                continue
            hits.append(self._icd_hit(i, score, matched))
            if not ref.is_billable_at(i):
                # a header: also offer the code it leads to (the side/encounter words
                # left over choose among its children, else its default child)
                left = [g.token for k, g in enumerate(groups) if not mask >> k & 1]
                j, used = refine(ref, i, left, tokenize)
                if j != i:
                    bonus = 9.0 if ref.is_billable_at(j) else 6.5
                    hits.append(self._icd_hit(j, score + bonus + 2.0 * used - 0.5, matched))
        return hits

    def _seventh(
        self, i: int, score: float, matched_mask: int, groups: list[_Group]
    ) -> tuple[int, float] | None:
        """Pick the 7th-character child when leftover query words name one."""
        ref = self.reference
        assert ref is not None
        if i + 1 >= len(ref) or not ref.is_generated_at(i + 1):
            return None
        left = [g for k, g in enumerate(groups) if not matched_mask >> k & 1]
        if not left:
            return None
        total = sum(g.weight for g in groups) or 1.0
        best: tuple[float, int] | None = None
        for j in ref.child_positions(i):
            raw = ref.seventh_meaning_at(j)
            meaning = self._meanings.get(raw)
            if meaning is None:
                meaning = self._meanings[raw] = frozenset(tokenize(raw))
            gain = sum(
                g.weight
                for g in left
                if g.token in meaning
                or (len(g.token) >= 3 and any(m.startswith(g.token) for m in meaning))
            )
            if gain and (best is None or gain > best[0]):
                best = (gain, j)
        if best is None:
            return None
        # now a billable code: the header penalty goes, the billable bonus comes
        return best[1], score + 76.0 * best[0] / total + 9.0

    def _rank_catalog(
        self,
        tokens: list[str],
        prefix: bool,
        allowed: set[System],
        limit: int,
        no_fuzzy: Collection[str] = (),
    ) -> list[SearchHit]:
        index = self._cat
        scored, _groups = self._top_texts(index, tokens, prefix, max(100, limit * 5), no_fuzzy)
        per_row: dict[int, tuple[float, int]] = {}
        for score, t, _mask in scored:
            r = index.owner[t]
            row = self._rows[r]
            if row.system not in allowed:
                continue
            score += 3.0 if row.billable else 0.0
            old = per_row.get(r)
            if old is None or score > old[0]:
                per_row[r] = (score, t)
        top = sorted(per_row.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        return [self._row_hit(r, s, index.text(t)) for r, (s, t) in top]


_ABBREV = re.compile(r"\b[A-Z][A-Z/&]{1,4}\b")


def _spell_out(text: str) -> str:
    """A catalog summary with its capitalized abbreviations spelled out ("ED visit" ->
    "emergency department visit"), indexed beside it so both spellings are words."""

    def expand(m: re.Match[str]) -> str:
        return SYNONYMS.get(m.group(0).lower(), m.group(0))

    return _ABBREV.sub(expand, text)


def _looks_like_code(text: str) -> bool:
    """One token shaped like a code (letters and digits, at least one digit)."""
    raw = "".join(text.split()).upper().rstrip(".-*").lstrip("-")
    return (
        " " not in text.strip()
        and bool(re.fullmatch(r"[0-9A-Z.]{2,8}", raw))
        and any(c.isdigit() for c in raw)
    )


# ---------------------------------------------------------------------------------------
# building and caching the ICD-10-CM index


def _icd_records(reference: Reference) -> Iterator[tuple[int, int, int, str]]:
    for i in range(len(reference)):
        if reference.is_generated_at(i) or reference.kind_at(i) in ("chapter", "block"):
            continue
        description, inclusion, includes = reference.texts_at(i)
        yield i, _F_DESC, 0, description
        for k, term in enumerate(inclusion):
            yield i, _F_INCL, k, term
        for k, term in enumerate(includes):
            yield i, _F_INCLUDES, k, term


def _icd_text(reference: Reference) -> Callable[[int, int, int], str]:
    """Gives an indexed ICD-10-CM text back from the reference (the index keeps none)."""

    def text(owner: int, fld: int, item: int) -> str:
        description, inclusion, includes = reference.texts_at(owner)
        if fld == _F_INCL:
            return inclusion[item]
        if fld == _F_INCLUDES:
            return includes[item]
        return description

    return text


def _index_path(reference: Reference, cache_dir: Path | None) -> Path:
    if cache_dir is None:
        if reference.build.cache_file:
            cache_dir = Path(reference.build.cache_file).parent
        else:
            from codetrainer import paths

            cache_dir = paths.cache_dir()
    return cache_dir / f"icd10cm-search-{reference.fingerprint}-s{SEARCH_FORMAT}.bin"


def _load_icd_index(reference: Reference, cache_dir: Path | None) -> _TextIndex:
    path = _index_path(reference, cache_dir)
    try:
        index = _TextIndex.parse(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        index = build_icd_index(reference)
        try:
            from codetrainer.fileio import write_bytes_atomic

            write_bytes_atomic(path, index.dump())
        except OSError:
            pass
        else:
            for old in path.parent.glob("icd10cm-search-*.bin"):
                if old != path:
                    old.unlink(missing_ok=True)
    index.resolver = _icd_text(reference)
    return index


def build_icd_index(reference: Reference) -> _TextIndex:
    """Compile the ICD-10-CM word index (about 2-4 s; normally read from the cache)."""
    index = _TextIndex.build(_icd_records(reference), keep_text=False)
    index.resolver = _icd_text(reference)
    return index


_CATALOG_CACHE_MIN = 1000
"""Catalog word indexes at least this big are cached (an imported HCPCS file: ~0.5 s)."""


def _catalog_index(records: list[tuple[int, int, int, str]]) -> _TextIndex:
    """The word index of the code sets; cached on disk when the sets are large."""
    if len(records) < _CATALOG_CACHE_MIN:
        return _TextIndex.build(records)
    import hashlib

    from codetrainer import paths

    key = hashlib.sha1(repr(records).encode("utf-8")).hexdigest()[:16]
    path = paths.cache_dir() / f"catalog-search-{key}-s{SEARCH_FORMAT}.bin"
    try:
        return _TextIndex.parse(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    index = _TextIndex.build(records)
    try:
        from codetrainer.fileio import write_bytes_atomic

        write_bytes_atomic(path, index.dump())
    except OSError:
        return index
    for old in path.parent.glob("catalog-search-*.bin"):
        if old != path:
            old.unlink(missing_ok=True)
    return index


_memo: dict[str, SearchIndex] = {}
_lock = threading.Lock()


def clear_memo() -> None:
    """Forget the memoized default index (tests)."""
    with _lock:
        _memo.clear()


def load_search_index(
    reference: Reference | None = None,
    catalog: Catalog | None = None,
    *,
    cache_dir: Path | None = None,
) -> SearchIndex:
    """The lookup index over the reference and the catalog (defaults: the loaded ones).

    With no arguments the result is memoized per process. The ICD-10-CM word index
    is read from (or compiled into) the cache folder next to the reference cache.
    """
    default = reference is None and catalog is None and cache_dir is None
    if default:
        with _lock:
            if "default" in _memo:
                return _memo["default"]
    if reference is None:
        from codetrainer.core.reference import ReferenceUnavailable, load_reference

        try:
            reference = load_reference()
        except ReferenceUnavailable:
            reference = None
    if catalog is None:
        from codetrainer.core.codesets import load_catalog

        catalog = load_catalog(reference=reference)
    icd = _load_icd_index(reference, cache_dir) if reference is not None else None
    from codetrainer.core.encoder.cdcindex import index_dir, load_index_lookup

    cdc = load_index_lookup() if cache_dir is None and index_dir().is_dir() else None
    index = SearchIndex(reference, icd, catalog, cdc_index=cdc)
    if default:
        with _lock:
            _memo["default"] = index
    return index
