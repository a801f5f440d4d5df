"""Curated and imported code sets: CPT summaries, HCPCS Level II, modifiers, ICD notes.

A :class:`Catalog` merges the YAML code sets bundled in ``content/codesets`` with the
sets an instructor imported into ``paths.user_codesets_dir()``. An imported set wins
over a bundled one for the same code (a school's licensed CPT descriptors replace our
plain-language summaries). ICD-10-CM entries may leave ``description`` out: the
official FY2026 title is taken from the reference, only when someone asks for it.

Two importers write such sets (never into the repository):

* :func:`import_hcpcs` reads the CMS annual HCPCS Level II file
  (``HCPC2026_JAN_ANWEB_*.txt``): fixed-width 320-character records, code in columns
  1-5 (a modifier in 4-5), sequence 6-10, record id in 11 (``3`` a procedure's first
  line, ``4`` its continuation, ``7``/``8`` the same for modifiers), long description
  12-91, short description 92-119. CPT lines and numeric (CPT) modifiers are skipped:
  their descriptors belong to the AMA.
* :func:`import_cpt` reads a school's licensed CPT descriptor CSV (code and
  description columns, header row optional).
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codetrainer.core.codes import CodeFormatError, System, detect_system, normalize
from codetrainer.core.diagnostics import Diagnostic

if TYPE_CHECKING:
    from codetrainer.core.models import CodeSet
    from codetrainer.core.reference import Reference

__all__ = [
    "USER_MAX_BYTES",
    "Catalog",
    "CodeInfo",
    "CodeSetImportError",
    "ImportResult",
    "SetInfo",
    "clear_memo",
    "import_cpt",
    "import_hcpcs",
    "load_catalog",
    "parse_hcpcs",
]

USER_MAX_BYTES = 64 * 1024 * 1024
"""Imported sets can be large (the whole HCPCS file); bundled ones keep the 1 MiB cap."""

Origin = Literal["bundled", "user"]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """One code as learners see it: number, description, billable flag, a note."""

    system: System
    code: str
    description: str
    billable: bool
    notes: str
    source: str
    """The id of the code set it came from (``reference`` for the ICD-10-CM tabular)."""


@dataclass(frozen=True, slots=True)
class SetInfo:
    """One loaded code set file."""

    id: str
    system: System
    year: str
    source: str
    """The set's own ``source:`` text (where the numbers and words come from)."""
    path: str
    origin: Origin
    count: int


@dataclass(frozen=True, slots=True)
class _Raw:
    description: str
    billable: bool
    notes: str
    source: str
    origin: Origin


class Catalog:
    """Every code set that is loaded, merged, with the ICD-10-CM reference behind it."""

    def __init__(
        self,
        sets: Iterable[tuple[SetInfo, Iterable[tuple[str, str, bool, str]]]] = (),
        *,
        reference: Reference | Callable[[], Reference | None] | None = None,
        problems: Iterable[Diagnostic] = (),
    ) -> None:
        """``sets`` pairs each :class:`SetInfo` with ``(code, description, billable, notes)``.

        ``reference`` is a Reference or a zero-argument callable returning one (called
        lazily, the first time an ICD-10-CM description or fallback is needed).
        """
        self._codes: dict[tuple[System, str], _Raw] = {}
        self.sets: list[SetInfo] = []
        """The files that were loaded, in load order."""
        self.problems: list[Diagnostic] = list(problems)
        """Diagnostics of code set files that could not be loaded (they are skipped)."""
        self.overridden: int = 0
        """How many bundled entries an imported set replaced."""
        self._reference_source = reference
        self._reference: Reference | None = None
        self._reference_tried = False
        for info, rows in sets:
            self._add(info, rows)

    def _add(self, info: SetInfo, rows: Iterable[tuple[str, str, bool, str]]) -> None:
        count = 0
        for code, description, billable, notes in rows:
            key = (info.system, code)
            old = self._codes.get(key)
            if old is not None:
                if old.origin == "user" or info.origin == "bundled":
                    continue  # first one wins within an origin; user sets beat bundled
                self.overridden += 1
            self._codes[key] = _Raw(description, billable, notes, info.id, info.origin)
            count += 1
        self.sets.append(info)

    def with_sets(
        self, extra: Iterable[tuple[SetInfo, Iterable[tuple[str, str, bool, str]]]]
    ) -> Catalog:
        """A new catalog: this one's codes plus ``extra`` sets (e.g. files named to
        ``validate``); an extra set of origin ``user`` overrides bundled entries."""
        out = Catalog(reference=self._reference_source, problems=self.problems)
        out._codes = dict(self._codes)
        out.sets = list(self.sets)
        out.overridden = self.overridden
        for info, rows in extra:
            out._add(info, rows)
        return out

    # -- reference ------------------------------------------------------------------------

    @property
    def reference(self) -> Reference | None:
        """The ICD-10-CM reference, loaded on first use (None when unavailable)."""
        if not self._reference_tried:
            self._reference_tried = True
            source = self._reference_source
            if source is None:
                self._reference = None
            elif callable(source):
                try:
                    self._reference = source()
                except Exception:  # the catalog still serves its own sets
                    self._reference = None
            else:
                self._reference = source
        return self._reference

    # -- queries --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, tuple) and len(item) == 2:
            system, code = item
            return (
                isinstance(system, System)
                and isinstance(code, str)
                and (self._key(system, code) in self._codes)
            )
        return False

    @staticmethod
    def _canonical(system: System, code: str) -> str | None:
        try:
            return normalize(code, system).code
        except CodeFormatError:
            return None

    def _key(self, system: System, code: str) -> tuple[System, str]:
        return (system, self._canonical(system, code) or code)

    def has(self, system: System, code: str) -> bool:
        """True when a code set (not the reference) lists the code."""
        return self._key(system, code) in self._codes

    def get(self, system: System, code: str) -> CodeInfo | None:
        """The code in ``system`` (any loose spelling), or None.

        ICD-10-CM codes that no set lists come from the reference (``source`` is
        ``reference``); a set's ICD entry without a description gets the official title.
        """
        canonical = self._canonical(system, code)
        if canonical is None:
            if system is not System.ICD10CM:
                return None
            canonical = code.strip().upper()
        raw = self._codes.get((system, canonical))
        if system is not System.ICD10CM:
            if raw is None:
                return None
            return CodeInfo(system, canonical, raw.description, raw.billable, raw.notes, raw.source)
        ref = self.reference
        entry = ref.get(canonical) if ref is not None else None
        if raw is None:
            if entry is None or entry.kind in ("chapter", "block"):
                return None
            return CodeInfo(system, entry.code, entry.description, entry.billable, "", "reference")
        description = raw.description or (entry.description if entry is not None else "")
        billable = entry.billable if entry is not None else raw.billable
        return CodeInfo(system, canonical, description, billable, raw.notes, raw.source)

    def lookup(self, code: str) -> CodeInfo | None:
        """Find a code whatever its system, detected from its shape.

        ``A4253`` is HCPCS first (ICD-10-CM second); two characters are a modifier.
        """
        text = code.strip()
        system = detect_system(text)
        order: list[System] = []
        if system is not None:
            order.append(system)
        if system is System.HCPCS:
            order.append(System.ICD10CM)
        compact = text.lstrip("-").strip()
        if len(compact) == 2:
            order.insert(0, System.MODIFIER)
        if system is None and len(compact) != 2:
            order.append(System.ICD10CM)
        for candidate in order:
            info = self.get(candidate, text)
            if info is not None:
                return info
        return None

    def entries(self, system: System | None = None) -> list[CodeInfo]:
        """Every code the sets list (not the whole reference), sorted by system and code."""
        out: list[CodeInfo] = []
        for (sys_, code), raw in sorted(self._codes.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            if system is not None and sys_ is not system:
                continue
            if sys_ is System.ICD10CM and (not raw.description):
                info = self.get(sys_, code)
                if info is not None:
                    out.append(info)
                    continue
            out.append(CodeInfo(sys_, code, raw.description, raw.billable, raw.notes, raw.source))
        return out

    def raw_entries(self) -> list[tuple[System, str, str, bool]]:
        """``(system, code, description, billable)`` for every listed code, cheaply.

        ICD-10-CM descriptions stay empty when the set left them out (no reference load).
        """
        return [
            (system, code, raw.description, raw.billable)
            for (system, code), raw in self._codes.items()
        ]

    def counts(self) -> dict[System, int]:
        """How many codes are listed per system."""
        out: dict[System, int] = {}
        for system, _code in self._codes:
            out[system] = out.get(system, 0) + 1
        return out


# ---------------------------------------------------------------------------------------
# loading


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file()
    )


def _signature(folders: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    out: list[tuple[str, int, int]] = []
    for folder in folders:
        for p in _files(folder):
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _read_sets(
    folder: Path, origin: Origin, max_bytes: int
) -> tuple[list[tuple[SetInfo, list[tuple[str, str, bool, str]]]], list[Diagnostic]]:
    from codetrainer.core.packs import load_codeset

    loaded: list[tuple[SetInfo, list[tuple[str, str, bool, str]]]] = []
    problems: list[Diagnostic] = []
    for path in _files(folder):
        result = load_codeset(path, max_bytes=max_bytes)
        problems.extend(result.diagnostics)
        codeset = result.value
        if codeset is None:
            continue
        loaded.append(set_rows(codeset, str(path), origin))
    return loaded, problems


def set_rows(
    codeset: CodeSet, path: str, origin: Origin
) -> tuple[SetInfo, list[tuple[str, str, bool, str]]]:
    """A loaded code set file as a catalog set: its info and ``(code, description,
    billable, notes)`` rows, codes in canonical form."""
    system = codeset.system
    rows: list[tuple[str, str, bool, str]] = []
    for entry in codeset.codes:
        try:
            code = normalize(entry.code, system).code
        except CodeFormatError:
            continue
        rows.append((code, entry.description, entry.billable, entry.notes))
    info = SetInfo(
        id=codeset.codeset.id,
        system=system,
        year=codeset.codeset.year,
        source=codeset.codeset.source,
        path=path,
        origin=origin,
        count=len(rows),
    )
    return info, rows


_CACHE_FORMAT = 1


def _encode_sets(
    sets: list[tuple[SetInfo, list[tuple[str, str, bool, str]]]], problems: list[Diagnostic]
) -> tuple[Any, Any]:
    return (
        [
            (i.id, i.system.value, i.year, i.source, i.path, i.origin, i.count, rows)
            for i, rows in sets
        ],
        [(d.path, d.line, d.col, d.severity, d.message, d.rule) for d in problems],
    )


def _decode_sets(
    raw_sets: Any, raw_problems: Any
) -> tuple[list[tuple[SetInfo, list[tuple[str, str, bool, str]]]], list[Diagnostic]]:
    sets: list[tuple[SetInfo, list[tuple[str, str, bool, str]]]] = []
    for sid, system, year, source, path, origin, count, rows in raw_sets:
        if origin not in ("bundled", "user"):
            raise ValueError("bad origin")
        info = SetInfo(sid, System(system), year, source, path, origin, count)
        sets.append((info, [(c, d, bool(b), n) for c, d, b, n in rows]))
    problems = [
        Diagnostic(p, ln, col, "warning" if sev == "warning" else "error", msg, rule)
        for p, ln, col, sev, msg, rule in raw_problems
    ]
    return sets, problems


def _load_sets(
    folders: list[tuple[Path, Origin, int]],
) -> tuple[list[tuple[SetInfo, list[tuple[str, str, bool, str]]]], list[Diagnostic]]:
    """Read every set, through a cache keyed by the files' paths, sizes and mtimes.

    Parsing YAML with positions and validating it costs ~0.1 s per thousand codes (and
    importing pydantic); the cache makes a warm load a few milliseconds.
    """
    import hashlib
    import marshal

    from codetrainer import paths

    signature = _signature(f for f, _, _ in folders)
    name = hashlib.sha1(repr([(str(f), o) for f, o, _ in folders]).encode()).hexdigest()[:12]
    cache_file = paths.cache_dir() / f"codesets-{name}.bin"
    try:
        data = marshal.loads(cache_file.read_bytes())
        if data[0] == _CACHE_FORMAT and data[1] == signature:
            return _decode_sets(data[2], data[3])
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError):
        pass
    sets: list[tuple[SetInfo, list[tuple[str, str, bool, str]]]] = []
    problems: list[Diagnostic] = []
    for folder, origin, max_bytes in folders:
        more, more_problems = _read_sets(folder, origin, max_bytes)
        sets.extend(more)
        problems.extend(more_problems)
    try:
        from codetrainer.fileio import write_bytes_atomic

        encoded = _encode_sets(sets, problems)
        write_bytes_atomic(
            cache_file, marshal.dumps((_CACHE_FORMAT, signature, encoded[0], encoded[1]))
        )
    except (OSError, ValueError):
        pass
    return sets, problems


def _default_reference() -> Reference | None:
    from codetrainer.core.reference import ReferenceUnavailable, load_reference

    try:
        return load_reference()
    except ReferenceUnavailable:
        return None


_memo: dict[Any, Catalog] = {}
_lock = threading.Lock()


def clear_memo() -> None:
    """Forget loaded catalogs (tests; after an import in the same process)."""
    with _lock:
        _memo.clear()


def load_catalog(
    *,
    include_user: bool = True,
    bundled_dir: Path | None = None,
    user_dir: Path | None = None,
    reference: Reference | Callable[[], Reference | None] | None = _default_reference,
) -> Catalog:
    """Bundled ``content/codesets/*.yaml`` plus ``paths.user_codesets_dir()``.

    Memoized per process and folder contents (a newly imported file is picked up).
    Files with errors are skipped; their diagnostics are in ``Catalog.problems``.
    """
    from codetrainer import paths

    bundled = bundled_dir if bundled_dir is not None else paths.bundled_content_dir() / "codesets"
    user = user_dir if user_dir is not None else paths.user_codesets_dir()
    folders: list[tuple[Path, Origin, int]] = [(bundled, "bundled", 1024 * 1024)]
    if include_user:
        folders.append((user, "user", USER_MAX_BYTES))
    key = (
        include_user,
        str(bundled),
        str(user),
        _signature(f for f, _, _ in folders),
        id(reference),
    )
    with _lock:
        cached = _memo.get(key)
        if cached is not None:
            return cached
        sets, problems = _load_sets(folders)
        catalog = Catalog(sets, reference=reference, problems=problems)
        if len(_memo) > 8:
            _memo.clear()
        _memo[key] = catalog
        return catalog


# ---------------------------------------------------------------------------------------
# importers


class CodeSetImportError(Exception):
    """An import failed; ``problems`` lists every reason (with line numbers)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:50]
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__("\n".join(shown) + more)


@dataclass(slots=True)
class ImportResult:
    """What an import wrote and what it had to leave out."""

    written: list[Path] = field(default_factory=list)
    codes: int = 0
    """Codes written (HCPCS Level II or CPT)."""
    modifiers: int = 0
    skipped: int = 0
    """Records left out on purpose (CPT lines of the HCPCS file, numeric modifiers)."""
    discontinued: list[str] = field(default_factory=list)
    """HCPCS codes and modifiers left out: terminated before the code year began."""
    warnings: list[str] = field(default_factory=list)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _decode(raw: bytes, what: str, warnings: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.append(f"{what} is not UTF-8; read it as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def _dump_codeset(
    path: Path,
    *,
    set_id: str,
    system: System,
    year: str,
    source: str,
    rows: list[tuple[str, str, str]],
    licensed: bool = False,
) -> None:
    import yaml

    from codetrainer.fileio import write_text_atomic

    codes: list[dict[str, str]] = []
    for code, description, notes in rows:
        item = {"code": code, "description": description}
        if notes:
            item["notes"] = notes
        codes.append(item)
    doc = {
        "codeset": {"id": set_id, "system": system.value, "year": year, "source": source},
        "codes": codes,
    }
    try:
        dumper: Any = yaml.CSafeDumper
    except AttributeError:  # pragma: no cover - PyYAML without libyaml
        dumper = yaml.SafeDumper
    if licensed:
        header = (
            f"# Written by codetrainer on {time.strftime('%Y-%m-%d')} from a licensed file: keep\n"
            "# it out of version control and do not share it beyond your license.\n"
        )
    else:
        header = (
            f"# Written by codetrainer on {time.strftime('%Y-%m-%d')} from the public CMS HCPCS\n"
            "# file; 'codetrainer codesets import-hcpcs FILE' writes it again.\n"
        )
    text = yaml.dump(
        doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1000, default_style=None
    )
    write_text_atomic(path, header + text)


@dataclass(slots=True)
class _HcpcsRecord:
    code: str
    kind: Literal["code", "modifier"]
    line: int
    long: list[str]
    short: str
    terminated: str = ""
    """CMS termination date (columns 285-292, ``YYYYMMDD``): the last date of service."""


def parse_hcpcs(text: str) -> tuple[list[_HcpcsRecord], int, list[str], list[str]]:
    """Parse the CMS fixed-width file: ``(records, skipped, warnings, errors)``.

    Continuation records (id ``4``/``8``) are joined to the record they continue.
    """
    records: list[_HcpcsRecord] = []
    warnings: list[str] = []
    errors: list[str] = []
    skipped = 0
    current: _HcpcsRecord | None = None
    skipping: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) < 12:
            errors.append(
                f"line {n}: only {len(line)} characters; a HCPCS record has the code in "
                "columns 1-5, the record id in column 11 and the description from column 12"
            )
            continue
        rec = line[10]
        long = line[11:91].strip()
        short = line[91:119].strip()
        terminated = line[284:292].strip()
        if rec in "37" and terminated and not _is_date(terminated):
            warnings.append(
                f"line {n}: termination date '{terminated}' in columns 285-292 is not "
                "YYYYMMDD; the code is kept as current"
            )
            terminated = ""
        if rec in "37":
            current = None
            skipping = None
            if rec == "3":
                code = line[0:5].strip().upper()
                if re.fullmatch(r"\d{5}|\d{4}[FT]", code):
                    skipped += 1
                    skipping = code
                    continue
                if not re.fullmatch(r"[A-Z]\d{4}", code):
                    warnings.append(
                        f"line {n}: '{code}' is not a HCPCS Level II code (one letter and "
                        "four digits); skipped"
                    )
                    skipping = code
                    continue
                current = _HcpcsRecord(code, "code", n, [long] if long else [], short, terminated)
            else:
                code = (line[3:5] if not line[0:3].strip() else line[0:5]).strip().upper()
                if re.fullmatch(r"\d{2}", code):
                    skipped += 1  # a CPT modifier: its descriptor is AMA text
                    skipping = code
                    continue
                if not re.fullmatch(r"[0-9A-Z]{2}", code):
                    warnings.append(
                        f"line {n}: '{code}' is not a modifier (two letters or digits in "
                        "columns 4-5); skipped"
                    )
                    skipping = code
                    continue
                current = _HcpcsRecord(
                    code, "modifier", n, [long] if long else [], short, terminated
                )
            records.append(current)
        elif rec in "48":
            code = line[0:5].strip().upper()
            if rec == "8" and len(code) != 2:
                code = line[3:5].strip().upper()
            if skipping is not None and code == skipping:
                continue
            expected = "3" if rec == "4" else "7"
            if (
                current is None
                or current.code != code
                or ((current.kind == "code") != (rec == "4"))
            ):
                warnings.append(
                    f"line {n}: continuation record for '{code}' does not follow a record "
                    f"'{expected}' for the same code; skipped"
                )
                continue
            if long:
                current.long.append(long)
        else:
            warnings.append(
                f"line {n}: record id '{rec}' in column 11 is not 3, 4, 7 or 8; skipped"
            )
    return records, skipped, warnings, errors


def _is_date(text: str) -> bool:
    try:
        time.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return len(text) == 8


def _year_from(name: str, year: str | None) -> str:
    if year:
        return year
    m = re.search(r"(?:HCPC|hcpc)[^0-9]*(\d{4})", name) or re.search(r"(20\d\d)", name)
    return m.group(1) if m else time.strftime("%Y")


MAX_IMPORT_BYTES = 128 * 1024 * 1024
"""The largest file an importer reads (the CMS HCPCS file is about 20 MB)."""


def _read_source(src: Path) -> bytes:
    """An import's source file through the bounded reader (no FIFOs, devices, link loops)."""
    from codetrainer.core.untrusted import escape_unsafe
    from codetrainer.fileio import InputError, read_bounded

    try:
        return read_bounded(src, MAX_IMPORT_BYTES)
    except InputError as exc:
        raise CodeSetImportError(
            [f"{escape_unsafe(str(src))}: cannot read the file: {exc.reason}"]
        ) from None


def import_hcpcs(src: Path, dest_dir: Path, *, year: str | None = None) -> ImportResult:
    """Import the CMS annual HCPCS Level II file into two YAML code sets in ``dest_dir``.

    Writes ``hcpcs-cms-YEAR.yaml`` (system HCPCS) and ``modifiers-cms-YEAR.yaml``.
    Raises :class:`CodeSetImportError` when the file cannot be read or holds no
    Level II code at all; nothing is written then.
    """
    src = Path(src)
    result = ImportResult()
    raw = _read_source(src)
    text = _decode(raw, str(src), result.warnings)
    records, skipped, warnings, errors = parse_hcpcs(text)
    result.warnings.extend(warnings)
    result.skipped = skipped
    if errors:
        raise CodeSetImportError([f"{src}: {e}" for e in errors])
    codes = [r for r in records if r.kind == "code"]
    mods = [r for r in records if r.kind == "modifier"]
    if not codes and not mods:
        raise CodeSetImportError(
            [
                f"{src}: no HCPCS Level II record found; is this the CMS fixed-width file "
                "(HCPC20xx_..._ANWEB_*.txt, record id 3 in column 11)?"
            ]
        )
    yr = _year_from(src.name, year)
    dest = Path(dest_dir)
    stamp = time.strftime("%Y-%m-%d")

    year_start = f"{yr}0101" if re.fullmatch(r"\d{4}", yr) else ""

    def rows(items: list[_HcpcsRecord]) -> list[tuple[str, str, str]]:
        seen: dict[str, int] = {}
        out: list[tuple[str, str, str]] = []
        for r in items:
            if r.terminated and year_start and r.terminated < year_start:
                # discontinued before the code year starts: not a valid answer this year
                result.discontinued.append(r.code)
                continue
            if r.code in seen:
                result.warnings.append(
                    f"line {r.line}: {r.code} appears again (first on line {seen[r.code]}); "
                    "kept the first"
                )
                continue
            seen[r.code] = r.line
            description = _clean(" ".join(r.long)) or _clean(r.short) or "(no description)"
            short = _clean(r.short)
            notes = f"CMS short description: {short}" if short and short != description else ""
            if r.terminated:
                last = f"{r.terminated[:4]}-{r.terminated[4:6]}-{r.terminated[6:]}"
                ends = f"CMS termination date {last}: not valid for services after it."
                notes = f"{notes} {ends}".strip()
            out.append((r.code, description, notes))
        return out

    source = f"CMS HCPCS Level II annual file {src.name}, imported {stamp}"
    for prefix, system, records in (
        ("hcpcs", System.HCPCS, codes),
        ("modifiers", System.MODIFIER, mods),
    ):
        if not records:
            continue
        path = dest / f"{prefix}-cms-{yr}.yaml"
        written = rows(records)
        _dump_codeset(
            path, set_id=f"{prefix}-cms-{yr}", system=system, year=yr, source=source, rows=written
        )
        result.written.append(path)
        if system is System.HCPCS:
            result.codes = len(written)
        else:
            result.modifiers = len(written)
    return result


_CODE_HEADERS = ("code", "cpt code", "cpt", "cpt_code", "cptcode", "hcpcs", "procedure code", "cd")
_DESC_HEADERS = (
    "long description",
    "long_description",
    "longdescription",
    "long descriptor",
    "descriptor",
    "description",
    "desc",
    "medium description",
    "short description",
    "consumer friendly descriptor",
)


def _header_columns(row: list[str]) -> tuple[int, int] | None:
    names = [" ".join(c.strip().lower().replace("_", " ").split()) for c in row]
    code_col = next(
        (names.index(h.replace("_", " ")) for h in _CODE_HEADERS if h.replace("_", " ") in names),
        None,
    )
    desc_col = next(
        (names.index(h.replace("_", " ")) for h in _DESC_HEADERS if h.replace("_", " ") in names),
        None,
    )
    if code_col is None or desc_col is None:
        return None
    return code_col, desc_col


def _looks_like_header(row: list[str]) -> bool:
    first = row[0].strip() if row else ""
    if detect_system(first) is not None:
        return False
    return any(c.strip() and not any(ch.isdigit() for ch in c) for c in row)


def import_cpt(
    csv_path: Path,
    dest_dir: Path,
    *,
    set_id: str = "cpt-licensed",
    year: str | None = None,
) -> ImportResult:
    """Import a licensed CPT descriptor CSV into ``dest_dir/SET_ID.yaml``.

    Columns: code and description (a header row naming them is detected; without one
    the first two columns are used). Comma, semicolon, tab or bar separated. Every
    problem is reported with its line number; nothing is written when there is any.
    """
    src = Path(csv_path)
    result = ImportResult()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", set_id):
        raise CodeSetImportError(
            [f"'{set_id}' is not a valid set id: use lowercase letters, digits and hyphens"]
        )
    raw = _read_source(src)
    text = _decode(raw, str(src), result.warnings)
    if not text.strip():
        raise CodeSetImportError([f"{src}: the file is empty"])
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    errors: list[str] = []
    rows: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    code_col, desc_col = 0, 1
    first = True
    try:
        for row in reader:
            n = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if first:
                first = False
                if _looks_like_header(row):
                    cols = _header_columns(row)
                    if cols is None:
                        errors.append(
                            f"{src}:{n}: the header row ({', '.join(c.strip() for c in row)}) "
                            "has no recognisable code and description columns; name them "
                            "'code' and 'description'"
                        )
                        break
                    code_col, desc_col = cols
                    continue
            if len(row) <= max(code_col, desc_col):
                errors.append(
                    f"{src}:{n}: expected a code and a description, found {len(row)} "
                    f"column{'s' if len(row) != 1 else ''}"
                )
                continue
            cell = row[code_col].strip()
            description = _clean(row[desc_col])
            system = detect_system(cell)
            if system is System.HCPCS:
                result.warnings.append(
                    f"{src}:{n}: {cell} is a HCPCS Level II code, not CPT; skipped (use "
                    "'codetrainer codesets import-hcpcs' for the CMS file)"
                )
                result.skipped += 1
                continue
            try:
                code = normalize(cell, System.CPT).code
            except CodeFormatError as exc:
                errors.append(f"{src}:{n}: {exc}")
                continue
            if not description:
                errors.append(f"{src}:{n}: {code} has no description")
                continue
            if code in seen:
                result.warnings.append(
                    f"{src}:{n}: {code} appears again (first on line {seen[code]}); kept the first"
                )
                continue
            seen[code] = n
            rows.append((code, description, ""))
    except csv.Error as exc:
        errors.append(f"{src}:{reader.line_num}: cannot read this CSV row: {exc}")
    if errors:
        raise CodeSetImportError(errors)
    if not rows:
        raise CodeSetImportError([f"{src}: no CPT codes found"])
    yr = year or time.strftime("%Y")
    path = Path(dest_dir) / f"{set_id}.yaml"
    _dump_codeset(
        path,
        set_id=set_id,
        system=System.CPT,
        year=yr,
        source=(
            f"Licensed CPT descriptors imported from {src.name} on {time.strftime('%Y-%m-%d')}; "
            "CPT is a registered trademark of the American Medical Association"
        ),
        rows=rows,
        licensed=True,
    )
    result.written.append(path)
    result.codes = len(rows)
    return result
