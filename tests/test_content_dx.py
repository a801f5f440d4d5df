"""The diagnosis-breadth packs (dx-breadth-1, dx-breadth-2): correct, self-consistent, complete.

Every key must score 100 against itself (through the core grader and the public
``codetrainer grade`` CLI), every ICD-10-CM code must be billable in the FY2026 reference,
every evidence phrase must occur in its note, and every case teaches at least one
predictable mistake. The packs must also cover what they promise: the ICD-10-CM chapters,
settings, claim types and E/M families they were written for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from grading_fixtures import PACKS_DIR, key_answer

from codetrainer.cli import main
from codetrainer.core.codes import System, detect_system
from codetrainer.core.codesets import load_catalog
from codetrainer.core.grading import grade_case
from codetrainer.core.models import Case, Pack
from codetrainer.core.packs import load_pack, normalize_space
from codetrainer.core.refcheck import reference_checks
from codetrainer.core.reference import Reference

PACK_IDS = ("dx-breadth-1", "dx-breadth-2")
PATHS = {pid: PACKS_DIR / f"{pid}.yaml" for pid in PACK_IDS}


def _load(pid: str) -> Pack:
    loaded = load_pack(PATHS[pid], checks=reference_checks())
    problems = [d.format() for d in loaded.diagnostics]
    assert loaded.value is not None, problems
    assert problems == [], problems  # --strict: not even a warning
    return loaded.value


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return {pid: _load(pid) for pid in PACK_IDS}


def _cases(packs: dict[str, Pack]) -> list[tuple[str, Case]]:
    return [(f"{pid}/{c.id}", c) for pid, p in packs.items() for c in p.cases]


def test_headers_and_size(packs: dict[str, Pack]) -> None:
    for pid, pack in packs.items():
        assert pack.pack.id == pid
        assert pack.pack.code_year == "FY2026"
        assert len(pack.cases) >= 27, pid
    assert sum(len(p.cases) for p in packs.values()) >= 56


def test_each_pack_runs_from_first_week_to_exam_level(packs: dict[str, Pack]) -> None:
    for pid, pack in packs.items():
        levels = [c.difficulty for c in pack.cases]
        assert levels == sorted(levels), pid
        assert levels[0] <= 2 and levels[-1] >= 4, pid


def test_every_key_scores_100_against_itself(packs: dict[str, Pack], ref: Reference) -> None:
    catalog = load_catalog(include_user=False, reference=ref)
    for name, case in _cases(packs):
        result = grade_case(case, key_answer(case), reference=ref, catalog=catalog)
        assert result.score == 100, (name, [(i.field, i.verdict, i.kinds) for i in result.items])


def test_a_wrong_first_diagnosis_costs_points(packs: dict[str, Pack], ref: Reference) -> None:
    """The self-grade above can fail: a key's own first mistake never scores 100."""
    catalog = load_catalog(include_user=False, reference=ref)
    for name, case in _cases(packs):
        dx_mistakes = [m.code for m in case.mistakes if detect_system(m.code) is System.ICD10CM]
        if not dx_mistakes or not case.answer.diagnoses:
            continue
        given = key_answer(case)
        wrong = (dx_mistakes[0], *given.diagnoses[1:])
        result = grade_case(
            case,
            type(given)(diagnoses=wrong, lines=given.lines, query=given.query),
            reference=ref,
            catalog=catalog,
        )
        assert result.score < 100, name


def _answers_yaml(pack: Pack) -> str:
    out = ["answers:"]
    for case in pack.cases:
        out.append(f"  - case: {case.id}")
        out.append(f"    diagnoses: [{', '.join(d.code for d in case.answer.diagnoses)}]")
        out.append("    lines:")
        if not case.answer.lines:
            out[-1] = "    lines: []"
        for ln in case.answer.lines:
            mods = ", ".join(f'"{m}"' for m in ln.modifiers)
            ptrs = ", ".join(str(p) for p in ln.pointers)
            out.append(f'      - code: "{ln.code}"')
            out.append(f"        modifiers: [{mods}]")
            out.append(f'        units: "{ln.units}"')
            out.append(f"        pointers: [{ptrs}]")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("pid", PACK_IDS)
def test_grade_cli_gives_100_for_the_key(
    pid: str, packs: dict[str, Pack], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(_answers_yaml(packs[pid]), encoding="utf-8")
    code = main(["grade", str(PATHS[pid]), str(answers), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    assert data["pack"] == pid
    assert len(data["cases"]) == len(packs[pid].cases)
    assert {c["case"]: c["score"] for c in data["cases"]} == {c.id: 100.0 for c in packs[pid].cases}
    assert data["score"] == 100.0


def test_every_diagnosis_is_billable_fy2026(packs: dict[str, Pack], ref: Reference) -> None:
    for name, case in _cases(packs):
        for dx in case.answer.diagnoses:
            assert ref.is_billable(dx.code), (name, dx.code)
            for alt in dx.also_accept:
                assert ref.is_billable(alt), (name, alt)


def test_every_mistake_code_exists_and_is_not_the_answer(
    packs: dict[str, Pack], ref: Reference
) -> None:
    for name, case in _cases(packs):
        keyed = {d.code for d in case.answer.diagnoses} | {ln.code for ln in case.answer.lines}
        assert case.mistakes, f"{name} has no mistakes entry"
        for m in case.mistakes:
            assert m.code not in keyed, (name, m.code)
            if detect_system(m.code) is System.ICD10CM:
                assert m.code in ref, (name, m.code)


def test_every_code_has_why_and_evidence_from_the_note(packs: dict[str, Pack]) -> None:
    for name, case in _cases(packs):
        note = normalize_space(case.note).casefold()
        for dx in case.answer.diagnoses:
            assert dx.why.strip(), (name, dx.code)
            assert dx.evidence, (name, dx.code)
            for phrase in dx.evidence:
                assert normalize_space(phrase).casefold() in note, (name, dx.code, phrase)
        for ln in case.answer.lines:
            assert ln.why.strip(), (name, ln.code)
            assert ln.pointers, (name, ln.code)
            for phrase in ln.evidence:
                assert normalize_space(phrase).casefold() in note, (name, ln.code, phrase)
        assert 1 <= len(case.hints) <= 3, name


def test_notes_are_de_identified(packs: dict[str, Pack]) -> None:
    for name, case in _cases(packs):
        lowered = case.note.casefold()
        assert "dob" not in lowered.split(), name
        assert "date of birth" not in lowered, name


def test_claims_follow_the_setting(packs: dict[str, Pack]) -> None:
    for name, case in _cases(packs):
        if case.setting == "inpatient":
            assert case.claim in ("professional", "facility"), name
        if case.claim == "facility":
            # ICD-10-PCS is out of scope: a facility claim keys diagnoses only
            assert case.answer.lines == [], name


def test_coverage_of_settings_chapters_and_services(packs: dict[str, Pack], ref: Reference) -> None:
    cases = [c for _, c in _cases(packs)]
    settings = [c.setting for c in cases]
    for setting in ("outpatient", "emergency", "inpatient", "observation", "telehealth"):
        assert settings.count(setting) >= 3, setting
    assert sum(1 for c in cases if c.setting == "inpatient" and c.claim == "facility") >= 2
    assert sum(1 for c in cases if c.setting == "inpatient" and c.claim == "professional") >= 2
    telehealth = [c for c in cases if c.setting == "telehealth"]
    assert all(any("95" in ln.modifiers for ln in c.answer.lines) for c in telehealth)
    every_dx = {d.code for c in cases for d in c.answer.diagnoses}
    chapters = {a.code for code in every_dx for a in ref.ancestors(code) if a.kind == "chapter"}
    assert {str(n) for n in range(1, 22)} <= chapters, sorted(chapters, key=int)
    assert {"U07.1", "B20", "Z51.11"} <= every_dx
    assert any(code.startswith("Z3A.") for code in every_dx)
    assert any(code.startswith("Z38.") for code in every_dx)
    assert any(code.startswith("Z85.") for code in every_dx)
    assert any(code.startswith("L89.") for code in every_dx)
    assert any(code[:3] in ("I11", "I12", "I13") for code in every_dx)
    assert any(code[:3] in {f"T{n}" for n in range(20, 33)} for code in every_dx)
    for char in "156":  # poisoning (accidental), adverse effect, underdosing
        assert any(
            code[:1] == "T" and 36 <= int(code[1:3]) <= 50 and code[6] == char for code in every_dx
        ), char
    assert any(code[:3] in ("V18", "W54", "X12") for code in every_dx)
    assert any(d.optional for c in cases for d in c.answer.diagnoses)
    lines = {ln.code for c in cases for ln in c.answer.lines}
    for family in (
        ("99202", "99203", "99204", "99205"),
        ("99212", "99213", "99214", "99215"),
        ("99386", "99392", "99396"),
        ("99281", "99282", "99283", "99284", "99285"),
        ("99221", "99222", "99223", "99235", "99238"),
        ("99291",),
        ("99292",),
        ("99417",),
        ("G2211",),
    ):
        assert lines & set(family), family
