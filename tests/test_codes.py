"""Code formats: normalising loose typing, refusing look-alikes, parsing structure."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codetrainer.core.codes import (
    CodeFormatError,
    System,
    detect_system,
    icd_parts,
    normalize,
    try_normalize,
)


@pytest.mark.parametrize(
    ("raw", "system", "code", "loose"),
    [
        ("J02.9", System.ICD10CM, "J02.9", False),
        ("j029", System.ICD10CM, "J02.9", True),
        ("E11.9 ", System.ICD10CM, "E11.9", True),
        ("e11.9", System.ICD10CM, "E11.9", True),
        ("ｅ１１．９", System.ICD10CM, "E11.9", True),  # full-width
        ("s52.521a", System.ICD10CM, "S52.521A", True),
        ("W6162XD", System.ICD10CM, "W61.62XD", True),
        ("I10", System.ICD10CM, "I10", False),
        ("U07.1", System.ICD10CM, "U07.1", False),
        ("qa00101", System.ICD10CM, "QA0.0101", True),  # April 2026 genetic disorders
        ("99213", System.CPT, "99213", False),
        ("00100", System.CPT, "00100", False),
        ("1164f", System.CPT, "1164F", True),
        ("0074T", System.CPT, "0074T", False),
        ("a4253", System.HCPCS, "A4253", True),
        ("J1100", System.HCPCS, "J1100", False),
    ],
)
def test_normalize_detects_and_canonicalises(
    raw: str, system: System, code: str, loose: bool
) -> None:
    n = normalize(raw)
    assert (n.system, n.code, n.loose) == (system, code, loose)
    assert normalize(raw, system).code == code


@pytest.mark.parametrize(
    ("raw", "code"), [("25", "25"), ("-25", "25"), ("lt", "LT"), ("–59", "59")]
)
def test_modifiers(raw: str, code: str) -> None:
    assert normalize(raw, System.MODIFIER).code == code


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("Е11.9", "Cyrillic"),  # Cyrillic capital IE
        ("J0２.9", None),  # full-width digit is fine (NFKC)
        ("E11\u200b.9", "invisible"),
        ("E\u200d11.9", "invisible"),
        ("Ј02.9", "Cyrillic"),  # Cyrillic JE
        ("Α4253", "Greek"),  # Greek Alpha
    ],
)
def test_lookalikes_are_refused_with_a_reason(raw: str, fragment: str | None) -> None:
    if fragment is None:
        assert normalize(raw).code == "J02.9"
        return
    with pytest.raises(CodeFormatError, match=fragment):
        normalize(raw)


@pytest.mark.parametrize(
    ("raw", "system"),
    [
        ("E1", System.ICD10CM),
        ("E1.19", System.ICD10CM),
        ("E11.12345", System.ICD10CM),
        ("1E1.9", System.ICD10CM),
        ("9921", System.CPT),
        ("992134", System.CPT),
        ("A425", System.HCPCS),
        ("AA253", System.HCPCS),
        ("250", System.MODIFIER),
        ("", System.MODIFIER),
    ],
)
def test_malformed_codes_are_refused(raw: str, system: System) -> None:
    with pytest.raises(CodeFormatError):
        normalize(raw, system)
    assert try_normalize(raw, system) is None


def test_detect_system_prefers_hcpcs_without_a_dot() -> None:
    assert detect_system("A4253") is System.HCPCS
    assert detect_system("A42.53") is System.ICD10CM
    assert detect_system("hello") is None
    assert detect_system("DM2") is None
    assert detect_system("HTN") is None


def test_icd_parts() -> None:
    p = icd_parts("s52521a")
    assert (p.code, p.category, p.seventh, p.without_seventh) == (
        "S52.521A",
        "S52",
        "A",
        "S52.521",
    )
    assert icd_parts("W61.62XD").has_placeholder
    assert not icd_parts("S52.521A").has_placeholder
    assert icd_parts("J02.9").seventh is None
    assert icd_parts("E11.621").prefix(4) == "E11.6"


def test_system_parse_accepts_usual_spellings() -> None:
    assert System.parse("icd10cm") is System.ICD10CM
    assert System.parse("ICD-10-CM") is System.ICD10CM
    assert System.parse("HCPCS") is System.HCPCS
    assert System.parse("modifier") is System.MODIFIER
    assert System.parse("nope") is None


ICD = st.from_regex(r"\A([A-Z][0-9]|QA)[0-9A-Z]([0-9A-Z]{1,4})?\Z")


@given(ICD)
def test_icd_normalisation_is_idempotent_and_case_blind(chars: str) -> None:
    once = normalize(chars, System.ICD10CM).code
    assert normalize(once, System.ICD10CM).code == once
    assert normalize(chars.lower(), System.ICD10CM).code == once
    assert once.replace(".", "") == chars


@given(st.text(max_size=12))
def test_normalize_raises_only_code_format_error(text: str) -> None:
    for system in (None, *System):
        with contextlib.suppress(CodeFormatError):
            normalize(text, system)
