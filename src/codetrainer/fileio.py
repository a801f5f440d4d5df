"""Files in and out: atomic writes, and the one bounded reader every input goes through.

Writes: a reader sees the old file or the new one, never half of one. Reads: only regular
files, never more than a limit (a FIFO, a device or a symlink loop is refused with a clear
message, never a hang, a flood of memory or a traceback).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

__all__ = [
    "InputError",
    "checksummed",
    "checksummed_payload",
    "find_yaml_files",
    "read_bounded",
    "write_bytes_atomic",
    "write_text_atomic",
]


def checksummed(payload: bytes) -> bytes:
    """``payload`` behind its SHA-256 (the framing of our cache files)."""
    return hashlib.sha256(payload).digest() + payload


def checksummed_payload(blob: bytes) -> bytes | None:
    """The payload of :func:`checksummed` bytes, or None when they were cut short or
    altered (a cache file that says so is simply rebuilt)."""
    digest, payload = blob[:32], blob[32:]
    if len(digest) < 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


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


# --- reading -------------------------------------------------------------------------------


class InputError(Exception):
    """An input cannot be read; ``reason`` says why in words a user can act on."""

    def __init__(self, path: str, reason: str, *, too_large: bool = False) -> None:
        self.path = path
        self.reason = reason
        self.too_large = too_large
        super().__init__(f"{path}: {reason}")


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "the symbolic link points back at itself (a symlink loop); fix or remove the link"
    if exc.errno == errno.ENOENT:
        return "no such file (or a symbolic link to a file that does not exist)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; check who may read the file"
    return exc.strerror or "the system refused to read it"


def read_bounded(path: str | Path, limit: int, *, shown: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Symbolic links are followed (the kernel detects loops: ELOOP becomes a clear
    message). The file is opened without blocking, checked with ``fstat`` and refused
    unless it is a regular file, so a FIFO, ``/dev/zero``, a socket or a folder never
    hangs the caller or fills the memory; then at most ``limit + 1`` bytes are read (a
    file that grows while being read is still caught). Raises :class:`InputError`.
    """
    name = shown if shown is not None else str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(name, _reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                name, f"this is {_kind(info.st_mode)}, not a regular file; name a file instead"
            )
        if info.st_size > limit:
            raise InputError(name, _too_large(info.st_size, limit), too_large=True)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise InputError(name, _too_large(got, limit, grew=True), too_large=True)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(name, _reason(exc)) from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int, *, grew: bool = False) -> str:
    what = f"more than {limit:,} bytes" if grew else f"{size:,} bytes"
    return f"the file is {what}, over the {limit:,}-byte limit"


def find_yaml_files(
    paths: Iterable[str | Path], on_error: Callable[[str, OSError], None] | None = None
) -> Iterator[Path]:
    """Files named directly, and ``*.yaml``/``*.yml`` below folders (sorted).

    Links to folders are not followed (no loops); links to files are listed, so a broken
    or looping link is reported when it is read. A folder that cannot be listed is passed
    to ``on_error(path, exc)`` (skipped silently without one). Imports nothing heavy: the
    trainer walks its pack folders with it before the first frame.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found: list[Path] = []

            def failed(exc: OSError, top: Path = p) -> None:
                if on_error is not None:
                    on_error(str(exc.filename if exc.filename is not None else top), exc)

            for folder, _dirs, names in os.walk(p, onerror=failed):
                found.extend(
                    Path(folder, n) for n in names if Path(n).suffix.lower() in {".yaml", ".yml"}
                )
            yield from sorted(found)
        else:
            yield p
