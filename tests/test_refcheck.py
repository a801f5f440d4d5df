"""Answer keys checked against the FY2026 reference and the loaded code sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from codetrainer.core.codesets import Catalog
from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.packs import PackCheck, find_yaml_files, load_pack
from codetrainer.core.refcheck import (
    check_pack_codes,
    icd_code_problem,
    make_check,
    reference_checks,
)
from codetrainer.core.reference import Reference

SETS = Path(__file__).resolve().parent / "fixtures" / "codesets"


@pytest.fixture(scope="module")
def catalog(fixture_catalog: Catalog) -> Catalog:
    return fixture_catalog


@pytest.fixture(scope="module")
def check(ref: Reference, catalog: Catalog) -> PackCheck:
    return make_check(ref, catalog)


HEAD = """\
pack:
  id: refcheck-test
  title: Reference checks
  version: "1.0"
  code_year: FY2026
cases:
"""


def case(diagnoses: str, *, lines: str = "", mistakes: str = "", cid: str = "one") -> str:
    text = f"""\
  - id: {cid}
    title: A case
    note: |
      Something happened to the patient.
    answer:
      diagnoses:
{diagnoses}"""
    if lines:
        text += f"      lines:\n{lines}"
    if mistakes:
        text += f"    mistakes:\n{mistakes}"
    return text


def dx(code: str, extra: str = "") -> str:
    return f"        - code: {code}\n          why: Because.\n{extra}"


def run(tmp_path: Path, check: PackCheck, body: str) -> list[Diagnostic]:
    path = tmp_path / "pack.yaml"
    path.write_text(HEAD + body)
    loaded = load_pack(path, checks=[check])
    assert loaded.document is not None, [d.format() for d in loaded.diagnostics]
    return [d for d in loaded.diagnostics if d.rule.startswith(("icd-", "code-not"))]


def test_clean_answer_has_no_findings(tmp_path: Path, check: PackCheck) -> None:
    found = run(
        tmp_path,
        check,
        case(dx("J02.9"), lines='        - code: "99213"\n          why: Visit.\n'),
    )
    assert found == []


@pytest.mark.parametrize(
    ("code", "fix"),
    [("M17.1", "report M17.10, M17.11 or M17.12"), ("N80.0", "report N80.00, N80.01")],
)
def test_headers_used_as_answers(tmp_path: Path, check: PackCheck, code: str, fix: str) -> None:
    found = run(tmp_path, check, case(dx(code)))
    assert len(found) == 1
    d = found[0]
    assert d.severity == "error" and d.rule == "icd-header"
    assert f"{code} is a subcategory" in d.message and fix in d.message
    assert (d.line, d.col) == (13, 17)  # the code value in the YAML


def test_cases_that_pass_the_schema_are_checked_when_another_fails(
    tmp_path: Path, check: PackCheck
) -> None:
    """An author sees the header code in case 2 in the same run as the broken case 1."""
    broken = case(dx("J02.9"), cid="broken").replace("    title: A case\n", "")
    path = tmp_path / "pack.yaml"
    path.write_text(HEAD + broken + case(dx("M17.1"), cid="two"))
    lines = path.read_text().splitlines()
    at = next(n for n, text in enumerate(lines, 1) if "M17.1" in text)
    loaded = load_pack(path, checks=[check])
    assert loaded.value is None
    found = [(d.rule, d.line, d.col) for d in loaded.diagnostics]
    assert found == [
        ("schema-missing", 7, 5),  # case 1 has no title
        ("icd-header", at, lines[at - 1].index("M17.1") + 1),  # case 2's code, its position
    ]


def test_category_header_lists_some_codes(tmp_path: Path, check: PackCheck) -> None:
    (d,) = run(tmp_path, check, case(dx("E11")))
    assert d.rule == "icd-header" and "87 billable codes" in d.message and "E11.00" in d.message


def test_unknown_code_with_did_you_mean(tmp_path: Path, check: PackCheck) -> None:
    (d,) = run(tmp_path, check, case(dx("J02.99")))
    assert d.rule == "icd-unknown" and d.severity == "error"
    assert "not an ICD-10-CM code in ICD-10-CM FY2026" in d.message
    assert "did you mean J02.9 (Acute pharyngitis, unspecified)" in d.message
    assert "V02.99" not in d.message  # the same category wins


def test_missing_placeholder_suggested(tmp_path: Path, check: PackCheck) -> None:
    (d,) = run(tmp_path, check, case(dx("W61.62D")))
    assert (
        d.rule == "icd-unknown" and "W61.62XD (Struck by duck, subsequent encounter)" in d.message
    )


def test_missing_seventh_character(tmp_path: Path, check: PackCheck) -> None:
    (d,) = run(tmp_path, check, case(dx("S52.521")))
    assert d.rule == "icd-seventh-character" and d.severity == "error"
    assert "report S52.521A, S52.521D" in d.message
    assert "A = initial encounter for closed fracture" in d.message
    assert "S = sequela" in d.message
    (deeper,) = run(tmp_path, check, case(dx("S52.52")))
    assert deeper.rule == "icd-seventh-character" and "for example S52.521A" in deeper.message


def test_excludes1_pair(tmp_path: Path, check: PackCheck) -> None:
    found = run(tmp_path, check, case(dx("E10.9") + dx("E11.9")))
    (d,) = [f for f in found if f.rule == "icd-excludes1"]
    assert d.severity == "error"
    assert "E11.9 and E10.9 (diagnosis 1) may not be reported together" in d.message
    assert "Excludes1 note at E1" in d.message and "diabetes mellitus" in d.message
    assert (d.line, d.col) == (15, 17)  # the second code


def test_excludes2_is_allowed(tmp_path: Path, check: PackCheck) -> None:
    # J02 has "Excludes2: chronic pharyngitis (J31.2)": both may be reported
    found = run(tmp_path, check, case(dx("J02.9") + dx("J31.2")))
    assert [f for f in found if f.rule == "icd-excludes1"] == []


def test_use_additional_code(tmp_path: Path, check: PackCheck) -> None:
    (d,) = run(tmp_path, check, case(dx("E11.621") + dx("Z79.84")))
    assert d.severity == "warning" and d.rule == "icd-use-additional"
    assert "L97.4-, L97.5-" in d.message
    assert run(tmp_path, check, case(dx("E11.621") + dx("L97.411") + dx("Z79.84"))) == []


@pytest.mark.parametrize("code", ["N39.0", "N30.00", "L57.0"])
def test_organism_and_external_cause_companions_are_not_demanded(
    tmp_path: Path, check: PackCheck, code: str
) -> None:
    # N39.0/N30 ask for B95-B97 (only when the organism is known), L57 for W89/W90
    # (external causes, reported when required): a key without them is not flagged.
    assert run(tmp_path, check, case(dx(code))) == []


@pytest.mark.parametrize("code", ["Z12.31", "Z12.11", "H65.33"])
def test_companions_asked_for_with_any_are_not_demanded(
    tmp_path: Path, check: PackCheck, code: str
) -> None:
    # Z12 says "code to identify any family history of malignant neoplasm (Z80.-)" and
    # H65 "code for any associated perforated tympanic membrane (H72.-)": only when present.
    assert run(tmp_path, check, case(dx(code))) == []


def test_use_additional_code_group_satisfied_by_any_member(
    tmp_path: Path, check: PackCheck
) -> None:
    found = run(tmp_path, check, case(dx("E11.9")))
    assert [f.rule for f in found] == ["icd-use-additional"]
    assert "insulin (Z79.4)" in found[0].message
    assert run(tmp_path, check, case(dx("E11.9") + dx("Z79.4"))) == []


def test_manifestation_first(tmp_path: Path, check: PackCheck) -> None:
    found = run(tmp_path, check, case(dx("G99.2") + dx("M47.12")))
    assert [f.rule for f in found if f.rule == "icd-manifestation-first"] == [
        "icd-manifestation-first"
    ]
    later = run(tmp_path, check, case(dx("M47.12") + dx("G99.2")))
    assert [f for f in later if f.rule == "icd-manifestation-first"] == []


def test_also_accept_checked(tmp_path: Path, check: PackCheck) -> None:
    body = case(dx("M17.11", "          also_accept: [M17.1, M17.12]\n"))
    (d,) = run(tmp_path, check, body)
    assert d.rule == "icd-header" and d.message.startswith("also_accept: M17.1 is")
    assert (d.line, d.col) == (15, 25)


def test_mistakes(tmp_path: Path, check: PackCheck) -> None:
    mistakes = (
        "      - code: J02.99\n        feedback: No such code.\n"
        "      - code: M17.1\n        feedback: A header.\n"
        '      - code: "99214"\n        feedback: Too high.\n'
    )
    found = run(tmp_path, check, case(dx("J02.9"), mistakes=mistakes))
    assert [(f.rule, f.severity) for f in found] == [("icd-mistake-unknown", "warning")]
    assert "J02.99" in found[0].message


def test_codes_missing_from_catalog(tmp_path: Path, check: PackCheck) -> None:
    lines = (
        '        - code: "99213"\n          modifiers: ["25", XS]\n          why: Visit.\n'
        '        - code: "99999"\n          why: Unknown.\n'
        "        - code: A4253\n          why: Strips.\n          also_accept: [A9999]\n"
    )
    found = run(tmp_path, check, case(dx("J02.9"), lines=lines))
    messages = sorted(f.message for f in found)
    assert all(f.severity == "warning" and f.rule == "code-not-in-catalog" for f in found)
    assert messages == [
        "CPT 99999 is not in the loaded code sets; add it to a code set so learners see a summary",
        "HCPCS A9999 is not in the loaded code sets; add it to a code set so learners see a "
        "summary",
        "modifier XS is not in the loaded code sets; add it to a code set so learners see a "
        "summary",
    ]


def test_make_check_without_reference_or_catalog(tmp_path: Path, catalog: Catalog) -> None:
    only_catalog = make_check(None, catalog)
    assert run(tmp_path, only_catalog, case(dx("M17.1"))) == []
    nothing = make_check(None, None)
    assert run(tmp_path, nothing, case(dx("M17.1"))) == []


def test_default_checks(tmp_path: Path) -> None:
    checks = reference_checks()
    assert len(checks) == 1
    found = run(tmp_path, checks[0], case(dx("M17.1")))
    assert [f.rule for f in found] == ["icd-header"]
    assert [f.rule for f in run(tmp_path, check_pack_codes, case(dx("N80.0")))] == ["icd-header"]


def test_icd_code_problem_is_none_for_billable(ref: Reference) -> None:
    for code in ("J02.9", "I10", "S52.521A", "W61.62XD", "B20"):
        assert icd_code_problem(ref, code) is None, code
    problem = icd_code_problem(ref, "A00-A09")
    assert problem is not None and problem[0] == "icd-header"


def test_bundled_packs_have_no_reference_errors(repo_root: Path) -> None:
    checks = reference_checks()
    errors = []
    for path in find_yaml_files([repo_root / "content" / "packs"]):
        loaded = load_pack(path, checks=checks)
        errors += [d.format() for d in loaded.diagnostics if d.is_error]
    assert errors == []
