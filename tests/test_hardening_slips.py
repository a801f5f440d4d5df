"""The small slips of issue 9: doubled "not saved", class names, PATH:0:0, PHI position,
only the first problems of an answers file, and ``grade`` linear in the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from codetrainer.cli import main
from codetrainer.core.answer import GivenAnswer
from codetrainer.core.grading import grade_case
from codetrainer.core.packs import load_pack
from codetrainer.core.store import StoreError
from codetrainer.core.yamlio import load_yaml_text
from codetrainer.tui.screens.feedback import score_text
from codetrainer.tui.services import _why
from codetrainer.tui.text import problem_text

REPO = Path(__file__).resolve().parent.parent
SAMPLER = REPO / "examples" / "sampler-pack.yaml"


def test_not_saved_is_said_once() -> None:
    pack = load_pack(SAMPLER).value
    assert pack is not None
    case = pack.cases[0]

    result = grade_case(case, GivenAnswer(diagnoses=("J02.9",)))
    text = score_text(result, "not saved: the disk is full").plain
    assert text.count("not saved") == 1
    assert "not saved: the disk is full" in text


def test_problems_never_show_a_class_name() -> None:
    assert _why(StoreError("not saved: the progress store is closed")) == (
        "the progress store is closed"
    )
    assert "StoreError" not in _why(StoreError("cannot open the progress file x: locked"))
    assert problem_text(KeyError()) == "an unexpected error"
    assert problem_text(RuntimeError("bad \x1b[2J name\nsecond line")) == "bad \\x1b[2J name"


def test_deep_yaml_names_no_exception_class() -> None:
    with pytest.raises(Exception) as info:
        load_yaml_text("a: " + "[" * 5000 + "]" * 5000 + "\n", path="deep.yaml", max_depth=10_000)
    message = str(info.value)
    assert message.startswith("deep.yaml:")
    assert "RecursionError" not in message and "Error" not in message.split("error:", 1)[1]


def test_an_answers_file_reports_schema_errors_and_unknown_cases_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown cases used to be checked only once the rest of the file was valid."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "answers:\n"
        "  - case: wrist-buckle-fractur\n"
        "    diagnoses: [S52.521A]\n"
        "  - case: no-such-case\n"
        "    bogus: 1\n"
        "  - case: knee-pain-ask-first\n"
        "    lines: [{code: '99213', extra: 2}]\n",
        encoding="utf-8",
    )
    code = main(["grade", "--no-reference", str(SAMPLER), str(answers)])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        f"{answers}:2:11: error: pack 'grading-sampler' has no case 'wrist-buckle-fractur'" in err
    )
    assert "did you mean 'wrist-buckle-fracture'?" in err
    assert f"{answers}:4:11: error: pack 'grading-sampler' has no case 'no-such-case'" in err
    assert f"{answers}:5:5: error: unknown key 'bogus'" in err
    assert f"{answers}:7:29: error: unknown key 'extra'" in err
    assert "not graded: 4 errors in the inputs" in err


def test_grade_checks_many_answers_by_set_lookup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """20,000 unknown answers: each is one set lookup (a list made this quadratic).

    No timing is asserted; the figure for 100k answers is in docs/performance.md.
    """
    lines = ["answers:"]
    lines += [f"  - case: c{i}\n    diagnoses: [J02.9]" for i in range(20_000)]
    answers = tmp_path / "many.yaml"
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["grade", "--no-reference", "--max-bytes", "10000000", str(SAMPLER), str(answers)])
    err = capsys.readouterr().err
    assert code == 1
    assert "not graded: 20000 errors in the inputs" in err


VISIT_PACK = """\
pack:
  id: rare-visit
  title: Rare visit
  version: "1"
  code_year: FY2026
cases:
  - id: one
    title: One
    note: Acute pharyngitis, unlisted evaluation service.
    answer:
      diagnoses:
        - code: J02.9
          why: Pharyngitis.
      lines:
        - code: "99499"
          pointers: [1]
          why: Unlisted evaluation and management service.
"""
VISIT_SET = """\
codeset:
  id: school-extras
  system: CPT
  year: "2026"
  source: Our own summaries.
codes:
  - code: "99499"
    description: Unlisted evaluation and management service
"""


def test_validate_uses_the_code_sets_named_on_its_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate used to ignore code sets given next to the pack ("not in the loaded
    code sets" stayed, whatever the instructor named)."""
    pack = tmp_path / "pack.yaml"
    pack.write_text(VISIT_PACK, encoding="utf-8")
    codeset = tmp_path / "extras.yaml"
    codeset.write_text(VISIT_SET, encoding="utf-8")
    code = main(["validate", "--strict", str(pack)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{pack}:15:17: warning: CPT 99499 is not in the loaded code sets" in out
    code = main(["validate", "--strict", str(pack), str(codeset)])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert "not in the loaded code sets" not in out
    assert "2 files checked: 0 errors, 0 warnings" in err
