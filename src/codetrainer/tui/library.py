"""The packs the trainer offers: bundled, the student's own, and those named on the command line.

No Textual here: this module finds and loads pack files and remembers what went wrong,
so that one broken pack is listed with its errors while the others keep working.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from codetrainer.core.diagnostics import Diagnostic, folder_error, sort_diagnostics
from codetrainer.core.packcache import CachedFile, CaseBrief, PackBrief, load_cached
from codetrainer.core.packcache.cache import code_key
from codetrainer.fileio import find_yaml_files

if TYPE_CHECKING:
    from codetrainer.core.models import Case, Pack

__all__ = [
    "CaseBrief",
    "PackBrief",
    "PackEntry",
    "Source",
    "discover_packs",
    "find_yaml_files",
    "next_unsolved",
]

Source = Literal["bundled", "yours", "command line"]


class PackEntry:
    """One pack file as the home screen shows it: loaded, or failed with its problems.

    :attr:`brief` (ids, titles, the case list) is there at once, from the compiled pack
    cache; the full validated :attr:`pack` is read the first time it is asked for (from
    the cache's pickle, or by loading the file again). Thread-safe.
    """

    __slots__ = ("_cached", "_lock", "_pack", "brief", "diagnostics", "path", "source")

    def __init__(
        self,
        source: Source,
        path: Path,
        pack: Pack | None,
        diagnostics: list[Diagnostic] | None = None,
        *,
        cached: CachedFile | None = None,
    ) -> None:
        self.source: Source = source
        """Where the file came from."""
        self.path: Path = path
        """The file."""
        self.diagnostics: list[Diagnostic] = list(diagnostics or [])
        """Every problem found (errors and warnings), in file order."""
        self._cached = cached
        self._pack = pack
        self._lock = threading.Lock()
        self.brief: PackBrief | None = (
            cached.brief if cached is not None else (_brief_of(pack) if pack else None)
        )
        """What the home screen shows; None when the pack has errors."""

    def __repr__(self) -> str:
        return f"PackEntry({self.source!r}, {str(self.path)!r}, ok={self.ok})"

    @property
    def pack(self) -> Pack | None:
        """The loaded pack; None when it has errors."""
        if self.brief is None:
            return None
        with self._lock:
            if self._pack is None and self._cached is not None:
                self._pack = self._cached.full_pack()
                if self._pack is None:  # the file changed into a broken one meanwhile
                    self.brief = None
            return self._pack

    @pack.setter
    def pack(self, value: Pack | None) -> None:
        with self._lock:
            self._pack = value
            self._cached = None
            self.brief = _brief_of(value) if value is not None else None

    @property
    def pack_loaded(self) -> bool:
        """True once the full pack is in memory (or there is none to load)."""
        return self.brief is None or self._pack is not None

    @property
    def ok(self) -> bool:
        """True when the pack loaded and can be practised."""
        return self.brief is not None

    @property
    def id(self) -> str:
        """The pack id, or the file name for a pack that failed to load."""
        return self.brief.id if self.brief is not None else self.path.stem

    @property
    def title(self) -> str:
        """The pack title, or the file name for a pack that failed to load."""
        return self.brief.title if self.brief is not None else self.path.name

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the errors (what stopped the pack from loading)."""
        return [d for d in self.diagnostics if d.is_error]


def _brief_of(pack: Pack) -> PackBrief:
    return PackBrief(
        pack.pack.id,
        pack.pack.title,
        pack.pack.description,
        pack.pack.code_year,
        tuple(CaseBrief(c.id, c.title, c.difficulty, c.setting) for c in pack.cases),
    )


def _entry_for(path: Path, source: Source, *, explicit: bool, code: str) -> PackEntry | None:
    cached = load_cached(path, display_path=str(path), code=code)
    kind = cached.kind
    if kind not in (None, "pack"):
        if not explicit:
            return None  # a code set or answers file in a folder: not ours to list
        problem = Diagnostic(
            str(path), 1, 1, "error", f"this is a {kind} file, not a case pack", "not-a-pack"
        )
        return PackEntry(source, path, None, [problem])
    if cached.brief is None:
        return PackEntry(source, path, None, sort_diagnostics(cached.diagnostics))
    return PackEntry(source, path, None, sort_diagnostics(cached.diagnostics), cached=cached)


def _scan(paths: Iterable[Path], source: Source, *, explicit: bool, code: str) -> list[PackEntry]:
    out: list[PackEntry] = []
    for raw in paths:
        if explicit and not os.path.lexists(raw):  # a looping link is reported when read
            problem = Diagnostic(str(raw), 1, 1, "error", "no such file or folder", "io-missing")
            out.append(PackEntry(source, raw, None, [problem]))
            continue
        from_folder = raw.is_dir()
        folder_problems: list[Diagnostic] = []

        def unlisted(where: str, exc: OSError, into: list[Diagnostic] = folder_problems) -> None:
            into.append(folder_error(where, exc))

        for path in find_yaml_files([raw], unlisted):
            entry = _entry_for(path, source, explicit=explicit and not from_folder, code=code)
            if entry is not None:
                out.append(entry)
        for problem in folder_problems:  # a folder that cannot be listed: say so
            out.append(PackEntry(source, Path(problem.path), None, [problem]))
    return out


def _same_file_key(path: Path) -> Path:
    """The resolved path, or the path as given when it cannot be resolved (a link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11 reports loops so
        return path.absolute()


def discover_packs(
    *,
    bundled_dir: Path | None,
    user_dir: Path | None,
    extra: Sequence[str | Path] = (),
) -> list[PackEntry]:
    """Load every pack, bundled first, then the student's, then the command line's.

    A pack whose id was already loaded from another file is listed as failed (progress is
    kept per pack id, so two packs may not share one). Files are read through the compiled
    pack cache (:mod:`codetrainer.core.packcache`): unchanged packs are not parsed again.
    """
    entries: list[PackEntry] = []
    code = code_key()
    if bundled_dir is not None and bundled_dir.is_dir():
        entries += _scan([bundled_dir], "bundled", explicit=False, code=code)
    if user_dir is not None and user_dir.is_dir():
        entries += _scan([user_dir], "yours", explicit=False, code=code)
    entries += _scan([Path(p) for p in extra], "command line", explicit=True, code=code)
    unique: list[PackEntry] = []
    files: set[Path] = set()
    for entry in entries:  # the same file named twice is listed once
        key = _same_file_key(entry.path)
        if key not in files:
            files.add(key)
            unique.append(entry)
    seen: dict[str, PackEntry] = {}
    for entry in unique:
        if not entry.ok:
            continue
        first = seen.get(entry.id)
        if first is None:
            seen[entry.id] = entry
            continue
        entry.diagnostics = [
            Diagnostic(
                str(entry.path),
                1,
                1,
                "error",
                f"pack id '{entry.id}' is already used by {first.path}; give this pack its own id",
                "duplicate-pack-id",
            ),
            *entry.diagnostics,
        ]
        entry.pack = None
    return unique


def next_unsolved(pack: Pack, solved: set[str], after: str | None = None) -> Case | None:
    """The first case not yet solved, looking after ``after`` first and wrapping around."""
    cases = list(pack.cases)
    start = 0
    if after is not None:
        for i, case in enumerate(cases):
            if case.id == after:
                start = i + 1
                break
    ordered = cases[start:] + cases[:start]
    for case in ordered:
        if case.id not in solved and case.id != after:
            return case
    return None
