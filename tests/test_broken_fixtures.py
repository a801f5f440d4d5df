"""Every broken fixture is reported at the right PATH:LINE:COL, with no traceback.

Each file in tests/fixtures/broken/ starts with ``# expect: LINE:COL RULE`` lines naming
every problem it must produce; the test compares them with what the loader reports.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codetrainer.core.packs import load_file

BROKEN = Path(__file__).parent / "fixtures" / "broken"
EXPECT = re.compile(rb"^# expect: (\d+):(\d+) ([\w-]+)$", re.M)


def _expected(path: Path) -> list[tuple[int, int, str]]:
    return sorted(
        (int(m.group(1)), int(m.group(2)), m.group(3).decode())
        for m in EXPECT.finditer(path.read_bytes())
    )


FILES = sorted(BROKEN.glob("*.yaml"))


def test_there_are_fixtures() -> None:
    assert len(FILES) >= 18


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_fixture_reports_expected_locations(path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{path.name} has no '# expect:' lines"
    _kind, loaded = load_file(path)
    got = sorted((d.line, d.col, d.rule) for d in loaded.diagnostics if d.is_error)
    assert got == expected
    assert loaded.value is None
    for d in loaded.diagnostics:
        assert d.path == str(path)
        assert d.format().startswith(f"{path}:{d.line}:{d.col}: error: ")


def test_cli_on_broken_folder_exits_1_with_every_location() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "validate", "--no-reference", str(BROKEN)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = set(proc.stdout.splitlines())
    for path in FILES:
        for line, col, _rule in _expected(path):
            prefix = f"{path}:{line}:{col}: error: "
            assert any(out.startswith(prefix) for out in lines), (path.name, line, col)


def test_cli_json_lists_every_diagnostic() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "validate", "--no-reference", "--json", str(BROKEN)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["ok"] is False
    total = sum(len(_expected(p)) for p in FILES)
    assert data["errors"] == total
    assert {d["path"] for d in data["diagnostics"]} == {str(p) for p in FILES}
    assert all(
        set(d) >= {"path", "line", "col", "severity", "message"} for d in data["diagnostics"]
    )
