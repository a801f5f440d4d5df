"""``validate`` shows every problem of a file in one run (issue #9, the leftovers).

1. A control character (written as an escape in double quotes, or raw in the file) no
   longer stops the load: it is reported at its own ``PATH:LINE:COL``, escaped, together
   with the file's other errors, and its value is replaced by the escaped form so that
   nothing downstream echoes it raw. The file still fails.
2. A case that fails the schema still gets the cross-field and reference checks that its
   valid parts allow (a pointer past the diagnoses, a header code, a missing ``claim:``
   on an inpatient case, a code no code set lists), each reported once.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from codetrainer.cli import main
from codetrainer.core.diagnostics import CodetrainerError
from codetrainer.core.packs import _finish_pack, load_file, load_pack
from codetrainer.core.refcheck import reference_checks
from codetrainer.core.untrusted import UNSAFE, escape_unsafe
from codetrainer.core.yamlio import YamlDocument, load_yaml_file, load_yaml_text

RAW = (b"\x1b", b"\x07", b"\x9b", "\u202e".encode())

# Line numbers matter below: each problem sits on its own line.
CONTROL_AND_SCHEMA = """\
pack:
  id: hostile
  title: "Blink \\e[5mnow"
  version: "1"
  code_year: FY2026
cases:
  - id: Bad_Id
    title: One
    difficulty: "7"
    note: "Sore throat \\e]52;c;aGk=\\a for two days."
    answer:
      diagnoses:
        - code: J02.9
          why: Sore throat.
      lines:
        - code: "99213"
          pointers: [3]
          why: Office visit.
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _raw_free(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    for raw in RAW:
        assert raw not in data, f"{raw!r} reached the output"


def _write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _found(loaded: object) -> set[tuple[int, int, str]]:
    return {(d.line, d.col, d.rule) for d in loaded.diagnostics}  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# 1. control characters are collected, not fatal


def test_control_characters_and_schema_errors_come_together(tmp_path: Path) -> None:
    loaded = load_pack(_write(tmp_path, CONTROL_AND_SCHEMA))
    assert loaded.value is None
    found = _found(loaded)
    assert (3, 10, "yaml-control-char") in found
    assert (10, 11, "yaml-control-char") in found
    assert (7, 9, "schema-value_error") in found  # the id
    assert (9, 17, "schema-less_than_equal") in found  # difficulty "7"
    assert (17, 22, "pointer-range") in found  # checked although the case failed
    for d in loaded.diagnostics:
        _raw_free(d.format())


def test_a_value_with_a_control_character_is_kept_escaped_only() -> None:
    doc = load_yaml_text(
        'a: "x\\e[5my"\n"k\\a": 1\nb: [one, "t\\u202ewo"]\n', path="p.yaml", collect_controls=True
    )
    assert doc.data == {"a": "x\\x1b[5my", "k\\x07": "1", "b": ["one", "t\\u202ewo"]}
    assert [(d.line, d.col) for d in doc.findings] == [(1, 4), (2, 1), (3, 10)]
    assert all(d.rule == "yaml-control-char" and d.is_error for d in doc.findings)


def test_raw_control_characters_are_collected_with_true_columns() -> None:
    # a raw ESC, a raw U+2028 (a line break to YAML) and a raw BEL, then a YAML error
    # whose position must not move
    text = "a: c\x1bd\u2028e\nb: [1, 2\x07]\nc: {x: 1\n"
    with pytest.raises(Exception) as info:
        load_yaml_text(text, path="p.yaml", collect_controls=True)
    diags = info.value.diagnostics  # type: ignore[attr-defined]
    got = [(d.line, d.col, d.rule) for d in diags]
    assert got[:3] == [
        (1, 5, "yaml-control-char"),
        (1, 7, "yaml-control-char"),
        (2, 9, "yaml-control-char"),
    ]
    assert got[3][2] == "yaml-syntax" and got[3][0] >= 3
    doc = load_yaml_text(text.replace("{x: 1", "1"), path="p.yaml", collect_controls=True)
    assert doc.data == {"a": "c\\x1bd\\u2028e", "b": ["1", "2\\x07"], "c": "1"}
    assert len(doc.findings) == 3


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="abc\x1b\x07\u202e", min_size=1, max_size=5),
        st.lists(st.text(alphabet="xy \x1b\x07\x9b\u2028\u202e\u2066\t", max_size=8), max_size=3),
        max_size=4,
    ),
    st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["\x1b", "\x07", "\u202e"]))),
)
def test_collected_loads_hold_nothing_raw(
    value: dict[str, list[str]], raw: list[tuple[int, str]]
) -> None:
    """Escapes (a double-quoted dump writes every control character as one) and raw
    control characters anywhere: the load either stops with located errors or gives data
    with every such character escaped, one finding per escaped value or raw character."""
    text = yaml.safe_dump({"root": value}, default_style='"', allow_unicode=False)
    for at, char in raw:
        at %= len(text) + 1
        text = text[:at] + char + text[at:]
    try:
        doc = load_yaml_text(text, path="p.yaml", collect_controls=True)
    except CodetrainerError as exc:
        assert exc.diagnostics and all(d.line >= 1 and d.col >= 1 for d in exc.diagnostics)
        return
    assert not _holds_unsafe(doc.data)
    if not raw:
        assert doc.data == {
            "root": {escape_unsafe(k): [escape_unsafe(x) for x in v] for k, v in value.items()}
        }
        escaped = sum(1 for k, v in value.items() for x in [k, *v] if UNSAFE.search(x))
        assert len(doc.findings) == escaped
    else:
        assert len([d for d in doc.findings if "written as an escape" not in d.message]) == len(raw)


def _holds_unsafe(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_holds_unsafe(k) or _holds_unsafe(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_holds_unsafe(x) for x in node)
    return isinstance(node, str) and UNSAFE.search(node) is not None


def test_without_collecting_the_loader_still_refuses_at_once() -> None:
    with pytest.raises(Exception) as info:
        load_yaml_text('a: "x\\e[5my"\nb: c\x1bd\n', path="p.yaml")
    assert [d.rule for d in info.value.diagnostics] == ["yaml-control-char"]  # type: ignore[attr-defined]


def test_a_file_of_control_bytes_still_stops_the_load(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"a: " + b"\x01\x02\x03" * 20 + b"\n")
    _kind, loaded = load_file(path)
    assert loaded.value is None
    assert len(loaded.diagnostics) == 20
    assert {d.rule for d in loaded.diagnostics} == {"yaml-control-char"}


def test_validate_text_and_json_show_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, CONTROL_AND_SCHEMA)
    code, out, err = _run(capsys, "validate", "--no-reference", str(path))
    assert code == 1
    _raw_free(out + err)
    lines = out.splitlines()
    for where in ("3:10", "7:9", "9:17", "10:11", "17:22"):
        assert any(line.startswith(f"{path}:{where}: error: ") for line in lines), where
    assert "\\x1b]52;c;aGk=\\x07" in out
    code, out, err = _run(capsys, "validate", "--no-reference", "--json", str(path))
    assert code == 1
    _raw_free(out + err)
    data = json.loads(out)
    rules = [d["rule"] for d in data["diagnostics"]]
    assert rules.count("yaml-control-char") == 2
    assert {"schema-value_error", "schema-less_than_equal", "pointer-range"} <= set(rules)
    assert data["ok"] is False and data["errors"] == len(data["diagnostics"])


def test_raw_control_bytes_in_a_pack_show_with_its_other_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CONTROL_AND_SCHEMA.replace('"Blink \\e[5mnow"', "Blink \x1b[5mnow")
    path = _write(tmp_path, text)
    code, out, _err = _run(capsys, "validate", "--no-reference", str(path))
    assert code == 1
    _raw_free(out)
    assert f"{path}:3:16: error: U+001B (escape) is not allowed" in out
    assert f"{path}:7:9: error: " in out and f"{path}:17:22: error: " in out


def test_control_characters_in_answers_and_code_sets_come_with_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = _write(
        tmp_path,
        'student: "Eve\\e]52;c;aGk=\\a"\nanswers:\n  - case: one\n    colour: red\n',
        "answers.yaml",
    )
    codes = _write(
        tmp_path,
        "codeset:\n  id: Bad_Id\n  system: CPT\n  year: '2026'\ncodes:\n"
        '  - code: "99213"\n    description: "Visit \\e[2J"\n',
        "codes.yaml",
    )
    code, out, _err = _run(capsys, "validate", "--no-reference", str(answers), str(codes))
    assert code == 1
    _raw_free(out)
    assert f"{answers}:1:10: error: U+001B (escape)" in out
    assert f"{answers}:4:5: error: unknown key 'colour'" in out
    assert f"{codes}:2:7: error: " in out  # the id
    assert f"{codes}:7:18: error: U+001B (escape)" in out


def test_control_characters_in_decks_and_courses_come_with_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = _write(
        tmp_path,
        'deck:\n  id: Bad_Deck\n  kind: terms\n  title: "Word \\e[5mparts"\n  version: "1.0"\n',
        "deck.yaml",
    )
    course = _write(
        tmp_path,
        'course:\n  id: Bad_Course\n  title: "Course \\e]52;c;aGk=\\a one"\nunits:\n'
        "  - id: week-1\n    title: Week 1\n    items:\n      - pack: no-such-pack\n",
        "course.yaml",
    )
    code, out, _err = _run(capsys, "validate", "--no-reference", str(deck), str(course))
    assert code == 1
    _raw_free(out)
    for where in (f"{deck}:2:7", f"{deck}:4:10", f"{course}:2:7", f"{course}:3:10"):
        assert f"{where}: error: " in out, where
    assert "\\x1b]52;c;aGk=\\x07" in out


def test_grade_refuses_an_answers_file_with_a_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sampler = Path(__file__).resolve().parent.parent / "examples" / "sampler-pack.yaml"
    answers = _write(tmp_path, 'student: "Eve\\e[31m"\nanswers:\n  - case: nope\n', "answers.yaml")
    code, out, err = _run(capsys, "grade", "--no-reference", str(sampler), str(answers))
    assert code == 1
    _raw_free(out + err)
    assert f"{answers}:1:10: error: U+001B (escape)" in err
    assert "not graded" in err


# ---------------------------------------------------------------------------------------
# the contract corpus: files that carry several problems name every rule they must report

CORPUS = Path(__file__).resolve().parent / "fixtures" / "contract"
REPORTS = re.compile(r"^# reports: ([a-z0-9_ -]+)$", re.M)
MANY = [p for p in sorted(CORPUS.glob("*.yaml")) if REPORTS.search(p.read_text(encoding="utf-8"))]


def test_some_corpus_files_carry_several_problems() -> None:
    assert len(MANY) >= 2


@pytest.mark.parametrize("path", MANY, ids=[p.stem for p in MANY])
def test_a_corpus_file_reports_all_its_problems_in_one_run(path: Path) -> None:
    match = REPORTS.search(path.read_text(encoding="utf-8"))
    assert match is not None
    _kind, loaded = load_file(path)
    rules = [d.rule for d in loaded.diagnostics if d.is_error]
    assert set(match.group(1).split()) <= set(rules), rules
    located = [(d.line, d.col, d.rule, d.message) for d in loaded.diagnostics]
    assert len(located) == len(set(located)), "a problem is reported twice"


# ---------------------------------------------------------------------------------------
# 2. a case that fails the schema still gets the checks its valid parts allow

SALVAGE = """\
pack:
  id: salvage
  title: Salvage probe
  version: "1"
  code_year: FY2026
cases:
  - id: Bad_Id
    title: One
    difficulty: "7"
    note: Sore throat for two days.
    answer:
      diagnoses:
        - code: J02
          why: Sore throat.
      lines:
        - code: "99213"
          pointers: [3]
          why: Office visit.
        - code: "99499"
          why: A service no code set lists.
  - id: two
    title: Two
    setting: inpatient
    tags: {a: b}
    note: Admitted with pneumonia.
    answer:
      diagnoses:
        - code: J18.9
          why: Pneumonia.
        - code: "J1"
          why: A code of the wrong shape.
        - code: J18
          optional: maybe
      lines:
        - code: "99223"
          pointers: [3, "13"]
          why: Admission.
        - code: "99232"
          pointers: [4]
          why: Next day.
    mistakes:
      - code: J18.9
        feedback: Already the answer.
"""

SALVAGE_EXPECTED = {
    (7, 9, "schema-value_error"),  # the id
    (9, 17, "schema-less_than_equal"),  # difficulty "7"
    (13, 17, "icd-header"),  # J02 is a category
    (17, 22, "pointer-range"),  # 3 of 1 diagnosis
    (19, 17, "code-not-in-catalog"),
    (23, 14, "claim-missing"),  # inpatient, no claim:
    (24, 11, "schema-list_type"),  # tags
    (30, 17, "schema-value_error"),  # J1
    (32, 17, "icd-header"),  # J18, the third diagnosis: positions stay true
    (32, 17, "missing-why"),
    (33, 21, "schema-bool_parsing"),  # optional: maybe
    (36, 25, "schema-value_error"),  # pointer 13
    (39, 22, "pointer-range"),  # 4 of the 3 diagnoses (one of them broken)
    (42, 15, "mistake-is-answer"),
}


@pytest.fixture(scope="module")
def checks() -> list[Any]:
    return reference_checks()


def test_a_failed_case_still_gets_its_cross_field_and_reference_checks(
    tmp_path: Path, checks: list[Any]
) -> None:
    loaded = load_pack(_write(tmp_path, SALVAGE), checks=checks)
    assert loaded.value is None
    assert _found(loaded) == SALVAGE_EXPECTED
    assert len(loaded.diagnostics) == len(SALVAGE_EXPECTED)  # none twice
    three = [d for d in loaded.diagnostics if d.rule == "pointer-range" and d.line == 39]
    assert "past the 3 diagnoses" in three[0].message


def test_validate_shows_them_in_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, SALVAGE)
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(set(lines)) == len(SALVAGE_EXPECTED)
    for line, col, _rule in SALVAGE_EXPECTED:
        assert any(x.startswith(f"{path}:{line}:{col}: ") for x in lines), (line, col)
    assert "1 file checked: 11 errors, 3 warnings" in err
    code, out, _err = _run(capsys, "validate", "--json", str(path))
    assert code == 1
    data = json.loads(out)
    got = {(d["line"], d["col"], d["rule"]) for d in data["diagnostics"]}
    assert got == SALVAGE_EXPECTED
    assert (data["errors"], data["warnings"]) == (11, 3)


CASE = """\
pack:
  id: one-case
  title: One case
  version: "1"
  code_year: FY2026
cases:
  - id: one
    title: One
    setting: inpatient
    claim: facility
    note: Probable pneumonia at discharge.
    answer:
      diagnoses:
        - code: J18.9
          why: Pneumonia.
          evidence: [Not in the note at all]
{extra}"""


@pytest.mark.parametrize(
    ("extra", "absent", "present"),
    [
        # the note failed: its evidence cannot be checked against it
        ("NOTE", "evidence-not-found", "schema-string_type"),
        # the setting failed: no claim-facility-setting, no uncertainty check
        ("    setting: hospital\n", "claim-facility-setting", "schema-literal_error"),
        # a misspelt claim: the case does not also 'lack' one
        ("    clam: professional\n", "claim-missing", "schema-extra_forbidden"),
    ],
)
def test_what_a_failed_part_would_make_a_check_say_is_not_said(
    tmp_path: Path, extra: str, absent: str, present: str
) -> None:
    text = CASE.format(extra="" if extra == "NOTE" else extra)
    if "setting: hospital" in extra:
        text = text.replace("    setting: inpatient\n", "")
    if "clam:" in extra:
        text = text.replace("    claim: facility\n", "")
    if extra == "NOTE":
        text = text.replace("note: Probable pneumonia at discharge.", "note: {a: b}")
    else:  # the evidence problem is found in these, though the case failed
        assert "evidence-not-found" in {
            d.rule for d in load_pack(_write(tmp_path, text)).diagnostics
        }
    rules = {d.rule for d in load_pack(_write(tmp_path, text)).diagnostics}
    assert present in rules
    assert absent not in rules


def test_a_misspelt_field_that_is_not_the_claim_leaves_claim_missing(tmp_path: Path) -> None:
    text = CASE.format(extra="    hint: [Ask about fever]\n").replace("    claim: facility\n", "")
    rules = [d.rule for d in load_pack(_write(tmp_path, text)).diagnostics]
    assert "claim-missing" in rules and "schema-extra_forbidden" in rules


# the bundled packs, each case broken one part at a time: salvage never invents a problem

PACKS = Path(__file__).resolve().parent.parent / "content" / "packs"
PROBED = ["inpatient-and-exam.yaml", "office-procedures.yaml", "px-modifiers-x.yaml"]


def _paths(node: Any, base: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*base, key)
            yield from _paths(value, (*base, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*base, i)
            yield from _paths(value, (*base, i))


def _broken(case: dict[str, Any], path: tuple[Any, ...], how: str) -> dict[str, Any] | None:
    out = copy.deepcopy(case)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if how == "delete":
        del node[last]
    elif how == "rename":
        if not isinstance(node, dict):
            return None
        node[f"{last}z"] = node.pop(last)  # a typo: 'notez', 'claimz'
    else:
        node[last] = {"broken": "yes"} if how == "mapping" else "broken"
    return out


def _one_case(doc: YamlDocument, k: int, case: dict[str, Any]) -> YamlDocument:
    marks = {}
    for path, mark in doc.marks.items():
        if path[:1] != ("cases",):
            marks[path] = mark
        elif path[:2] == ("cases", k):
            marks[("cases", 0, *path[2:])] = mark
    return YamlDocument(doc.path, {"pack": doc.data["pack"], "cases": [case]}, marks, doc.text)


@pytest.mark.parametrize("name", PROBED)
def test_salvage_never_invents_a_problem(name: str, checks: list[Any]) -> None:
    """Every node of every case replaced by a mapping or a word, deleted or misspelt: when
    that fails the schema, every other finding is one the intact case has too (the
    bundled cases have none), and the schema errors are each reported once."""
    doc = load_yaml_file(PACKS / name)
    tried = 0
    for k, raw in enumerate(doc.data["cases"]):
        intact = {
            (d.line, d.col, d.rule, d.message)
            for d in _finish_pack(_one_case(doc, k, raw), checks).diagnostics
        }
        for path in _paths(raw):
            for how in ("mapping", "word", "delete", "rename"):
                case = _broken(raw, path, how)
                if case is None:
                    continue
                found = _finish_pack(_one_case(doc, k, case), checks).diagnostics
                if not any(d.rule.startswith("schema-") for d in found):
                    continue  # still a valid case (an optional part deleted, say)
                tried += 1
                keys = [(d.line, d.col, d.rule, d.message) for d in found]
                assert len(keys) == len(set(keys)), (k, path, how)
                invented = [
                    d.format()
                    for d in found
                    if not d.rule.startswith("schema-")
                    and (d.line, d.col, d.rule, d.message) not in intact
                ]
                assert not invented, (k, path, how, invented)
    assert tried > 100


# ---------------------------------------------------------------------------------------
# the top-level checks that case packs and billing packs share (one helper, same words)


def test_case_and_billing_packs_word_their_top_level_problems_alike(tmp_path: Path) -> None:
    from codetrainer.core.billing.loading import load_billing_pack

    pack = _write(tmp_path, "pak:\n  id: x\nzzz: 1\ncases: []\n", "p.yaml")
    got = {d.message for d in load_pack(pack).diagnostics}
    assert {
        "unknown top-level key 'pak'; did you mean 'pack'?",
        "unknown top-level key 'zzz'; a pack has only 'pack:' and 'cases:'",
        "missing the 'pack:' header (id, title, version, code_year)",
    } <= got
    billing = _write(tmp_path, "biling:\n  id: x\nzzz: 1\nexercises: []\n", "b.yaml")
    got = {d.message for d in load_billing_pack(billing).diagnostics}
    assert {
        "unknown top-level key 'biling'; did you mean 'billing'?",
        "unknown top-level key 'zzz'; a billing pack has only 'billing:' and 'exercises:'",
        "missing the 'billing:' header (id, title, version, code_year)",
    } <= got
    header = _write(tmp_path, "pack:\n  id: Bad_Id\ncases: []\n", "h.yaml")
    rules = {(d.line, d.col, d.rule) for d in load_pack(header).diagnostics}
    assert (2, 7, "schema-value_error") in rules
