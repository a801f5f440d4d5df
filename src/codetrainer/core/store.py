"""The progress store: every submitted attempt, kept in SQLite so that nothing is lost.

One file, ``paths.data_dir()/"progress.sqlite3"`` (``CODETRAINER_HOME`` moves it), opened
with the standard library's :mod:`sqlite3`. The rules it keeps:

* **Committed before feedback.** :meth:`Store.record_attempt` returns only after the
  ``COMMIT`` (``synchronous=FULL``), so a crash or a kill right after it loses nothing.
* **Many writers.** WAL journal, every write an explicit ``BEGIN IMMEDIATE`` transaction,
  a 5 s ``busy_timeout`` and a few retries on top: two app instances writing at once both
  get their rows in.
* **Migrations.** ``PRAGMA user_version`` says which schema a file has; the steps in
  :data:`MIGRATIONS` bring it up to :data:`SCHEMA_VERSION` in one transaction. A file from a
  *newer* codetrainer is refused with a :class:`StoreError`, never downgraded or touched.
* **Damage.** ``quick_check`` runs at open. Before a damaged file (or one that is not a
  database) is moved aside with a UTC timestamp suffix, every attempt, exam session and
  setting that can still be read is copied into a fresh file
  (:mod:`codetrainer.core.salvage`: one bad page loses only the rows on it), which then
  takes its place; review cards are rebuilt from the attempts by the next sync. A
  :class:`StoreNotice` in :attr:`Store.notices` says how many attempts were saved; the UI
  shows it. Nothing is ever recreated silently.
* **Cannot write.** A read-only file or folder, a full disk or a lock held too long raise
  ``StoreError("not saved: ...")``; the app catches it, tells the learner and keeps running.
  A read-only file can still be opened to look at history (``Store.read_only``).
* **Edited cases.** Every attempt keeps the case's content hash
  (:meth:`codetrainer.core.models.Case.content_hash`), so a summary can tell that a case
  changed since it was last answered (:attr:`CaseSummary.changed`).

The UI never writes SQL: it builds an :class:`Attempt` (:func:`attempt_from_result` turns a
grading result into one), records it, and reads lists of plain dataclasses back.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from codetrainer.core.codes import System, detect_system

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MAX_COUNTED_SECONDS",
    "MIGRATIONS",
    "MODES",
    "SCHEMA_VERSION",
    "SOLVED_SCORE",
    "Attempt",
    "CardRow",
    "CaseSummary",
    "ExamRecord",
    "GradedItem",
    "GradingResult",
    "StatsRow",
    "Store",
    "StoreError",
    "StoreNotice",
    "attempt_from_result",
    "default_store_path",
    "format_utc",
    "parse_utc",
    "stats_row",
    "stats_rows_of",
    "system_items",
    "text_list",
    "utc_now",
]

SCHEMA_VERSION = 4
"""The schema this code writes. Bump it by appending a step to :data:`MIGRATIONS`."""

MODES = ("practice", "review", "exam")
"""How an attempt was made."""

SOLVED_SCORE = 95.0
"""A case counts as solved once an attempt scores at least this much (0-100)."""

MAX_COUNTED_SECONDS = 1800.0
"""Time on one attempt counted at most this much in stats (a case left open over lunch)."""

BUSY_TIMEOUT_MS = 5000
"""How long SQLite waits for another writer before giving up (per try)."""

_WRITE_TRIES = 3
_FILE_NAME = "progress.sqlite3"

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26
_SQLITE_PERM = 3

# --- schema history ---------------------------------------------------------------------
# MIGRATIONS[i] takes a file from user_version i to i + 1. Never edit a step that has
# shipped: append a new one. Each step is a list of single statements (run inside one
# transaction together with the user_version bump).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: the first release. Attempts with score, kinds, hints and time.
    (
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pack_id TEXT NOT NULL,
            case_id TEXT NOT NULL,
            case_hash TEXT NOT NULL,
            answer_json TEXT NOT NULL,
            score REAL NOT NULL,
            kinds_json TEXT NOT NULL DEFAULT '[]',
            hints_used INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX attempts_pack_case ON attempts (pack_id, case_id)",
    ),
    # v2: wrong codes, mode and exam sessions, per-system scores and case tags.
    (
        "ALTER TABLE attempts ADD COLUMN wrong_codes_json TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE attempts ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice'",
        "ALTER TABLE attempts ADD COLUMN exam_id TEXT",
        "ALTER TABLE attempts ADD COLUMN systems_json TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE attempts ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]'",
        "CREATE INDEX attempts_created ON attempts (created_at)",
        "CREATE INDEX attempts_exam ON attempts (exam_id) WHERE exam_id IS NOT NULL",
        """CREATE TABLE exam_sessions (
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            seed TEXT NOT NULL,
            state_json TEXT NOT NULL DEFAULT '{}'
        )""",
    ),
    # v3: spaced review cards (FSRS state as JSON) and a small key/value table.
    (
        """CREATE TABLE review_cards (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            pack_id TEXT,
            case_id TEXT,
            error_kind TEXT,
            due TEXT NOT NULL,
            data_json TEXT NOT NULL
        )""",
        "CREATE INDEX review_cards_due ON review_cards (due)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    # v4: drills (codetrainer.core.drills.schedule owns these tables): FSRS state per
    # card and the log of every drill answer.
    (
        """CREATE TABLE drill_cards (
            deck TEXT NOT NULL,
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            data_json TEXT NOT NULL,
            PRIMARY KEY (deck, card)
        )""",
        "CREATE INDEX drill_cards_due ON drill_cards (due)",
        """CREATE TABLE drill_answers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            deck TEXT NOT NULL,
            card TEXT NOT NULL,
            card_kind TEXT NOT NULL DEFAULT '',
            given TEXT NOT NULL,
            verdict TEXT NOT NULL,
            kinds_json TEXT NOT NULL DEFAULT '[]',
            rating INTEGER NOT NULL,
            day TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX drill_answers_day ON drill_answers (day)",
        "CREATE INDEX drill_answers_deck ON drill_answers (deck, card_kind)",
    ),
)
assert len(MIGRATIONS) == SCHEMA_VERSION

_REVIEW_WATERMARK = "review_watermark"


class StoreError(Exception):
    """The store cannot do what was asked; the message is written for the learner.

    Write failures start with ``"not saved: "``. The app shows the message and keeps
    running; the attempt that failed is not in the file.
    """


@dataclass(frozen=True, slots=True)
class StoreNotice:
    """Something the learner should be told about the progress file (shown once by the UI)."""

    kind: Literal["corrupt_moved", "read_only", "migrated"]
    message: str
    path: Path | None = None
    """For ``corrupt_moved``: where the damaged file now is."""
    saved: int | None = None
    """For ``corrupt_moved``: attempts copied from the damaged file into the new one."""
    unreadable: int = 0
    """For ``corrupt_moved``: attempts (rowids) on damaged pages that could not be read."""


# --- time ------------------------------------------------------------------------------


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def format_utc(moment: datetime) -> str:
    """``2026-05-01T09:30:00.000000Z``: fixed width, so text order is time order.

    A naive datetime is taken to be UTC already.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """Read an ISO-8601 timestamp as aware UTC (naive means UTC); ValueError if not one."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is UTC:  # our own format ("...Z") parses straight to UTC
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attempt:
    """One submitted answer to one case, as kept in the store and in exports."""

    pack_id: str
    case_id: str
    case_hash: str
    """``Case.content_hash()`` when it was answered."""
    answer: dict[str, Any]
    """The answer as given (``GivenAnswer.to_dict()``)."""
    score: float
    """0-100."""
    kinds: tuple[str, ...]
    """Error kinds found, one entry per occurrence (``"exact"`` not included)."""
    wrong_codes: tuple[str, ...]
    """Codes the learner gave that were wrong."""
    hints_used: int
    seconds: float
    """Time spent on the case."""
    mode: str = "practice"
    """``practice``, ``review`` or ``exam``."""
    created_at: str = ""
    """UTC ISO-8601 (``format_utc``); filled by the store when empty."""
    id: int | None = None
    """Row id; ``None`` until recorded."""
    exam_id: str | None = None
    """The exam session this attempt belongs to (``mode == "exam"``)."""
    systems: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Points earned and possible per code system (``"ICD-10-CM"``, ``"CPT"``, ``"HCPCS"``,
    ``"MODIFIER"``) and per claim detail (``"units"``, ``"pointers"``, ``"query"``)."""
    tags: tuple[str, ...] = ()
    """The case's tags when it was answered."""

    @property
    def moment(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return parse_utc(self.created_at)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the export shape)."""
        return {
            "id": self.id,
            "created_at": self.created_at,
            "pack_id": self.pack_id,
            "case_id": self.case_id,
            "case_hash": self.case_hash,
            "mode": self.mode,
            "exam_id": self.exam_id,
            "score": self.score,
            "hints_used": self.hints_used,
            "seconds": self.seconds,
            "kinds": list(self.kinds),
            "wrong_codes": list(self.wrong_codes),
            "tags": list(self.tags),
            "systems": {k: [e, p] for k, (e, p) in self.systems.items()},
            "answer": self.answer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attempt:
        """Inverse of :meth:`to_dict`; missing optional keys take their defaults.

        Raises ValueError or KeyError for data that is not an attempt.
        """
        answer = data.get("answer") or {}
        if not isinstance(answer, dict):
            raise ValueError("answer must be an object")
        raw_id = data.get("id")
        return cls(
            pack_id=str(data["pack_id"]),
            case_id=str(data["case_id"]),
            case_hash=str(data.get("case_hash") or ""),
            answer=answer,
            score=float(data["score"]),
            kinds=tuple(str(k) for k in data.get("kinds") or ()),
            wrong_codes=tuple(str(c) for c in data.get("wrong_codes") or ()),
            hints_used=int(data.get("hints_used") or 0),
            seconds=float(data.get("seconds") or 0.0),
            mode=str(data.get("mode") or "practice"),
            created_at=str(data.get("created_at") or ""),
            id=None if raw_id in (None, "") else int(raw_id),
            exam_id=(str(data["exam_id"]) if data.get("exam_id") not in (None, "") else None),
            systems=_systems(data.get("systems") or {}),
            tags=tuple(str(t) for t in data.get("tags") or ()),
        )


def _systems(raw: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(raw, Mapping):
        raise ValueError("systems must be an object")
    out: dict[str, tuple[float, float]] = {}
    for key, value in raw.items():
        earned, possible = value
        out[str(key)] = (float(earned), float(possible))
    return out


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the history says about one case (for pack and case lists)."""

    case_id: str
    attempts: int
    best_score: float
    last_score: float
    last_at: str
    """UTC ISO-8601 of the latest attempt."""
    last_hash: str
    """The case hash of the latest attempt."""
    solved: bool
    """Some attempt scored at least :data:`SOLVED_SCORE`."""
    changed: bool | None = None
    """True when the case's current hash differs from ``last_hash`` (``None``: not asked)."""

    def changed_since(self, current_hash: str) -> bool:
        """True when the case was edited after it was last answered."""
        return bool(current_hash) and current_hash != self.last_hash


StatsRow = tuple[str, str, str, str, str, str, float, float, str]
"""(pack id, case id, mode, kinds JSON, tags JSON, systems JSON, score, seconds, created at)."""


@dataclass(frozen=True, slots=True)
class ExamRecord:
    """An exam session as saved: started, maybe finished, with its own state for resuming."""

    id: str
    started_at: str
    seed: str
    finished_at: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    """Owned by :mod:`codetrainer.core.exam` (case list, time used, draft answers)."""


@dataclass(frozen=True, slots=True)
class CardRow:
    """One spaced-review card as stored; :mod:`codetrainer.core.review` owns ``data``."""

    key: str
    kind: str
    """``"case"`` or ``"kind"``."""
    due: str
    """UTC ISO-8601 (``format_utc``)."""
    data: dict[str, Any]
    pack_id: str | None = None
    case_id: str | None = None
    error_kind: str | None = None


# --- building an attempt from a grading result --------------------------------------------


class GradedItem(Protocol):
    """What :func:`attempt_from_result` reads from a ``grading.ItemResult``."""

    @property
    def field(self) -> str: ...
    @property
    def expected(self) -> str | None: ...
    @property
    def given(self) -> str | None: ...
    @property
    def points(self) -> float: ...
    @property
    def max_points(self) -> float: ...


class GradingResult(Protocol):
    """What :func:`attempt_from_result` reads from a ``grading.CaseResult``."""

    @property
    def score(self) -> float: ...
    @property
    def items(self) -> Sequence[GradedItem]: ...
    @property
    def kinds(self) -> Mapping[str, int]: ...
    @property
    def wrong_codes(self) -> list[str]: ...


class _CaseLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    def content_hash(self) -> str: ...


class _AnswerLike(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


_FIELD_SYSTEM = {
    "diagnosis": System.ICD10CM.value,
    "modifier": System.MODIFIER.value,
    "units": "units",
    "pointer": "pointers",
    "query": "query",
}


def _item_system(item: GradedItem) -> str:
    if item.field == "line":
        for code in (item.expected, item.given):
            system = detect_system(code) if code else None
            if system in (System.CPT, System.HCPCS):
                return system.value
        return System.CPT.value
    return _FIELD_SYSTEM.get(item.field, item.field)


def attempt_from_result(
    *,
    pack_id: str,
    case: _CaseLike,
    answer: _AnswerLike | Mapping[str, Any],
    result: GradingResult,
    hints_used: int = 0,
    seconds: float = 0.0,
    mode: str = "practice",
    exam_id: str | None = None,
) -> Attempt:
    """Turn a grading result (``grading.CaseResult``) into an :class:`Attempt` to record.

    Points are summed per code system (diagnoses are ICD-10-CM, service lines CPT or
    HCPCS by the code's shape, modifiers MODIFIER; units, pointers and the query have
    their own buckets) for "accuracy by code system".
    """
    systems: dict[str, tuple[float, float]] = {}
    for item in result.items:
        key = _item_system(item)
        earned, possible = systems.get(key, (0.0, 0.0))
        systems[key] = (earned + float(item.points), possible + float(item.max_points))
    kinds: list[str] = []
    for kind, count in sorted(result.kinds.items()):
        if kind != "exact":
            kinds.extend([kind] * int(count))
    answer_dict = dict(answer) if isinstance(answer, Mapping) else answer.to_dict()
    return Attempt(
        pack_id=pack_id,
        case_id=case.id,
        case_hash=case.content_hash(),
        answer=answer_dict,
        score=float(result.score),
        kinds=tuple(kinds),
        wrong_codes=tuple(result.wrong_codes),
        hints_used=hints_used,
        seconds=seconds,
        mode=mode,
        exam_id=exam_id,
        systems=systems,
        tags=tuple(case.tags),
    )


# --- the store -----------------------------------------------------------------------------


def default_store_path() -> Path:
    """``paths.data_dir()/"progress.sqlite3"`` (``CODETRAINER_HOME`` moves it)."""
    from codetrainer import paths

    return paths.data_dir() / _FILE_NAME


def _code(exc: BaseException) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


_decoder = json.JSONDecoder()


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return _decoder.raw_decode(text)[0]  # our own compact JSON: no surrounding space
    except ValueError:
        pass
    try:
        return json.loads(text)
    except ValueError:
        return default


# The list columns repeat a lot (the same kinds, tags, systems over and over): decode each
# distinct text once. Results are immutable (tuples), so sharing them is safe.
@lru_cache(maxsize=4096)
def text_list(text: str | None) -> tuple[str, ...]:
    value = _loads(text, [])
    return tuple(str(x) for x in value) if isinstance(value, list) else ()


@lru_cache(maxsize=4096)
def system_items(text: str | None) -> tuple[tuple[str, tuple[float, float]], ...]:
    try:
        return tuple(_systems(_loads(text, {})).items())
    except (TypeError, ValueError):
        return ()


def stats_row(attempt: Attempt) -> StatsRow:
    """The :class:`StatsRow` that :meth:`Store.stats_rows` would read back for ``attempt``
    (its lists and systems as the store writes them, its time in the store's UTC form)."""
    return (
        attempt.pack_id,
        attempt.case_id,
        attempt.mode,
        _dumps(list(attempt.kinds)),
        _dumps(list(attempt.tags)),
        _dumps({k: [e, p] for k, (e, p) in attempt.systems.items()}),
        float(attempt.score),
        float(attempt.seconds),
        format_utc(parse_utc(attempt.created_at)),
    )


def stats_rows_of(attempts: Iterable[Attempt]) -> Iterator[StatsRow]:
    """:func:`stats_row` of each attempt, with each distinct list or systems value
    written once and times already in the store's form passed through."""
    texts: dict[Any, str] = {}
    for a in attempts:
        keys = (("k", a.kinds), ("t", a.tags), ("s", tuple(a.systems.items())))
        try:
            known = [texts.get(key) for key in keys]
        except TypeError:  # a list where a tuple belongs: not worth remembering
            yield stats_row(a)
            continue
        if None in known:
            row = stats_row(a)
            texts.update(zip(keys, row[3:6], strict=True))
            yield row
            continue
        created = a.created_at
        if not (len(created) == 27 and created[10] == "T" and created[-1] == "Z"):
            created = format_utc(parse_utc(created))
        kinds_json, tags_json, systems_json = known
        assert kinds_json is not None and tags_json is not None and systems_json is not None
        yield (
            a.pack_id,
            a.case_id,
            a.mode,
            kinds_json,
            tags_json,
            systems_json,
            float(a.score),
            float(a.seconds),
            created,
        )


class _Corrupt(Exception):
    pass


_T = TypeVar("_T")

_ATTEMPT_COLUMNS = (
    "id, pack_id, case_id, case_hash, answer_json, score, kinds_json, hints_used, seconds, "
    "created_at, wrong_codes_json, mode, exam_id, systems_json, tags_json"
)


_INSERT_COLUMNS = (
    "pack_id, case_id, case_hash, answer_json, score, kinds_json, hints_used, seconds, "
    "created_at, wrong_codes_json, mode, exam_id, systems_json, tags_json"
)


# --- salvage of a damaged file --------------------------------------------------------

# Columns added after v1, and what an older file's rows stand for in them.
_ATTEMPT_DEFAULTS = {
    "wrong_codes_json": "'[]'",
    "mode": "'practice'",
    "exam_id": "NULL",
    "systems_json": "'{}'",
    "tags_json": "'[]'",
}


def _salvaged_attempt(row: Sequence[Any]) -> Attempt | None:
    """A row read from a damaged file as an attempt, or None when it does not make sense."""
    try:
        attempt = Store._row_to_attempt(row[1:])
        if not (isinstance(row[1], int) and attempt.mode in MODES):
            return None
        if not (math.isfinite(attempt.score) and math.isfinite(attempt.seconds)):
            return None
        if not all(isinstance(v, str) for v in (attempt.pack_id, attempt.case_id)):
            return None
        parse_utc(attempt.created_at)
    except (TypeError, ValueError, AttributeError):
        return None
    return attempt


def _read_damaged(
    conn: sqlite3.Connection,
) -> tuple[list[Attempt], list[ExamRecord], list[tuple[str, str]], int] | None:
    """Attempts, exam sessions and meta entries still readable, and how many attempt rows
    were not; None when the file is not a codetrainer store we can read at all."""
    from codetrainer.core.salvage import read_rows, table_columns

    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except (sqlite3.DatabaseError, TypeError):
        return None
    columns = table_columns(conn, "attempts")
    if version < 1 or version > SCHEMA_VERSION or columns is None:
        return None
    present = set(columns)
    expressions = [
        name if name in present else _ATTEMPT_DEFAULTS.get(name, "NULL")
        for name in (c.strip() for c in _ATTEMPT_COLUMNS.split(","))
    ]
    found = read_rows(conn, "attempts", expressions)
    attempts = [a for a in map(_salvaged_attempt, found.rows) if a is not None]
    unreadable = found.unreadable + (len(found.rows) - len(attempts))
    exams: list[ExamRecord] = []
    if table_columns(conn, "exam_sessions") is not None:
        for r in read_rows(
            conn, "exam_sessions", ["id", "started_at", "finished_at", "seed", "state_json"]
        ).rows:
            if all(isinstance(v, str) for v in (r[1], r[2], r[4])):
                state = _loads(r[5], {})
                exams.append(
                    ExamRecord(
                        id=r[1],
                        started_at=r[2],
                        finished_at=r[3] if isinstance(r[3], str) else None,
                        seed=r[4],
                        state=state if isinstance(state, dict) else {},
                    )
                )
    meta: list[tuple[str, str]] = []
    if table_columns(conn, "meta") is not None:
        meta = [
            (r[1], r[2])
            for r in read_rows(conn, "meta", ["key", "value"]).rows
            if isinstance(r[1], str) and isinstance(r[2], str) and r[1] != _REVIEW_WATERMARK
        ]
    return attempts, exams, meta, unreadable


def _damage_message(problem: str, moved: str, saved: int | None, unreadable: int) -> str:
    head = f"Your progress file was damaged ({problem}). It was moved to {moved} in the same folder"
    if not saved:
        return head + "; no attempts could be read from it, and a new, empty one was started."
    text = f"{head}; {saved} attempt{'' if saved == 1 else 's'} could be read and were saved "
    text += "into a new progress file"
    if unreadable:
        text += f" ({unreadable} on damaged pages could not be read)"
    return text + "."


class Store:
    """The learner's progress file. Thread-safe; one connection per instance.

    Raises :class:`StoreError` when the file cannot be used at all (a newer schema, a
    file that is not ours, a folder that cannot be created); read :attr:`notices` after
    opening for things to tell the learner.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path: Path = Path(path) if path is not None else default_store_path()
        self.notices: list[StoreNotice] = []
        """Things the UI should tell the learner (damaged file moved aside, read-only ...)."""
        self.read_only: bool = False
        """True when the file could only be opened for reading: every write raises."""
        self.attempt_writes: int = 0
        """How many times this instance saved attempts (caches of summaries compare it)."""
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open()

    # -- opening ---------------------------------------------------------------------

    def _connect(self, uri: str | None = None) -> sqlite3.Connection:
        target: str | Path = uri if uri is not None else self.path
        conn = sqlite3.connect(
            target,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # we BEGIN and COMMIT ourselves
            check_same_thread=False,  # guarded by self._lock
            uri=uri is not None,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"not saved: cannot create the folder {self.path.parent} ({exc.strerror or exc})"
            ) from exc
        try:
            conn = self._connect()
            try:
                self._check(conn)
            except BaseException:
                conn.close()
                raise
        except _Corrupt as exc:
            if self._healthy_now():  # another codetrainer replaced it a moment ago
                return self._open()
            fresh, saved, unreadable = self._salvage()
            moved = self._move_aside()
            if fresh is not None:
                try:
                    fresh.replace(self.path)
                except OSError:  # pragma: no cover - same folder, just written
                    fresh.unlink(missing_ok=True)
                    saved = None
            self.notices.append(
                StoreNotice(
                    kind="corrupt_moved",
                    message=_damage_message(str(exc), moved.name, saved, unreadable),
                    path=moved,
                    saved=saved,
                    unreadable=unreadable,
                )
            )
            conn = self._connect()
            try:
                self._check(conn)
            except _Corrupt as again:  # pragma: no cover - a fresh file cannot be damaged
                conn.close()
                raise StoreError(f"cannot start a new progress file: {again}") from again
        except sqlite3.Error as exc:
            if _code(exc) in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PERM, _SQLITE_IOERR):
                return self._open_read_only(exc)
            raise StoreError(f"cannot open the progress file {self.path}: {exc}") from exc
        try:
            self._prepare(conn)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            if _code(exc) in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PERM, _SQLITE_IOERR):
                return self._open_read_only(exc)
            raise StoreError(f"cannot open the progress file {self.path}: {exc}") from exc
        return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        """quick_check and version check; raise _Corrupt for damage, StoreError to refuse."""
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
        except sqlite3.DatabaseError as exc:
            if _code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                raise _Corrupt(str(exc)) from exc
            raise
        problems = [str(r[0]) for r in rows]
        if problems != ["ok"]:
            raise _Corrupt("; ".join(problems[:3]))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the progress file {self.path} was written by a newer codetrainer "
                f"(schema version {version}; this version understands up to {SCHEMA_VERSION}). "
                "Update codetrainer to use it; the file was left untouched."
            )
        if version == 0 and tables:
            raise StoreError(
                f"{self.path} is an SQLite file but not a codetrainer progress file; "
                "it was left untouched"
            )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """WAL, durability, then migrations (all tries share the busy timeout)."""
        for attempt in range(_WRITE_TRIES):
            try:
                # WAL where the filesystem allows it (otherwise SQLite keeps its journal)
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                self._migrate(conn)
                return
            except sqlite3.OperationalError as exc:
                if _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED) and attempt + 1 < _WRITE_TRIES:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read inside the write lock: another process may have migrated meanwhile.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:  # a newer app got here between check and lock
                raise StoreError(
                    f"the progress file {self.path} was written by a newer codetrainer "
                    f"(schema version {version}); update codetrainer to use it"
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if 0 < version < SCHEMA_VERSION:
            self.notices.append(
                StoreNotice(
                    kind="migrated",
                    message=(
                        f"Your progress file was upgraded from schema {version} "
                        f"to {SCHEMA_VERSION}."
                    ),
                )
            )

    def _open_read_only(self, cause: BaseException) -> sqlite3.Connection:
        if not self.path.exists():
            raise StoreError(
                f"not saved: cannot create the progress file {self.path} ({cause})"
            ) from cause
        uri_path = self.path.resolve().as_uri()
        last: BaseException = cause
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                conn = self._connect(uri_path + query)
                conn.execute("PRAGMA query_only = ON")
                self._check(conn)
            except StoreError:
                raise
            except (_Corrupt, sqlite3.Error) as exc:
                last = exc
                continue
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version != SCHEMA_VERSION:
                conn.close()
                raise StoreError(
                    f"not saved: the progress file {self.path} is read-only and needs an "
                    f"upgrade (schema {version} to {SCHEMA_VERSION})"
                ) from cause
            self.read_only = True
            self.notices.append(
                StoreNotice(
                    kind="read_only",
                    message=(
                        f"Your progress file {self.path} cannot be written ({cause}); "
                        "your history is shown but new answers will not be saved."
                    ),
                )
            )
            return conn
        raise StoreError(f"not saved: cannot open the progress file {self.path} ({last})") from last

    def _healthy_now(self) -> bool:
        """Check once more just before moving a damaged file aside (two apps starting)."""
        try:
            conn = self._connect()
        except sqlite3.Error:
            return False
        try:
            self._check(conn)
            return True
        except StoreError:
            return True  # not damaged (refused for another reason): let _open say why
        except (_Corrupt, sqlite3.Error):
            return False
        finally:
            conn.close()

    def _salvage(self) -> tuple[Path | None, int | None, int]:
        """Copy what is readable of the damaged file into a fresh store beside it.

        Returns (the fresh file or None, attempts saved or None, attempts unreadable). The
        damaged file is only read. Review cards are not copied (the watermark is left
        behind too), so the first sync rebuilds them from the saved attempts.
        """
        fresh = self.path.with_name(self.path.name + ".salvage")
        for leftover in (fresh, *(fresh.with_name(fresh.name + x) for x in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        try:
            source = self._connect()
        except sqlite3.Error:
            return None, None, 0
        try:
            found = _read_damaged(source)
        finally:
            source.close()
        if found is None:
            return None, None, 0
        attempts, exams, meta, unreadable = found
        try:
            with Store(fresh) as target:

                def work(conn: sqlite3.Connection) -> None:
                    for attempt in attempts:
                        self._insert(conn, attempt)
                    for exam in exams:
                        self._upsert_exam(conn, exam)
                    for key, value in meta:
                        conn.execute(
                            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                            (key, value),
                        )

                target._write(work)
        except (StoreError, sqlite3.Error, OSError):
            fresh.unlink(missing_ok=True)
            return None, None, unreadable
        return fresh, len(attempts), unreadable

    def _move_aside(self) -> Path:
        stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            self.path.replace(target)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.replace(target.with_name(target.name + suffix))
        except OSError as exc:
            raise StoreError(
                f"the progress file {self.path} is damaged and could not be moved aside "
                f"({exc.strerror or exc}); nothing was changed"
            ) from exc
        return target

    # -- plumbing ----------------------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("not saved: the progress store is closed")
        return self._conn

    def _not_saved(self, exc: BaseException) -> str:
        code = _code(exc)
        if code == _SQLITE_FULL:
            return "not saved: the disk is full"
        if code in (_SQLITE_READONLY, _SQLITE_PERM):
            return f"not saved: the progress file {self.path} is read-only"
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "not saved: the progress file is busy (another codetrainer is writing)"
        if code == _SQLITE_CORRUPT:
            return f"not saved: the progress file {self.path} is damaged; restart codetrainer"
        return f"not saved: {exc}"

    def _write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` in one ``BEGIN IMMEDIATE`` transaction, retrying when busy."""
        if self.read_only:
            raise StoreError(f"not saved: the progress file {self.path} is read-only")
        for attempt in range(_WRITE_TRIES):
            with self._lock:
                conn = self._db
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        result = work(conn)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    return result
                except sqlite3.Error as exc:
                    retry = _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED)
                    if not (retry and attempt + 1 < _WRITE_TRIES):
                        raise StoreError(self._not_saved(exc)) from exc
            time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read the progress file {self.path}: {exc}") from exc

    # -- attempts ----------------------------------------------------------------------

    @staticmethod
    def _prepare_attempt(attempt: Attempt) -> Attempt:
        if attempt.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {attempt.mode!r}")
        if not math.isfinite(attempt.score) or not math.isfinite(attempt.seconds):
            raise ValueError("score and seconds must be finite numbers")
        created = format_utc(parse_utc(attempt.created_at)) if attempt.created_at else ""
        return replace(
            attempt,
            created_at=created or format_utc(utc_now()),
            id=None,
            exam_id=attempt.exam_id or None,
        )

    @staticmethod
    def _insert_values(a: Attempt) -> tuple[Any, ...]:
        """The values of :data:`_INSERT_COLUMNS` for one attempt."""
        return (
            a.pack_id,
            a.case_id,
            a.case_hash,
            _dumps(a.answer),
            float(a.score),
            _dumps(list(a.kinds)),
            int(a.hints_used),
            float(a.seconds),
            a.created_at,
            _dumps(list(a.wrong_codes)),
            a.mode,
            a.exam_id,
            _dumps({k: [e, p] for k, (e, p) in a.systems.items()}),
            _dumps(list(a.tags)),
        )

    def _insert(self, conn: sqlite3.Connection, a: Attempt) -> int:
        columns, values = _INSERT_COLUMNS, self._insert_values(a)
        if a.id is not None:  # None for a new row; salvage keeps an attempt's id
            columns, values = f"id, {columns}", (a.id, *values)
        cursor = conn.execute(
            f"INSERT INTO attempts ({columns}) VALUES ({', '.join('?' * len(values))})",
            values,
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_attempt(self, attempt: Attempt) -> Attempt:
        """Save one attempt; returns it with ``id`` and ``created_at`` once COMMITted.

        Raises :class:`StoreError` (``"not saved: ..."``) when it cannot be saved, and
        ValueError for an attempt that makes no sense (unknown mode, NaN score).
        """
        ready = self._prepare_attempt(attempt)
        row_id = self._write(lambda conn: self._insert(conn, ready))
        self.attempt_writes += 1
        return replace(ready, id=row_id)

    def record_attempts(
        self, attempts: Iterable[Attempt], *, exam: ExamRecord | None = None
    ) -> list[Attempt]:
        """Save several attempts (and optionally an exam record) in one transaction."""
        ready = [self._prepare_attempt(a) for a in attempts]

        def work(conn: sqlite3.Connection) -> list[Attempt]:
            saved = [replace(a, id=self._insert(conn, a)) for a in ready]
            if exam is not None:
                self._upsert_exam(conn, exam)
            return saved

        out = self._write(work)
        self.attempt_writes += 1
        return out

    @staticmethod
    def _row_to_attempt(row: Sequence[Any]) -> Attempt:
        answer = _loads(row[4], {})
        return Attempt(
            id=int(row[0]),
            pack_id=row[1],
            case_id=row[2],
            case_hash=row[3],
            answer=answer if isinstance(answer, dict) else {},
            score=float(row[5]),
            kinds=text_list(row[6]),
            hints_used=int(row[7]),
            seconds=float(row[8]),
            created_at=row[9],
            wrong_codes=text_list(row[10]),
            mode=row[11],
            exam_id=row[12],
            systems=dict(system_items(row[13])),
            tags=text_list(row[14]),
        )

    def attempts(
        self,
        *,
        pack_id: str | None = None,
        case_id: str | None = None,
        mode: str | None = None,
        exam_id: str | None = None,
        since: datetime | str | None = None,
        after_id: int | None = None,
        limit: int | None = None,
    ) -> list[Attempt]:
        """Recorded attempts, oldest first, filtered by any of the keyword arguments.

        ``since`` keeps attempts made at or after that moment; ``after_id`` those with a
        larger row id; ``limit`` keeps the *newest* ``limit`` (still oldest first).
        """
        where: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("pack_id", pack_id),
            ("case_id", case_id),
            ("mode", mode),
            ("exam_id", exam_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            moment = since if isinstance(since, datetime) else parse_utc(since)
            where.append("created_at >= ?")
            params.append(format_utc(moment))
        if after_id is not None:
            where.append("id > ?")
            params.append(after_id)
        sql = f"SELECT {_ATTEMPT_COLUMNS} FROM attempts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if limit is not None:
            sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) AS recent ORDER BY id"
            params.append(int(limit))
        else:
            sql += " ORDER BY id"
        with self._reading() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [self._row_to_attempt(r) for r in rows]

    def count_attempts(self, *, pack_id: str | None = None) -> int:
        """How many attempts are recorded (in one pack, when given)."""
        with self._reading() as conn:
            if pack_id is None:
                row = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()
            else:
                row = conn.execute(
                    "SELECT COUNT(*) FROM attempts WHERE pack_id = ?", (pack_id,)
                ).fetchone()
        return int(row[0])

    def pack_ids(self) -> list[str]:
        """Packs that have at least one attempt, sorted."""
        with self._reading() as conn:
            rows = conn.execute("SELECT DISTINCT pack_id FROM attempts ORDER BY pack_id")
            return [r[0] for r in rows]

    def case_summary(
        self, pack_id: str, current_hashes: Mapping[str, str] | None = None
    ) -> dict[str, CaseSummary]:
        """Per case of ``pack_id`` that has history: attempts, best and last score, solved.

        Pass ``current_hashes`` (case id -> ``Case.content_hash()``) to fill
        :attr:`CaseSummary.changed`. Cases no longer in the pack are still listed (their
        history stays); the caller decides whether to show them.
        """
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT case_id, COUNT(*), MAX(score) FROM attempts WHERE pack_id = ? "
                "GROUP BY case_id",
                (pack_id,),
            ).fetchall()
            last_rows = conn.execute(
                "SELECT a.case_id, a.score, a.created_at, a.case_hash FROM attempts a "
                "JOIN (SELECT case_id, MAX(id) AS id FROM attempts WHERE pack_id = ? "
                "GROUP BY case_id) m ON a.id = m.id",
                (pack_id,),
            ).fetchall()
        last = {r[0]: (float(r[1]), str(r[2]), str(r[3])) for r in last_rows}
        out: dict[str, CaseSummary] = {}
        for case_id, count, best in rows:
            last_score, last_at, last_hash = last[case_id]
            changed = None
            if current_hashes is not None and case_id in current_hashes:
                changed = current_hashes[case_id] != last_hash
            out[case_id] = CaseSummary(
                case_id=case_id,
                attempts=int(count),
                best_score=float(best),
                last_score=last_score,
                last_at=last_at,
                last_hash=last_hash,
                solved=float(best) >= SOLVED_SCORE,
                changed=changed,
            )
        return out

    def stats_rows(self, after_id: int = 0, upto_id: int | None = None) -> list[StatsRow]:
        """The columns that the stats need (no answers) of every attempt with an id above
        ``after_id`` (and at most ``upto_id``), oldest first: one query, plain tuples, no
        :class:`Attempt` built (see ``codetrainer.core.progress.StatsTally``)."""
        where, params = "id > ?", [after_id]
        if upto_id is not None:
            where += " AND id <= ?"
            params.append(upto_id)
        with self._reading() as conn:
            return conn.execute(
                "SELECT pack_id, case_id, mode, kinds_json, tags_json, systems_json, score, "
                f"seconds, created_at FROM attempts WHERE {where} ORDER BY id",
                params,
            ).fetchall()

    def attempt_span(self) -> tuple[int, int]:
        """(How many attempts there are, the highest attempt id or 0): one cheap query.
        Attempts are only ever added, with rising ids, so a reader that has seen every id
        up to N needs only ``stats_rows(after_id=N)`` next time."""
        with self._reading() as conn:
            count, top = conn.execute(
                "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM attempts"
            ).fetchone()
        return int(count), int(top)

    def case_summaries(self) -> dict[str, dict[str, CaseSummary]]:
        """:meth:`case_summary` of every pack at once: pack id -> case id -> summary.

        One aggregate query (grouped by pack and case, joined with each group's latest
        attempt), for the home screen's worker.
        """
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT g.pack_id, g.case_id, g.n, g.best, a.score, a.created_at, a.case_hash "
                "FROM (SELECT pack_id, case_id, COUNT(*) AS n, MAX(score) AS best, "
                "MAX(id) AS last_id FROM attempts GROUP BY pack_id, case_id) g "
                "JOIN attempts a ON a.id = g.last_id"
            ).fetchall()
        out: dict[str, dict[str, CaseSummary]] = {}
        for pack_id, case_id, count, best, last_score, last_at, last_hash in rows:
            out.setdefault(pack_id, {})[case_id] = CaseSummary(
                case_id=case_id,
                attempts=int(count),
                best_score=float(best),
                last_score=float(last_score),
                last_at=str(last_at),
                last_hash=str(last_hash),
                solved=float(best) >= SOLVED_SCORE,
            )
        return out

    # -- exams ---------------------------------------------------------------------------

    @staticmethod
    def _upsert_exam(conn: sqlite3.Connection, exam: ExamRecord) -> None:
        conn.execute(
            "INSERT INTO exam_sessions (id, started_at, finished_at, seed, state_json) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "finished_at = excluded.finished_at, state_json = excluded.state_json",
            (exam.id, exam.started_at, exam.finished_at, exam.seed, _dumps(exam.state)),
        )

    def save_exam(self, exam: ExamRecord) -> None:
        """Create or update an exam session (its state and, at the end, ``finished_at``)."""
        self._write(lambda conn: self._upsert_exam(conn, exam))

    def exams(self, *, finished: bool | None = None) -> list[ExamRecord]:
        """Exam sessions, oldest first; ``finished=False`` lists the ones left open."""
        sql = "SELECT id, started_at, finished_at, seed, state_json FROM exam_sessions"
        if finished is True:
            sql += " WHERE finished_at IS NOT NULL"
        elif finished is False:
            sql += " WHERE finished_at IS NULL"
        sql += " ORDER BY started_at, id"
        with self._reading() as conn:
            rows = conn.execute(sql).fetchall()
        return [
            ExamRecord(
                id=r[0], started_at=r[1], finished_at=r[2], seed=r[3], state=_loads(r[4], {})
            )
            for r in rows
        ]

    def exam(self, exam_id: str) -> ExamRecord | None:
        """One exam session by id."""
        for record in self.exams():
            if record.id == exam_id:
                return record
        return None

    # -- review cards ----------------------------------------------------------------------

    def review_cards(self) -> list[CardRow]:
        """Every spaced-review card, soonest due first."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT key, kind, due, data_json, pack_id, case_id, error_kind "
                "FROM review_cards ORDER BY due, key"
            ).fetchall()
        return [
            CardRow(
                key=r[0],
                kind=r[1],
                due=r[2],
                data=_loads(r[3], {}),
                pack_id=r[4],
                case_id=r[5],
                error_kind=r[6],
            )
            for r in rows
        ]

    def update_review(
        self, apply: Callable[[dict[str, CardRow], list[Attempt]], Iterable[CardRow]]
    ) -> int:
        """Feed attempts the cards have not seen yet to ``apply``; save what it returns.

        In one transaction: read the watermark (the last attempt id applied), the cards
        and the newer attempts; call ``apply(cards_by_key, attempts)``; upsert the cards
        it returns and move the watermark. Returns how many attempts were applied. Two
        processes doing this at once apply every attempt exactly once.
        """

        def work(conn: sqlite3.Connection) -> int:
            row = conn.execute(
                "SELECT value FROM meta WHERE key = ?", (_REVIEW_WATERMARK,)
            ).fetchone()
            watermark = int(row[0]) if row else 0
            rows = conn.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id > ? ORDER BY id",
                (watermark,),
            ).fetchall()
            if not rows:
                return 0
            new = [self._row_to_attempt(r) for r in rows]
            cards = {
                r[0]: CardRow(
                    key=r[0],
                    kind=r[1],
                    due=r[2],
                    data=_loads(r[3], {}),
                    pack_id=r[4],
                    case_id=r[5],
                    error_kind=r[6],
                )
                for r in conn.execute(
                    "SELECT key, kind, due, data_json, pack_id, case_id, error_kind "
                    "FROM review_cards"
                )
            }
            for card in apply(cards, new):
                conn.execute(
                    "INSERT INTO review_cards (key, kind, pack_id, case_id, error_kind, due, "
                    "data_json) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                    "due = excluded.due, data_json = excluded.data_json",
                    (
                        card.key,
                        card.kind,
                        card.pack_id,
                        card.case_id,
                        card.error_kind,
                        card.due,
                        _dumps(card.data),
                    ),
                )
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_REVIEW_WATERMARK, str(new[-1].id)),
            )
            return len(new)

        return self._write(work)

    # -- tables owned by core subpackages (drills) ----------------------------------------

    def write_transaction(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work(conn)`` in one committed write transaction (retried when busy).

        For core subpackages that own tables of their own (``core.drills``); raises
        :class:`StoreError` (``"not saved: ..."``) like every other write.
        """
        return self._write(work)

    def read_transaction(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work(conn)`` for reading; sqlite errors become :class:`StoreError`."""
        with self._reading() as conn:
            return work(conn)

    # -- small settings ---------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the store's key/value table (e.g. the student name for exports)."""
        with self._reading() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Set a key/value entry (committed before it returns)."""
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )

    # -- lifetime -------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The file's ``user_version``."""
        with self._reading() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                try:
                    if not self.read_only:
                        self._conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    pass
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
