"""Whose claim: inpatient cases declare it, IV.H uncertain diagnoses, optional-item rules."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grading_fixtures import PACKS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from codetrainer.core.curriculum.claims import (
    UNCERTAIN_TERMS,
    claim_label,
    effective_claim,
    uncertain_assessment_check,
    uncertain_assessment_phrases,
    uncertain_evidence,
)
from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.models import Case
from codetrainer.core.packs import load_pack
from codetrainer.core.reference import load_reference

HEADER = """\
pack:
  id: claims-demo
  title: Claims
  version: "1.0"
  code_year: FY2026
cases:
"""


def check(tmp_path: Path, case_yaml: str) -> list[Diagnostic]:
    path = tmp_path / "pack.yaml"
    path.write_text(HEADER + textwrap.indent(textwrap.dedent(case_yaml), "  "), encoding="utf-8")
    return load_pack(path).diagnostics


def rules(found: list[Diagnostic]) -> list[str]:
    return [d.rule for d in found]


PNEUMONIA = """\
- id: pneumonia
  title: Pneumonia
  setting: {setting}
{claim}  note: |
    DISCHARGE DIAGNOSES:
    1. Probable community-acquired pneumonia, organism not identified
  answer:
    diagnoses:
      - code: J18.9
        why: Pneumonia.
        evidence: [Probable community-acquired pneumonia]
"""


def pneumonia(setting: str, claim: str | None) -> str:
    return PNEUMONIA.format(setting=setting, claim=f"  claim: {claim}\n" if claim else "")


def test_inpatient_case_without_claim_is_warned_at_its_setting(tmp_path: Path) -> None:
    found = check(tmp_path, pneumonia("inpatient", None))
    missing = [d for d in found if d.rule == "claim-missing"]
    assert len(missing) == 1
    assert missing[0].severity == "warning"
    lines = (tmp_path / "pack.yaml").read_text(encoding="utf-8").splitlines()
    assert missing[0].line == 9
    assert lines[8][missing[0].col - 1 :] == "inpatient"  # points at the setting's value
    assert "claim: professional" in missing[0].message and "II.H" in missing[0].message


def test_facility_claim_codes_probable_as_confirmed(tmp_path: Path) -> None:
    assert rules(check(tmp_path, pneumonia("inpatient", "facility"))) == []


@pytest.mark.parametrize(
    ("setting", "claim"),
    [("inpatient", "professional"), ("outpatient", None), ("observation", "professional")],
)
def test_professional_claim_with_probable_diagnosis_is_warned(
    tmp_path: Path, setting: str, claim: str | None
) -> None:
    found = check(tmp_path, pneumonia(setting, claim))
    hits = [d for d in found if d.rule == "uncertain-diagnosis"]
    assert len(hits) == 1, found
    warning = hits[0]
    assert warning.severity == "warning"
    assert "J18.9" in warning.message and "IV.H" in warning.message
    assert "'probable'" in warning.message
    lines = (tmp_path / "pack.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[warning.line - 1][warning.col - 1 :].startswith("J18.9")


def test_facility_claim_outside_a_stay_or_with_lines_is_warned(tmp_path: Path) -> None:
    case = """\
    - id: office
      title: Office
      setting: outpatient
      claim: facility
      note: Sore throat. ASSESSMENT Acute pharyngitis.
      answer:
        diagnoses:
          - code: J02.9
            why: Pharyngitis.
        lines:
          - code: "99213"
            why: Visit.
    """
    assert set(rules(check(tmp_path, case))) == {"claim-facility-setting", "claim-facility-lines"}


@pytest.mark.parametrize(
    ("note", "phrase", "term"),
    [
        (
            "ASSESSMENT: Probable community-acquired pneumonia.",
            "community-acquired pneumonia",
            "probable",
        ),
        ("Impression: r/o appendicitis; surgery consulted.", "appendicitis", "r/o"),
        ("A/P: Suspected\nacute cholecystitis.", "acute cholecystitis", "suspected"),
        ("1. Pneumonia, probable\n2. HTN", "Pneumonia", "probable"),
        ("Dx: UTI likely.", "UTI", "likely"),
        ("CXR: atelectasis vs early infiltrate.", "early infiltrate", "vs"),
        ("Findings consistent with gout of the right great toe.", "gout", "consistent with"),
        ("Rule out DVT left calf.", "DVT", "rule out"),
    ],
)
def test_uncertain_terms_are_found(note: str, phrase: str, term: str) -> None:
    hit = uncertain_evidence(note, [phrase])
    assert hit is not None and hit.term == term and hit.phrase == phrase


@pytest.mark.parametrize(
    ("note", "phrase"),
    [
        # the cause is uncertain, not the near-syncope
        ("2. Near-syncope, likely vasovagal, resolved.", "Near-syncope"),
        # the sepsis is certain; only its source is probable
        (
            "1. Sepsis with septic shock due to probable aspiration pneumonia",
            "Sepsis with septic shock",
        ),
        ("Probable pneumonia, organism not identified", "organism not identified"),
        # a new line starting in upper case is a new clause
        ("Possible GERD\nEssential hypertension", "Essential hypertension"),
        ("Pulmonary embolism ruled out by CT. Chest wall strain.", "Chest wall strain"),
        ("Acute pharyngitis. Rapid strep negative.", "Acute pharyngitis"),
        ("Impossible to say more. Acute otitis media.", "Acute otitis media"),
        # a term in a parenthesis qualifies only the parenthesis
        (
            "ASSESSMENT: Melena (upper GI source suspected) due to warfarin-associated "
            "coagulopathy.",
            "warfarin-associated coagulopathy",
        ),
    ],
)
def test_certain_diagnoses_are_left_alone(note: str, phrase: str) -> None:
    assert uncertain_evidence(note, [phrase]) is None


def bundled(pack_id: str, case_id: str) -> Case:
    loaded = load_pack(PACKS_DIR / f"{pack_id}.yaml")
    assert loaded.value is not None, loaded.diagnostics
    case = loaded.value.case(case_id)
    assert case is not None
    return case


def test_the_audited_probable_pneumonia_is_the_hospital_claim(tmp_path: Path) -> None:
    """Audit: the pneumonia discharge keyed II.H on a physician's claim. It is now the facility
    claim (no CPT lines), and the check catches it if it is turned back into a professional one."""
    case = bundled("inpatient-and-exam", "probable-pneumonia-discharge")
    assert case.claim == "facility" and not case.answer.lines
    assert case.answer.diagnoses[0].code == "J18.9"
    text = (PACKS_DIR / "inpatient-and-exam.yaml").read_text(encoding="utf-8")
    assert text.count("    claim: facility\n") == 1
    flipped = tmp_path / "flipped.yaml"
    flipped.write_text(text.replace("    claim: facility\n", "    claim: professional\n"), "utf-8")
    warned = [d for d in load_pack(flipped).diagnostics if d.rule == "uncertain-diagnosis"]
    assert [d.message.split()[0] for d in warned] == ["J18.9"]


def test_the_audited_septic_shock_case_is_keyed_per_iv_h() -> None:
    """Audit: the hospitalist's claim keyed the probable aspiration pneumonia. Now it codes
    the lung finding, and the old key's evidence is what the check calls uncertain."""
    case = bundled("inpatient-and-exam", "septic-shock-aspiration-exam")
    assert case.claim == "professional" and effective_claim(case) == "professional"
    codes = [d.code for d in case.answer.diagnoses]
    assert "J69.0" not in codes and "R91.8" in codes
    assert codes[:3] == ["A41.9", "R65.21", "J96.01"]
    assert "J69.0" in {m.code for m in case.mistakes}
    hit = uncertain_evidence(case.note, ["probable aspiration pneumonia"])
    assert hit is not None and hit.term == "probable"
    for dx in case.answer.diagnoses:
        assert uncertain_evidence(case.note, list(dx.evidence)) is None, dx.code


def test_every_bundled_inpatient_case_declares_its_claim() -> None:
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        loaded = load_pack(path)
        assert loaded.value is not None
        for case in loaded.value.cases:
            if case.setting == "inpatient":
                assert case.claim in ("professional", "facility"), case.id
                assert claim_label(case) is not None


def test_claim_labels_speak_plainly() -> None:
    case = bundled("inpatient-and-exam", "probable-pneumonia-discharge")
    assert claim_label(case) == "Hospital claim (facility, inpatient)"
    other = bundled("inpatient-and-exam", "septic-shock-aspiration-exam")
    assert claim_label(other) == "Professional claim (CMS-1500)"


OPTIONAL_BASE = """\
- id: opt
  title: Optional
  note: Fell at home.
  answer:
    diagnoses:
      - code: {first}
        why: First.
        optional: {first_optional}
      - code: Y92.009
        why: Place.
        optional: true
    lines:
      - code: "99213"
        why: Visit.
        pointers: [{pointer}]
"""


@pytest.mark.parametrize(
    ("first_optional", "pointer", "expected"),
    [
        ("false", "1", set()),
        ("true", "1", {"optional-first", "optional-pointer"}),
        ("false", "2", {"optional-pointer"}),
    ],
)
def test_optional_item_rules(
    tmp_path: Path, first_optional: str, pointer: str, expected: set[str]
) -> None:
    case = OPTIONAL_BASE.format(first="S52.521A", first_optional=first_optional, pointer=pointer)
    found = check(tmp_path, case)
    assert set(rules(found)) == expected
    assert all(d.severity == "error" for d in found)


def test_an_all_optional_key_is_an_error(tmp_path: Path) -> None:
    case = """\
    - id: opt
      title: Optional
      note: Fell at home.
      answer:
        lines:
          - code: A4253
            why: Strips.
            optional: true
    """
    found = check(tmp_path, case)
    assert rules(found) == ["optional-only"]
    assert found[0].line == 10  # the 'answer:' key


def test_validate_strict_passes_on_the_bundled_content() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "validate", "--strict"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors, 0 warnings" in proc.stderr


# -- assessment lines, for diagnoses keyed without evidence (needs the reference) --------


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("ASSESSMENT: Probable pneumonia, RLL.", [("probable", "pneumonia")]),
        (
            "ASSESSMENT:\n1. COPD with acute exacerbation.\n2. Possible early pneumonia - not "
            "supported by CXR.",
            [("possible", "early pneumonia")],
        ),
        ("IMPRESSION: r/o appendicitis; surgery to see.", [("r/o", "appendicitis")]),
        ("HPI: probable viral illness per mom.\nASSESSMENT: Acute otitis media.", []),
        (
            "DISCHARGE DIAGNOSES:\n1. Sepsis due to probable aspiration pneumonia, organism "
            "not identified",
            [("probable", "aspiration pneumonia")],
        ),
    ],
)
def test_uncertain_assessment_phrases(note: str, expected: list[tuple[str, str]]) -> None:
    assert uncertain_assessment_phrases(note) == expected


NO_EVIDENCE = """\
- id: office-pneumonia
  title: Office pneumonia
  setting: {setting}
{claim}  note: |
    CC: cough and fever.
    ASSESSMENT: Probable community-acquired pneumonia. Fever.
  answer:
    diagnoses:
      - code: {code}
        why: Keyed without evidence.
"""


@pytest.mark.parametrize(
    ("setting", "claim", "code", "warned"),
    [
        ("outpatient", "", "J18.9", True),  # "Pneumonia, unspecified organism"
        ("inpatient", "  claim: professional\n", "J18.9", True),
        ("inpatient", "  claim: facility\n", "J18.9", False),  # II.H: coded as confirmed
        ("outpatient", "", "R50.9", False),  # the fever is the right code
    ],
)
def test_assessment_check_for_diagnoses_without_evidence(
    tmp_path: Path, setting: str, claim: str, code: str, warned: bool
) -> None:
    path = tmp_path / "pack.yaml"
    text = HEADER + textwrap.indent(
        NO_EVIDENCE.format(setting=setting, claim=claim, code=code), "  "
    )
    path.write_text(text, encoding="utf-8")
    check = uncertain_assessment_check(load_reference())
    found = load_pack(path, checks=[check]).diagnostics
    hits = [d for d in found if d.rule == "uncertain-assessment"]
    assert bool(hits) is warned, found
    if warned:
        assert "'probable community-acquired pneumonia'" in hits[0].message
        assert "IV.H" in hits[0].message


def test_validate_runs_the_assessment_check(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    text = HEADER + textwrap.indent(
        NO_EVIDENCE.format(setting="outpatient", claim="", code="J18.9"), "  "
    )
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0  # a warning
    assert ": warning: J18.9 ('Pneumonia, unspecified organism') looks like" in proc.stdout


@settings(max_examples=200, deadline=None)
@given(note=st.text(max_size=300), phrases=st.lists(st.text(max_size=30), max_size=4))
def test_uncertain_checks_never_raise(note: str, phrases: list[str]) -> None:
    uncertain_evidence(note, phrases)
    uncertain_assessment_phrases(note)


@settings(max_examples=200, deadline=None)
@given(
    term=st.sampled_from(UNCERTAIN_TERMS),
    before=st.sampled_from(["", "ASSESSMENT: ", "1. ", "Impression: acute "]),
    dx=st.sampled_from(["pneumonia", "appendicitis", "urinary tract infection", "gout"]),
)
def test_a_term_right_before_the_phrase_is_always_found(term: str, before: str, dx: str) -> None:
    hit = uncertain_evidence(f"{before}{term} {dx}.", [dx])
    assert hit is not None and hit.term == term.lower()
    assert uncertain_evidence(f"{before}{dx}. Plan: follow up.", [dx]) is None
