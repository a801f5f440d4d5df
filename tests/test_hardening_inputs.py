"""Hostile and unlucky inputs: every file is read through one bounded reader.

FIFOs, devices, folders named as files, symlink loops and unreadable folders give a clear
``PATH:LINE:COL: error:`` message and a non-zero exit, never a hang, a flood of memory or
a traceback. The CLI runs in a subprocess with a timeout where a regression would hang,
so that a hang fails the test instead of stopping the suite.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codetrainer.cli import main
from codetrainer.core.codesets import CodeSetImportError, import_cpt, import_hcpcs
from codetrainer.core.packs import load_pack
from codetrainer.core.report import load_report
from codetrainer.fileio import InputError, read_bounded
from codetrainer.tui.library import discover_packs

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "tui" / "fixtures" / "mini-pack.yaml"
ANSWERS = REPO / "examples" / "sampler-answers.yaml"
SAMPLER = REPO / "examples" / "sampler-pack.yaml"


def cli(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    """Run ``codetrainer ARGS`` in a fresh interpreter; a hang fails with TimeoutExpired."""
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args],
        capture_output=True,
        timeout=timeout,
        env=env,
        **kw,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)  # nobody ever writes: a plain open() for reading would block forever
    return path


@pytest.fixture
def loop(tmp_path: Path) -> Path:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


# --- the reader itself ------------------------------------------------------------------


def test_reads_a_regular_file_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a" * 100)
    assert read_bounded(path, 100) == b"a" * 100
    with pytest.raises(InputError) as info:
        read_bounded(path, 99)
    assert info.value.too_large and "over the 99-byte limit" in info.value.reason


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    with pytest.raises(InputError) as info:
        read_bounded(fifo, 1000)
    assert "named pipe" in info.value.reason


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused(device: str) -> None:
    with pytest.raises(InputError) as info:
        read_bounded(device, 1000)
    assert "character device, not a regular file" in info.value.reason


def test_a_folder_and_a_symlink_loop_are_refused(tmp_path: Path, loop: Path) -> None:
    with pytest.raises(InputError, match="a folder, not a regular file"):
        read_bounded(tmp_path, 1000)
    with pytest.raises(InputError, match="symlink loop"):
        read_bounded(loop, 1000)


def test_a_link_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_bytes(b"pack: {}\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert read_bounded(link, 1000) == b"pack: {}\n"


# --- every command that reads input ---------------------------------------------------


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "/dev/urandom", "loop"])
def test_validate_refuses_non_files_quickly(target: str, fifo: Path, loop: Path) -> None:
    path = {"fifo": str(fifo), "loop": str(loop)}.get(target, target)
    proc = cli("validate", "--no-reference", path)
    err = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, err
    assert f"{path}:1:1: error: cannot read the file:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "loop"])
def test_grade_refuses_non_files_as_pack_or_answers(target: str, fifo: Path, loop: Path) -> None:
    path = {"fifo": str(fifo), "loop": str(loop)}.get(target, target)
    for args in ((path, str(ANSWERS)), (str(SAMPLER), path)):
        proc = cli("grade", "--no-reference", *args)
        err = proc.stderr.decode()
        assert proc.returncode == 1, err
        assert f"{path}:1:1: error: cannot read the file:" in err
        assert "not graded" in err and "Traceback" not in err


def test_report_refuses_non_files(fifo: Path, loop: Path, tmp_path: Path) -> None:
    proc = cli("report", str(fifo), str(loop), "/dev/zero")
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert f"{fifo}: error: cannot read it: this is a named pipe (FIFO)" in err
    assert f"{loop}: error: cannot read it: the symbolic link points back at itself" in err
    assert "/dev/zero: error: cannot read it: this is a character device" in err
    assert "Traceback" not in err


def test_codeset_imports_refuse_non_files(fifo: Path, tmp_path: Path) -> None:
    with pytest.raises(CodeSetImportError, match="named pipe"):
        import_hcpcs(fifo, tmp_path / "out")
    with pytest.raises(CodeSetImportError, match="character device"):
        import_cpt(Path("/dev/zero"), tmp_path / "out", set_id="cpt-x")
    assert not (tmp_path / "out").exists()


def test_the_tui_library_lists_a_symlink_loop_as_a_broken_pack(loop: Path) -> None:
    """``codetrainer a.yaml`` with a looping link crashed the TUI (Path.resolve raised)."""
    entries = discover_packs(bundled_dir=None, user_dir=None, extra=[loop, MINI])
    broken = [e for e in entries if e.path == loop]
    assert len(broken) == 1 and broken[0].pack is None
    (problem,) = broken[0].errors
    assert (problem.line, problem.col) == (1, 1)
    assert "symlink loop" in problem.message
    assert any(e.pack is not None for e in entries)  # the good pack still loads


def test_load_pack_reports_an_unreadable_file_at_line_1(tmp_path: Path) -> None:
    loaded = load_pack(tmp_path / "missing.yaml")
    (problem,) = loaded.diagnostics
    assert problem.format().startswith(f"{tmp_path / 'missing.yaml'}:1:1: error: cannot read")


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # a sparse 3 GiB file: st_size says it, nothing is read
        handle.truncate(3 * 1024**3)
    proc = cli("validate", "--no-reference", str(big))
    err = proc.stdout.decode()
    assert proc.returncode == 1
    assert "over the 1,048,576-byte limit" in err and "--max-bytes" in err


# --- an unreadable folder ---------------------------------------------------------------


@pytest.fixture
def world_tmp() -> Iterator[Path]:
    """A folder outside pytest's private (0700) tmp root, so another user can reach it."""
    base = Path(tempfile.mkdtemp(prefix="codetrainer-perm-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def _as_unprivileged(func: Callable[[], tuple[int, str, str]]) -> tuple[int, str, str]:
    """Run ``func`` in a forked child that, when we are root, first becomes uid 65534.

    ``chmod 000`` only stops users without CAP_DAC_READ_SEARCH; the tests may run as
    root, where it stops nothing. A fork keeps every module already imported (the
    interpreter itself lives under /root, which uid 65534 may not enter, so a fresh
    ``python`` could not start), then ``setgid``/``setuid`` drop root for good, so the
    kernel really refuses the child the folder. As any other user the permission bits
    alone are enough. Nothing is faked: the code under test sees a real EACCES.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            result = func()
            os.write(write_end, json.dumps(result).encode())
            status = 0
        except BaseException as exc:  # report anything to the parent, then leave
            os.write(write_end, json.dumps([-1, "", repr(exc)]).encode())
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    while True:
        ready, _, _ = select.select([read_end], [], [], 120)
        if not ready:
            os.kill(pid, 9)
            pytest.fail("the unprivileged check did not finish")
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    code, out, err = json.loads(b"".join(chunks))
    return int(code), str(out), str(err)


def _validate_cli(path: Path) -> Callable[[], tuple[int, str, str]]:
    def run() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", "--no-reference", str(path)])
        return code, out.getvalue(), err.getvalue()

    return run


def test_validate_on_an_unreadable_folder_is_an_error(world_tmp: Path) -> None:
    """An unreadable folder used to give "0 files checked" and exit 0."""
    packs = world_tmp / "packs"
    secret = packs / "secret"
    secret.mkdir(parents=True)
    shutil.copy(MINI, secret / "pack.yaml")
    shutil.copy(MINI, packs / "ok.yaml")
    packs.chmod(0o755)
    (packs / "ok.yaml").chmod(0o644)
    secret.chmod(0)
    code, out, err = _as_unprivileged(_validate_cli(packs))
    assert "Traceback" not in err, err
    assert code == 1, out + err
    assert f"{secret}:1:1: error: cannot read the folder: permission denied" in out
    assert "1 file checked: 1 error" in err  # ok.yaml was still checked


def test_report_on_an_unreadable_folder_is_an_error(world_tmp: Path) -> None:
    """Listing the folder raised PermissionError (a traceback); now it is a problem."""
    exports = world_tmp / "exports"
    exports.mkdir()
    exports.chmod(0)

    def run() -> tuple[int, str, str]:
        os.environ["CODETRAINER_HOME"] = str(world_tmp / "home")  # a home this user may read
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["report", str(exports)])
        return code, out.getvalue(), err.getvalue()

    code, _, err = _as_unprivileged(run)
    assert code == 1, err
    assert f"{exports}: error: cannot read the folder: Permission denied" in err
    assert "Traceback" not in err


def test_the_folder_really_is_unreadable_to_the_checking_user(world_tmp: Path) -> None:
    """The premise of the test above, checked the same way (listing fails for that user)."""
    secret = world_tmp / "secret"
    secret.mkdir()
    secret.chmod(0)
    assert stat.S_IMODE(secret.stat().st_mode) == 0

    def listing() -> tuple[int, str, str]:
        try:
            os.listdir(secret)
        except PermissionError as exc:
            return 1, "", str(exc)
        return 0, "", ""

    code, _, err = _as_unprivileged(listing)
    assert code == 1 and "Permission denied" in err


def test_the_report_reads_a_folder_through_the_same_reader(tmp_path: Path, fifo: Path) -> None:
    (tmp_path / "dev.csv").symlink_to("/dev/zero")
    report = load_report([tmp_path], jobs=1)
    assert report.files == 0
    assert any("character device" in p for p in report.problems)


def test_codesets_import_cli_names_a_fifo(fifo: Path, tmp_path: Path) -> None:
    """A FIFO used to be 'no such file' (is_file() is false); now the reader says what it is."""
    proc = cli("codesets", "import-cpt", str(fifo), "--dest", str(tmp_path / "out"))
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "named pipe (FIFO), not a regular file" in err and "Traceback" not in err
