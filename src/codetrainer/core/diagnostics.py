"""Problems found in a file, reported as ``PATH:LINE:COL: severity: message``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from codetrainer.core.untrusted import escape_unsafe

__all__ = ["CodetrainerError", "Diagnostic", "Severity", "count_errors", "sort_diagnostics"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in a file (1-based line and column)."""

    path: str
    """The file, as the user named it."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    col: int
    """1-based column."""
    severity: Severity
    message: str
    """What is wrong and what to do about it."""
    rule: str = ""
    """A short stable identifier (``yaml-duplicate-key``) for tools and tests."""

    def format(self) -> str:
        """The classic compiler shape editors can jump to.

        Path and message may quote user text: control characters and bidi overrides in
        them are shown escaped (``\\x1b``), never raw.
        """
        path, message = escape_unsafe(self.path), escape_unsafe(self.message)
        return f"{path}:{self.line}:{self.col}: {self.severity}: {message}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (path and message escaped as in :meth:`format`)."""
        out = asdict(self)
        out["path"] = escape_unsafe(self.path)
        out["message"] = escape_unsafe(self.message)
        return out

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class CodetrainerError(Exception):
    """The project's own error: carries one or more located diagnostics."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics) or "error")


def count_errors(diagnostics: Iterable[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.is_error)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """File order: by path, then line, then column; errors before warnings on a tie."""
    return sorted(
        diagnostics, key=lambda d: (d.path, d.line, d.col, d.severity != "error", d.message)
    )


def folder_error(path: str, exc: OSError) -> Diagnostic:
    """The error for a folder that cannot be listed (its files were not checked)."""
    import errno

    reason = exc.strerror or "the system refused to list it"
    if exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied; check who may read the folder"
    return Diagnostic(
        path,
        1,
        1,
        "error",
        f"cannot read the folder: {reason} (its files were not checked)",
        "io-folder",
    )
