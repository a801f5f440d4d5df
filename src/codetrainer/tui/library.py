"""The packs the trainer offers: bundled, the student's own, and those named on the command line.

No Textual here: this module finds and loads pack files and remembers what went wrong,
so that one broken pack is listed with its errors while the others keep working.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from codetrainer.core.diagnostics import Diagnostic, sort_diagnostics
from codetrainer.core.models import Case, Pack
from codetrainer.core.packs import find_yaml_files, load_file

__all__ = ["PackEntry", "Source", "discover_packs", "next_unsolved"]

Source = Literal["bundled", "yours", "command line"]


@dataclass(slots=True)
class PackEntry:
    """One pack file as the home screen shows it: loaded, or failed with its problems."""

    source: Source
    """Where the file came from."""
    path: Path
    """The file."""
    pack: Pack | None
    """The loaded pack; None when it has errors."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Every problem found (errors and warnings), in file order."""

    @property
    def ok(self) -> bool:
        """True when the pack loaded and can be practised."""
        return self.pack is not None

    @property
    def id(self) -> str:
        """The pack id, or the file name for a pack that failed to load."""
        return self.pack.pack.id if self.pack is not None else self.path.stem

    @property
    def title(self) -> str:
        """The pack title, or the file name for a pack that failed to load."""
        return self.pack.pack.title if self.pack is not None else self.path.name

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the errors (what stopped the pack from loading)."""
        return [d for d in self.diagnostics if d.is_error]


def _entry_for(path: Path, source: Source, *, explicit: bool) -> PackEntry | None:
    kind, loaded = load_file(path, display_path=str(path))
    if kind not in (None, "pack"):
        if not explicit:
            return None  # a code set or answers file in a folder: not ours to list
        problem = Diagnostic(
            str(path), 1, 1, "error", f"this is a {kind} file, not a case pack", "not-a-pack"
        )
        return PackEntry(source, path, None, [problem])
    pack = loaded.value if isinstance(loaded.value, Pack) else None
    return PackEntry(source, path, pack, sort_diagnostics(loaded.diagnostics))


def _scan(paths: Iterable[Path], source: Source, *, explicit: bool) -> list[PackEntry]:
    out: list[PackEntry] = []
    for raw in paths:
        if explicit and not os.path.lexists(raw):  # a looping link is reported when read
            problem = Diagnostic(str(raw), 1, 1, "error", "no such file or folder", "io-missing")
            out.append(PackEntry(source, raw, None, [problem]))
            continue
        from_folder = raw.is_dir()
        folder_problems: list[Diagnostic] = []
        for path in find_yaml_files([raw], folder_problems):
            entry = _entry_for(path, source, explicit=explicit and not from_folder)
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
    kept per pack id, so two packs may not share one).
    """
    entries: list[PackEntry] = []
    if bundled_dir is not None and bundled_dir.is_dir():
        entries += _scan([bundled_dir], "bundled", explicit=False)
    if user_dir is not None and user_dir.is_dir():
        entries += _scan([user_dir], "yours", explicit=False)
    entries += _scan([Path(p) for p in extra], "command line", explicit=True)
    unique: list[PackEntry] = []
    files: set[Path] = set()
    for entry in entries:  # the same file named twice is listed once
        key = _same_file_key(entry.path)
        if key not in files:
            files.add(key)
            unique.append(entry)
    seen: dict[str, PackEntry] = {}
    for entry in unique:
        if entry.pack is None:
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
