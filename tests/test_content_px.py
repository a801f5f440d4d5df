"""The px-breadth packs (CPT sections and HCPCS Level II): every key is right by its own rules.

Loads content/packs/px-breadth-1.yaml and px-breadth-2.yaml and checks, case by case, that the
key scores 100 against itself, every ICD-10-CM code is billable in the FY2026 reference, every
evidence phrase occurs in the note, each case has a targeted mistakes entry that costs points,
and each pack runs from first-week to exam level.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from grading_fixtures import key_answer

from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.core.codes import System, detect_system
from codetrainer.core.codesets import load_catalog
from codetrainer.core.grading import grade_case
from codetrainer.core.models import Case, Pack
from codetrainer.core.packs import load_pack
from codetrainer.core.reference import Reference, load_reference
from codetrainer.paths import bundled_content_dir

PACK_IDS = ("px-breadth-1", "px-breadth-2")


def _load(pack_id: str) -> Pack:
    path = bundled_content_dir() / "packs" / f"{pack_id}.yaml"
    loaded = load_pack(path)
    assert loaded.ok, [d.format() for d in loaded.diagnostics]
    assert loaded.value is not None
    return loaded.value


PACKS = {pid: _load(pid) for pid in PACK_IDS}
CASES = [(f"{pid}/{case.id}", case) for pid, pack in PACKS.items() for case in pack.cases]
IDS = [name for name, _ in CASES]


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_packs_have_the_promised_size_and_year() -> None:
    for pid, pack in PACKS.items():
        assert pack.pack.id == pid
        assert pack.pack.code_year == "FY2026"
        assert len(pack.cases) >= 28, pid
    assert len(CASES) >= 56


def test_cases_run_from_first_week_to_exam_level() -> None:
    for pid, pack in PACKS.items():
        levels = [case.difficulty for case in pack.cases]
        assert levels == sorted(levels), pid
        assert levels[0] <= 2 and levels[-1] >= 4, pid


def test_settings_the_brief_asks_for() -> None:
    settings = [case.setting for _, case in CASES]
    assert settings.count("emergency") >= 3
    assert (
        settings.count("observation")
        + sum(1 for _, c in CASES if "outpatient hospital" in c.note.lower())
        >= 3
    )
    for _, case in CASES:
        if case.setting == "inpatient":
            assert case.claim is not None, case.id


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_key_scores_100_against_itself(name: str, case: Case, ref: Reference) -> None:
    catalog = load_catalog(reference=ref)
    result = grade_case(case, key_answer(case), reference=ref, catalog=catalog)
    assert result.score == 100, (name, [i for i in result.items if i.verdict != "correct"])


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_every_diagnosis_is_billable_in_fy2026(name: str, case: Case, ref: Reference) -> None:
    assert case.answer.diagnoses, name
    for dx in case.answer.diagnoses:
        assert ref.is_billable(dx.code), (name, dx.code)
        assert dx.why.strip(), (name, dx.code)


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_every_line_code_is_in_a_bundled_code_set(name: str, case: Case, ref: Reference) -> None:
    catalog = load_catalog(reference=ref)
    for line in case.answer.lines:
        system = detect_system(line.code)
        assert system in (System.CPT, System.HCPCS), (name, line.code)
        assert catalog.has(system, line.code), (name, line.code)
        for mod in line.modifiers:
            assert catalog.has(System.MODIFIER, mod), (name, line.code, mod)
        assert line.pointers, (name, line.code)
        assert line.why.strip(), (name, line.code)


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_every_evidence_phrase_occurs_in_the_note(name: str, case: Case) -> None:
    note = _squash(case.note)
    items = [*case.answer.diagnoses, *case.answer.lines]
    assert any(item.evidence for item in items), name
    for item in items:
        for phrase in item.evidence:
            assert _squash(phrase) in note, (name, item.code, phrase)


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_every_diagnosis_has_evidence(name: str, case: Case) -> None:
    for dx in case.answer.diagnoses:
        assert dx.evidence, (name, dx.code)


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_each_mistake_costs_points_and_is_explained(name: str, case: Case, ref: Reference) -> None:
    assert case.mistakes, name
    key = key_answer(case)
    for mistake in case.mistakes:
        if detect_system(mistake.code) is System.ICD10CM:
            ans = GivenAnswer((mistake.code, *key.diagnoses[1:]), key.lines, key.query)
        else:
            first = key.lines[0]
            swapped = GivenLine(mistake.code, first.modifiers, first.units, first.pointers)
            ans = GivenAnswer(key.diagnoses, (swapped, *key.lines[1:]), key.query)
        result = grade_case(case, ans, reference=ref)
        assert result.score < 100, (name, mistake.code)
        assert any(mistake.feedback in i.explanation for i in result.items), (name, mistake.code)


def test_notes_are_de_identified() -> None:
    for name, case in CASES:
        assert not re.search(r"\b(DOB|date of birth)\b", case.note, re.I), name
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", case.note), name


def test_packs_pass_strict_validation(tmp_path: Path) -> None:
    from codetrainer.cli import main

    paths = [str(bundled_content_dir() / "packs" / f"{pid}.yaml") for pid in PACK_IDS]
    assert main(["validate", "--strict", *paths]) == 0
