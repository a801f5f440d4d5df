"""Records of loaded pack files, kept in the user cache folder (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from codetrainer.core.diagnostics import Diagnostic
from codetrainer.fileio import checksummed, checksummed_payload

if TYPE_CHECKING:
    from codetrainer.core.models import Pack

__all__ = ["FORMAT", "CachedFile", "CaseBrief", "PackBrief", "code_key", "load_cached"]

FORMAT = 1
"""Bump when the records change shape."""

MAX_BYTES = 2_000_000
"""Larger files are never cached (the loader reports them; its own limit is smaller)."""

# The modules whose code decides what loading a pack gives.
_LOADER_MODULES = (
    "core/packs.py",
    "core/partial/cases.py",
    "core/curriculum/claims.py",
    "core/models.py",
    "core/yamlio.py",
    "core/diagnostics.py",
    "core/codes.py",
    "core/answer.py",
    "core/packcache/cache.py",
)
_PACKAGE = Path(__file__).resolve().parent.parent.parent


# NamedTuples and a plain class, not dataclasses: this module is imported before the
# first frame, and each dataclass costs about a millisecond to create.
class CaseBrief(NamedTuple):
    """What the case list shows of a case."""

    id: str
    title: str
    difficulty: int
    setting: str


class PackBrief(NamedTuple):
    """What the home screen shows of a pack."""

    id: str
    title: str
    description: str
    code_year: str
    cases: tuple[CaseBrief, ...]

    def case(self, case_id: str) -> CaseBrief | None:
        """A case by id."""
        for case in self.cases:
            if case.id == case_id:
                return case
        return None


class CachedFile:
    """One file as loaded: its kind, the brief (packs that loaded) and the diagnostics."""

    __slots__ = (
        "_lock",
        "_pack",
        "brief",
        "diagnostics",
        "display_path",
        "from_cache",
        "key",
        "kind",
        "path",
    )

    def __init__(
        self,
        path: Path,
        display_path: str,
        kind: str | None,
        brief: PackBrief | None,
        diagnostics: list[Diagnostic],
        key: str | None,
        from_cache: bool,
    ) -> None:
        self.path = path
        self.display_path = display_path
        self.kind = kind
        """``"pack"``, ``"codeset"``, ``"answers"`` or None (not one of ours / unreadable)."""
        self.brief = brief
        self.diagnostics = diagnostics
        self.key = key
        """The content key (None: not cacheable, e.g. not a regular file)."""
        self.from_cache = from_cache
        """True when nothing was parsed to get here."""
        self._pack: Pack | None = None
        self._lock = threading.Lock()

    def full_pack(self) -> Pack | None:
        """The validated pack (from the cache's pickle, else by loading the file again)."""
        if self.brief is None:
            return None
        with self._lock:
            if self._pack is None:
                self._pack = _read_pickle(self) or _load(self).pop()
            return self._pack


def code_key() -> str:
    """Which code loads packs: the format, the version, and the loader modules' stats."""
    from codetrainer import __version__

    parts = [f"f{FORMAT}", __version__]
    for name in _LOADER_MODULES:
        try:
            st = (_PACKAGE / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _folder() -> Path:
    from codetrainer import paths

    return paths.cache_dir() / "packs"


def _read_bounded(path: Path) -> bytes | None:
    """The bytes of a regular file of at most MAX_BYTES, else None (let the loader say why)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        chunks = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return None if len(data) > MAX_BYTES else data
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_atomic(target: Path, data: bytes) -> None:
    """Best effort (a cache): temporary file in the same folder, then os.replace."""
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _record_path(display_path: str, path: Path) -> Path:
    """``<hash of the path>.json``: a SHA-256 of the JSON that follows, then the JSON."""
    name = hashlib.sha256(f"{display_path}\0{path.resolve()}".encode()).hexdigest()[:32]
    return _folder() / f"{name}.json"


def _pickle_path(key: str) -> Path:
    return _folder() / f"{key}.pack"


def _brief_to_json(brief: PackBrief) -> dict[str, Any]:
    return {
        "id": brief.id,
        "title": brief.title,
        "description": brief.description,
        "code_year": brief.code_year,
        "cases": [[c.id, c.title, c.difficulty, c.setting] for c in brief.cases],
    }


def _brief_from_json(data: Any) -> PackBrief:
    cases = tuple(CaseBrief(str(c[0]), str(c[1]), int(c[2]), str(c[3])) for c in data["cases"])
    return PackBrief(
        str(data["id"]),
        str(data["title"]),
        str(data["description"]),
        str(data["code_year"]),
        cases,
    )


def _read_record(record: Path, key: str, path: Path, display_path: str) -> CachedFile | None:
    try:
        payload = checksummed_payload(record.read_bytes())
        if payload is None:
            return None
        data = json.loads(payload)
        if data.get("key") != key:
            return None
        brief = _brief_from_json(data["brief"]) if data.get("brief") is not None else None
        diagnostics = [
            Diagnostic(str(d[0]), int(d[1]), int(d[2]), d[3], str(d[4]), str(d[5]))
            for d in data["diagnostics"]
        ]
        kind = data.get("kind")
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
    if kind not in (None, "pack", "codeset", "answers") or any(
        d.severity not in ("error", "warning") for d in diagnostics
    ):
        return None
    return CachedFile(path, display_path, kind, brief, diagnostics, key, True)


def _read_pickle(cached: CachedFile) -> Pack | None:
    if cached.key is None:
        return None
    try:
        payload = checksummed_payload(_pickle_path(cached.key).read_bytes())
    except OSError:
        return None
    if payload is None:
        return None
    import pickle

    from codetrainer.core.models import Pack

    try:
        value = pickle.loads(payload)  # our own file, checksummed; any failure: reload
    except Exception:
        return None
    return value if isinstance(value, Pack) else None


def _brief(pack: Pack) -> PackBrief:
    return PackBrief(
        pack.pack.id,
        pack.pack.title,
        pack.pack.description,
        pack.pack.code_year,
        tuple(CaseBrief(c.id, c.title, c.difficulty, c.setting) for c in pack.cases),
    )


def _load(cached: CachedFile) -> list[Pack | None]:
    """Load the file for real; fills ``cached`` and writes the records when it can."""
    import pickle

    from codetrainer.core.models import Pack
    from codetrainer.core.packs import load_file

    kind, loaded = load_file(cached.path, display_path=cached.display_path)
    pack = loaded.value if kind == "pack" and isinstance(loaded.value, Pack) else None
    cached.kind = kind
    cached.diagnostics = list(loaded.diagnostics)
    cached.brief = _brief(pack) if pack is not None else None
    cached.from_cache = False
    if cached.key is not None:
        if pack is not None:
            payload = pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL)
            _write_atomic(_pickle_path(cached.key), checksummed(payload))
        record = {
            "key": cached.key,
            "kind": kind,
            "brief": _brief_to_json(cached.brief) if cached.brief is not None else None,
            "diagnostics": [
                [d.path, d.line, d.col, d.severity, d.message, d.rule] for d in cached.diagnostics
            ],
        }
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        target = _record_path(cached.display_path, cached.path)
        try:  # the pickle of the file's previous content is of no use any more
            old = json.loads(checksummed_payload(target.read_bytes()) or b"{}").get("key")
            if isinstance(old, str) and old != cached.key and "/" not in old:
                _pickle_path(old).unlink(missing_ok=True)
        except (OSError, ValueError, AttributeError):
            pass
        _write_atomic(target, checksummed(text.encode()))
    return [pack]


def load_cached(
    path: Path, *, display_path: str | None = None, code: str | None = None
) -> CachedFile:
    """A pack file's kind, brief and diagnostics: from the cache when the file's bytes (and
    the loader's code) are those it was made from, else by loading the file (and caching).

    ``code`` is :func:`code_key` (pass it in when loading many files).
    """
    shown = display_path if display_path is not None else str(path)
    data = _read_bounded(path)
    key = None
    if data is not None:
        digest = hashlib.sha256(data)
        digest.update(b"\0" + shown.encode("utf-8", "surrogateescape"))
        key = f"{code or code_key()}-{digest.hexdigest()[:40]}"
        hit = _read_record(_record_path(shown, path), key, path, shown)
        if hit is not None:
            return hit
    cached = CachedFile(path, shown, None, None, [], key, False)
    [pack] = _load(cached)
    cached._pack = pack
    return cached
