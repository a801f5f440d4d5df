"""Lookup ranking over the full FY2026 reference and the code sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codetrainer.core import search as searchmod
from codetrainer.core.codes import System
from codetrainer.core.codesets import Catalog, load_catalog
from codetrainer.core.reference import Reference
from codetrainer.core.search import SearchHit, SearchIndex, load_search_index, tokenize

SETS = Path(__file__).resolve().parent / "fixtures" / "codesets"


@pytest.fixture(scope="module")
def index(ref: Reference, fixture_catalog: Catalog) -> SearchIndex:
    return load_search_index(ref, fixture_catalog)


@pytest.fixture(scope="module")
def bundled_index(ref: Reference) -> SearchIndex:
    return load_search_index(ref, load_catalog(include_user=False, reference=ref))


def codes(hits: list[SearchHit]) -> list[str]:
    return [h.code for h in hits]


# ---------------------------------------------------------------------------------------
# the acceptance queries


def test_sore_throat_ranks_j029_top_five(index: SearchIndex, bundled_index: SearchIndex) -> None:
    for idx in (index, bundled_index):
        hits = idx.search("sore throat", limit=5)
        assert "J02.9" in codes(hits)
    top = index.search("sore throat", limit=5)[0]
    assert top.code == "J02.9" and top.matched == "Sore throat (acute) NOS"


def test_blood_glucose_strips_finds_a4253(index: SearchIndex, bundled_index: SearchIndex) -> None:
    for idx in (index, bundled_index):
        hits = idx.search("blood glucose strips", limit=5)
        assert hits and hits[0].code == "A4253" and hits[0].system is System.HCPCS


def test_branch_lists_billable_codes(index: SearchIndex, ref: Reference) -> None:
    hits = index.search("E11.", limit=20)
    assert hits[0].code == "E11" and not hits[0].billable
    listed = codes(hits[1:])
    assert listed == ref.billable_descendants("E11", limit=19)
    assert all(h.billable for h in hits[1:])
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("e119", "E11.9"),
        ("j029", "J02.9"),
        ("J02.9", "J02.9"),
        ("w6162xd", "W61.62XD"),
        ("99213", "99213"),
        ("a4253", "A4253"),
        ("qw", "QW"),
        ("-25", "25"),
    ],
)
def test_exact_codes_come_first(index: SearchIndex, query: str, code: str) -> None:
    hits = index.search(query)
    assert hits[0].code == code and hits[0].score == 100.0


def test_header_lists_its_codes(index: SearchIndex) -> None:
    assert codes(index.search("M17.1")) == ["M17.1", "M17.10", "M17.11", "M17.12"]
    seventh = index.search("S52.521", limit=7)
    assert codes(seventh) == ["S52.521"] + [f"S52.521{c}" for c in "ADGKPS"]


def test_prefixes(index: SearchIndex) -> None:
    e1 = codes(index.search("E1", limit=5))
    assert e1 == ["E10", "E11", "E13", "E15", "E16"]
    assert codes(index.search("9921", limit=5)) == ["99213", "99214", "99215"]
    partial = index.search("E11.6", limit=30)
    assert partial[0].code == "E11.6"
    assert all(h.code.startswith("E11.6") for h in partial)


def test_did_you_mean_for_missing_codes(index: SearchIndex) -> None:
    hits = index.search("J02.99")
    assert hits[0].code == "J02.9" and hits[0].matched.startswith("did you mean")
    assert index.search("W61.62D")[0].code == "W61.62XD"


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("DM2", "E11.9", 3),
        ("htn", "I10", 1),
        ("URI", "J06.9", 1),
        ("CHF", "I50.9", 1),
        ("copd", "J44.9", 1),
        ("uti", "N39.0", 1),
        ("MI", "I21.9", 1),
        ("GERD", "K21.9", 3),
        ("ckd", "N18.9", 1),
        ("heart attack", "I21.9", 1),
        ("afib", "I48.91", 5),
        ("strep throat", "J02.0", 1),
        ("bee sting", "T63.441", 3),
        ("hives", "L50.9", 1),
        ("dog bite", "W54.0", 1),
    ],
)
def test_abbreviations(index: SearchIndex, query: str, expected: str, within: int) -> None:
    assert expected in codes(index.search(query, limit=within)), codes(index.search(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pnuemonia", "J18.9"),
        ("hypertenison", "I10"),
        ("astma", "J45.909"),
        ("pharyngits acute", "J02.9"),
    ],
)
def test_typos(index: SearchIndex, query: str, expected: str) -> None:
    assert expected in codes(index.search(query, limit=10)), codes(index.search(query))


def test_word_order_does_not_matter(index: SearchIndex) -> None:
    assert index.search("throat sore", limit=1)[0].code == "J02.9"
    assert index.search("pain leg", limit=3)[0].code == "M79.606"


def test_half_typed_last_word(index: SearchIndex) -> None:
    typing = index.search("sore thro", limit=5)
    assert typing[0].code == "J02.9"
    # a trailing space says the word is complete: 'thro' is no longer completed
    done = index.search("sore thro ", limit=5)
    assert done[0].code != "J02.9" or done[0].score < typing[0].score - 20


def test_inclusion_terms_are_searched(index: SearchIndex) -> None:
    hits = index.search("carditis", limit=3)
    assert hits[0].code == "I51.89" and hits[0].matched.startswith("Carditis")


def test_billable_codes_preferred(index: SearchIndex) -> None:
    hits = index.search("low back pain", limit=5)
    assert hits[0].code == "M54.50" and hits[0].billable
    header = next(h for h in hits if h.code == "M54.5")
    assert header.score < hits[0].score


def test_seventh_character_words_pick_the_code(index: SearchIndex) -> None:
    assert index.search("struck by duck subsequent", limit=1)[0].code == "W61.62XD"
    top = index.search("torus fracture lower end right radius initial", limit=1)[0]
    assert top.code == "S52.521A" and top.billable


def test_system_filter_and_limit(index: SearchIndex) -> None:
    hits = index.search("office visit established", systems={System.CPT}, limit=3)
    assert len(hits) <= 3 and hits
    assert all(h.system is System.CPT for h in hits)
    mods = index.search("left side", systems=[System.MODIFIER])
    assert codes(mods)[:1] == ["LT"]
    assert index.search("E11.9", systems={System.CPT}) == []
    assert len(index.search("pain", limit=7)) == 7
    assert index.search("pain", limit=0) == []


def test_user_descriptors_searched(index: SearchIndex) -> None:
    hits = index.search("school descriptor", systems={System.CPT})
    assert {"99213", "99215"} <= set(codes(hits))


def test_nothing_found(index: SearchIndex) -> None:
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("zzqxv wqpz") == []


def test_hit_to_dict(index: SearchIndex) -> None:
    row = index.search("j029")[0].to_dict()
    assert row == {
        "system": "ICD-10-CM",
        "code": "J02.9",
        "description": "Acute pharyngitis, unspecified",
        "billable": True,
        "score": 100.0,
        "matched": "J02.9",
    }


def test_tokenize() -> None:
    assert tokenize("Sore throat (acute) NOS") == ["sore", "throat", "acute", "nos"]
    assert tokenize("Blood glucose test strips, per 50") == [
        "blood",
        "glucose",
        "test",
        "strip",
        "per",
        "50",
    ]
    assert tokenize("Sézary disease") == ["sezary", "disease"]
    assert tokenize("of the and") == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=30))
def test_search_never_raises_and_is_ordered(index: SearchIndex, text: str) -> None:
    hits = index.search(text, limit=8)
    assert len(hits) <= 8
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 100.0 for s in scores)
    assert len({(h.system, h.code) for h in hits}) == len(hits)


# ---------------------------------------------------------------------------------------
# the cached word index


def test_index_cache_written_and_damage_rebuilt(
    tmp_path: Path, ref: Reference, fixture_catalog: Catalog
) -> None:
    first = load_search_index(ref, fixture_catalog, cache_dir=tmp_path)
    files = list(tmp_path.glob("icd10cm-search-*.bin"))
    assert len(files) == 1
    files[0].write_bytes(b"garbage" * 10)
    again = load_search_index(ref, fixture_catalog, cache_dir=tmp_path)
    assert codes(again.search("sore throat", limit=3)) == codes(
        first.search("sore throat", limit=3)
    )
    assert len(files[0].read_bytes()) > 1000


def test_default_index_is_memoized() -> None:
    searchmod.clear_memo()
    a = load_search_index()
    assert load_search_index() is a
    assert "J02.9" in codes(a.search("sore throat", limit=5))
    searchmod.clear_memo()


def test_index_without_reference(fixture_catalog: Catalog) -> None:
    idx = SearchIndex(None, None, fixture_catalog)
    assert idx.search("blood glucose strips")[0].code == "A4253"
    assert idx.search("J02.9") == []


def test_large_catalog_index_is_cached(
    ref: Reference, fixture_catalog: Catalog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CODETRAINER_CACHE", str(tmp_path))
    monkeypatch.setattr(searchmod, "_CATALOG_CACHE_MIN", 5)
    first = SearchIndex(ref, None, fixture_catalog)
    files = list(tmp_path.glob("catalog-search-*.bin"))
    assert len(files) == 1
    built = searchmod._TextIndex.build

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr(searchmod._TextIndex, "build", boom)
    second = SearchIndex(ref, None, fixture_catalog)
    monkeypatch.setattr(searchmod._TextIndex, "build", built)
    query = "blood glucose strips"
    assert codes(second.search(query)) == codes(first.search(query))
    assert second.search(query)[0].code == "A4253"
