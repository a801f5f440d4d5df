"""Cold-start times of the command line: --version, --help, validate, lookup, and the TUI import.

Each command runs in a fresh interpreter several times; the script prints the median and
the fastest wall time and the modules that were imported (to show that --help and
validate never load Textual). Reported in docs/performance.md, never asserted in tests.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CODETRAINER_HOME": home}
        # warm the compiled caches once so validate/lookup measure the warm path
        subprocess.run(
            [sys.executable, "-m", "codetrainer", "lookup", "warm"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        baseline = time_command(["-c", "pass"], args.runs, env)
        print(f"python startup alone: median {statistics.median(baseline) * 1000:.0f} ms")
        print(f"{'command':45} {'median':>8} {'fastest':>8}  textual/rich loaded")
        for label, cmd in COMMANDS:
            samples = time_command(cmd, args.runs, env)
            print(
                f"{label:45} {statistics.median(samples) * 1000:6.0f}ms "
                f"{min(samples) * 1000:6.0f}ms  {ui_modules(cmd, env)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
