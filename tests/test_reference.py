"""The compiled FY2026 reference agrees with simple-icd-10-cm 1.5.0 and caches safely."""

from __future__ import annotations

import os
import random
import warnings
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codetrainer.core import reference as refmod
from codetrainer.core.reference import (
    IcdEntry,
    Reference,
    cache_path,
    code_refs,
    load_reference,
    ref_matches,
)

# ---------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def pkg() -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm.simple_icd_10_cm as package
    module: ModuleType = package
    return module


@pytest.fixture(scope="module")
def pkg_codes(pkg: ModuleType) -> list[str]:
    codes: list[str] = pkg.get_all_codes()
    return codes


# ---------------------------------------------------------------------------------------
# counts and the package's own answers


def test_item_and_billable_counts(ref: Reference, pkg: ModuleType, pkg_codes: list[str]) -> None:
    assert len(pkg_codes) == 98_505
    assert len(ref) == 98_505
    billable = sum(1 for i in range(len(ref)) if ref.is_billable_at(i))
    assert billable == 74_719
    # The package's leaves over its list number 74,736: the 74,719 codes, 12 empty
    # "super-block" sections (W00-X58 ...) and 5 single-category blocks listed twice
    # under the same name as their category (B20, F99, P84, R99, Z66).
    leaves = [c for c in pkg_codes if pkg.is_leaf(c)]
    assert len(leaves) == 74_736
    empty_sections = sorted({c for c in leaves if "-" in c})
    assert len(empty_sections) == 12
    assert all(not ref.is_billable(c) and ref.get(c) is not None for c in empty_sections)
    twice = sorted(c for c, n in Counter(leaves).items() if n == 2)
    assert twice == ["B20", "F99", "P84", "R99", "Z66"]
    assert all(ref.is_billable(c) for c in twice)


def test_every_item_billable_exactly_when_package_says_leaf_code(
    ref: Reference, pkg: ModuleType, pkg_codes: list[str]
) -> None:
    """Exhaustive: all 98,505 items, every billable code billable, every header not."""
    wrong: list[str] = []
    for code in pkg_codes:
        is_code = pkg.is_category(code) or pkg.is_subcategory(code)
        expected = pkg.is_leaf(code) and is_code
        if ref.is_billable(code) != expected:
            wrong.append(code)
        if "." in code and ref.is_billable(code.replace(".", "")) != expected:
            wrong.append(code + " (undotted)")
    assert wrong == []


def test_same_items_descriptions_and_tree(
    ref: Reference, pkg: ModuleType, pkg_codes: list[str]
) -> None:
    ours = [ref.code_at(i) for i in range(len(ref))]
    renamed = {c for c in ours if "-" in c and c.split("-")[0] == c.split("-")[1]}
    assert len(renamed) == 39
    # same items in the same (tabular) order, up to the one-category block names
    assert [c.split("-")[0] if c in renamed else c for c in ours] == pkg_codes
    problems: list[str] = []
    for code in set(pkg_codes):
        entry = ref.get(code)
        assert entry is not None, code
        if entry.description != pkg.get_description(code):
            problems.append(f"{code}: description")
        parent = pkg.get_parent(code) or None
        if parent == code:  # a category under its same-named block
            parent = f"{code}-{code}"
        if entry.parent != parent:
            problems.append(f"{code}: parent {entry.parent} != {parent}")
        kids = [c.split("-")[0] if c in renamed else c for c in entry.children]
        if kids != pkg.get_children(code):
            problems.append(f"{code}: children")
    for block in renamed:
        entry = ref.get(block)
        assert entry is not None and entry.kind == "block"
        assert entry.children == (block.split("-")[0],)
    assert problems == []


def test_generated_seventh_character_codes_exist(
    ref: Reference, pkg: ModuleType, pkg_codes: list[str]
) -> None:
    generated = [c for c in pkg_codes if pkg.is_extended_subcategory(c)]
    assert len(generated) == 51_305
    for code in generated:
        entry = ref.get(code)
        assert entry is not None and entry.billable and entry.kind == "code", code
    assert ref.get("W61.62XD") is not None
    assert ref.get("W61.62XD").description == "Struck by duck, subsequent encounter"  # type: ignore[union-attr]
    assert "T07.XXXA" in ref
    # codes the official list leaves out are not generated (38 partial sets)
    partial = 0
    for code in set(pkg_codes):
        kids = pkg.get_children(code)
        if kids and all(pkg.is_extended_subcategory(k) for k in kids):
            entry = ref.get(code)
            assert entry is not None
            assert [ch for ch, _ in entry.seventh_characters] == [k[-1] for k in kids]
            defs = pkg.get_seven_chr_def(code, search_in_ancestors=True)
            partial += len(kids) != len(defs)
    assert partial == 38


_NOTE_FIELDS = [
    ("inclusion_terms", "get_inclusion_term"),
    ("includes", "get_includes"),
    ("excludes1", "get_excludes1"),
    ("excludes2", "get_excludes2"),
]
_JOINED_FIELDS = [
    ("code_first", "get_code_first"),
    ("use_additional", "get_use_additional_code"),
    ("code_also", "get_code_also"),
    ("notes", "get_notes"),
]


def test_notes_match_package_for_every_non_generated_item(
    ref: Reference, pkg: ModuleType, pkg_codes: list[str]
) -> None:
    problems: list[str] = []
    for code in set(pkg_codes):
        if pkg.is_extended_subcategory(code):
            continue
        entry = ref.get(code)
        assert entry is not None
        for ours, theirs in _NOTE_FIELDS:
            if list(getattr(entry, ours)) != getattr(pkg, theirs)(code):
                problems.append(f"{code}.{ours}")
        for ours, theirs in _JOINED_FIELDS:
            if "\n".join(getattr(entry, ours)) != getattr(pkg, theirs)(code):
                problems.append(f"{code}.{ours}")
    assert problems == []


def test_seventh_characters_inherited_like_package(
    ref: Reference, pkg: ModuleType, pkg_codes: list[str]
) -> None:
    rng = random.Random(2026)
    sample = rng.sample(sorted(set(pkg_codes)), 5000)
    for code in sample:
        entry = ref.get(code)
        assert entry is not None
        defs: dict[str, str] = pkg.get_seven_chr_def(code, search_in_ancestors=True)
        if pkg.is_extended_subcategory(code):
            parent_defs = pkg.get_seven_chr_def(pkg.get_parent(code), search_in_ancestors=True)
            assert code[-1] in dict(entry.seventh_characters)
            assert dict(entry.seventh_characters).items() <= parent_defs.items()
        elif entry.children and pkg.is_extended_subcategory(entry.children[0]):
            assert dict(entry.seventh_characters).items() <= defs.items()
        else:
            assert dict(entry.seventh_characters) == defs, code


# ---------------------------------------------------------------------------------------
# API behaviour


def test_loose_spellings(ref: Reference) -> None:
    for spelling in ("E11.9", "e119", "E119", " e11.9 ", "ｅ１１．９"):
        entry = ref.get(spelling)
        assert entry is not None and entry.code == "E11.9", spelling
        assert spelling in ref
    assert ref.get("E11.99") is None
    assert ref.get("not a code") is None
    assert ref.get("") is None
    assert "Е11.9" not in ref  # Cyrillic Е
    assert ref.get("a00-a09") is not None
    assert ref.canonical("w6162xd") == "W61.62XD"


def test_entry_shapes(ref: Reference) -> None:
    e119 = ref.get("E11.9")
    assert e119 is not None
    assert e119.billable and e119.kind == "code" and e119.parent == "E11"
    e11 = ref.get("E11")
    assert e11 is not None
    assert e11.kind == "category" and not e11.billable and e11.is_header
    assert "type 1 diabetes mellitus (E10.-)" in e11.excludes1
    i10 = ref.get("I10")
    assert i10 is not None and i10.kind == "category" and i10.billable
    j029 = ref.get("J02.9")
    assert j029 is not None and "Sore throat (acute) NOS" in j029.inclusion_terms
    chapter = ref.get("1")
    assert chapter is not None and chapter.kind == "chapter" and chapter.parent is None
    block = ref.get("A00-A09")
    assert block is not None and block.kind == "block" and block.parent == "1"
    s = ref.get("S52.521")
    assert s is not None and not s.billable and s.kind == "subcategory"
    assert [c for c, _ in s.seventh_characters] == ["A", "D", "G", "K", "P", "S"]
    assert ref.needs_seventh("S52.521") and ref.needs_seventh("S52.52")
    assert not ref.needs_seventh("M17.1") and not ref.needs_seventh("S52.521A")


def test_seventh_suffixes_say_what_completes_a_code(ref: Reference) -> None:
    def suffixes(code: str) -> tuple[str, ...]:
        i = ref.index_of(code)
        assert i is not None, code
        return ref.seventh_suffixes_at(i)

    assert suffixes("S93.402") == ("A", "D", "S")
    assert suffixes("S52.521") == ("A", "D", "G", "K", "P", "S")
    assert suffixes("S01.01") == ("XA", "XD", "XS")  # placeholder X first
    assert suffixes("T78.40") == ("XA", "XD", "XS")
    for complete_or_branch in ("S93.402A", "E11.9", "S01.0", "S52.52", "M17.1"):
        assert suffixes(complete_or_branch) == (), complete_or_branch
    for code in ("S93.402", "S01.01"):
        i = ref.index_of(code)
        assert i is not None
        for tail in ref.seventh_suffixes_at(i):
            assert ref.is_billable(code + tail), code + tail


def test_headers_in_fy2026(ref: Reference) -> None:
    for header in ("M17.1", "N80.0"):
        assert header in ref and not ref.is_billable(header)
    assert ref.billable_descendants("M17.1") == ["M17.10", "M17.11", "M17.12"]
    assert ref.billable_descendants("E11", limit=3) == ["E11.00", "E11.01", "E11.10"]
    assert ref.count_billable_descendants("M17.1") == 3
    assert ref.billable_descendants("E11.9") == []


def test_tree_navigation(ref: Reference) -> None:
    assert [e.code for e in ref.children("M17.1")] == ["M17.10", "M17.11", "M17.12"]
    assert [e.code for e in ref.ancestors("E11.621")] == ["E11.62", "E11.6", "E11", "E08-E13", "4"]
    chapters = ref.chapters()
    assert [c.code for c in chapters] == [str(n) for n in range(1, 23)]
    assert ref.children("nope") == [] and ref.ancestors("nope") == []
    billable = sum(1 for _ in ref.iter_codes(billable_only=True))
    assert billable == 74_719


def test_excludes1_conflicts(ref: Reference) -> None:
    note = ref.excludes1_conflict("E11.9", "E10.9")
    assert note is not None and "E10" in note and "Excludes1" in note
    assert ref.excludes1_conflict("E10.9", "E11.9") is not None
    assert ref.excludes1_conflict("E11.9", "I10") is None
    peritonsillar = ref.excludes1_conflict("J02.9", "J36")
    assert peritonsillar is not None and "peritonsillar abscess" in peritonsillar
    assert ref.excludes1_conflict("E11.9", "E11.9") is None
    assert ref.excludes1_conflict("E11.9", "XX") is None


def test_notes_in_effect_walks_ancestors(ref: Reference) -> None:
    notes = ref.notes_in_effect("E11.621", "use_additional")
    assert notes[0] == ("E11.621", "code to identify site of ulcer (L97.4-, L97.5-)")
    assert any(where == "E11" and "Z79.4" in text for where, text in notes)


def test_code_refs_parsing() -> None:
    assert code_refs("type 1 diabetes mellitus (E10.-)") == [("E10", "E10")]
    assert code_refs("site of ulcer (L97.4-, L97.5-)") == [("L974", "L974"), ("L975", "L975")]
    assert code_refs("influenza (J00-J22)") == [("J00", "J22")]
    assert code_refs("neonatal diabetes mellitus (P70.2)") == [("P702", "P702")]
    assert code_refs("no codes here") == []
    assert code_refs("(see text) (A00-B99)") == [("A00", "B99")]
    assert ref_matches(("E10", "E10"), "E10.9")
    assert not ref_matches(("E10", "E10"), "E11.9")
    assert ref_matches(("J00", "J22"), "J02.9")
    assert ref_matches(("C00", "D49"), "C7A.00")
    assert not ref_matches(("J00", "J22"), "J30.1")


def test_suggestions(ref: Reference) -> None:
    assert ref.suggest("J02.99")[0] == "J02.9"
    assert ref.suggest("W61.62D")[0] == "W61.62XD"
    assert "E11.9" in ref.suggest("E1.19")
    assert all(c in ref for c in ref.suggest("S52.5219"))
    assert ref.suggest("") == []


@given(st.text(max_size=12))
def test_lookup_never_raises(text: str) -> None:
    reference = load_reference()
    entry = reference.get(text)
    assert (entry is not None) == (text in reference)
    assert isinstance(reference.is_billable(text), bool)
    reference.suggest(text)


# ---------------------------------------------------------------------------------------
# the cache


def _fresh(cache: Path) -> Reference:
    refmod.clear_memo()
    try:
        return load_reference(cache)
    finally:
        refmod.clear_memo()


def test_cache_written_atomically_and_reused(tmp_path: Path, ref: Reference) -> None:
    src = Path(ref.build.cache_file)
    assert src.is_file()
    cache = tmp_path / "c"
    cache.mkdir()
    target = cache_path(cache)
    target.write_bytes(src.read_bytes())
    warm = _fresh(cache)
    assert warm.build.from_cache and warm.build.rebuilt_reason == ""
    assert warm.build.build_seconds > 0
    assert len(warm) == len(ref)
    assert [p.name for p in cache.iterdir()] == [target.name]  # no temp files left


def _damaged(good: bytes, damage: str) -> bytes:
    if damage == "truncate":
        return good[: len(good) // 2]
    if damage == "flip":
        middle = len(good) // 2
        return good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1 :]
    if damage == "garbage":
        return os.urandom(4096)
    if damage == "empty":
        return b""
    if damage == "header-only":
        return good[:20]
    import marshal
    import struct
    import zlib

    payload = marshal.dumps(({"format": 0}, 1, b"", b"", b"", b"", b"", b"", b"", b""))
    return struct.pack("<8sIQ", b"CTICD10\x00", zlib.adler32(payload), len(payload)) + payload


@pytest.mark.parametrize(
    "damage", ["truncate", "flip", "garbage", "empty", "header-only", "old-format"]
)
def test_damaged_cache_is_refused(ref: Reference, damage: str) -> None:
    good = Path(ref.build.cache_file).read_bytes()
    with pytest.raises((ValueError, EOFError, TypeError)):
        refmod._parse(_damaged(good, damage))


def test_corrupt_cache_is_rebuilt(tmp_path: Path, ref: Reference) -> None:
    good = Path(ref.build.cache_file).read_bytes()
    cache = tmp_path / "c"
    cache.mkdir()
    target = cache_path(cache)
    target.write_bytes(_damaged(good, "flip"))
    rebuilt = _fresh(cache)
    assert not rebuilt.build.from_cache
    assert rebuilt.build.rebuilt_reason.startswith("corrupt")
    assert len(rebuilt) == 98_505 and rebuilt.is_billable("E11.9")
    assert refmod._parse(target.read_bytes()).meta["format"] == refmod.FORMAT_VERSION
    again = _fresh(cache)
    assert again.build.from_cache
    assert [p.name for p in cache.iterdir()] == [target.name]


@pytest.fixture
def quick_compile(ref: Reference, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make 'compiling' reuse the good cache's tables (the rules are tested above)."""
    tables = refmod._parse(Path(ref.build.cache_file).read_bytes())
    calls: list[int] = []

    def fake(pkg_dir: Path) -> Any:
        calls.append(1)
        return tables

    monkeypatch.setattr(refmod, "_compile", fake)
    return calls


def test_missing_cache_dir_is_created(tmp_path: Path, quick_compile: list[int]) -> None:
    cache = tmp_path / "deep" / "er"
    built = _fresh(cache)
    assert built.build.rebuilt_reason == "missing" and quick_compile == [1]
    assert cache_path(cache).is_file()
    assert _fresh(cache).build.from_cache and quick_compile == [1]


def test_unwritable_cache_still_returns_reference(tmp_path: Path, quick_compile: list[int]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    built = _fresh(blocker / "cache")
    assert built.build.cache_file == "" and quick_compile == [1]
    assert built.is_billable("J02.9")


def test_rebuild_flag_forces_compile(tmp_path: Path, quick_compile: list[int]) -> None:
    cache = tmp_path / "c"
    _fresh(cache)
    refmod.clear_memo()
    forced = load_reference(cache, rebuild=True)
    refmod.clear_memo()
    assert quick_compile == [1, 1] and forced.build.rebuilt_reason == "rebuild requested"


def test_memoized(tmp_path: Path) -> None:
    a = load_reference()
    b = load_reference()
    assert a is b


def _entry_fields(entry: IcdEntry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in entry.__slots__}


def test_cache_roundtrip_is_identical(tmp_path: Path, ref: Reference) -> None:
    cache = tmp_path / "c"
    cache.mkdir()
    cache_path(cache).write_bytes(Path(ref.build.cache_file).read_bytes())
    warm = _fresh(cache)
    rng = random.Random(7)
    for i in rng.sample(range(len(ref)), 2000):
        assert _entry_fields(warm.entry_at(i)) == _entry_fields(ref.entry_at(i))
