"""Student exports and the instructor's class report.

A student runs ``codetrainer export`` and hands in the file (no server needed); the
instructor runs ``codetrainer report FILES...`` over the whole class.

**Export formats** (both carry every attempt, answers included):

* CSV: one row per attempt, columns :data:`EXPORT_COLUMNS`. The student's name is in
  the ``student`` column of every row (an export without attempts has no rows, so the
  report names it after the file). ``kinds`` and ``wrong_codes`` are ``;``-separated;
  ``tags``, ``systems`` and ``answer`` are JSON. Text cells that a spreadsheet would take
  for a formula (starting ``=``, ``+``, ``-``, ``@``) get a leading ``'``, which the reader
  removes again.
* JSON: ``{"format": "codetrainer-export", "version": 1, "student": ..., "exported_at":
  ..., "app": ..., "attempts": [Attempt.to_dict(), ...]}``, one attempt per line.

The class report reads either kind (the student is taken from the export, or from the
file name when the export has none) and aggregates: per-case difficulty, the most common
error kinds and wrong codes, per-student totals. The same attempt handed in twice (two
copies of one export) is counted once.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import asdict, dataclass, field, replace
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from codetrainer import __version__
from codetrainer.core.store import SOLVED_SCORE, Attempt, Store, format_utc, utc_now

__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "CaseDifficulty",
    "CaseMatrix",
    "ClassReport",
    "CountRow",
    "KnownPacks",
    "MatrixRow",
    "PackProgress",
    "ReportError",
    "StudentExport",
    "StudentTotal",
    "build_report",
    "default_jobs",
    "export_attempts",
    "format_export",
    "load_report",
    "matrix_to_csv",
    "read_export",
    "render_matrix",
    "render_table",
    "report_to_csv",
    "report_to_json",
]

EXPORT_FORMAT = "codetrainer-export"
EXPORT_VERSION = 1
EXPORT_COLUMNS = (
    "student",
    "attempt_id",
    "created_at",
    "pack_id",
    "case_id",
    "case_hash",
    "mode",
    "exam_id",
    "score",
    "hints_used",
    "seconds",
    "kinds",
    "wrong_codes",
    "tags",
    "systems",
    "answer",
)
_REQUIRED = ("pack_id", "case_id", "score")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReportError(Exception):
    """An export cannot be read; the message names the file and what is wrong."""


# --- writing -------------------------------------------------------------------------------


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) or text.startswith("'") else text


def _unsafe_cell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _json_cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def format_export(
    attempts: Sequence[Attempt], fmt: str = "csv", *, student: str = "", exported_at: str = ""
) -> str:
    """The export text for ``attempts`` (``fmt`` ``"csv"`` or ``"json"``)."""
    exported_at = exported_at or format_utc(utc_now())
    if fmt == "json":
        header = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "student": student,
            "exported_at": exported_at,
            "app": f"codetrainer {__version__}",
        }
        # One attempt per line: compact, yet readable and friendly to diff and grep.
        head = json.dumps(header, ensure_ascii=False)[:-1]
        lines = ",\n".join(_json_cell(a.to_dict()) for a in attempts)
        return f'{head}, "attempts": [\n{lines}\n]}}\n' if lines else f'{head}, "attempts": []}}\n'
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}: use csv or json")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    name = _safe_cell(student)
    for a in attempts:
        writer.writerow(
            (
                name,
                "" if a.id is None else a.id,
                a.created_at,
                _safe_cell(a.pack_id),
                _safe_cell(a.case_id),
                _safe_cell(a.case_hash),
                _safe_cell(a.mode),
                _safe_cell(a.exam_id or ""),
                repr(float(a.score)),
                a.hints_used,
                repr(float(a.seconds)),
                _safe_cell(";".join(a.kinds)),
                _safe_cell(";".join(a.wrong_codes)),
                _json_cell(list(a.tags)),
                _json_cell({k: [e, p] for k, (e, p) in a.systems.items()}),
                _json_cell(a.answer),
            )
        )
    return buffer.getvalue()


def export_attempts(store: Store, fmt: str = "csv", *, student: str | None = None) -> str:
    """Every attempt in ``store`` as export text.

    ``student`` defaults to the name kept in the store (``store.get_meta("student")``).
    """
    name = student if student is not None else (store.get_meta("student") or "")
    return format_export(store.attempts(), fmt, student=name)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StudentExport:
    """One export file read back."""

    student: str
    attempts: tuple[Attempt, ...]
    source: str
    """The file it came from."""


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in (x.strip() for x in text.split(";")) if p)


def _detect(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if text.lstrip().startswith("{") else "csv"


MAX_EXPORT_BYTES = 256 * 1024 * 1024
"""The largest export file read (a year of daily practice is a few MiB)."""


def _read_text(path: Path) -> str:
    from codetrainer.fileio import InputError, read_bounded

    try:
        # bytes, not read_text: universal newlines would turn a "\r" inside a cell into "\n"
        return read_bounded(path, MAX_EXPORT_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{_name(path)}: error: not UTF-8 text ({exc.reason})") from exc
    except InputError as exc:
        raise ReportError(f"{_name(path)}: error: cannot read it: {exc.reason}") from exc


def _name(path: Path | str) -> str:
    """A file name as messages quote it (control characters escaped)."""
    from codetrainer.core.untrusted import escape_unsafe

    return escape_unsafe(str(path))


MAX_SECONDS = 10_000_000.0
"""The most seconds one attempt can take (about 115 days); more is a damaged value."""


def _check_numbers(score: float, seconds: float) -> str:
    """Why a score or time is impossible, or "" when both are fine (NaN fails both tests)."""
    if not 0.0 <= score <= 100.0:
        return f"score {score!r} is not a number from 0 to 100"
    if not 0.0 <= seconds <= MAX_SECONDS:
        return f"seconds {seconds!r} is not a time from 0 to {MAX_SECONDS:,.0f}"
    return ""


def _json_payload(path: Path, text: str) -> dict[str, Any]:
    try:
        payload = json.loads(text)  # NaN/Infinity read as numbers, then refused per attempt
    except RecursionError:
        raise ReportError(
            f"{_name(path)}: error: the JSON is nested too deeply to be an export "
            "(brackets inside brackets, hundreds of levels)"
        ) from None
    except ValueError as exc:
        raise ReportError(f"{_name(path)}: error: not valid JSON ({exc})") from exc
    if not isinstance(payload, dict) or payload.get("format") != EXPORT_FORMAT:
        raise ReportError(
            f'{path}: error: not a codetrainer export (no "format": "{EXPORT_FORMAT}")'
        )
    version = payload.get("version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        raise ReportError(
            f"{path}: error: export version {version!r} is newer than this codetrainer "
            f"understands ({EXPORT_VERSION}); update codetrainer"
        )
    if not isinstance(payload.get("attempts"), list):
        raise ReportError(f'{path}: error: "attempts" must be a list')
    return payload


def _csv_header(path: Path, text: str) -> tuple[dict[str, int], Any]:
    """The column index of an export's header and the reader positioned after it."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ReportError(f"{path}: error: the file is empty") from None
    except csv.Error as exc:
        raise ReportError(f"{path}:1: error: {exc}") from exc
    index = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in _REQUIRED if c not in index]
    if missing:
        raise ReportError(
            f"{path}:1: error: not a codetrainer export: missing column(s) {', '.join(missing)}"
        )
    return index, reader


def _csv_rows(path: Path, text: str) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    index, reader = _csv_header(path, text)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                if row:
                    yield reader.line_num, row
        except csv.Error as exc:
            raise ReportError(f"{path}:{reader.line_num}: error: {exc}") from exc

    return index, rows()


def read_export(path: Path | str) -> StudentExport:
    """Read one export file (CSV or JSON) completely; raises :class:`ReportError`."""
    source = Path(path)
    text = _read_text(source)
    if _detect(source, text) == "json":
        payload = _json_payload(source, text)
        attempts = []
        for n, item in enumerate(payload["attempts"], start=1):
            try:
                attempt = Attempt.from_dict(item)
                why = _check_numbers(float(attempt.score), float(attempt.seconds))
                if why:
                    raise ValueError(why)
                attempts.append(attempt)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
                if isinstance(exc, KeyError):
                    reason = f"the field {reason!r} is missing"
                raise ReportError(
                    f"{_name(source)}: error: attempt {n}: {_name(reason or 'not an attempt')}"
                ) from exc
        student = str(payload.get("student") or "") or source.stem
        return StudentExport(student=student, attempts=tuple(attempts), source=str(source))
    index, rows = _csv_rows(source, text)
    attempts = []
    student = ""

    def cell(row: list[str], name: str) -> str:
        i = index.get(name)
        return _unsafe_cell(row[i]) if i is not None and i < len(row) else ""

    for line, row in rows:
        try:
            student = student or cell(row, "student")
            raw_id = cell(row, "attempt_id")
            attempts.append(
                Attempt(
                    pack_id=cell(row, "pack_id"),
                    case_id=cell(row, "case_id"),
                    case_hash=cell(row, "case_hash"),
                    answer=json.loads(cell(row, "answer") or "{}"),
                    score=float(cell(row, "score")),
                    kinds=_split(cell(row, "kinds")),
                    wrong_codes=_split(cell(row, "wrong_codes")),
                    hints_used=int(cell(row, "hints_used") or 0),
                    seconds=float(cell(row, "seconds") or 0),
                    mode=cell(row, "mode") or "practice",
                    created_at=cell(row, "created_at"),
                    id=int(raw_id) if raw_id else None,
                    exam_id=cell(row, "exam_id") or None,
                    systems={
                        str(k): (float(v[0]), float(v[1]))
                        for k, v in json.loads(cell(row, "systems") or "{}").items()
                    },
                    tags=tuple(str(t) for t in json.loads(cell(row, "tags") or "[]")),
                )
            )
            why = _check_numbers(attempts[-1].score, attempts[-1].seconds)
            if why:
                raise ValueError(why)
        except RecursionError:
            raise ReportError(
                f"{_name(source)}:{line}: error: a JSON cell is nested too deeply"
            ) from None
        except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
            raise ReportError(f"{_name(source)}:{line}: error: {_name(str(exc))}") from exc
    return StudentExport(
        student=student or source.stem, attempts=tuple(attempts), source=str(source)
    )


# A light row for the class report: no answers parsed, no dataclass per attempt.
_Row = tuple[str, str, str, str, float, float, tuple[str, ...], tuple[str, ...]]
# (created_at, attempt id, pack_id, case_id, score, seconds, kinds, wrong_codes)


_JSON_FIELDS = itemgetter(
    "created_at", "id", "pack_id", "case_id", "score", "seconds", "kinds", "wrong_codes"
)


def _fast_split(text: str) -> tuple[str, ...]:
    """A ``;``-list cell; the careful path only for unusual cells (spaces, escapes)."""
    parts = text.split(";")
    if "" in parts or " " in text or text[0] == "'":
        return _split(_unsafe_cell(text))
    return tuple(parts)


def _floats(cells: Sequence[Any], what: str, rows_from: int = 1) -> list[float]:
    try:
        return list(map(float, cells))
    except (TypeError, ValueError):
        for n, cell in enumerate(cells, start=rows_from):
            try:
                float(cell)
            except (TypeError, ValueError):
                raise ReportError(f"row {n}: {what} {cell!r} is not a number") from None
        raise  # pragma: no cover - map failed, so one cell fails


def _json_rows(path: Path, payload: dict[str, Any]) -> tuple[list[_Row], list[str]]:
    """The rows of a JSON export, and a message for every attempt skipped as impossible."""
    items = payload["attempts"]
    try:
        got = list(map(_JSON_FIELDS, items))
    except (KeyError, TypeError):
        got = None
    if got is not None and got:
        created, ids, packs, cases, scores, seconds, kinds, wrong = map(
            list, zip(*got, strict=True)
        )
        if None in created:
            created = ["" if c is None else c for c in created]
        if None in seconds:
            seconds = [0.0 if x is None else x for x in seconds]
        try:
            score_col = _floats(scores, "score")
            seconds_col = _floats(seconds, "seconds")
        except ReportError:
            score_col = seconds_col = []  # the careful path names the attempt at fault
        # every score in 0-100 and every time in range (a NaN makes the sum NaN)
        in_range = (
            bool(score_col)
            and math.isfinite(sum(score_col) + sum(seconds_col))
            and min(score_col) >= 0.0
            and max(score_col) <= 100.0
            and min(seconds_col) >= 0.0
            and max(seconds_col) <= MAX_SECONDS
        )
        if (
            in_range
            and set(map(type, chain(created, packs, cases))) <= {str}
            and set(map(type, chain(kinds, wrong))) <= {list}
            and set(map(type, chain.from_iterable(chain(kinds, wrong)))) <= {str}
        ):
            id_col = [("" if x is None else str(x)) for x in ids]
            rows = list(
                zip(
                    created,
                    id_col,
                    packs,
                    cases,
                    score_col,
                    seconds_col,
                    map(tuple, kinds),
                    map(tuple, wrong),
                    strict=True,
                )
            )
            return rows, []
    # the careful path: odd or broken attempts are skipped, each named by its number
    out: list[_Row] = []
    skipped: list[str] = []
    for n, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict):
                raise TypeError("an attempt must be a JSON object")
            raw_id = item.get("id")
            row_kinds = item.get("kinds") or []
            row_wrong = item.get("wrong_codes") or []
            if "pack_id" not in item or "case_id" not in item or "score" not in item:
                raise KeyError("pack_id, case_id and score are required")
            texts = (item.get("created_at") or "", item["pack_id"], item["case_id"])
            if not all(isinstance(t, str) for t in texts):
                raise TypeError("created_at, pack_id and case_id must be text")
            if not (isinstance(row_kinds, list) and isinstance(row_wrong, list)) or not all(
                isinstance(x, str) for x in chain(row_kinds, row_wrong)
            ):
                raise TypeError("kinds and wrong_codes must be lists of text")
            raw_score, raw_seconds = item["score"], item.get("seconds") or 0.0
            if isinstance(raw_score, bool) or not isinstance(raw_score, int | float | str):
                raise TypeError(f"score {_short(raw_score)} is not a number")
            if isinstance(raw_seconds, bool) or not isinstance(raw_seconds, int | float | str):
                raise TypeError(f"seconds {_short(raw_seconds)} is not a number")
            score, spent = _number(raw_score, "score"), _number(raw_seconds, "seconds")
            why = _check_numbers(score, spent)
            if why:
                raise ValueError(why)
            out.append(
                (
                    texts[0],
                    "" if raw_id is None else str(raw_id),
                    texts[1],
                    texts[2],
                    score,
                    spent,
                    tuple(row_kinds),
                    tuple(row_wrong),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            skipped.append(f"{_name(path)}: error: attempt {n} skipped: {_name(reason)}")
    return out, skipped


def _number(value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {_short(value)} is not a number") from None
    except OverflowError:  # pragma: no cover - float() of a huge int
        raise ValueError(f"{what} is too large") from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _report_rows(path: Path) -> tuple[str, list[_Row], list[str]]:
    """The student, the light rows of one export and a message per skipped attempt.

    Work is done column by column (C-speed ``map``/``zip``) where the data allows. An
    attempt with an impossible value (a score outside 0-100, NaN, a missing cell) is
    skipped and named (``PATH: attempt N`` / ``PATH:LINE``); the rest of the file counts.
    A file that is not an export at all raises :class:`ReportError`.
    """
    text = _read_text(path)
    if _detect(path, text) == "json":
        payload = _json_payload(path, text)
        rows, passed_over = _json_rows(path, payload)
        return str(payload.get("student") or "") or path.stem, rows, passed_over
    index, reader = _csv_header(path, text)
    i_student = index.get("student", -1)
    i_created = index.get("created_at", -1)
    i_id = index.get("attempt_id", -1)
    i_pack, i_case, i_score = index["pack_id"], index["case_id"], index["score"]
    i_seconds = index.get("seconds", -1)
    i_kinds = index.get("kinds", -1)
    i_wrong = index.get("wrong_codes", -1)
    width = max(index.values()) + 1
    student = ""
    out: list[_Row] = []
    skipped: list[str] = []
    append = out.append
    lists: dict[str, tuple[str, ...]] = {"": ()}  # the same lists come back often
    # One pass per row (measured faster here than transposing into columns).
    columns = (i_created, i_id, i_pack, i_case, i_score, i_seconds, i_kinds, i_wrong)
    quick = min(columns) >= 0  # every column there (our own exports)
    pick = itemgetter(*columns) if quick else None
    n = 0  # the attempt's number in the file (rows after the header)

    def skip(why: str) -> None:
        skipped.append(f"{_name(path)}:{reader.line_num}: error: attempt {n} skipped: {why}")

    try:
        for row in reader:
            if not row:
                continue
            n += 1
            if len(row) < width:
                skip(f"{len(row)} cells, the header has {width}")
                continue
            if not student and i_student >= 0:
                student = _unsafe_cell(row[i_student])
            if pick is not None:
                created, attempt_id, pack, case, score_text, seconds_text, kinds, wrong = pick(row)
            else:
                created = row[i_created] if i_created >= 0 else ""
                attempt_id = row[i_id] if i_id >= 0 else ""
                pack, case, score_text = row[i_pack], row[i_case], row[i_score]
                seconds_text = row[i_seconds] if i_seconds >= 0 else ""
                kinds = row[i_kinds] if i_kinds >= 0 else ""
                wrong = row[i_wrong] if i_wrong >= 0 else ""
            try:
                score = float(score_text)
                seconds = float(seconds_text) if seconds_text else 0.0
            except ValueError:
                skip(
                    f"score {_name(_short(score_text))} or seconds "
                    f"{_name(_short(seconds_text))} is not a number"
                )
                continue
            if not (0.0 <= score <= 100.0 and 0.0 <= seconds <= MAX_SECONDS):
                skip(_check_numbers(score, seconds))
                continue
            k = lists.get(kinds)
            if k is None:
                k = lists[kinds] = _fast_split(kinds) if kinds else ()
            w = lists.get(wrong)
            if w is None:
                w = lists[wrong] = _fast_split(wrong) if wrong else ()
            append(
                (
                    created,
                    attempt_id,
                    pack[1:] if pack[:1] == "'" else pack,
                    case[1:] if case[:1] == "'" else case,
                    score,
                    seconds,
                    k,
                    w,
                )
            )
    except csv.Error as exc:
        raise ReportError(f"{_name(path)}:{reader.line_num}: error: {exc}") from exc
    return student or path.stem, out, skipped


# --- the class report ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseDifficulty:
    """How hard one case was for the class (hardest first in the report)."""

    pack_id: str
    case_id: str
    attempts: int
    students: int
    mean_score: float
    """Over all attempts."""
    first_try_mean: float
    """Mean of each student's first attempt."""
    solved_share: float
    """Percentage of the students who tried it that reached the solved score."""
    mean_seconds: float


@dataclass(frozen=True, slots=True)
class CountRow:
    """An error kind or a wrong code and how often it came up."""

    name: str
    count: int
    students: int
    cases: tuple[str, ...] = ()
    """Wrong codes: the cases (``pack/case``) where it was given most often (up to 3)."""


@dataclass(frozen=True, slots=True)
class StudentTotal:
    """One student's totals."""

    student: str
    attempts: int
    cases: int
    solved: int
    mean_score: float
    minutes: float
    last_active: str


@dataclass(frozen=True, slots=True)
class PackProgress:
    """How far one student got through one pack: the denominator is the pack's case count."""

    student: str
    pack_id: str
    done: int
    """Cases of the pack the student attempted at least once."""
    solved: int
    """Cases whose best attempt reached the solved score."""
    total: int
    """Cases in the pack; when the pack was not loaded, the cases anyone attempted."""
    score: float
    """Mean of the best score of every case of the pack, a case never attempted counting 0
    (so 2 of 5 cases done at 100 is 40, not 100)."""
    pack_known: bool = True
    """False when the pack was not loaded (``--pack``), so ``total`` is only a lower bound."""


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One student's best score in each case of :attr:`CaseMatrix.cases` (None: not tried)."""

    student: str
    best: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class CaseMatrix:
    """Students x cases: the best score of each student in each case."""

    cases: tuple[str, ...]
    """``pack/case`` labels: the cases of each pack in the pack's order, packs as attempted."""
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True, slots=True)
class ClassReport:
    """The aggregated class view."""

    files: int
    students: int
    attempts: int
    cases: tuple[CaseDifficulty, ...]
    kinds: tuple[CountRow, ...]
    wrong_codes: tuple[CountRow, ...]
    per_student: tuple[StudentTotal, ...]
    duplicates: int = 0
    """Attempts seen more than once (the same export handed in twice) and counted once."""
    problems: tuple[str, ...] = field(default=())
    """Files that could not be read (``PATH: error: ...``) and attempts skipped
    (``PATH: attempt N: skipped: ...``); the rest were aggregated."""
    skipped: int = 0
    """Attempts skipped because a value was impossible (each one is in ``problems``)."""
    progress: tuple[PackProgress, ...] = ()
    """Per student and pack: cases done and solved of the pack's cases."""
    matrix: CaseMatrix = field(default_factory=lambda: CaseMatrix((), ()))
    """Students x cases, best scores."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass(slots=True)
class _FileSum:
    """One export file boiled down (picklable: worker processes send it back)."""

    keys: set[str]
    """``created|id|pack|case`` of every attempt counted, to spot the same attempt again."""
    duplicates: int
    groups: dict[tuple[str, str], list[Any]]
    """(pack, case) -> [count, score sum, seconds sum, first created, first score, best]."""
    kinds: Counter[str]
    codes: Counter[str]
    code_cases: dict[str, Counter[str]]
    """Wrong code -> how often per ``pack/case`` label."""
    count: int
    total: float
    spent: float
    last: str


def _summarise(rows: Iterable[_Row], skip: Set[str] = frozenset()) -> _FileSum:
    """Boil one file's rows down; attempts whose key is in ``skip`` (or that repeat
    within the file) only count as duplicates."""
    # One tight loop over the rows with local state, merged into the totals once per
    # file (a file holds one student). Measured faster than grouping with sort/groupby,
    # whose per-group overhead outweighs the per-row savings.
    keys: set[str] = set()
    duplicates = 0
    groups: dict[tuple[str, str], list[Any]] = {}
    kinds: list[str] = []
    codes: list[str] = []
    wrong_at: list[tuple[tuple[str, str], tuple[str, ...]]] = []
    count = 0
    total = 0.0
    spent = 0.0
    last = ""
    for created, attempt_id, pack, case, score, seconds, row_kinds, wrong in rows:
        if created:
            key = f"{created}|{attempt_id}|{pack}|{case}"  # a new str: pins no parsed text
            if key in keys or key in skip:  # the same attempt handed in twice
                duplicates += 1
                continue
            keys.add(key)
            if created > last:
                last = created
        where = (pack, case)
        g = groups.get(where)
        if g is None:
            groups[where] = [1, score, seconds, created, score, score]
        else:
            g[0] += 1
            g[1] += score
            g[2] += seconds
            if created < g[3]:
                g[3] = created
                g[4] = score
            if score > g[5]:
                g[5] = score
        if row_kinds:
            kinds += row_kinds
        if wrong:
            codes += wrong
            wrong_at.append((where, wrong))
        count += 1
        total += score
        spent += seconds if 0.0 <= seconds <= 1800.0 else (0.0 if seconds < 0 else 1800.0)
    code_cases: dict[str, Counter[str]] = {}
    for (pack, case), wrong in wrong_at:
        label = f"{pack}/{case}"
        for code in wrong:
            per = code_cases.get(code)
            if per is None:
                per = code_cases[code] = Counter()
            per[label] += 1
    return _FileSum(
        keys,
        duplicates,
        groups,
        Counter(kinds),
        Counter(codes),
        code_cases,
        count,
        total,
        spent,
        last,
    )


class KnownPacks(dict[str, list[str]]):
    """Pack id -> case ids of packs that are merely *available* (say, every bundled pack):
    only those somebody attempted appear in the progress and the matrix. A plain mapping
    means the packs were named on purpose and always appear."""


class _Acc:
    """Aggregation state (plain dicts keyed by tuples, for speed)."""

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {}
        self.duplicates = 0
        self.files = 0
        self.case_scores: dict[tuple[str, str], list[float]] = {}
        # (pack, case) -> [count, score sum, seconds sum]
        self.first: dict[tuple[str, str, str], tuple[str, float]] = {}
        self.best: dict[tuple[str, str, str], float] = {}
        self.kinds: Counter[str] = Counter()
        self.kind_students: dict[str, set[str]] = defaultdict(set)
        self.codes: Counter[str] = Counter()
        self.code_students: dict[str, set[str]] = defaultdict(set)
        self.code_cases: dict[str, Counter[str]] = defaultdict(Counter)
        self.students: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        # student -> [attempts, score sum, seconds sum]
        self.last: dict[str, str] = {}
        self.skipped = 0

    def skip(self, skipped: Sequence[str], problems: list[str]) -> None:
        """Count and list the attempts of one file that were skipped."""
        self.skipped += len(skipped)
        problems.extend(skipped)

    def add(self, student: str, rows: Iterable[_Row]) -> None:
        """Aggregate one file's rows (all of one student)."""
        self.merge(student, _summarise(rows, self.seen.get(student, frozenset())))

    def overlaps(self, student: str, part: _FileSum) -> bool:
        """Whether a file summarised on its own repeats attempts already counted."""
        seen = self.seen.get(student)
        return seen is not None and not seen.isdisjoint(part.keys)

    def merge(self, student: str, part: _FileSum) -> None:
        """Add one file's summary (its attempts must not repeat counted ones)."""
        self.files += 1
        self.seen.setdefault(student, set()).update(part.keys)
        self.duplicates += part.duplicates
        cases = self.case_scores
        for where, (n, score_sum, seconds_sum, created, first_score, best) in part.groups.items():
            acc = cases.get(where)
            if acc is None:
                cases[where] = [float(n), score_sum, seconds_sum]
            else:
                acc[0] += n
                acc[1] += score_sum
                acc[2] += seconds_sum
            sk = (student, where[0], where[1])
            old = self.first.get(sk)
            if old is None or created < old[0]:
                self.first[sk] = (created, first_score)
            if best > self.best.get(sk, -1.0):
                self.best[sk] = best
        self.kinds.update(part.kinds)
        for kind in part.kinds:
            self.kind_students[kind].add(student)
        self.codes.update(part.codes)
        for code in part.codes:
            self.code_students[code].add(student)
        code_cases = self.code_cases
        for code, labels in part.code_cases.items():
            code_cases[code].update(labels)
        st = self.students[student]
        st[0] += part.count
        st[1] += part.total
        st[2] += part.spent
        if part.last > self.last.get(student, ""):
            self.last[student] = part.last

    def completeness(
        self, students: Sequence[str], packs: Mapping[str, Sequence[str]]
    ) -> tuple[tuple[PackProgress, ...], CaseMatrix]:
        """Per-student pack progress and the student x case matrix.

        ``packs`` maps a pack id to its case ids in order (the denominators). A pack that
        was attempted but not given counts the cases anyone attempted (and says so). A
        :class:`KnownPacks` lists only the packs somebody attempted.
        """
        if isinstance(packs, KnownPacks):
            used = {pack for _student, pack, _case in self.best}
            packs = {k: v for k, v in packs.items() if k in used}
        attempted: dict[str, set[str]] = defaultdict(set)
        best_of: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
        for (student, pack, case), best in self.best.items():
            attempted[pack].add(case)
            best_of[student][(pack, case)] = best
        order: dict[str, list[str]] = {}
        for pack in sorted(set(attempted) | set(packs)):
            known = list(packs.get(pack, ()))
            extra = sorted(attempted.get(pack, set()) - set(known))
            order[pack] = known + extra
        progress: list[PackProgress] = []
        for student in students:
            mine = best_of.get(student, {})
            for pack, cases in order.items():
                scores = [mine.get((pack, case)) for case in cases]
                done = [x for x in scores if x is not None]
                if not done and pack not in packs:
                    continue  # a pack nobody gave and this student never tried
                progress.append(
                    PackProgress(
                        student=student,
                        pack_id=pack,
                        done=len(done),
                        solved=sum(1 for x in done if x >= SOLVED_SCORE),
                        total=len(cases),
                        score=sum(done) / len(cases) if cases else 0.0,
                        pack_known=pack in packs,
                    )
                )
        labels = [(pack, case) for pack, cases in order.items() for case in cases]
        matrix = CaseMatrix(
            cases=tuple(f"{pack}/{case}" for pack, case in labels),
            rows=tuple(
                MatrixRow(student, tuple(best_of.get(student, {}).get(k) for k in labels))
                for student in students
            ),
        )
        return tuple(progress), matrix

    def result(
        self,
        top: int | None,
        problems: Sequence[str],
        packs: Mapping[str, Sequence[str]] | None = None,
    ) -> ClassReport:
        firsts: dict[tuple[str, str], list[float]] = defaultdict(list)
        for (_student, pack, case), (_created, score) in self.first.items():
            firsts[(pack, case)].append(score)
        solved: Counter[tuple[str, str]] = Counter()
        per_student_cases: Counter[str] = Counter()
        per_student_solved: Counter[str] = Counter()
        for (student, pack, case), best in self.best.items():
            per_student_cases[student] += 1
            if best >= SOLVED_SCORE:
                solved[(pack, case)] += 1
                per_student_solved[student] += 1
        cases = []
        for (pack, case), (count, total, seconds) in self.case_scores.items():
            first = firsts[(pack, case)]
            cases.append(
                CaseDifficulty(
                    pack_id=pack,
                    case_id=case,
                    attempts=int(count),
                    students=len(first),
                    mean_score=total / count,
                    first_try_mean=sum(first) / len(first),
                    solved_share=100.0 * solved[(pack, case)] / len(first),
                    mean_seconds=seconds / count,
                )
            )
        cases.sort(key=lambda c: (c.mean_score, -c.attempts, c.pack_id, c.case_id))
        kinds = [
            CountRow(name=k, count=n, students=len(self.kind_students[k]))
            for k, n in sorted(self.kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        codes = [
            CountRow(
                name=c,
                count=n,
                students=len(self.code_students[c]),
                cases=tuple(name for name, _ in self.code_cases[c].most_common(3)),
            )
            for c, n in sorted(self.codes.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        students = sorted(
            (
                StudentTotal(
                    student=s,
                    attempts=int(v[0]),
                    cases=per_student_cases[s],
                    solved=per_student_solved[s],
                    mean_score=v[1] / v[0] if v[0] else 0.0,
                    minutes=v[2] / 60,
                    last_active=self.last.get(s, ""),
                )
                for s, v in self.students.items()
            ),
            key=lambda t: t.student.casefold(),
        )
        if top is not None:
            kinds, codes = kinds[:top], codes[:top]
        progress, matrix = self.completeness([t.student for t in students], packs or {})
        return ClassReport(
            files=self.files,
            students=len(self.students),
            attempts=sum(int(v[0]) for v in self.students.values()),
            cases=tuple(cases),
            kinds=tuple(kinds),
            wrong_codes=tuple(codes),
            per_student=tuple(students),
            duplicates=self.duplicates,
            problems=tuple(problems),
            skipped=self.skipped,
            progress=progress,
            matrix=matrix,
        )


def build_report(
    exports: Iterable[StudentExport],
    *,
    top: int | None = None,
    packs: Mapping[str, Sequence[str]] | None = None,
) -> ClassReport:
    """Aggregate exports already read (:func:`read_export`) into a class report.

    ``packs`` maps pack ids to their case ids (the denominators of the progress).
    """
    acc = _Acc()
    for export in exports:
        acc.add(
            export.student,
            (
                (
                    a.created_at,
                    "" if a.id is None else str(a.id),
                    a.pack_id,
                    a.case_id,
                    a.score,
                    a.seconds,
                    a.kinds,
                    a.wrong_codes,
                )
                for a in export.attempts
            ),
        )
    return acc.result(top, (), packs)


def _expand(paths: Iterable[Path | str], problems: list[str]) -> list[Path]:
    """Files named, and the ``*.csv``/``*.json`` of folders; a folder that cannot be
    listed is a problem (its files were not counted), not a traceback."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                found = [p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json")]
            except OSError as exc:
                reason = exc.strerror or "the system refused to list it"
                problems.append(f"{_name(path)}: error: cannot read the folder: {reason}")
                continue
            out.extend(sorted(found))
        else:
            out.append(path)
    return out


_PARALLEL_FROM = 48
"""Files from which reading is spread over worker processes (fewer: not worth starting them)."""


def default_jobs() -> int:
    """Worker processes for a big report: the CPUs this process may use, at most 4."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, 4))


def _read_one(path: Path) -> tuple[str, list[_Row], list[str]] | str:
    """One file's student, rows and skipped attempts, or why it cannot be read."""
    try:
        return _report_rows(path)
    except ReportError as exc:
        return str(exc)


def _summarise_one(path: Path) -> tuple[str, _FileSum, list[str]] | str:
    """Worker process: one file read and boiled down (small to send back)."""
    result = _read_one(path)
    if isinstance(result, str):
        return result
    return result[0], _summarise(result[1]), result[2]


def _aggregate_parallel(
    files: list[Path], jobs: int, top: int | None, packs: Mapping[str, Sequence[str]] | None = None
) -> ClassReport:
    """Files read and summarised by worker processes, merged here in the order given."""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork starts at once and needs no re-import, but is only safe without other threads
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
    chunk = max(1, min(16, len(files) // (jobs * 8)))
    acc = _Acc()
    problems: list[str] = []
    with ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=gc.disable
    ) as pool:
        results = pool.map(_summarise_one, files, chunksize=chunk)
        for path, result in zip(files, results, strict=True):
            if isinstance(result, str):
                problems.append(result)
                continue
            student, part, skipped = result
            acc.skip(skipped, problems)
            if acc.overlaps(student, part):
                # repeats attempts of an earlier file (an export handed in again, or a
                # later export of the same history): count it here, skipping the repeats
                again = _read_one(path)
                if isinstance(again, str):  # pragma: no cover - changed while reading
                    problems.append(again)
                else:
                    acc.add(again[0], again[1])
            else:
                acc.merge(student, part)
    return acc.result(top, problems, packs)


def _aggregate(
    files: list[Path], top: int | None, packs: Mapping[str, Sequence[str]] | None = None
) -> ClassReport:
    acc = _Acc()
    problems: list[str] = []
    for path in files:
        result = _read_one(path)
        if isinstance(result, str):
            problems.append(result)
        else:
            acc.skip(result[2], problems)
            acc.add(result[0], result[1])
    return acc.result(top, problems, packs)


def load_report(
    paths: Iterable[Path | str],
    *,
    top: int | None = None,
    jobs: int | None = None,
    packs: Mapping[str, Sequence[str]] | None = None,
) -> ClassReport:
    """Read export files (folders are searched for ``*.csv`` and ``*.json``) and aggregate.

    A file that cannot be read is listed in :attr:`ClassReport.problems` and skipped.
    Big classes are read by ``jobs`` worker processes (default :func:`default_jobs`;
    1 = all in this process); the report is the same either way, files count in the
    order given. Where worker processes cannot start, everything is read here.
    ``packs`` (pack id -> case ids) gives each pack's case count for the progress.
    """
    unlisted: list[str] = []
    files = _expand(paths, unlisted)
    if unlisted:
        report = load_report(files, top=top, jobs=jobs, packs=packs)
        return replace(report, problems=(*unlisted, *report.problems))
    jobs = default_jobs() if jobs is None else max(1, jobs)
    # The aggregation keeps many small objects alive; the cyclic garbage collector would
    # scan them again and again (a third of the time) while finding nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if jobs > 1 and len(files) >= _PARALLEL_FROM:
            from concurrent.futures.process import BrokenProcessPool

            try:
                return _aggregate_parallel(files, jobs, top, packs)
            except (OSError, RuntimeError, ImportError, BrokenProcessPool):
                pass  # no processes here (a sandbox without semaphores): read them here
        return _aggregate(files, top, packs)
    finally:
        if collecting:
            gc.enable()


# --- output -----------------------------------------------------------------------------


def report_to_json(report: ClassReport) -> str:
    """The report as JSON (the :class:`ClassReport` fields)."""
    # strict JSON: every number is bounded on the way in, and allow_nan=False makes sure
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=1, allow_nan=False) + "\n"


_CSV_COLUMNS = (
    "section",
    "pack_id",
    "case_id",
    "student",
    "name",
    "attempts",
    "students",
    "cases",
    "solved",
    "count",
    "mean_score",
    "first_try_mean",
    "solved_share",
    "mean_seconds",
    "minutes",
    "last_active",
    "done",
    "total",
)


def report_to_csv(report: ClassReport) -> str:
    """The report as one CSV: a ``section`` column (``case``, ``kind``, ``wrong_code``,
    ``student``, ``progress``) and the columns each section uses (the others left empty).

    ``progress`` rows: one per student and pack, ``done``/``total`` cases of the pack,
    ``solved``, and ``mean_score`` over all the pack's cases (untried ones count 0)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for c in report.cases:
        writer.writerow(
            {
                "section": "case",
                "pack_id": _safe_cell(c.pack_id),
                "case_id": _safe_cell(c.case_id),
                "attempts": c.attempts,
                "students": c.students,
                "mean_score": round(c.mean_score, 1),
                "first_try_mean": round(c.first_try_mean, 1),
                "solved_share": round(c.solved_share, 1),
                "mean_seconds": round(c.mean_seconds, 1),
            }
        )
    for section, rows in (("kind", report.kinds), ("wrong_code", report.wrong_codes)):
        for r in rows:
            writer.writerow(
                {
                    "section": section,
                    "name": _safe_cell(r.name),
                    "count": r.count,
                    "students": r.students,
                    "cases": _safe_cell(" ".join(r.cases)),
                }
            )
    for s in report.per_student:
        writer.writerow(
            {
                "section": "student",
                "student": _safe_cell(s.student),
                "attempts": s.attempts,
                "cases": s.cases,
                "solved": s.solved,
                "mean_score": round(s.mean_score, 1),
                "minutes": round(s.minutes, 1),
                "last_active": s.last_active,
            }
        )
    for p in report.progress:
        writer.writerow(
            {
                "section": "progress",
                "student": _safe_cell(p.student),
                "pack_id": _safe_cell(p.pack_id),
                "done": p.done,
                "total": p.total,
                "solved": p.solved,
                "mean_score": round(p.score, 1),
            }
        )
    return buffer.getvalue()


def _score_cell(best: float | None) -> str:
    return "" if best is None else f"{best:.1f}"


def matrix_to_csv(report: ClassReport) -> str:
    """The student x case matrix as CSV: ``student``, one column per ``pack/case`` (the
    best score, empty when not tried), then ``PACK done`` and ``PACK total`` per pack."""
    matrix = report.matrix
    packs = sorted({p.pack_id for p in report.progress})
    progress = {(p.student, p.pack_id): p for p in report.progress}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ["student", *matrix.cases]
    for pack in packs:
        header += [f"{pack} done", f"{pack} total"]
    writer.writerow([_safe_cell(h) for h in header])
    for row in matrix.rows:
        cells = [_safe_cell(row.student), *(_score_cell(b) for b in row.best)]
        for pack in packs:
            got = progress.get((row.student, pack))
            cells += ["0", ""] if got is None else [str(got.done), str(got.total)]
        writer.writerow(cells)
    return buffer.getvalue()


def render_matrix(report: ClassReport) -> str:
    """The student x case matrix as a plain-text table (best score; ``-`` not tried).

    Columns are numbered; a legend under the table names the case of each number.
    """
    matrix = report.matrix
    headers = ("student", *(str(n) for n in range(1, len(matrix.cases) + 1)), "done")
    progress: dict[str, list[PackProgress]] = defaultdict(list)
    for p in report.progress:
        progress[p.student].append(p)
    rows = [
        (
            _clean(row.student),
            *("-" if b is None else f"{b:.0f}" for b in row.best),
            " ".join(f"{p.done}/{p.total}" for p in progress.get(row.student, [])),
        )
        for row in matrix.rows
    ]
    lines = ["Best score per student and case (- = not tried; done = cases done/pack cases)"]
    lines += _table(headers, rows, set(range(1, len(headers) - 1)))
    lines += ["", "Cases"]
    lines += [f"{n:>4}  {_clean(label)}" for n, label in enumerate(matrix.cases, start=1)]
    return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    """One table cell: control characters escaped (``\\x1b``) so a crafted name cannot move
    the terminal's cursor, line breaks and tabs shown as ``\\n`` and a space."""
    from codetrainer.core.untrusted import escape_unsafe

    return escape_unsafe(text).replace("\n", "\\n").replace("\t", " ")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell_text in enumerate(row):
            widths[i] = max(widths[i], len(cell_text))

    def fmt(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return [fmt(headers), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)]


def render_table(report: ClassReport, *, top: int = 10) -> str:
    """The report as plain-text tables (hardest cases, kinds, wrong codes, students)."""
    lines = [
        f"Class report: {report.students} students, {report.attempts} attempts, "
        f"{len(report.cases)} cases, {report.files} files"
        + (f" ({report.duplicates} duplicate attempts ignored)" if report.duplicates else "")
        + (
            f"; {report.skipped} attempt{'s' if report.skipped != 1 else ''} skipped "
            "(impossible values, listed on stderr)"
            if report.skipped
            else ""
        ),
        "",
        "Hardest cases (lowest mean score first)",
    ]
    lines += _table(
        ("pack/case", "attempts", "students", "mean", "first try", "solved %", "avg time"),
        [
            (
                _clean(f"{c.pack_id}/{c.case_id}"),
                str(c.attempts),
                str(c.students),
                f"{c.mean_score:.1f}",
                f"{c.first_try_mean:.1f}",
                f"{c.solved_share:.0f}",
                f"{c.mean_seconds / 60:.1f} min",
            )
            for c in report.cases[:top]
        ],
        {1, 2, 3, 4, 5, 6},
    )
    lines += ["", "Most common error kinds"]
    lines += _table(
        ("kind", "count", "students"),
        [(_clean(k.name), str(k.count), str(k.students)) for k in report.kinds[:top]],
        {1, 2},
    )
    lines += ["", "Most common wrong codes"]
    lines += _table(
        ("code", "count", "students", "mostly in"),
        [
            (_clean(c.name), str(c.count), str(c.students), _clean(", ".join(c.cases)))
            for c in report.wrong_codes[:top]
        ],
        {1, 2},
    )
    lines += ["", "Students"]
    lines += _table(
        ("student", "attempts", "cases", "solved", "mean", "minutes", "last active"),
        [
            (
                _clean(s.student),
                str(s.attempts),
                str(s.cases),
                str(s.solved),
                f"{s.mean_score:.1f}",
                f"{s.minutes:.0f}",
                s.last_active[:10],
            )
            for s in report.per_student
        ],
        {1, 2, 3, 4, 5},
    )
    if report.progress:
        lines += [
            "",
            "Progress per pack (done = cases tried of the pack's cases; mean counts "
            "untried cases as 0)",
        ]
        lines += _table(
            ("student", "pack", "done", "solved", "mean"),
            [
                (
                    _clean(p.student),
                    _clean(p.pack_id),
                    f"{p.done}/{p.total}" + ("" if p.pack_known else "+"),
                    str(p.solved),
                    f"{p.score:.1f}",
                )
                for p in report.progress
            ],
            {2, 3, 4},
        )
        if any(not p.pack_known for p in report.progress):
            lines.append(
                "+ pack not loaded: the total counts only the cases someone tried "
                "(name the pack with --pack)"
            )
    return "\n".join(lines) + "\n"
