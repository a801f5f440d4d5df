"""docs/coverage.md is generated from the bundled packs and kept current; the counting rules."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from types import ModuleType

import pytest
from grading_fixtures import REPO, make_case

from codetrainer.core.curriculum.coverage import (
    ChapterLookup,
    compute_coverage,
    cpt_section,
    render_coverage,
)
from codetrainer.core.models import Pack, PackInfo
from codetrainer.core.reference import load_reference

TOOL = REPO / "tools" / "coverage.py"
CHAPTERS = ChapterLookup(load_reference())


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_coverage_is_current() -> None:
    """After adding packs, run `python tools/coverage.py` and commit docs/coverage.md."""
    committed = (REPO / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == tool().current_text(), "docs/coverage.md is stale: run tools/coverage.py"


def test_check_flag_passes_on_the_committed_file() -> None:
    proc = subprocess.run(
        [sys.executable, str(TOOL), "--check"], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("code", "section"),
    [
        ("99213", "Evaluation and management"),
        ("99291", "Evaluation and management"),
        ("00100", "Anesthesia"),
        ("01996", "Anesthesia"),
        ("99140", "Anesthesia (qualifying circumstances)"),
        ("11042", "Surgery: integumentary"),
        ("20610", "Surgery: musculoskeletal"),
        ("31500", "Surgery: respiratory"),
        ("36415", "Surgery: cardiovascular"),
        ("45378", "Surgery: digestive"),
        ("51702", "Surgery: urinary"),
        ("58571", "Surgery: female genital"),
        ("59400", "Surgery: maternity care and delivery"),
        ("64483", "Surgery: nervous system"),
        ("66984", "Surgery: eye and ocular adnexa"),
        ("69210", "Surgery: auditory"),
        ("73610", "Radiology"),
        ("80053", "Pathology and laboratory"),
        ("87880", "Pathology and laboratory"),
        ("90471", "Medicine"),
        ("96372", "Medicine"),
        ("99497", "Evaluation and management"),
        ("1164F", "Category II (performance measures)"),
        ("0074T", "Category III (emerging technology)"),
    ],
)
def test_cpt_sections(code: str, section: str) -> None:
    assert cpt_section(code) == section


def pack(*cases: object) -> Pack:
    info = PackInfo(id="cov", title="Coverage", version="1", code_year="FY2026")
    return Pack.model_construct(pack=info, cases=list(cases))


def test_each_case_counts_once_per_row() -> None:
    injuries = make_case(
        ["S52.521A", "S61.412A", "W19.XXXA", {"code": "Y92.009", "optional": "true"}],
        [
            {"code": "99283", "modifiers": ["25"]},
            {"code": "12002"},
            {"code": "12001", "modifiers": ["59"]},
            "A4253",
            "E0607",
        ],
        case_id="injuries",
    )
    office = make_case(["J02.9"], ["99213", "87880"], case_id="office")
    cov = compute_coverage([pack(injuries, office)], CHAPTERS)
    assert cov.cases == 2 and cov.packs == 1
    assert cov.chapters == {"19": 1, "20": 1, "10": 1}
    assert cov.sections["Surgery: integumentary"] == 1  # two repair lines, one case
    assert cov.sections["Evaluation and management"] == 2
    assert cov.sections["Pathology and laboratory"] == 1
    assert cov.hcpcs_cases == 1 and sum(cov.hcpcs.values()) == 2
    assert cov.modifiers == {"25": 1, "59": 1}
    assert cov.settings == {"outpatient": 2}
    assert cov.claims == {"professional (by setting)": 2}
    assert cov.optional == 1


def test_render_lists_missing_chapters_and_is_stable() -> None:
    office = make_case(["J02.9"], ["99213"], case_id="office")
    text = render_coverage([pack(office)], CHAPTERS)
    assert text == render_coverage([pack(office)], CHAPTERS)
    assert "| 10 | Diseases of the respiratory system (J00-J99) | 1 |" in text
    missing = [str(n) for n in range(1, 22) if n != 10]
    assert f"Chapters 1-21 without a case: {', '.join(missing)}." in text
    assert "| Evaluation and management | 1 |" in text
