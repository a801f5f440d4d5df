"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_bytes_atomic", "write_text_atomic"]


def write_bytes_atomic(path: str | Path, data: bytes, *, make_parents: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync it, then rename over ``path``.

    A file that already exists keeps its permissions; a new one gets ``rw-r--r--``
    (the temporary file's private mode would otherwise stick). With ``make_parents``
    false a missing folder is an error. Raises OSError; the target is untouched then.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_text_atomic(
    path: str | Path, text: str, encoding: str = "utf-8", *, make_parents: bool = True
) -> None:
    """Text version of :func:`write_bytes_atomic` (line ends are written as given)."""
    write_bytes_atomic(path, text.encode(encoding), make_parents=make_parents)
