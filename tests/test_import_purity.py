"""The core and the non-interactive CLI never load Textual or Rich.

Checked in a fresh interpreter, so nothing the test session imported can hide a leak.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import codetrainer.core

CORE_MODULES = sorted(
    f"codetrainer.core.{m.name}" for m in pkgutil.iter_modules(codetrainer.core.__path__)
)

PROBE = """
import sys, importlib
for name in {modules!r}:
    importlib.import_module(name)
{extra}
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))
print(','.join(bad))
"""


def _loaded_ui_modules(modules: list[str], extra: str = "") -> str:
    code = PROBE.format(modules=modules, extra=extra)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_core_modules_exist() -> None:
    assert {"codetrainer.core.yamlio", "codetrainer.core.packs", "codetrainer.core.codes"} <= set(
        CORE_MODULES
    )


def test_core_imports_no_ui() -> None:
    assert _loaded_ui_modules(CORE_MODULES) == ""


def test_cli_commands_import_no_ui() -> None:
    extra = (
        "from codetrainer.cli import build_parser, main\n"
        "build_parser()\n"
        "import contextlib, io\n"
        "for argv in (['--version'], ['--help'], ['validate', '--help'], ['schema', 'pack']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        main(argv)\n"
    )
    assert _loaded_ui_modules(["codetrainer", "codetrainer.cli"], extra) == ""


def test_validate_of_bundled_content_imports_no_ui() -> None:
    extra = (
        "import contextlib, io\n"
        "from codetrainer.cli import main\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        "    main(['validate'])\n"
    )
    assert _loaded_ui_modules(["codetrainer.cli"], extra) == ""
