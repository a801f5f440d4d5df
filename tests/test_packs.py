"""Pack validation beyond the schema: warnings, cross-field rules, bundled content."""

from __future__ import annotations

from pathlib import Path

import pytest

from codetrainer.core.packs import find_yaml_files, load_codeset, load_pack
from codetrainer.paths import bundled_content_dir

CASE = """\
pack:
  id: sample
  title: Sample
  version: "1.0"
  code_year: {year}
cases:
  - id: one
    title: One
    note: |
      {note}
    answer:
      diagnoses:
        - code: j029
          why: Pharyngitis without a named organism.
      lines:
        - code: "99213"
          modifiers: {mods}
          pointers: [a]
          why: Visit.
    mistakes:
      - code: {mistake}
        feedback: Strep needs a positive test.
"""


def write(tmp_path: Path, **kw: str) -> Path:
    values = {
        "year": "FY2026",
        "note": "Sore throat.",
        "mods": '["25"]',
        "mistake": "J02.0",
    }
    values.update(kw)
    path = tmp_path / "p.yaml"
    path.write_text(CASE.format(**values))
    return path


def test_valid_pack_normalises_codes_and_pointers(tmp_path: Path) -> None:
    loaded = load_pack(write(tmp_path))
    assert loaded.ok, [d.format() for d in loaded.diagnostics]
    assert loaded.value is not None
    case = loaded.value.cases[0]
    assert case.answer.diagnoses[0].code == "J02.9"
    assert case.answer.lines[0].pointers == [1]
    assert case.answer.lines[0].units == 1
    assert case.setting == "outpatient"
    assert len(case.content_hash()) == 16


def test_content_hash_changes_with_the_key(tmp_path: Path) -> None:
    a = load_pack(write(tmp_path)).value
    b = load_pack(write(tmp_path, mods='["25", "GA"]')).value
    assert a is not None and b is not None
    assert a.cases[0].content_hash() != b.cases[0].content_hash()


@pytest.mark.parametrize(
    ("note", "what", "found"),
    [
        ("SSN 123-45-6789 on file.", "Social Security", "123-45-6789"),
        ("Call back at (555) 123-4567.", "phone", "(555) 123-4567"),
        ("Email pt at someone@example.org.", "e-mail", "someone@example.org"),
        ("MRN: 00123456", "MRN", "MRN: 00123456"),
        ("DOB: 03/14/1961", "date of birth", "DOB: 03/14/1961"),
    ],
)
def test_real_patient_data_gets_a_warning(tmp_path: Path, note: str, what: str, found: str) -> None:
    loaded = load_pack(write(tmp_path, note=note))
    warnings = [d for d in loaded.diagnostics if d.severity == "warning" and d.rule == "phi"]
    assert len(warnings) == 1
    assert what in warnings[0].message
    # at the number itself (the note's first line is line 10, indented 6), not at 'note:'
    assert (warnings[0].line, warnings[0].col) == (10, 7 + note.index(found))
    assert loaded.ok  # a warning does not stop the pack from loading


def test_deidentified_brackets_are_fine(tmp_path: Path) -> None:
    loaded = load_pack(write(tmp_path, note="Pt [redacted], 54 y/o, seen Day 2 [name removed]."))
    assert not [d for d in loaded.diagnostics if d.rule == "phi"]


def test_old_code_year_warns_against_the_reference(tmp_path: Path) -> None:
    # the year is judged against the reference in force (refcheck), not a fixed year
    from codetrainer.core.refcheck import reference_checks

    assert load_pack(write(tmp_path, year="FY2024")).diagnostics == []
    loaded = load_pack(write(tmp_path, year="FY2024"), checks=reference_checks())
    assert [d.rule for d in loaded.diagnostics] == ["code-year"]
    assert loaded.diagnostics[0].severity == "warning"
    assert "which is newer" in loaded.diagnostics[0].message


def test_a_code_year_that_is_not_a_fiscal_year_warns(tmp_path: Path) -> None:
    loaded = load_pack(write(tmp_path, year="2026"))
    assert [d.rule for d in loaded.diagnostics] == ["code-year"]
    assert "such as FY2026" in loaded.diagnostics[0].message


def test_59_with_an_x_modifier_is_an_error(tmp_path: Path) -> None:
    loaded = load_pack(write(tmp_path, mods='["59", XS]'))
    assert [d.rule for d in loaded.diagnostics] == ["modifier-59-x"]
    assert loaded.value is None


def test_a_mistake_cannot_be_the_answer(tmp_path: Path) -> None:
    loaded = load_pack(write(tmp_path, mistake="J02.9"))
    assert [d.rule for d in loaded.diagnostics] == ["mistake-is-answer"]


def test_a_modifier_can_be_a_mistake(tmp_path: Path) -> None:
    loaded = load_pack(write(tmp_path, mistake='"59"'))
    assert loaded.ok, [d.format() for d in loaded.diagnostics]


def test_bundled_content_exists_and_loads() -> None:
    root = bundled_content_dir()
    packs = list(find_yaml_files([root / "packs"]))
    codesets = list(find_yaml_files([root / "codesets"]))
    assert len(packs) >= 3
    assert codesets
    total = 0
    for path in packs:
        loaded = load_pack(path)
        assert loaded.ok, [d.format() for d in loaded.diagnostics]
        assert loaded.value is not None
        total += len(loaded.value.cases)
        for case in loaded.value.cases:
            assert case.mistakes, f"{path.name}:{case.id} has no mistakes entry"
            for dx in case.answer.diagnoses:
                assert dx.why, f"{path.name}:{case.id} {dx.code} has no why"
            for line in case.answer.lines:
                assert line.why, f"{path.name}:{case.id} {line.code} has no why"
    assert total >= 40
    for path in codesets:
        assert load_codeset(path).ok, path


def test_bundled_cases_cover_every_setting_and_level() -> None:
    settings: set[str] = set()
    levels: set[int] = set()
    for path in find_yaml_files([bundled_content_dir() / "packs"]):
        pack = load_pack(path).value
        assert pack is not None
        for case in pack.cases:
            settings.add(case.setting)
            levels.add(case.difficulty)
    assert {"outpatient", "emergency", "inpatient"} <= settings
    assert levels == {1, 2, 3, 4, 5}
