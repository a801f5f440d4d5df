"""Catalog merging, the CMS HCPCS importer and the licensed CPT importer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from codetrainer.cli import main
from codetrainer.core import codesets as cs
from codetrainer.core.codes import System
from codetrainer.core.codesets import (
    Catalog,
    CodeSetImportError,
    import_cpt,
    import_hcpcs,
    load_catalog,
    parse_hcpcs,
)
from codetrainer.core.packs import load_codeset
from codetrainer.core.reference import Reference

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETS = FIXTURES / "codesets"
HCPCS_FILE = FIXTURES / "hcpcs" / "HCPC2026_JAN_ANWEB_sample.txt"


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    cs.clear_memo()
    yield
    cs.clear_memo()


def record(code: str, seq: str, rid: str, long: str, short: str = "", rest: str = "") -> str:
    """One 320-character record of the CMS HCPCS file layout."""
    line = f"{code:<5}{seq:>05}{rid}{long:<80}{short:<28}{rest:<201}"
    assert len(line) == 320
    return line


def catalog(ref: Reference | None, *, user: bool = True) -> Catalog:
    return load_catalog(
        bundled_dir=SETS / "bundled",
        user_dir=SETS / "user",
        include_user=user,
        reference=ref,
    )


# ---------------------------------------------------------------------------------------
# the catalog


def test_catalog_merges_sets(ref: Reference) -> None:
    cat = catalog(ref)
    assert cat.counts() == {
        System.CPT: 5,
        System.HCPCS: 3,
        System.MODIFIER: 5,
        System.ICD10CM: 3,
    }
    assert [s.origin for s in cat.sets].count("user") == 1
    assert cat.problems == []
    info = cat.get(System.HCPCS, "a4253")
    assert info is not None
    assert info.code == "A4253" and info.source == "hcpcs-fixture" and "strips" in info.description
    assert cat.get(System.CPT, " 87880 ") is not None
    assert cat.get(System.CPT, "12345") is None
    assert cat.get(System.MODIFIER, "-25") is not None


def test_user_set_overrides_bundled(ref: Reference) -> None:
    cat = catalog(ref)
    info = cat.get(System.CPT, "99213")
    assert info is not None
    assert info.description == "SCHOOL DESCRIPTOR FOR 99213" and info.source == "cpt-school"
    assert cat.overridden == 1
    without = catalog(ref, user=False)
    bundled = without.get(System.CPT, "99213")
    assert bundled is not None and bundled.source == "cpt-fixture"
    assert without.get(System.CPT, "99215") is None


def test_icd_descriptions_come_from_reference_lazily(ref: Reference) -> None:
    calls: list[int] = []

    def lazy() -> Reference:
        calls.append(1)
        return ref

    cat = load_catalog(bundled_dir=SETS / "bundled", user_dir=SETS / "user", reference=lazy)
    assert cat.get(System.CPT, "99214") is not None
    assert calls == []  # nothing asked for ICD-10-CM yet
    j029 = cat.get(System.ICD10CM, "j029")
    assert j029 is not None
    assert j029.description == "Acute pharyngitis, unspecified"
    assert j029.notes == "Pharyngitis with no organism named." and j029.source == "icd-fixture"
    assert calls == [1]
    own = cat.get(System.ICD10CM, "E11.9")
    assert own is not None and own.description.startswith("Our own wording")
    header = cat.get(System.ICD10CM, "M17.1")
    assert header is not None and header.billable is False  # the reference decides
    fallback = cat.get(System.ICD10CM, "I10")
    assert fallback is not None and fallback.source == "reference" and fallback.billable
    assert cat.get(System.ICD10CM, "J02.99") is None
    assert cat.get(System.ICD10CM, "A00-A09") is None  # a block is not a code
    assert calls == [1]


def test_catalog_without_reference() -> None:
    cat = catalog(None)
    j029 = cat.get(System.ICD10CM, "J02.9")
    assert j029 is not None and j029.description == ""
    assert cat.get(System.ICD10CM, "I10") is None


def test_lookup_detects_system(ref: Reference) -> None:
    cat = catalog(ref)
    for text, system, code in [
        ("A4253", System.HCPCS, "A4253"),
        ("99213", System.CPT, "99213"),
        ("25", System.MODIFIER, "25"),
        ("-25", System.MODIFIER, "25"),
        ("qw", System.MODIFIER, "QW"),
        ("j029", System.ICD10CM, "J02.9"),
        ("A42.0", System.ICD10CM, "A42.0"),
    ]:
        info = cat.lookup(text)
        assert info is not None, text
        assert (info.system, info.code) == (system, code)
    assert cat.lookup("nonsense") is None
    assert cat.lookup("") is None


def test_entries_sorted_and_filtered(ref: Reference) -> None:
    cat = catalog(ref)
    cpt = cat.entries(System.CPT)
    assert [e.code for e in cpt] == ["36415", "87880", "99213", "99214", "99215"]
    everything = cat.entries()
    assert len(everything) == 16
    icd = [e for e in everything if e.system is System.ICD10CM]
    assert all(e.description for e in icd)
    assert (System.CPT, "99213") in cat and (System.CPT, "1") not in cat


def test_broken_sets_are_reported_and_skipped(tmp_path: Path, ref: Reference) -> None:
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(SETS / "broken" / "bad-codes.yaml", user / "bad-codes.yaml")
    cat = load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref)
    assert cat.get(System.CPT, "99215") is None
    assert all(s.id != "broken-fixture" for s in cat.sets)
    messages = [d.format() for d in cat.problems]
    assert any("bad-codes.yaml:6:" in m and "9921" in m for m in messages), messages


def test_memo_notices_new_files(tmp_path: Path, ref: Reference) -> None:
    user = tmp_path / "user"
    user.mkdir()
    first = load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref)
    assert load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref) is first
    shutil.copy(SETS / "user" / "cpt-licensed.yaml", user / "cpt-licensed.yaml")
    second = load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref)
    assert second is not first
    assert second.get(System.CPT, "99215") is not None


def test_parsed_sets_are_cached(
    tmp_path: Path, ref: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(SETS / "user" / "cpt-licensed.yaml", user / "cpt-licensed.yaml")
    first = load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref)
    cs.clear_memo()

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(cs, "_read_sets", boom)
    again = load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref)
    assert again is not first
    assert again.counts() == first.counts() and again.sets == first.sets
    monkeypatch.undo()
    # an edited file is parsed again
    target = user / "cpt-licensed.yaml"
    target.write_text(target.read_text().replace("SCHOOL DESCRIPTOR FOR 99215", "EDITED"))
    cs.clear_memo()
    edited = load_catalog(bundled_dir=SETS / "bundled", user_dir=user, reference=ref)
    info = edited.get(System.CPT, "99215")
    assert info is not None and info.description == "EDITED"


def test_bundled_content_loads_cleanly(ref: Reference) -> None:
    cat = load_catalog(include_user=False, reference=ref)
    assert cat.problems == []
    counts = cat.counts()
    assert counts.get(System.CPT, 0) > 0 and counts.get(System.HCPCS, 0) > 0
    assert counts.get(System.MODIFIER, 0) > 0
    assert cat.get(System.HCPCS, "A4253") is not None


# ---------------------------------------------------------------------------------------
# CMS HCPCS importer


def test_import_hcpcs_fixture(tmp_path: Path) -> None:
    result = import_hcpcs(HCPCS_FILE, tmp_path)
    assert result.codes == 6 and result.modifiers == 4
    assert result.skipped == 2  # the CPT line (with its continuation) and modifier 25
    assert result.warnings == []
    names = sorted(p.name for p in result.written)
    assert names == ["hcpcs-cms-2026.yaml", "modifiers-cms-2026.yaml"]
    codes = load_codeset(tmp_path / "hcpcs-cms-2026.yaml")
    assert codes.ok, [d.format() for d in codes.diagnostics]
    assert codes.value is not None
    by_code = {e.code: e for e in codes.value.codes}
    assert sorted(by_code) == ["A4253", "A4259", "E0607", "G0008", "J1100", "L3908"]
    assert by_code["E0607"].description.endswith("the sugar level of a small drop of blood")
    assert by_code["L3908"].description.endswith("off the shelf, needs little or no fitting")
    assert by_code["A4253"].notes == "CMS short description: Glucose test strips, box 50"
    assert codes.value.codeset.year == "2026"
    mods = load_codeset(tmp_path / "modifiers-cms-2026.yaml")
    assert mods.ok and mods.value is not None
    assert [e.code for e in mods.value.codes] == ["LT", "RT", "QW", "GA"]
    qw = next(e for e in mods.value.codes if e.code == "QW")
    assert qw.description.endswith("without a higher-level certificate")
    text = (tmp_path / "hcpcs-cms-2026.yaml").read_text()
    assert "99213" not in text and "CPT" not in text.split("codes:")[1]


def test_imported_sets_join_the_catalog(tmp_path: Path, ref: Reference) -> None:
    import_hcpcs(HCPCS_FILE, tmp_path)
    cat = load_catalog(bundled_dir=SETS / "bundled", user_dir=tmp_path, reference=ref)
    g0008 = cat.get(System.HCPCS, "G0008")
    assert g0008 is not None and g0008.source == "hcpcs-cms-2026"
    a4253 = cat.get(System.HCPCS, "A4253")
    assert a4253 is not None and a4253.source == "hcpcs-cms-2026"  # user beats bundled
    ga = cat.get(System.MODIFIER, "GA")
    assert ga is not None and "waiver" in ga.description


def test_hcpcs_modifier_in_columns_one_to_five(tmp_path: Path) -> None:
    src = tmp_path / "HCPC2027_APR_ANWEB.txt"
    src.write_text(record("XS   ", "00100", "7", "Separate structure") + "\n")
    result = import_hcpcs(src, tmp_path / "out")
    assert result.modifiers == 1 and result.codes == 0
    assert [p.name for p in result.written] == ["modifiers-cms-2027.yaml"]


def test_hcpcs_problems_carry_line_numbers() -> None:
    text = "\n".join(
        [
            record("A4253", "00100", "3", "Strips"),
            record("A9999", "00200", "4", "orphan continuation"),
            record("A4259", "00100", "9", "unknown record id"),
            "",
            record("Q1", "00100", "3", "not a code"),
        ]
    )
    records, skipped, warnings, errors = parse_hcpcs(text)
    assert [r.code for r in records] == ["A4253"]
    assert errors == [] and skipped == 0
    assert warnings[0].startswith("line 2: continuation record for 'A9999'")
    assert warnings[1].startswith("line 3: record id '9'")
    assert warnings[2].startswith("line 5: 'Q1' is not a HCPCS Level II code")
    _, _, _, errors = parse_hcpcs("A4253 short\n")
    assert errors and errors[0].startswith("line 1: only 11 characters")


def _dated(term: str, action: str = " ") -> str:
    """Columns 120-320 with a termination date at 285-292 and the action code at 293."""
    rest = " " * 165 + f"{term:<8}" + action
    return rest


def test_hcpcs_termination_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "HCPC2026_APR_ANWEB.txt"
    src.write_text(
        "\n".join(
            [
                record("A4253", "00100", "3", "Strips"),
                record("A9270", "00100", "3", "Gone last year", rest=_dated("20251231", "D")),
                record("G0999", "00100", "3", "Ends in June", rest=_dated("20260630")),
                record("A4259", "00100", "3", "Lancets", rest=_dated("2026-13")),
                record("   XY", "00100", "7", "Old modifier", rest=_dated("20241231", "D")),
                record("   RT", "00100", "7", "Right side"),
            ]
        )
        + "\n"
    )
    result = import_hcpcs(src, tmp_path / "out")
    assert result.discontinued == ["A9270", "XY"]
    assert result.codes == 3 and result.modifiers == 1
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("line 4: termination date '2026-13'")
    codes = load_codeset(tmp_path / "out" / "hcpcs-cms-2026.yaml")
    assert codes.ok and codes.value is not None
    by_code = {e.code: e for e in codes.value.codes}
    assert sorted(by_code) == ["A4253", "A4259", "G0999"]
    assert "termination date 2026-06-30" in by_code["G0999"].notes
    assert by_code["A4253"].notes == "" and "termination" not in by_code["A4259"].notes
    # the CLI names what it left out
    code = main(["codesets", "import-hcpcs", str(src), "--dest", str(tmp_path / "cli")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Left out 2 discontinued code(s)" in out and "A9270, XY" in out


def test_hcpcs_short_line_fails_without_writing(tmp_path: Path) -> None:
    src = tmp_path / "HCPC2026_JAN_ANWEB.txt"
    src.write_text(record("A4253", "00100", "3", "Strips") + "\nA4259\n")
    with pytest.raises(CodeSetImportError) as info:
        import_hcpcs(src, tmp_path / "out")
    assert "line 2" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_hcpcs_not_the_cms_file(tmp_path: Path) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("just some words that are long enough to pass the length check\n")
    with pytest.raises(CodeSetImportError) as info:
        import_hcpcs(src, tmp_path / "out")
    assert "CMS fixed-width file" in str(info.value) or "line 1" in str(info.value)
    with pytest.raises(CodeSetImportError):
        import_hcpcs(tmp_path / "missing.txt", tmp_path / "out")


def test_hcpcs_windows_1252_and_year_option(tmp_path: Path) -> None:
    src = tmp_path / "hcpcs.txt"
    line = record("A4253", "00100", "3", "Strips \u2013 box of 50", "Strips")
    src.write_bytes(line.encode("cp1252") + b"\r\n")
    result = import_hcpcs(src, tmp_path / "out", year="2025")
    assert any("Windows-1252" in w for w in result.warnings)
    loaded = load_codeset(tmp_path / "out" / "hcpcs-cms-2025.yaml")
    assert loaded.value is not None
    assert loaded.value.codes[0].description == "Strips \u2013 box of 50"


def test_hcpcs_duplicate_code_keeps_first(tmp_path: Path) -> None:
    src = tmp_path / "HCPC2026.txt"
    src.write_text(
        record("A4253", "00100", "3", "First") + "\n" + record("A4253", "00100", "3", "Again")
    )
    result = import_hcpcs(src, tmp_path)
    assert result.codes == 1
    assert result.warnings == ["line 2: A4253 appears again (first on line 1); kept the first"]


# ---------------------------------------------------------------------------------------
# licensed CPT importer


def test_import_cpt_with_header(tmp_path: Path) -> None:
    src = tmp_path / "cpt.csv"
    src.write_text(
        '"Long Description","CPT Code"\n'
        '"Licensed text for 99213, with a comma",99213\n'
        "Licensed text for 0074T,0074t\n"
        "Licensed text for 1164F,1164F\n",
        encoding="utf-8-sig",
    )
    result = import_cpt(src, tmp_path / "out", year="2026")
    assert result.codes == 3 and result.warnings == []
    loaded = load_codeset(tmp_path / "out" / "cpt-licensed.yaml")
    assert loaded.ok and loaded.value is not None
    assert loaded.value.codeset.system == "CPT"
    by_code = {e.code: e.description for e in loaded.value.codes}
    assert by_code == {
        "99213": "Licensed text for 99213, with a comma",
        "0074T": "Licensed text for 0074T",
        "1164F": "Licensed text for 1164F",
    }
    assert "licensed file" in (tmp_path / "out" / "cpt-licensed.yaml").read_text()


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_import_cpt_without_header_any_separator(tmp_path: Path, sep: str) -> None:
    src = tmp_path / "cpt.csv"
    src.write_text(f"99213{sep}Visit text\n99214{sep}Longer visit text\n")
    result = import_cpt(src, tmp_path, set_id="cpt-school")
    assert result.codes == 2
    assert (tmp_path / "cpt-school.yaml").is_file()


def test_import_cpt_errors_name_lines_and_write_nothing(tmp_path: Path) -> None:
    src = tmp_path / "cpt.csv"
    src.write_text("code,description\n99213,Visit\n9921,Too short\n\n99214,\n99215\n")
    with pytest.raises(CodeSetImportError) as info:
        import_cpt(src, tmp_path / "out")
    problems = info.value.problems
    assert len(problems) == 3
    assert f"{src}:3:" in problems[0] and "9921" in problems[0]
    assert f"{src}:5:" in problems[1] and "99214 has no description" in problems[1]
    assert f"{src}:6:" in problems[2] and "found 1 column" in problems[2]
    assert not (tmp_path / "out").exists()


def test_import_cpt_warnings(tmp_path: Path) -> None:
    src = tmp_path / "cpt.csv"
    src.write_text("99213,Visit\n99213,Again\nA4253,A supply\n")
    result = import_cpt(src, tmp_path)
    assert result.codes == 1 and result.skipped == 1
    assert "appears again (first on line 1)" in result.warnings[0]
    assert "HCPCS Level II" in result.warnings[1]


def test_import_cpt_refuses_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("  \n")
    with pytest.raises(CodeSetImportError, match="empty"):
        import_cpt(empty, tmp_path)
    header_only = tmp_path / "h.csv"
    header_only.write_text("procedure,words\n99213,Visit\n")
    with pytest.raises(CodeSetImportError, match="header row"):
        import_cpt(header_only, tmp_path)
    good = tmp_path / "g.csv"
    good.write_text("99213,Visit\n")
    with pytest.raises(CodeSetImportError, match="not a valid set id"):
        import_cpt(good, tmp_path, set_id="Bad Id")
    with pytest.raises(CodeSetImportError, match="cannot read"):
        import_cpt(tmp_path / "missing.csv", tmp_path)
    nothing = tmp_path / "n.csv"
    nothing.write_text("code,description\n")
    with pytest.raises(CodeSetImportError, match="no CPT codes"):
        import_cpt(nothing, tmp_path)
