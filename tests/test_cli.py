"""The public CLI: exit codes, help, version, validate and schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from codetrainer import __version__


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"codetrainer {__version__}"


def test_help_lists_commands() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("validate", "schema", "run"):
        assert command in proc.stdout


def test_usage_errors_exit_2() -> None:
    assert run("validate", "--frobnicate").returncode == 2
    proc = run("validate", "/no/such/place.yaml")
    assert proc.returncode == 2
    assert "no such file" in proc.stderr
    assert run("schema", "nonsense").returncode == 2


def test_trainer_without_a_terminal_says_so() -> None:
    proc = run()
    assert proc.returncode == 2
    assert "interactive terminal" in proc.stderr


def test_validate_bundled_content_is_clean() -> None:
    proc = run("validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 errors" in proc.stderr
    assert "Traceback" not in proc.stderr


GOOD_PACK = """\
pack:
  id: tiny
  title: Tiny
  version: "1.0"
  code_year: FY2026
cases:
  - id: one
    title: One
    note: |
      ASSESSMENT: Acute pharyngitis, rapid strep negative.
    answer:
      diagnoses:
        - code: J02.9
          evidence: [acute pharyngitis]
"""


def test_validate_warnings_pass_unless_strict(tmp_path: Path) -> None:
    pack = tmp_path / "tiny.yaml"
    pack.write_text(GOOD_PACK)
    proc = run("validate", "--no-reference", str(pack))
    assert proc.returncode == 0, proc.stdout
    assert f"{pack}:13:17: warning: no 'why' for J02.9" in proc.stdout
    strict = run("validate", "--no-reference", "--strict", str(pack))
    assert strict.returncode == 1
    as_json = json.loads(run("validate", "--no-reference", "--json", str(pack)).stdout)
    assert as_json["ok"] is True
    assert as_json["warnings"] == 1
    assert as_json["files"] == [{"path": str(pack), "kind": "pack", "errors": 0, "warnings": 1}]


def test_validate_reports_duplicate_pack_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD_PACK)
    (tmp_path / "b.yaml").write_text(GOOD_PACK)
    proc = run("validate", "--no-reference", str(tmp_path))
    assert proc.returncode == 1
    assert f"{tmp_path / 'b.yaml'}:2:7: error: pack id 'tiny' is also used by" in proc.stdout


def test_validate_max_bytes_flag(tmp_path: Path) -> None:
    pack = tmp_path / "tiny.yaml"
    pack.write_text(GOOD_PACK)
    small = run("validate", "--no-reference", "--max-bytes", "100", str(pack))
    assert small.returncode == 1
    assert "over the 100-byte limit" in small.stdout


def test_schema_is_json_schema_for_each_kind(tmp_path: Path) -> None:
    for kind in ("pack", "codeset", "answers"):
        proc = run("schema", kind)
        assert proc.returncode == 0
        schema = json.loads(proc.stdout)
        assert schema["$schema"].startswith("https://json-schema.org/")
        assert schema["type"] == "object"
    out = tmp_path / "pack.schema.json"
    assert run("schema", "pack", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["title"] == "codetrainer pack file"
