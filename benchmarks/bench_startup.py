"""Start-up times: the trainer's first screen against a bare Textual app, and the CLI.

**TUI** (``--tui``, the default part): the trainer (``python -m codetrainer``, bundled
packs, warm caches) and a bare Textual app that draws a header, one line and a footer are
started alternately in a pseudo-terminal of 100x30, ``--pairs`` times each. A run's time is
from just before the process is spawned to the moment the terminal has received the text of
its first screen (the trainer's home menu, the bare app's line); then the process is
killed. The script prints both medians and the ratio (median of the pairwise ratios, and
ratio of the medians).

**CLI** (``--cli``): each command runs in a fresh interpreter several times; the median and
fastest wall time and whether Textual or Rich were imported (--help and validate must not).

Reported in docs/performance.md, never asserted in tests.

    python benchmarks/bench_startup.py [--pairs 15] [--runs 7] [--tui | --cli]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

COMMANDS: list[tuple[str, list[str]]] = [
    ("codetrainer --version", ["-m", "codetrainer", "--version"]),
    ("codetrainer --help", ["-m", "codetrainer", "--help"]),
    ("codetrainer validate (bundled, warm cache)", ["-m", "codetrainer", "validate"]),
    ("codetrainer validate --no-reference", ["-m", "codetrainer", "validate", "--no-reference"]),
    ("codetrainer lookup 'sore throat'", ["-m", "codetrainer", "lookup", "sore throat"]),
    ("import codetrainer.tui.app", ["-c", "import codetrainer.tui.app"]),
]

PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['codetrainer', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('codetrainer', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "ui = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})\n"
    "sys.stderr.write('UI-MODULES:' + ','.join(ui) + '\\n')\n"
)


def time_command(args: list[str], runs: int, env: dict[str, str]) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        samples.append(time.perf_counter() - start)
    return samples


def ui_modules(args: list[str], env: dict[str, str]) -> str:
    if args[0] != "-m":
        return "(n/a)"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args[2:]],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in proc.stderr.splitlines():
        if line.startswith("UI-MODULES:"):
            return line.removeprefix("UI-MODULES:") or "none"
    return "?"


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    TITLE = "bare"
    def compose(self):
        yield Header()
        yield Static("a bare Textual app: header, one line, footer")
        yield Footer()

Bare().run()
"""

BARE = ("bare Textual app", ["-c", BARE_APP], b"a bare Textual app")
TRAINER = ("codetrainer (home screen)", ["-m", "codetrainer"], b"Next unsolved case")
SIZE = (100, 30)


def first_frame(
    args: list[str], marker: bytes, env: dict[str, str], limit: float = 60.0
) -> tuple[float, float]:
    """(wall, CPU) seconds from spawning ``python ARGS`` in a pty until ``marker`` was
    written to it. CPU is the child's user + system time when it is killed right after
    (a shared machine inflates wall time much more than CPU time)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**env, "TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])},
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            left = limit - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"no first frame within {limit:.0f} s: {args[:2]}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                raise RuntimeError(f"exited before its first frame: {seen[-400:]!r}") from None
            if not chunk:
                raise RuntimeError(f"exited before its first frame: {seen[-400:]!r}")
            seen += chunk
            if marker in seen:
                wall = time.perf_counter() - start
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                return wall, usage.ru_utime + usage.ru_stime
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)


def bench_tui(pairs: int, env: dict[str, str]) -> None:
    # warm every cache (reference, code sets, search index, packs) with one discarded run
    # of each, after the lookup command compiled the reference and the index
    for _label, cmd, marker in (BARE, TRAINER, TRAINER):
        first_frame(cmd, marker, env)
    runs: dict[str, list[tuple[float, float]]] = {BARE[0]: [], TRAINER[0]: []}
    for i in range(pairs):
        order = (BARE, TRAINER) if i % 2 == 0 else (TRAINER, BARE)
        for label, cmd, marker in order:
            runs[label].append(first_frame(cmd, marker, env))
    print(f"first screen in a {SIZE[0]}x{SIZE[1]} pty, {pairs} pairs (warm caches)")
    for label, samples in runs.items():
        wall = [w for w, _ in samples]
        cpu = [c for _, c in samples]
        print(
            f"  {label:28} wall median {statistics.median(wall) * 1000:5.0f} ms "
            f"(fastest {min(wall) * 1000:4.0f}) · CPU median {statistics.median(cpu) * 1000:5.0f}"
            f" ms (least {min(cpu) * 1000:4.0f})"
        )
    for index, what in ((0, "wall"), (1, "CPU")):
        ours = [r[index] for r in runs[TRAINER[0]]]
        bare = [r[index] for r in runs[BARE[0]]]
        ratios = [o / b for o, b in zip(ours, bare, strict=True)]
        print(
            f"  ratio ({what}): median of pairs {statistics.median(ratios):.2f}x, "
            f"of medians {statistics.median(ours) / statistics.median(bare):.2f}x, "
            f"of fastest {min(ours) / min(bare):.2f}x"
        )


def bench_cli(runs: int, env: dict[str, str]) -> None:
    baseline = time_command(["-c", "pass"], runs, env)
    print(f"python startup alone: median {statistics.median(baseline) * 1000:.0f} ms")
    print(f"{'command':45} {'median':>8} {'fastest':>8}  textual/rich loaded")
    for label, cmd in COMMANDS:
        samples = time_command(cmd, runs, env)
        print(
            f"{label:45} {statistics.median(samples) * 1000:6.0f}ms "
            f"{min(samples) * 1000:6.0f}ms  {ui_modules(cmd, env)}"
        )


def compile_package_bytecode() -> None:
    """Write the .pyc files of codetrainer (quietly; a read-only install is left as is)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("codetrainer")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs per CLI command")
    parser.add_argument("--pairs", type=int, default=15, help="paired TUI runs")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not write our .pyc files first (with PYTHONDONTWRITEBYTECODE=1 an editable "
        "install then compiles its sources on every start)",
    )
    part = parser.add_mutually_exclusive_group()
    part.add_argument("--tui", action="store_true", help="only the TUI comparison")
    part.add_argument("--cli", action="store_true", help="only the CLI commands")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CODETRAINER_HOME": home}
        env.pop("CODETRAINER_CACHE", None)
        # Python's own cache first: an installed package has its bytecode compiled by pip,
        # as Textual's has; an editable install under PYTHONDONTWRITEBYTECODE=1 (set on
        # some machines, CI ones among them) would otherwise compile our sources from
        # scratch on every start while Textual's load from .pyc files.
        if not args.no_compile:
            compile_package_bytecode()
        # warm the compiled caches once so validate/lookup/the TUI measure the warm path
        subprocess.run(
            [sys.executable, "-m", "codetrainer", "lookup", "warm"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if not args.cli:
            bench_tui(args.pairs, env)
        if not args.tui:
            bench_cli(args.runs, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
