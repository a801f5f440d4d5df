"""The CDC Alphabetic Index / Table of Drugs / Neoplasm Table importer and lookup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codetrainer.core.codes import System
from codetrainer.core.encoder.cdcindex import (
    IndexError_,
    import_index,
    load_index_lookup,
    parse_index_file,
)
from codetrainer.core.search import SearchIndex, load_search_index

FIX = Path(__file__).resolve().parent / "fixtures" / "cdcindex"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "icd10cm-index-fy2025"
FY2025 = SHARED / "fy2025-fallback"


# ---------------------------------------------------------------------------------------
# fixtures in the official schema


def test_parses_paths_codes_and_cross_references() -> None:
    kind, version, rows = parse_index_file(FIX / "icd10cm_index_mini.xml")
    assert (kind, version) == ("index", "2026")
    by_path = {r.path: r for r in rows}
    assert by_path[("Sprain", "ankle")].code == "S93.40-"
    assert by_path[("Sprain",)].nemod == "(joint) (ligament)"
    assert by_path[("Herpes, herpesvirus, herpetic",)].nemod == "(human)"
    assert by_path[("Shingles",)].see == "Herpes, zoster"
    assert by_path[("Herpes, herpesvirus, herpetic", "zoster")].see_also == "condition"
    assert by_path[("Sprain", "ankle", "deltoid ligament")].code == "S93.42-"


def test_tables_are_recognised_by_their_headings() -> None:
    kind, _v, rows = parse_index_file(FIX / "icd10cm_drug_mini.xml")
    assert kind == "drug"
    iodine = next(r for r in rows if r.path == ("Iodine",))
    assert iodine.cells == ("T49.0X1", "T49.0X2", "T49.0X3", "T49.0X4", "", "")
    kind, _v, rows = parse_index_file(FIX / "icd10cm_neoplasm_mini.xml")
    assert kind == "neoplasm"
    lung = next(r for r in rows if r.path == ("Neoplasm, neoplastic", "lung"))
    assert lung.cells[1] == "C78.0-" and len(lung.cells) == 6


def test_broken_file_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(IndexError_, match=r"broken\.xml:\d+:\d+: error: not well-formed XML"):
        parse_index_file(FIX / "broken.xml")
    other = tmp_path / "other.xml"
    other.write_text("<ClaML><Class/></ClaML>", encoding="utf-8")
    with pytest.raises(IndexError_, match=r"other\.xml:1:1: error: .*not <ICD10CM\.index>"):
        parse_index_file(other)


@pytest.fixture
def mini_index(tmp_path: Path) -> Path:
    import_index(sorted(FIX.glob("icd10cm_*_mini.xml")), dest=tmp_path / "idx")
    return tmp_path / "idx"


def test_lookup_follows_see_and_shows_paths(mini_index: Path) -> None:
    lookup = load_index_lookup(mini_index)
    assert lookup.kinds() == ["index", "drug", "neoplasm"]
    hit = lookup.search("shingles")[0]
    assert hit.code == "B02.9" and hit.via == "Herpes, zoster"
    assert hit.path_text() == "Shingles (see Herpes, zoster) -> B02.9"
    hit = lookup.search("sprain ankle")[0]
    assert hit.path_text() == "Sprain > ankle -> S93.40-"


def test_drug_words_choose_the_column(mini_index: Path) -> None:
    lookup = load_index_lookup(mini_index)
    assert lookup.search("ibuprofen overdose")[0].code == "T39.311"
    assert lookup.search("ibuprofen adverse effect")[0].code == "T39.315"
    assert lookup.search("ibuprofen underdosing")[0].code == "T39.316"
    assert lookup.search("ibuprofen suicide attempt")[0].code == "T39.312"
    # an empty column ("--") falls back to a column that has a code
    assert lookup.search("iodine adverse")[0].code == "T49.0X1"
    # every column of the row is offered, the chosen one first
    hits = lookup.search("ibuprofen overdose")
    assert [h.column for h in hits[:6]] == [
        "poisoning, accidental",
        "poisoning, intentional self-harm",
        "poisoning, assault",
        "poisoning, undetermined",
        "adverse effect",
        "underdosing",
    ]
    assert hits[5].path_text() == "Ibuprofen [underdosing] -> T39.316"


def test_neoplasm_words_choose_the_column(mini_index: Path) -> None:
    lookup = load_index_lookup(mini_index)
    assert lookup.search("lung cancer")[0].code == "C34.9-"
    assert lookup.search("metastatic lung")[0].code == "C78.0-"
    assert lookup.search("benign lung neoplasm")[0].code == "D14.3-"
    rows = lookup.table_rows("lung", "neoplasm")
    assert rows[0].row.cells == ("C34.9-", "C78.0-", "D02.2-", "D14.3-", "D38.1", "D49.1")


def test_dash_codes_are_completed_in_the_tabular_list(mini_index: Path) -> None:
    base = load_search_index()
    index = SearchIndex(
        base.reference,
        base._icd,
        base.catalog,
        use_lay_terms=False,
        cdc_index=load_index_lookup(mini_index),
    )
    hit = index.search("sprain ankle right", systems={System.ICD10CM}, limit=1)[0]
    assert hit.code == "S93.401" and hit.matched == "Sprain > ankle -> S93.40-"
    hit = index.search("sprain left ankle subsequent", systems={System.ICD10CM}, limit=1)[0]
    assert hit.code == "S93.402D"


def test_cli_import_index_writes_the_cache(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["CODETRAINER_CACHE"] = str(tmp_path / "cache")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "codetrainer",
            "codesets",
            "import-index",
            *map(str, sorted(FIX.glob("icd10cm_*_mini.xml"))),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Imported the Table of Drugs and Chemicals (FY2026): 2 terms." in proc.stdout
    assert (tmp_path / "cache" / "icd10cm-index" / "drug.bin").is_file()
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "lookup", "ibuprofen", "overdose"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "T39.311" in proc.stdout
    assert "Table of Drugs and Chemicals:" in proc.stdout and "underdosing" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "codetrainer", "codesets", "import-index", str(FIX / "broken.xml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 1
    assert "broken.xml:" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "codetrainer", "codesets", "import-index", str(tmp_path / "no.xml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert missing.returncode == 2


# ---------------------------------------------------------------------------------------
# the shared FY2025 release files (read in place, never copied into the repository)


@pytest.fixture(scope="module")
def fy2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("fy2025")
    results = import_index(sorted(FY2025.glob("*.xz")), dest=dest)
    assert sorted(r.kind for r in results) == ["drug", "eindex", "index", "neoplasm"]
    assert all(r.version == "2025" for r in results)
    return dest


def test_fy2025_files_import_with_the_documented_counts(fy2025: Path) -> None:
    lookup = load_index_lookup(fy2025)
    # PROVENANCE.md: 81,024 index rows; the drug table has 5,177 main terms + 2,251 terms
    assert len(lookup.tables["index"].rows) == 81024
    assert len(lookup.tables["drug"].rows) == 5177 + 2251
    assert len(lookup.tables["neoplasm"].rows) == 1 + 1938
    assert len(lookup.tables["eindex"].rows) == 314 + 7750


def test_fy2025_spot_checks_from_provenance(fy2025: Path) -> None:
    lookup = load_index_lookup(fy2025)
    acet = lookup.table_rows("acetaminophen", "drug")[0]
    assert acet.row.cells == ("T39.1X1", "T39.1X2", "T39.1X3", "T39.1X4", "T39.1X5", "T39.1X6")
    breast = lookup.table_rows("breast", "neoplasm")[0]
    assert breast.row.cells[:2] == ("C50.9-", "C79.81")
    assert lookup.search("pediculosis capitis")[0].code == "B85.0"
    assert lookup.search("sprain ankle")[0].path_text() == "Sprain > ankle -> S93.40-"
    zoster = next(h for h in lookup.search("zoster", limit=30) if h.row.path == ("Zoster",))
    assert zoster.row.see == "Herpes, zoster"
    assert lookup.search("dog bite")[0].kind == "eindex"


def test_fy2025_index_drives_the_lookup(fy2025: Path) -> None:
    base = load_search_index()
    index = SearchIndex(
        base.reference,
        base._icd,
        base.catalog,
        use_lay_terms=False,
        cdc_index=load_index_lookup(fy2025),
    )
    hit = index.search("acetaminophen overdose", systems={System.ICD10CM}, limit=1)[0]
    assert hit.code == "T39.1X1" and "Acetaminophen" in hit.matched
    hit = index.search("sprained right ankle", systems={System.ICD10CM}, limit=1)[0]
    assert hit.code == "S93.401"
    assert index.search("pediculosis capitis", systems={System.ICD10CM}, limit=1)[0].code == "B85.0"
