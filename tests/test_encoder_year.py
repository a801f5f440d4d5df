"""Year-aware reference: a later CDC tabular list, and packs checked against their year."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codetrainer.core import reference as refmod
from codetrainer.core.refcheck import check_code_year
from codetrainer.core.reference import Reference, import_tabular
from codetrainer.core.yamlio import load_yaml_text

FIX = Path(__file__).resolve().parent / "fixtures"
TABULAR = FIX / "tabular-fy2027-mini.xml"
REPO = Path(__file__).resolve().parents[1]


def test_the_bundled_reference_knows_its_year(ref: Reference) -> None:
    assert ref.code_year == "FY2026"
    assert "FY2026" in ref.release


def test_import_tabular_compiles_a_later_release(tmp_path: Path) -> None:
    result = import_tabular(TABULAR, data_dir=tmp_path)
    assert result.code_year == "FY2027"
    assert result.path == refmod.imported_path(tmp_path) and result.path.is_file()
    later = refmod._load_imported(tmp_path)
    assert later is not None
    assert later.code_year == "FY2027" and "FY2027" in later.release
    assert later.is_billable("A00.9") and not later.is_billable("A00")
    # 7th characters generated from the sevenChrDef (no code list: all kept)
    assert later.is_billable("S93.401A") and later.is_billable("S93.402S")
    assert not later.is_billable("S93.401")
    assert "J02.9" not in later
    assert later.fingerprint.startswith("imported-FY2027-")


def test_a_code_list_confirms_the_generated_codes(tmp_path: Path) -> None:
    codes = tmp_path / "codes.txt"
    codes.write_text("A000    Cholera due to Vibrio\nS93401A Sprain, initial\n", encoding="utf-8")
    import_tabular(TABULAR, codes, data_dir=tmp_path)
    later = refmod._load_imported(tmp_path)
    assert later is not None
    assert later.is_billable("S93.401A") and "S93.401D" not in later


def test_not_a_tabular_list_is_a_located_error(tmp_path: Path) -> None:
    wrong = tmp_path / "index.xml"
    wrong.write_text("<ICD10CM.index><version>2027</version></ICD10CM.index>", encoding="utf-8")
    with pytest.raises(ValueError, match=r"index\.xml:1:1: error: .*not <ICD10CM\.tabular>"):
        import_tabular(wrong, data_dir=tmp_path)
    assert not refmod.imported_path(tmp_path).exists()


def _pack_doc(year: str) -> object:
    return load_yaml_text(
        f"pack:\n  id: p\n  title: P\n  version: '1'\n  code_year: {year}\ncases: []\n",
        path="p.yaml",
    )


@pytest.mark.parametrize(
    ("year", "said"),
    [("FY2026", None), ("FY2025", "which is newer"), ("FY2027", "which is older")],
)
def test_validate_says_when_the_reference_is_older_or_newer(
    ref: Reference, year: str, said: str | None
) -> None:
    found = check_code_year(_pack_doc(year), ref)  # type: ignore[arg-type]
    if said is None:
        assert found == []
    else:
        (d,) = found
        assert said in d.message and year in d.message and "FY2026" in d.message
        assert (d.line, d.col) == (5, 14) and d.severity == "warning"


def test_cli_import_then_validate_against_the_year_then_remove(tmp_path: Path) -> None:
    env = dict(os.environ, CODETRAINER_HOME=str(tmp_path / "home"))
    env["CODETRAINER_CACHE"] = str(tmp_path / "cache")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "codetrainer", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )

    done = run("codesets", "import-icd10cm", str(TABULAR))
    assert done.returncode == 0, done.stderr
    assert "Imported ICD-10-CM FY2027" in done.stdout
    pack = tmp_path / "p.yaml"
    pack.write_text(
        (REPO / "tests" / "tui" / "fixtures" / "mini-pack.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    checked = run("validate", str(pack))
    assert "the pack follows FY2026 but the ICD-10-CM in force is FY2027, which is newer" in (
        checked.stdout
    )
    listed = run("codesets", "list")
    assert "ICD-10-CM FY2027 (imported from tabular-fy2027-mini.xml)" in listed.stdout
    back = run("codesets", "import-icd10cm", "--remove")
    assert back.returncode == 0 and "back to the bundled" in back.stdout
    assert run("codesets", "import-icd10cm").returncode == 2
