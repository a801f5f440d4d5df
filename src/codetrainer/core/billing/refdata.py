"""Reference facts a biller checks: CARC/RARC, NCCI pairs, MUE limits, sex and age edits.

Bundled as YAML under ``content/billing/reference/`` (our own plain-language summaries; the
code numbers are facts), plus what a school imports from CMS's quarterly NCCI PTP and MUE
files into the user data folder (:func:`import_ncci`, :func:`import_mue`). The format::

    reference:
      id: carc
      kind: carc            # carc | rarc | ncci | mue | edits
      source: Summaries written for codetrainer.
    codes:   [{code: "16", summary: ...}]                       # carc, rarc
    pairs:   [{column1: "17110", column2: "11055", indicator: "1"}]   # ncci
    limits:  [{code: "36415", units: 2}]                        # mue
    edits:   [{code: "O", sex: F, why: ...}, {code: Z00.00, min_age: 15, why: ...}]  # edits
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from codetrainer.core.codes import CodeFormatError, System, detect_system, normalize
from codetrainer.core.diagnostics import CodetrainerError, Diagnostic
from codetrainer.core.models import OptText, Slug, Text
from codetrainer.core.yamlio import YamlDocument, load_yaml_file

__all__ = [
    "BillingReference",
    "Edit",
    "ReferenceFile",
    "ReferenceImportError",
    "bundled_reference_dir",
    "check_reference_doc",
    "import_mue",
    "import_ncci",
    "load_billing_reference",
    "user_reference_dir",
]

RefKind = Literal["carc", "rarc", "ncci", "mue", "edits"]


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RefInfo(_Model):
    id: Slug
    kind: Annotated[
        RefKind, BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v)
    ]
    source: Text
    year: OptText = ""


class RefCode(_Model):
    code: Annotated[str, BeforeValidator(_upper)]
    summary: Text


class Pair(_Model):
    column1: Annotated[str, BeforeValidator(_upper)]
    column2: Annotated[str, BeforeValidator(_upper)]
    indicator: Literal["0", "1", "9"]
    note: OptText = ""


class Limit(_Model):
    code: Annotated[str, BeforeValidator(_upper)]
    units: int = Field(ge=0, le=9999)
    note: OptText = ""


class Edit(_Model):
    """A diagnosis (or every code starting with ``code``) limited to one sex or an age range."""

    code: Annotated[str, BeforeValidator(_upper)] = Field(
        description="A code or a prefix of codes (O for all of chapter 15, N40 ...)."
    )
    sex: Annotated[Literal["F", "M"] | None, BeforeValidator(_upper)] = None
    min_age: int | None = Field(default=None, ge=0, le=124)
    max_age: int | None = Field(default=None, ge=0, le=124)
    why: Text


class ReferenceFile(_Model):
    """A billing reference file."""

    reference: RefInfo
    codes: list[RefCode] = Field(default_factory=list)
    pairs: list[Pair] = Field(default_factory=list)
    limits: list[Limit] = Field(default_factory=list)
    edits: list[Edit] = Field(default_factory=list)


_CARC = re.compile(r"^([A-Z]?\d{1,3}|[A-Z]\d{1,2})$")
_RARC = re.compile(r"^(M|MA|N)\d{1,3}$")
_LISTS: dict[str, str] = {
    "carc": "codes",
    "rarc": "codes",
    "ncci": "pairs",
    "mue": "limits",
    "edits": "edits",
}


def _procedure_ok(code: str) -> bool:
    return detect_system(code) in (System.CPT, System.HCPCS)


def check_reference_doc(doc: YamlDocument, ref: ReferenceFile) -> list[Diagnostic]:
    """Cross-field checks: the right list for the kind, well-formed numbers, no repeats."""
    out: list[Diagnostic] = []
    kind = ref.reference.kind
    want = _LISTS[kind]
    for other in ("codes", "pairs", "limits", "edits"):
        if other != want and getattr(ref, other):
            out.append(
                doc.diagnostic(
                    (other,),
                    f"a '{kind}' reference file lists '{want}:', not '{other}:'",
                    rule="billing-ref-list",
                    at_key=True,
                )
            )
    seen: dict[str, int] = {}
    if kind in ("carc", "rarc"):
        pattern = _CARC if kind == "carc" else _RARC
        for i, entry in enumerate(ref.codes):
            if not pattern.match(entry.code):
                shape = "1-3 digits (16, 236)" if kind == "carc" else "M, MA or N + digits (N130)"
                out.append(
                    doc.diagnostic(
                        ("codes", i, "code"),
                        f"'{entry.code}' is not a {kind.upper()} number: {shape}",
                        rule="billing-ref-code",
                    )
                )
            _dupe(doc, out, seen, entry.code, ("codes", i, "code"))
    elif kind == "ncci":
        for i, pair in enumerate(ref.pairs):
            for col in ("column1", "column2"):
                code = getattr(pair, col)
                if not _procedure_ok(code):
                    out.append(
                        doc.diagnostic(
                            ("pairs", i, col),
                            f"'{code}' is not a CPT or HCPCS Level II code",
                            rule="billing-ref-code",
                        )
                    )
            _dupe(doc, out, seen, f"{pair.column1}/{pair.column2}", ("pairs", i, "column1"))
    elif kind == "mue":
        for i, limit in enumerate(ref.limits):
            if not _procedure_ok(limit.code):
                out.append(
                    doc.diagnostic(
                        ("limits", i, "code"),
                        f"'{limit.code}' is not a CPT or HCPCS Level II code",
                        rule="billing-ref-code",
                    )
                )
            _dupe(doc, out, seen, limit.code, ("limits", i, "code"))
    else:
        for i, edit in enumerate(ref.edits):
            if edit.sex is None and edit.min_age is None and edit.max_age is None:
                out.append(
                    doc.diagnostic(
                        ("edits", i),
                        "an edit needs 'sex:', 'min_age:' or 'max_age:'",
                        rule="billing-ref-edit",
                        at_key=True,
                    )
                )
            if (
                edit.min_age is not None
                and edit.max_age is not None
                and edit.min_age > edit.max_age
            ):
                out.append(
                    doc.diagnostic(
                        ("edits", i, "max_age"),
                        "max_age is below min_age",
                        rule="billing-ref-edit",
                    )
                )
            _dupe(doc, out, seen, edit.code, ("edits", i, "code"))
    return out


def _dupe(
    doc: YamlDocument,
    out: list[Diagnostic],
    seen: dict[str, int],
    key: str,
    path: tuple[str | int, ...],
) -> None:
    if key in seen:
        out.append(
            doc.diagnostic(
                path,
                f"{key} is listed twice (also entry {seen[key] + 1})",
                rule="billing-ref-duplicate",
            )
        )
    seen.setdefault(key, int(path[1]))


# ---------------------------------------------------------------------------------------
# the loaded reference


@dataclass(slots=True)
class BillingReference:
    """Everything loaded, merged: imported CMS files override the bundled pairs and limits."""

    carc: dict[str, str] = field(default_factory=dict)
    rarc: dict[str, str] = field(default_factory=dict)
    ncci: dict[tuple[str, str], str] = field(default_factory=dict)
    mue: dict[str, int] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def pair(self, a: str, b: str) -> tuple[str, str, str] | None:
        """The NCCI pair of two codes in either order: ``(column1, column2, indicator)``."""
        for c1, c2 in ((a, b), (b, a)):
            ind = self.ncci.get((c1, c2))
            if ind is not None:
                return c1, c2, ind
        return None

    def edits_for(self, code: str) -> list[Edit]:
        compact = code.replace(".", "").upper()
        return [e for e in self.edits if compact.startswith(e.code.replace(".", ""))]


def bundled_reference_dir() -> Path:
    from codetrainer.paths import bundled_content_dir

    return bundled_content_dir() / "billing" / "reference"


def user_reference_dir() -> Path:
    """Where imported CMS NCCI/MUE files go (never the repository)."""
    from codetrainer.paths import data_dir

    return data_dir() / "billing-reference"


def load_reference_file(
    path: Path, *, max_bytes: int = 1024 * 1024
) -> tuple[ReferenceFile | None, list[Diagnostic], YamlDocument | None]:
    """One reference file: the model (when valid), every diagnostic, the document."""
    from codetrainer.core.packs import model_diagnostics

    try:
        doc = load_yaml_file(path, max_bytes=max_bytes)
    except CodetrainerError as exc:
        return None, exc.diagnostics, None
    if not isinstance(doc.data, dict):
        return None, [doc.diagnostic((), "a reference file is a mapping", rule="schema-top")], doc
    try:
        ref = ReferenceFile.model_validate(doc.data)
    except ValidationError as exc:
        return None, model_diagnostics(doc, ReferenceFile, exc), doc
    problems = check_reference_doc(doc, ref)
    if any(d.is_error for d in problems):
        return None, problems, doc
    return ref, problems, doc


_memo: dict[tuple[str, ...], BillingReference] = {}


def load_billing_reference(
    folders: Iterable[Path] | None = None, *, use_memo: bool = True
) -> BillingReference:
    """The bundled reference, then the user's imports (later files override earlier)."""
    dirs = list(folders) if folders is not None else [bundled_reference_dir(), user_reference_dir()]
    key = tuple(str(d) for d in dirs)
    if use_memo and key in _memo:
        return _memo[key]
    ref = BillingReference()
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            model, problems, _ = load_reference_file(path, max_bytes=64 * 1024 * 1024)
            ref.problems.extend(problems)
            if model is None:
                continue
            kind = model.reference.kind
            if kind == "carc":
                ref.carc.update({c.code: c.summary for c in model.codes})
            elif kind == "rarc":
                ref.rarc.update({c.code: c.summary for c in model.codes})
            elif kind == "ncci":
                ref.ncci.update({(p.column1, p.column2): p.indicator for p in model.pairs})
            elif kind == "mue":
                ref.mue.update({m.code: m.units for m in model.limits})
            else:
                ref.edits.extend(model.edits)
    if use_memo:
        _memo[key] = ref
    return ref


def clear_memo() -> None:
    _memo.clear()


# ---------------------------------------------------------------------------------------
# CMS importers


class ReferenceImportError(Exception):
    """An import failed; ``problems`` lists every reason (with line numbers)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems[:50]))


@dataclass(slots=True)
class RefImportResult:
    written: list[Path] = field(default_factory=list)
    codes: int = 0
    modifiers: int = 0
    skipped: int = 0
    discontinued: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _read_text(src: Path) -> str:
    try:
        raw = src.read_bytes()
    except OSError as exc:
        raise ReferenceImportError([f"{src}: cannot read: {exc.strerror or exc}"]) from None
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # pragma: no cover - latin-1 decodes anything


def _code(text: str) -> str | None:
    text = text.strip().upper()
    try:
        code = normalize(text).code
    except CodeFormatError:
        return None
    return code if _procedure_ok(code) else None


def _write(dest_dir: Path, name: str, header: list[str], body: list[str]) -> Path:
    from codetrainer.fileio import write_text_atomic

    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / name
    write_text_atomic(path, "\n".join([*header, *body]) + "\n")
    return path


def _today() -> dt.date:
    return dt.date.today()


def import_ncci(
    src: Path, dest_dir: Path, *, keep: set[str] | None = None, on: dt.date | None = None
) -> RefImportResult:
    """Import a CMS NCCI PTP file (practitioner or hospital, tab-separated text).

    CMS's layout: a few title lines, then one edit per line: column 1 code, column 2 code,
    a prior-to-1996 flag, effective date (YYYYMMDD), deletion date (YYYYMMDD, or ``*`` for
    none), modifier indicator (0/1/9), and the edit rationale. Edits deleted on or before
    ``on`` (default today) are left out. With ``keep``, only pairs whose two codes are both
    in ``keep`` are written (the codes codetrainer's packs and code sets use).
    """
    text = _read_text(src)
    when = on or _today()
    result = RefImportResult()
    rows: dict[tuple[str, str], str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        fields = [f.strip() for f in re.split(r"\t|,", line)]
        if len(fields) < 6:
            continue
        c1, c2 = _code(fields[0]), _code(fields[1])
        if c1 is None or c2 is None:
            continue  # a title or header line
        effective, deleted, indicator = fields[3], fields[4], fields[5]
        if indicator not in ("0", "1", "9"):
            result.warnings.append(f"{src.name}:{n}: modifier indicator '{indicator}' left out")
            result.skipped += 1
            continue
        if deleted and deleted != "*" and _date(deleted) is not None:
            gone = _date(deleted)
            if gone is not None and gone <= when:
                result.discontinued.append(f"{c1}/{c2}")
                continue
        start = _date(effective)
        if start is not None and start > when:
            result.skipped += 1
            continue
        if keep is not None and not (c1 in keep and c2 in keep):
            result.skipped += 1
            continue
        rows[(c1, c2)] = indicator
    if not rows and not result.discontinued:
        raise ReferenceImportError(
            [f"{src}: no NCCI edit found (expected tab-separated column 1, column 2, ... lines)"]
        )
    body = ["pairs:"] + [
        f"  - {{column1: {_q(c1)}, column2: {_q(c2)}, indicator: {_q(ind)}}}"
        for (c1, c2), ind in sorted(rows.items())
    ]
    if not rows:
        body = ["pairs: []"]
    header = [
        "# Imported by 'codetrainer codesets import-ncci' from a CMS NCCI PTP file.",
        "reference:",
        f"  id: ncci-cms-{when:%Y%m%d}",
        "  kind: ncci",
        f"  source: {_q('CMS NCCI procedure-to-procedure edits, file ' + src.name)}",
    ]
    result.written.append(_write(dest_dir, f"ncci-cms-{when:%Y%m%d}.yaml", header, body))
    result.codes = len(rows)
    return result


def _date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y%m%d", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def import_mue(
    src: Path, dest_dir: Path, *, keep: set[str] | None = None, on: dt.date | None = None
) -> RefImportResult:
    """Import a CMS MUE file (practitioner, DME or outpatient hospital; CSV).

    CMS's layout: title and copyright lines, a header row (``HCPCS/CPT Code``, ``...MUE
    Values``, ``MUE Adjudication Indicator``, ``MUE Rationale``), then one code per row.
    """
    text = _read_text(src)
    when = on or _today()
    result = RefImportResult()
    limits: dict[str, int] = {}
    header_seen = False
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells):
            continue
        if not header_seen:
            joined = " ".join(cells).lower()
            if "mue value" in joined and "code" in joined:
                header_seen = True
            continue
        code = _code(cells[0])
        if code is None or len(cells) < 2:
            result.skipped += 1
            continue
        try:
            units = int(cells[1])
        except ValueError:
            result.warnings.append(f"{src.name}:{n}: MUE value '{cells[1]}' is not a number")
            result.skipped += 1
            continue
        if keep is not None and code not in keep:
            result.skipped += 1
            continue
        limits[code] = units
    if not header_seen:
        raise ReferenceImportError(
            [f"{src}: no MUE header row found (a row naming 'HCPCS/CPT Code' and 'MUE Values')"]
        )
    if not limits:
        raise ReferenceImportError([f"{src}: no MUE row found below the header"])
    body = ["limits:"] + [
        f"  - {{code: {_q(code)}, units: {_q(str(units))}}}"
        for code, units in sorted(limits.items())
    ]
    header = [
        "# Imported by 'codetrainer codesets import-mue' from a CMS MUE file.",
        "reference:",
        f"  id: mue-cms-{when:%Y%m%d}",
        "  kind: mue",
        f"  source: {_q('CMS Medically Unlikely Edits, file ' + src.name)}",
    ]
    result.written.append(_write(dest_dir, f"mue-cms-{when:%Y%m%d}.yaml", header, body))
    result.codes = len(limits)
    return result
