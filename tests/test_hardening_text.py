"""Control characters and bidi overrides: refused in loaded values, escaped in messages.

YAML escapes in double quotes ("\\e[5m", "\\e]52;c;...\\a") make characters the raw-byte
check never sees; the loader now checks every loaded key and value. Whatever quotes user
text (diagnostics, grade and report output, TUI messages) shows such characters escaped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codetrainer.cli import main
from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.packs import load_pack
from codetrainer.core.untrusted import UNSAFE, escape_unsafe, find_unsafe
from codetrainer.core.yamlio import load_yaml_text

REPO = Path(__file__).resolve().parent.parent
SAMPLER = REPO / "examples" / "sampler-pack.yaml"

RAW = (b"\x1b", b"\x07", b"\x9b", "\u202e".encode(), "\u2066".encode())
"""Bytes that must never reach the terminal raw (ESC, BEL, 8-bit CSI, RLO, LRI)."""

HOSTILE_PACK = """\
pack:
  id: hostile
  title: "Blink \\e[5mnow"
  version: "1"
  code_year: FY2026
cases:
  - id: one
    title: One
    note: "Clipboard \\e]52;c;aGVsbG8=\\a gone"
    answer:
      diagnoses:
        - code: J02.9
          why: "right\\u202Eleft"
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _raw_free(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    for raw in RAW:
        assert raw not in data, f"{raw!r} reached the output"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_PACK, encoding="utf-8")
    return path


def test_escapes_in_double_quotes_are_refused_at_the_value(hostile: Path) -> None:
    loaded = load_pack(hostile)
    assert loaded.value is None
    found = {(d.line, d.col): d for d in loaded.diagnostics if d.rule == "yaml-control-char"}
    assert set(found) == {(3, 10), (9, 11), (13, 16)}
    assert "U+001B (escape)" in found[(3, 10)].message
    assert "U+001B (escape)" in found[(9, 11)].message  # the first unsafe one is named
    assert "U+202E (right-to-left override)" in found[(13, 16)].message


def test_validate_output_has_no_raw_escape(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "validate", "--no-reference", str(hostile))
    assert code == 1
    _raw_free(out + err)
    assert f"{hostile}:3:10: error: U+001B (escape) in this value" in out
    assert "\\x1b[5mnow" in out  # shown escaped, so the author sees what is there
    assert "\\x1b]52;c;aGVsbG8=\\x07" in out
    code, out, err = _run(capsys, "validate", "--no-reference", "--json", str(hostile))
    _raw_free(out + err)
    messages = [d["message"] for d in json.loads(out)["diagnostics"]]
    assert any("\\x1b]52" in m for m in messages)


def test_grade_output_has_no_raw_escape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        'student: "Eve\\e]52;c;aGk=\\a"\n'
        "answers:\n"
        '  - case: "wrist\\e[2Jbuckle"\n'
        '    diagnoses: ["S52.521A\\e[31m"]\n',
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "grade", "--no-reference", str(SAMPLER), str(answers))
    assert code == 1
    _raw_free(out + err)
    assert f"{answers}:1:10: error: U+001B (escape)" in err
    assert f"{answers}:3:11: error:" in err and f"{answers}:4:17: error:" in err


def test_a_raw_bidi_override_in_the_file_is_refused() -> None:
    with pytest.raises(Exception) as info:
        load_yaml_text("pack:\n  title: ab\u202ecd\n", path="p.yaml")
    message = str(info.value)
    assert message.startswith("p.yaml:2:12: error: U+202E (right-to-left override)")
    _raw_free(message)


def test_keys_are_checked_too() -> None:
    with pytest.raises(Exception, match=r"p.yaml:1:1: error: U\+0007 \(bell\)"):
        load_yaml_text('"ti\\atle": x\n', path="p.yaml")


def test_tab_and_newline_stay_allowed() -> None:
    doc = load_yaml_text('a: "one\\ttwo\\nthree"\n', path="p.yaml")
    assert doc.data == {"a": "one\ttwo\nthree"}


def test_diagnostics_escape_path_and_message() -> None:
    d = Diagnostic("ev\x1bil.yaml", 1, 2, "error", "case 'x\x07\u202ey' is unknown")
    assert d.format() == "ev\\x1bil.yaml:1:2: error: case 'x\\x07\\u202ey' is unknown"
    assert d.to_dict()["message"] == "case 'x\\x07\\u202ey' is unknown"


@given(st.text())
def test_escaped_text_is_always_safe(text: str) -> None:
    shown = escape_unsafe(text)
    assert UNSAFE.search(shown) is None
    assert (shown == text) == (not list(find_unsafe(text)))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_safe_text_is_unchanged(text: str) -> None:
    assert escape_unsafe(text) == text


def test_the_report_table_escapes_student_names(tmp_path: Path) -> None:
    export = tmp_path / "x.json"
    export.write_text(
        json.dumps(
            {
                "format": "codetrainer-export",
                "version": 1,
                "student": "Mal\x1b]52;c;aGk=\x07lory",
                "attempts": [
                    {"pack_id": "p\u202e", "case_id": "c", "score": 50, "created_at": "2026-01-01"}
                ],
            }
        ),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "report", str(export)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode()
    _raw_free(text)
    assert "Mal\\x1b]52;c;aGk=\\x07lory" in text
    assert "p\\u202e/c" in text
