"""The billing core: bundled content, loading diagnostics, NPI, scrubber, key = 100."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from codetrainer.core.billing.grade import grade_exercise, key_answer
from codetrainer.core.billing.loading import load_billing_file, load_billing_pack
from codetrainer.core.billing.models import KINDS, PROBLEM_KINDS
from codetrainer.core.billing.npi import npi_check_digit, npi_problem, npi_valid
from codetrainer.core.billing.refdata import BillingReference
from codetrainer.core.billing.scrub import AUTO_KINDS, scrub_claim
from codetrainer.core.codesets import Catalog
from codetrainer.core.reference import Reference

BILLING = Path(__file__).resolve().parents[2] / "content" / "billing"


def test_bundled_content_counts(exercises: dict[str, Any]) -> None:
    kinds = Counter(ex.kind for ex in exercises.values())
    assert sum(kinds.values()) >= 40
    for kind in KINDS:
        assert kinds[kind] >= 8, kind
    levels = {ex.difficulty for ex in exercises.values()}
    assert {1, 5} <= levels  # first week to exam level


def test_bundled_files_validate_without_problems(
    ref: Reference, catalog: Catalog, bref: BillingReference
) -> None:
    files = sorted(BILLING.rglob("*.yaml"))
    assert len(files) >= 9
    for path in files:
        loaded = load_billing_file(path, reference=ref, catalog=catalog, ref=bref)
        assert loaded is not None, path
        assert loaded.diagnostics == [], [d.format() for d in loaded.diagnostics]
        assert loaded.value is not None


@pytest.mark.parametrize("kind", KINDS)
def test_every_key_scores_100(
    kind: str,
    exercises: dict[str, Any],
    ref: Reference,
    catalog: Catalog,
    bref: BillingReference,
) -> None:
    chosen = [ex for ex in exercises.values() if ex.kind == kind]
    assert chosen
    for ex in chosen:
        result = grade_exercise(ex, key_answer(ex), ref=bref, reference=ref, catalog=catalog)
        assert result.score == 100.0, (
            ex.id,
            [i.to_dict() for i in result.items if i.verdict != "correct"],
        )
        assert result.solved


def test_every_bundled_npi_passes_the_check_digit(exercises: dict[str, Any]) -> None:
    seen = 0
    for ex in exercises.values():
        claim = getattr(ex, "key", None) if ex.kind == "claim" else getattr(ex, "claim", None)
        if claim is None:
            continue
        for npi in (claim.billing.npi, claim.rendering_npi):
            assert npi_valid(npi), (ex.id, npi)
            seen += 1
    assert seen >= 36


def test_scrubber_agrees_with_every_scrub_key(
    exercises: dict[str, Any], ref: Reference, catalog: Catalog, bref: BillingReference
) -> None:
    planted: set[str] = set()
    for ex in exercises.values():
        if ex.kind != "scrub":
            continue
        found = {
            (f.kind, f.line)
            for f in scrub_claim(ex.claim, ex.facts, ref=bref, reference=ref, catalog=catalog)
        }
        keyed = {(p.kind, p.line) for p in ex.key}
        assert found == {k for k in keyed if k[0] in AUTO_KINDS}, ex.id
        planted |= {p.kind for p in ex.key}
    assert planted == set(PROBLEM_KINDS)  # the packs plant every problem kind


@pytest.mark.parametrize(
    ("npi", "ok"),
    [
        ("1234567893", True),  # CMS's published example
        ("1234567890", False),
        ("2123456784", True),
        ("123456789", False),
        ("3123456789", False),
        ("12345678AB", False),
    ],
)
def test_npi_luhn(npi: str, ok: bool) -> None:
    assert npi_valid(npi) is ok
    assert (npi_problem(npi) is None) is ok


def test_npi_check_digit_rejects_a_bad_stem() -> None:
    assert npi_check_digit("123456789") == "3"
    with pytest.raises(ValueError):
        npi_check_digit("12345")


BROKEN = """\
billing:
  id: Bad Id
  title: Broken
  version: "1"
  code_year: FY2026
exercises:
  - id: one
    kind: claim
    title: Bad claim
    encounter: x
    face_sheet: x
    insurance_card: x
    key:
      patient:
        last: A
        first: B
        birth_date: "1990-13-40"
        sex: F
        address: {street: 1 A St, city: X, state: Illinois, zip: "62999"}
        account: A1
      insured: {id: ZZ1, relationship: self}
      payer: {name: P, id: P1}
      billing:
        name: Practice
        npi: "1234567890"
        tax_id: "361234567"
        address: {street: 1 A St, city: X, state: IL, zip: "629991234"}
      pos: "11"
      diagnoses: [J02.9]
      lines:
        - {date: "2026-03-02", code: "99213", pointers: [C], charge: "10.001"}
  - id: two
    kind: refund
    title: Not a kind
  - id: three
    kind: posting
    title: Wrong sums
    story: x
    facts: {billed: "100.00", allowed: "80.00", copay: "10.00"}
    key: {payment: "80.00", adjustment: "20.00", patient: "10.00", why: x}
  - id: four
    kind: denial
    title: Appeal the unappealable
    context: x
    remittance:
      payer: P
      claim_number: C1
      patient: A, B
      paid_date: "2026-04-01"
      lines:
        - date: "2026-03-01"
          code: "93000"
          billed: "60.00"
          allowed: "20.00"
          paid: "20.00"
          adjustments: [{group: CO, reason: "45", amount: "40.00"}]
        - date: "2026-03-01"
          code: "93010"
          billed: "25.00"
          allowed: "0.00"
          paid: "0.00"
          adjustments: [{group: CO, reason: "236", amount: "20.00"}]
    key: {cause: bundled, action: appeal, why: x}
"""


def test_broken_billing_pack_reports_every_problem_with_a_location(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    loaded = load_billing_pack(path)
    assert loaded.value is None
    by_rule: dict[str, list[str]] = {}
    for d in loaded.diagnostics:
        assert d.line > 0 and d.col > 0
        assert d.format().startswith(f"{path}:{d.line}:{d.col}: ")
        by_rule.setdefault(d.rule, []).append(d.format())
    text = "\n".join(d.format() for d in loaded.diagnostics)
    assert f"{path}:2:7: error:" in text  # the bad id
    assert "birth_date" in text and "state" in text and "10.001" in text
    assert "billing-kind" in by_rule  # 'refund'
    assert "billing-posting-arithmetic" in by_rule  # payment works out to 70.00
    assert any("70.00" in m for m in by_rule["billing-posting-arithmetic"])
    assert "billing-appeal-mi0" in by_rule
    assert "billing-remit-balance" in by_rule  # 0 + 20 != 25
    lines = {d.line for d in loaded.diagnostics}
    assert len(lines) >= 6


def test_claim_key_cross_checks(tmp_path: Path, ref: Reference, catalog: Catalog) -> None:
    text = BROKEN.split("  - id: two")[0].replace("Bad Id", "ok-id")
    text = text.replace('"1990-13-40"', '"1990-01-04"').replace("Illinois", "IL")
    text = text.replace('"10.001"', '"10.00"').replace("[J02.9]", "[J02]")
    path = tmp_path / "claim.yaml"
    path.write_text(text)
    loaded = load_billing_pack(path, reference=ref, catalog=catalog)
    rules = {d.rule for d in loaded.diagnostics}
    assert {"billing-npi", "pointer-range", "icd-header"} <= rules
    npi = next(d for d in loaded.diagnostics if d.rule == "billing-npi")
    assert "should be 3" in npi.message
