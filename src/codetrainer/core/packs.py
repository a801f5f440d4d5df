"""Load and validate packs, code sets and answers files, with exact error locations.

Every function here returns diagnostics instead of raising: an instructor sees *all*
problems of a file in one run, each as ``PATH:LINE:COL: error: MESSAGE`` pointing at the
offending key or value.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from codetrainer.core.codes import CodeFormatError, System, normalize
from codetrainer.core.curriculum.claims import claim_checks
from codetrainer.core.diagnostics import (
    CodetrainerError,
    Diagnostic,
    count_errors,
    folder_error,
)
from codetrainer.core.models import AnswersFile, Case, CodeSet, Pack, PackInfo
from codetrainer.core.partial import Salvaged, TrackingDocument, keep_findings, salvage_case
from codetrainer.core.yamlio import DEFAULT_MAX_BYTES, YamlDocument, YamlPath, load_yaml_file

__all__ = [
    "CheckedCases",
    "FileKind",
    "Loaded",
    "PackCheck",
    "detect_kind",
    "find_yaml_files",
    "load_answers",
    "load_codeset",
    "load_file",
    "load_pack",
    "model_diagnostics",
    "normalize_space",
]

FileKind = Literal["pack", "codeset", "answers", "layterms"]
M = TypeVar("M", bound=BaseModel)

CheckedCases = Sequence[tuple[int, Case]]
"""The cases of a pack that passed the schema, each with its position in ``cases:``."""

PackCheck = Callable[[YamlDocument, CheckedCases], list[Diagnostic]]
"""An extra check run on every case that passed the schema, even when other cases of the
pack did not (the reference adds one: codes exist, are billable ...), and on the valid
parts of every case that failed it (see :mod:`codetrainer.core.partial`)."""


@dataclass(slots=True)
class Loaded(Generic[M]):
    """The outcome of loading one file: the model (when valid) and every diagnostic."""

    path: str
    value: M | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: YamlDocument | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None and count_errors(self.diagnostics) == 0


_TOP_KEYS: dict[FileKind, str] = {"pack": "cases", "codeset": "codes", "answers": "answers"}


def detect_kind(data: Any) -> FileKind | None:
    """Which contract a loaded document follows, from its top-level keys."""
    if not isinstance(data, dict):
        return None
    if "pack" in data or "cases" in data:
        return "pack"
    if "codeset" in data or "codes" in data:
        return "codeset"
    if "answers" in data:
        return "answers"
    if "layterms" in data or "procedures" in data or "modifiers" in data:
        return "layterms"
    return None


def find_yaml_files(
    paths: Iterable[str | Path], errors: list[Diagnostic] | None = None
) -> Iterator[Path]:
    """Files named directly, and ``*.yaml``/``*.yml`` below folders (sorted); a folder
    that cannot be listed is an error appended to ``errors`` (see
    :func:`codetrainer.fileio.find_yaml_files`)."""
    from codetrainer.fileio import find_yaml_files as walk

    def failed(path: str, exc: OSError) -> None:
        if errors is not None:
            errors.append(folder_error(path, exc))

    return walk(paths, failed)


def normalize_space(text: str) -> str:
    """Lower case, runs of blank space folded to one space (for evidence matching)."""
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------------------------------
# pydantic errors -> located diagnostics


def _unwrap(tp: Any) -> Any:
    """Strip Annotated/Optional/list wrappers down to a model class (or anything else)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated or origin in (list, tuple, set):
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if args else tp
            if len(args) <= 1:
                continue
            return tp
        else:
            return tp


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = model.model_fields.get(part)
        if info is None:
            return None
        model = _unwrap(info.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic adds validator names (``function-after[...]``) into locs; drop them."""
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith("function-"))


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"'{value}'"


def model_diagnostics(
    doc: YamlDocument, root: type[BaseModel], exc: ValidationError, prefix: YamlPath = ()
) -> list[Diagnostic]:
    """Turn pydantic's errors into located, plain-English diagnostics.

    ``prefix`` is where the validated value sits in the document when ``root`` is not
    the whole file (a pack is validated case by case).
    """
    out: list[Diagnostic] = []
    seen: set[tuple[YamlPath, str]] = set()
    for err in exc.errors(include_url=False):
        inner = _clean_loc(tuple(err["loc"]))
        loc = (*prefix, *inner)
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        at_key = False
        where = _where(loc)
        if kind == "missing":
            parent = loc[:-1]
            message = (
                f"missing required field '{loc[-1]}' in {_where(parent)}; add '{loc[-1]}:' here"
            )
            loc = parent
            at_key = True
        elif kind == "extra_forbidden":
            model = _model_at(root, inner[:-1])
            known = sorted(model.model_fields) if model else []
            key = str(loc[-1])
            guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            allowed = f" (allowed here: {', '.join(known)})" if known and not guess else ""
            message = f"unknown key '{key}' in {_where(loc[:-1])}{hint}{allowed}"
            at_key = True
        elif kind in ("int_parsing", "int_type", "int_from_float"):
            message = f"{where} must be a whole number, not {_describe(value)}"
        elif kind in ("bool_parsing", "bool_type"):
            message = f"{where} must be true or false, not {_describe(value)}"
        elif kind in ("greater_than_equal", "greater_than"):
            message = f"{where} must be at least {ctx.get('ge', ctx.get('gt'))}, not {value}"
        elif kind in ("less_than_equal", "less_than"):
            message = f"{where} must be at most {ctx.get('le', ctx.get('lt'))}, not {value}"
        elif kind == "too_long":
            message = (
                f"{where} has {ctx.get('actual_length')} items; at most "
                f"{ctx.get('max_length')} are allowed"
            )
        elif kind == "too_short":
            message = f"{where} needs at least {ctx.get('min_length')} item(s)"
        elif kind == "literal_error":
            message = f"{where} is {_describe(value)}; use one of: {ctx.get('expected')}"
        elif kind in ("list_type", "tuple_type"):
            message = f"{where} must be a list ('- item' lines or [a, b]), not {_describe(value)}"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            message = f"{where} must be a mapping ('key: value' lines), not {_describe(value)}"
        elif kind == "string_type":
            message = f"{where} must be text, not {_describe(value)}"
        elif kind == "value_error":
            text = str(err["msg"])
            text = text.removeprefix("Value error, ")
            message = f"{where}: {text}"
        else:
            message = f"{where}: {err['msg']}"
        dedupe = (tuple(loc), message)
        if dedupe in seen:
            continue
        seen.add(dedupe)
        out.append(doc.diagnostic(tuple(loc), message, rule=f"schema-{kind}", at_key=at_key))
    return out


# ---------------------------------------------------------------------------------------
# loading


def _load_doc(
    path: Path, max_bytes: int, shown: str
) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """The document, or the problems that stopped its load.

    Control characters do not stop it (``collect_controls``): they are in
    ``doc.findings``, and :func:`_with_findings` adds them to whatever the file's checks
    find, so one run shows them all.
    """
    try:
        doc = load_yaml_file(path, max_bytes=max_bytes, display_path=shown, collect_controls=True)
    except CodetrainerError as exc:
        return None, exc.diagnostics
    return doc, []


def _with_findings(doc: YamlDocument, loaded: Loaded[M]) -> Loaded[M]:
    """``loaded`` with the document's load findings first; they are errors, so a file
    with any has no value."""
    if doc.findings:
        loaded.diagnostics[:0] = doc.findings
        loaded.value = None
    return loaded


def _validate(doc: YamlDocument, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    data = doc.data
    if not isinstance(data, dict):
        key = _TOP_KEYS.get("pack")
        return None, [
            doc.diagnostic(
                (),
                f"the file must be a mapping with top-level keys; a pack starts with 'pack:' "
                f"and '{key}:'",
                rule="schema-top",
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, model_diagnostics(doc, model, exc)


def _shown(path: Path | str, display: str | None) -> str:
    return display if display is not None else str(path)


def load_pack(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    checks: Iterable[PackCheck] = (),
    display_path: str | None = None,
) -> Loaded[Pack]:
    """Load a pack file and run every check; ``value`` is None when it has errors."""
    shown = _shown(path, display_path)
    doc, problems = _load_doc(Path(path), max_bytes, shown)
    if doc is None:
        return Loaded(shown, None, problems)
    return _with_findings(doc, _finish_pack(doc, checks))


def _finish_pack(doc: YamlDocument, checks: Iterable[PackCheck]) -> Loaded[Pack]:
    kind = detect_kind(doc.data)
    if kind not in (None, "pack"):
        return Loaded(
            doc.path,
            None,
            [doc.diagnostic((), f"this is a {kind} file, not a pack", rule="schema-kind")],
            doc,
        )
    pack, good, salvaged, problems = _validate_pack(doc)
    if salvaged:  # the checks see them too; what their stand-ins make them say is dropped
        tracking = TrackingDocument.of(doc)
        both = sorted([*good, *((s.index, s.case) for s in salvaged)], key=lambda c: c[0])
        for extra in checks:
            problems.extend(keep_findings(tracking, extra(tracking, both), salvaged))
    elif good:
        for extra in checks:
            problems.extend(extra(doc, good))
    value = pack if pack is not None and count_errors(problems) == 0 else None
    return Loaded(doc.path, value, _once(problems), doc)


def _once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once (two checks may reach the same problem by different ways)."""
    seen: set[Diagnostic] = set()
    out = []
    for d in diagnostics:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def _validate_pack(
    doc: YamlDocument,
) -> tuple[Pack | None, list[tuple[int, Case]], list[Salvaged], list[Diagnostic]]:
    """Validate header and each case on its own, so one bad case hides nothing else.

    Cross-field checks run on every case that passed the schema; those cases come back
    with their positions, for further checks, whether or not the pack as a whole is valid.
    A case that failed is rebuilt from its valid parts (:mod:`codetrainer.core.partial`)
    and checked as far as they allow, so its schema errors hide none of its other
    problems; it comes back among the salvaged, never in the pack.
    """
    data = doc.data
    if not isinstance(data, dict):
        return (
            None,
            [],
            [],
            [
                doc.diagnostic(
                    (),
                    "a pack must be a mapping with the top-level keys 'pack:' and 'cases:'",
                    rule="schema-top",
                )
            ],
        )
    info, problems = check_top_level(doc, PackInfo, "pack", "cases", "a pack")
    raw_cases = data.get("cases")
    cases: list[Case] = []
    good: list[tuple[int, Case]] = []
    salvaged: list[Salvaged] = []
    if "cases" not in data:
        problems.append(
            doc.diagnostic((), "missing 'cases:' (a list of cases)", rule="schema-missing")
        )
    elif not isinstance(raw_cases, list) or not raw_cases:
        problems.append(
            doc.diagnostic(
                ("cases",),
                "'cases' must be a non-empty list of cases ('- id: ...')",
                rule="schema-list_type",
            )
        )
    else:
        for i, raw in enumerate(raw_cases):
            try:
                case = Case.model_validate(raw)
            except ValidationError as exc:
                problems.extend(model_diagnostics(doc, Case, exc, ("cases", i)))
                partial = salvage_case(i, raw, exc)
                if partial is not None:
                    salvaged.append(partial)
                continue
            cases.append(case)
            good.append((i, case))
    problems.extend(_check_case_ids(doc))
    if info is not None:
        problems.extend(_check_header(doc, info))
    for i, case in good:
        problems.extend(_check_case(doc, i, case))
    if salvaged:
        tracking = TrackingDocument.of(doc)
        for partial in salvaged:
            found = _check_case(tracking, partial.index, partial.case)
            problems.extend(keep_findings(tracking, found, [partial], ("cases", partial.index)))
    if info is None or len(cases) != len(raw_cases or []) or count_errors(problems):
        return None, good, salvaged, problems
    return Pack.model_construct(pack=info, cases=cases), good, salvaged, problems


def check_top_level(
    doc: YamlDocument, header_model: type[M], header: str, body: str, what: str
) -> tuple[M | None, list[Diagnostic]]:
    """The top level of a pack-like file (``header:`` and ``body:`` only) and its header.

    Unknown top-level keys (with a "did you mean"), a missing header and the header's
    schema errors; the header model when it is valid. ``doc.data`` must be a mapping.
    Shared by case packs and billing packs (:mod:`codetrainer.core.billing.loading`).
    """
    data = doc.data
    problems: list[Diagnostic] = []
    for key in data:
        if key not in (header, body):
            guess = difflib.get_close_matches(key, [header, body], n=1, cutoff=0.6)
            hint = (
                f"did you mean '{guess[0]}'?"
                if guess
                else f"{what} has only '{header}:' and '{body}:'"
            )
            problems.append(
                doc.diagnostic(
                    (key,),
                    f"unknown top-level key '{key}'; {hint}",
                    rule="schema-extra_forbidden",
                    at_key=True,
                )
            )
    info: M | None = None
    if header not in data:
        problems.append(
            doc.diagnostic(
                (),
                f"missing the '{header}:' header (id, title, version, code_year)",
                rule="schema-missing",
            )
        )
    else:
        try:
            info = header_model.model_validate(data[header])
        except ValidationError as exc:
            problems.extend(model_diagnostics(doc, header_model, exc, (header,)))
    return info, problems


def load_codeset(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, display_path: str | None = None
) -> Loaded[CodeSet]:
    shown = _shown(path, display_path)
    doc, problems = _load_doc(Path(path), max_bytes, shown)
    if doc is None:
        return Loaded(shown, None, problems)
    return _with_findings(doc, _finish_codeset(doc))


def _finish_codeset(doc: YamlDocument) -> Loaded[CodeSet]:
    codeset, problems = _validate(doc, CodeSet)
    if codeset is None:
        return Loaded(doc.path, None, problems, doc)
    problems.extend(check_codeset(doc, codeset))
    value = codeset if count_errors(problems) == 0 else None
    return Loaded(doc.path, value, problems, doc)


def load_answers(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, display_path: str | None = None
) -> Loaded[AnswersFile]:
    shown = _shown(path, display_path)
    doc, problems = _load_doc(Path(path), max_bytes, shown)
    if doc is None:
        return Loaded(shown, None, problems)
    return _with_findings(doc, _finish_answers(doc))


def _finish_answers(doc: YamlDocument) -> Loaded[AnswersFile]:
    answers, problems = _validate(doc, AnswersFile)
    problems.extend(_check_answer_cases(doc))
    if answers is None:
        return Loaded(doc.path, None, problems, doc)
    value = answers if count_errors(problems) == 0 else None
    return Loaded(doc.path, value, problems, doc)


def _check_answer_cases(doc: YamlDocument) -> list[Diagnostic]:
    """One answer per case, checked on the raw data so schema errors hide nothing."""
    out: list[Diagnostic] = []
    entries = doc.data.get("answers") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        return out
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        case = entry.get("case") if isinstance(entry, dict) else None
        if not isinstance(case, str):
            continue
        if case in seen:
            out.append(
                doc.diagnostic(
                    ("answers", i, "case"),
                    f"case '{case}' is answered twice (first as answer {seen[case] + 1}); "
                    "keep one answer per case",
                    rule="answers-duplicate-case",
                )
            )
        seen.setdefault(case, i)
    return out


def load_file(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    checks: Iterable[PackCheck] = (),
    display_path: str | None = None,
) -> tuple[FileKind | None, Loaded[Any]]:
    """Load any of the three kinds, detected from the top-level keys."""
    shown = _shown(path, display_path)
    doc, problems = _load_doc(Path(path), max_bytes, shown)
    if doc is None:
        return None, Loaded(shown, None, problems)
    kind = detect_kind(doc.data)
    return kind, _with_findings(doc, _finish_any(doc, kind, checks))


def _finish_any(
    doc: YamlDocument, kind: FileKind | None, checks: Iterable[PackCheck]
) -> Loaded[Any]:
    if kind == "pack":
        return _finish_pack(doc, checks)
    if kind == "codeset":
        return _finish_codeset(doc)
    if kind == "answers":
        return _finish_answers(doc)
    if kind == "layterms":
        from codetrainer.core.encoder.layterms import check_lay_file

        return Loaded(doc.path, doc.data, check_lay_file(doc), doc)
    return Loaded(
        doc.path,
        None,
        [
            doc.diagnostic(
                (),
                "not a codetrainer file: a pack has top-level 'pack:' and 'cases:', a code "
                "set 'codeset:' and 'codes:', an answers file 'answers:'",
                rule="schema-kind",
            )
        ],
        doc,
    )


# ---------------------------------------------------------------------------------------
# cross-field checks


_PHI_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "a Social Security number"),
    (
        re.compile(r"(?<!\d)(\(\d{3}\)\s*|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b"),
        "a phone number",
    ),
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "an e-mail address"),
    (re.compile(r"\b(MRN|medical record (number|no\.?))\s*[:#]?\s*[A-Z]?\d{4,}", re.I), "an MRN"),
    (
        re.compile(
            r"\b(DOB|D\.O\.B\.|date of birth|born( on)?)\s*[:\-]?\s*"
            r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
            r"[A-Z][a-z]+\.? \d{1,2},? \d{4})",
            re.I,
        ),
        "a full date of birth",
    ),
]


def _phi_warnings(doc: YamlDocument, case_index: int, note: str) -> list[Diagnostic]:
    out = []
    for pattern, what in _PHI_PATTERNS:
        match = pattern.search(note)
        if match:
            # at the line holding the number, not at the 'note:' key
            line, col = doc.locate_text(("cases", case_index, "note"), match.group(0))
            out.append(
                Diagnostic(
                    doc.path,
                    line,
                    col,
                    "warning",
                    f"the note seems to contain {what} ('{match.group(0)}'); packs must hold "
                    "invented or de-identified notes only: replace it with [redacted]",
                    "phi",
                )
            )
    return out


def _check_header(doc: YamlDocument, info: PackInfo) -> list[Diagnostic]:
    # the year itself is checked against the reference in force (core/refcheck.py)
    if re.fullmatch(r"FY20\d\d", info.code_year.upper().replace(" ", "")):
        return []
    return [
        doc.diagnostic(
            ("pack", "code_year"),
            f"code_year is '{info.code_year}'; write the ICD-10-CM fiscal year the answers "
            "follow, such as FY2026",
            severity="warning",
            rule="code-year",
        )
    ]


def _check_case(doc: YamlDocument, i: int, case: Case) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    base: YamlPath = ("cases", i)
    answer = case.answer
    if not answer.diagnoses and not answer.lines and answer.query is None:
        out.append(
            doc.diagnostic(
                (*base, "answer"),
                "the answer is empty: give at least one diagnosis, service line or query",
                rule="empty-answer",
                at_key=True,
            )
        )
    note = normalize_space(case.note)
    n_dx = len(answer.diagnoses)
    seen_dx: dict[str, int] = {}
    for d, dx in enumerate(answer.diagnoses):
        path: YamlPath = (*base, "answer", "diagnoses", d)
        if dx.code in seen_dx:
            out.append(
                doc.diagnostic(
                    (*path, "code"),
                    f"{dx.code} is listed twice (also diagnosis {seen_dx[dx.code] + 1}); "
                    "report each code once",
                    rule="duplicate-code",
                )
            )
        seen_dx.setdefault(dx.code, d)
        out.extend(_evidence(doc, path, dx.evidence, note))
        if not dx.why:
            out.append(
                doc.diagnostic(
                    (*path, "code"),
                    f"no 'why' for {dx.code}: learners will only see the automatic explanation; "
                    "add a sentence saying why this code fits the note",
                    severity="warning",
                    rule="missing-why",
                )
            )
    for n, line in enumerate(answer.lines):
        path = (*base, "answer", "lines", n)
        out.extend(_evidence(doc, path, line.evidence, note))
        for p, pointer in enumerate(line.pointers):
            if pointer > n_dx:
                out.append(
                    doc.diagnostic(
                        (*path, "pointers", p),
                        f"pointer {pointer} points past the {n_dx} diagnos"
                        f"{'is' if n_dx == 1 else 'es'} of this case; pointers are 1-based "
                        "positions in 'diagnoses'",
                        rule="pointer-range",
                    )
                )
        if len(set(line.pointers)) != len(line.pointers):
            out.append(
                doc.diagnostic(
                    (*path, "pointers"),
                    "the same diagnosis is pointed at twice; list each pointer once",
                    rule="pointer-duplicate",
                )
            )
        mods = line.modifiers
        if len(set(mods)) != len(mods):
            out.append(
                doc.diagnostic(
                    (*path, "modifiers"),
                    "a modifier is repeated on this line; list each modifier once",
                    rule="modifier-duplicate",
                )
            )
        if "59" in mods and any(m in {"XE", "XS", "XP", "XU"} for m in mods):
            out.append(
                doc.diagnostic(
                    (*path, "modifiers"),
                    "59 and an X modifier (XE/XS/XP/XU) never go on the same line; keep the "
                    "more specific X modifier",
                    rule="modifier-59-x",
                )
            )
        if not line.why:
            out.append(
                doc.diagnostic(
                    (*path, "code"),
                    f"no 'why' for {line.code}: add a sentence saying why this service is reported",
                    severity="warning",
                    rule="missing-why",
                )
            )
    for m, mistake in enumerate(case.mistakes):
        expected = {dx.code for dx in answer.diagnoses} | {ln.code for ln in answer.lines}
        if mistake.code in expected:
            out.append(
                doc.diagnostic(
                    (*base, "mistakes", m, "code"),
                    f"{mistake.code} is part of the answer key, so it cannot be a mistake; "
                    "name a wrong code a learner might choose",
                    rule="mistake-is-answer",
                )
            )
    out.extend(_phi_warnings(doc, i, case.note))
    out.extend(claim_checks(doc, i, case))  # whose claim, IV.H, optional items
    return out


def _evidence(doc: YamlDocument, path: YamlPath, phrases: list[str], note: str) -> list[Diagnostic]:
    out = []
    for e, phrase in enumerate(phrases):
        if normalize_space(phrase) not in note:
            out.append(
                doc.diagnostic(
                    (*path, "evidence", e),
                    f"evidence phrase '{phrase}' does not occur in the note; copy the words "
                    "exactly as the note has them (case and line breaks do not matter)",
                    rule="evidence-not-found",
                )
            )
    return out


def _check_case_ids(doc: YamlDocument) -> list[Diagnostic]:
    """Duplicate case ids, found in the raw data so bad cases are counted too."""
    out: list[Diagnostic] = []
    cases = doc.data.get("cases") if isinstance(doc.data, dict) else None
    if not isinstance(cases, list):
        return out
    seen: dict[str, int] = {}
    for i, case in enumerate(cases):
        if isinstance(case, dict) and isinstance(case.get("id"), str):
            cid = case["id"]
            if cid in seen:
                out.append(
                    doc.diagnostic(
                        ("cases", i, "id"),
                        f"duplicate case id '{cid}' (also case {seen[cid] + 1}); case ids "
                        "must be unique within a pack",
                        rule="duplicate-case-id",
                    )
                )
            seen.setdefault(cid, i)
    return out


def check_codeset(doc: YamlDocument, codeset: CodeSet) -> list[Diagnostic]:
    """Every code well-formed for the set's system, listed once; CPT without AMA text."""
    out: list[Diagnostic] = []
    system = codeset.system
    seen: dict[str, int] = {}
    for i, entry in enumerate(codeset.codes):
        path: YamlPath = ("codes", i, "code")
        try:
            code = normalize(entry.code, system).code
        except CodeFormatError as exc:
            out.append(doc.diagnostic(path, f"{system.value} code {exc}", rule="code-format"))
            continue
        if code in seen:
            out.append(
                doc.diagnostic(
                    path,
                    f"{code} is listed twice in this code set (also entry {seen[code] + 1})",
                    rule="duplicate-code",
                )
            )
        seen.setdefault(code, i)
        if system is not System.ICD10CM and not entry.description:
            out.append(
                doc.diagnostic(
                    ("codes", i),
                    f"{code} has no description; add a short plain-language summary",
                    rule="missing-description",
                    at_key=True,
                )
            )
    return out
