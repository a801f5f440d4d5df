"""The generated code-facts deck: deterministic, and every card true to the FY2026 data.

Each card is checked twice: against our compiled reference, and against the
``simple-icd-10-cm`` package itself (imported here, never at run time), so a bug in
either the generator or the reference cache cannot hide.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from codetrainer.core.drills import codefacts as cf
from codetrainer.core.drills.cards import DrillCard
from codetrainer.core.drills.check import check_answer
from codetrainer.core.drills.decks import bundled_decks_dir, load_deck
from codetrainer.core.reference import Reference, code_refs, ref_matches


@pytest.fixture(scope="module")
def deck_cards(ref: Reference) -> list[DrillCard]:
    deck = load_deck(bundled_decks_dir() / "code-facts.yaml", reference=ref).value
    assert deck is not None
    return list(deck.cards)


@pytest.fixture(scope="module")
def sicd() -> Any:
    import simple_icd_10_cm

    return simple_icd_10_cm


def test_generation_is_deterministic_and_seeded(ref: Reference) -> None:
    a = cf.generate_cards(ref, "seed-one", 20)
    b = cf.generate_cards(ref, "seed-one", 20)
    c = cf.generate_cards(ref, "seed-two", 20)
    assert a == b
    assert [x.id for x in a] != [x.id for x in c]


def test_the_deck_covers_every_fact_kind(deck_cards: list[DrillCard]) -> None:
    assert len(deck_cards) >= 1000
    counts = Counter(c.kind for c in deck_cards)
    assert set(counts) == set(cf.FACT_KINDS)
    assert all(n >= 100 for n in counts.values()), counts
    assert len({c.id for c in deck_cards}) == len(deck_cards)
    answers = Counter(c.answer for c in deck_cards if c.kind == "billable")
    assert answers["yes"] >= 50 and answers["no"] >= 50
    answers = Counter(c.answer for c in deck_cards if c.kind == "excludes1")
    assert answers["yes"] >= 50 and answers["no"] >= 50


def test_the_cache_gives_back_the_same_cards(ref: Reference, tmp_path: Path) -> None:
    first = cf.load_code_facts(ref, "cache-test", 5, cache_dir=tmp_path)
    assert cf.cache_file(ref, "cache-test", 5, tmp_path).is_file()
    again = cf.load_code_facts(ref, "cache-test", 5, cache_dir=tmp_path)
    assert again == first == cf.generate_cards(ref, "cache-test", 5)


def test_every_card_can_be_rebuilt_from_its_id(ref: Reference, deck_cards: list[DrillCard]) -> None:
    for card in deck_cards:
        assert cf.card_from_id(ref, card.id) == card, card.id
    assert cf.card_from_id(ref, "billable-zzz9") is None
    assert cf.card_from_id(ref, "nonsense") is None


def test_every_card_answers_itself(deck_cards: list[DrillCard]) -> None:
    for card in deck_cards:
        assert check_answer(card, card.answer).verdict == "correct", card.id
        for la in card.lookalikes:
            assert check_answer(card, la.written).kinds == ("confusable",), card.id
        if card.mode == "choice":
            wrong = next(c for c in card.choices if c != card.answer)
            assert check_answer(card, wrong).verdict == "wrong"


# -- against our reference ---------------------------------------------------------------


def _check_with_reference(ref: Reference, card: DrillCard) -> None:
    kind = card.kind
    code = card.codes[0]
    entry = ref.get(code)
    assert entry is not None, code
    assert card.family == code.replace(".", "")[:3]
    assert card.guideline.startswith("Official Guidelines Section")
    if kind == "billable":
        assert card.answer == ("yes" if ref.is_billable(code) else "no")
    elif kind == "seventh":
        full = card.codes[0]
        assert ref.is_billable(full) and full.endswith(card.answer)
        meanings = dict(
            ref.get(
                full[: len(full) - 1].rstrip("X").rstrip(".")
                if False
                else card.prompt.split("_")[0]
            ).seventh_characters
        )
        assert cf.SEVENTH_SCENARIOS[meanings[card.answer].lower()] in card.ask
    elif kind == "laterality":
        child = ref.get(card.codes[0])
        assert child is not None and child.code[-1] == card.answer
        side, *qualifier = card.id.split("-")[2:]
        words = re.findall("[a-z]+", child.description.lower())
        assert side in words and all(q in words for q in qualifier)
        others = [s for s in ("right", "left", "bilateral") if s != side]
        assert not any(o in words for o in others)
    elif kind == "placeholder":
        full = card.codes[1]
        assert ref.is_billable(full)
        assert card.answer == ("yes" if "X" in full[len(code) : -1] else "no")
    elif kind == "excludes1":
        a, b = card.codes
        conflict = ref.excludes1_conflict(a, b)
        assert (conflict is None) == (card.answer == "yes")
    elif kind == "chapter":
        chapter = ref.ancestors(code)[-1]
        assert card.answer.startswith(f"Chapter {chapter.code}: ")
    elif kind == "block":
        blocks = [a.code for a in ref.ancestors(code) if a.kind == "block"]
        assert card.answer.split("  ")[0] in blocks
    elif kind == "code-title":
        assert card.answer == entry.description
    elif kind == "title-code":
        assert card.prompt == entry.description and card.answer == code
    elif kind == "use-additional":
        category = card.answer.split("  ")[0]
        refs = [r for _w, n in ref.notes_in_effect(code, "use_additional") for r in code_refs(n)]
        assert refs[0][0][:3] == category or any(r[0][:3] == category for r in refs)
        others = [c.split("  ")[0] for c in card.choices if c != card.answer]
        assert not any(cf.ref_covers_category(r, o) for r in refs for o in others)
    else:  # pragma: no cover - a new kind needs its own check
        raise AssertionError(kind)


def test_every_card_is_true_to_the_reference(ref: Reference, deck_cards: list[DrillCard]) -> None:
    for card in deck_cards:
        _check_with_reference(ref, card)


# -- against simple-icd-10-cm directly ---------------------------------------------------


def _refs_from(notes: Any) -> list[tuple[str, str]]:
    if isinstance(notes, str):
        notes = [notes]
    return [r for n in notes or [] for r in code_refs(n)]


def _with_ancestors(s: Any, code: str) -> list[str]:
    return [code, *[a for a in s.get_ancestors(code)]]


def _check_with_package(s: Any, card: DrillCard) -> None:
    kind = card.kind
    code = card.codes[0]
    assert s.is_valid_item(code), code
    if kind == "billable":
        assert s.is_leaf(code) == (card.answer == "yes"), code
    elif kind == "seventh":
        full = code
        assert s.is_valid_item(full) and s.is_leaf(full)
        base = card.prompt.split("_")[0]
        defs = next(d for d in (s.get_seven_chr_def(a) for a in _with_ancestors(s, base)) if d)
        meaning = defs[card.answer]
        assert cf.SEVENTH_SCENARIOS[meaning.lower()] in card.ask
        assert full.startswith(base) and full.endswith(card.answer)
    elif kind == "laterality":
        parent = card.prompt.split("_")[0]
        assert s.get_parent(code) == parent
        side, *qualifier = card.id.split("-")[2:]
        words = re.findall("[a-z]+", s.get_description(code).lower())
        assert side in words and all(q in words for q in qualifier)
        assert code[-1] == card.answer
        # no sibling fits the same question
        fits = [
            c
            for c in s.get_children(parent)
            if side in re.findall("[a-z]+", s.get_description(c).lower())
            and all(q in re.findall("[a-z]+", s.get_description(c).lower()) for q in qualifier)
        ]
        assert fits == [code], (card.id, fits)
    elif kind == "placeholder":
        full = card.codes[1]
        assert s.is_valid_item(full) and s.is_leaf(full)
        assert s.is_descendant(full, code)
        assert ("X" in full[len(code) : -1]) == (card.answer == "yes")
    elif kind == "excludes1":
        a, b = card.codes
        assert s.is_leaf(a) and s.is_leaf(b)

        def names(x: str, y: str, field: Any) -> bool:
            for anc in _with_ancestors(s, x):
                for r in _refs_from(field(anc)):
                    if ref_matches(r, y) and not ref_matches(r, x):
                        return True
            return False

        x1 = names(a, b, s.get_excludes1) or names(b, a, s.get_excludes1)
        if card.answer == "no":
            assert x1
        else:
            assert not x1
            assert names(a, b, s.get_excludes2) or names(b, a, s.get_excludes2)
    elif kind == "chapter":
        assert card.answer.startswith(f"Chapter {s.get_ancestors(code)[-1]}: ")
    elif kind == "block":
        block = card.answer.split("  ")[0]
        ancestors = s.get_ancestors(code)
        assert block in ancestors or block.split("-")[0] in ancestors
    elif kind == "code-title":
        assert card.answer == s.get_description(code)
        for other in card.codes[1:]:
            assert s.get_description(other) in card.choices
    elif kind == "title-code":
        assert s.get_description(card.answer) == card.prompt
    elif kind == "use-additional":
        category = card.answer.split("  ")[0]
        refs = [
            r
            for anc in _with_ancestors(s, code)
            for r in _refs_from(s.get_use_additional_code(anc))
        ]
        assert any(r[0][:3] == category for r in refs)
        others = [c.split("  ")[0] for c in card.choices if c != card.answer]
        assert not any(cf.ref_covers_category(r, o) for r in refs for o in others)
    else:  # pragma: no cover
        raise AssertionError(kind)


@pytest.mark.slow
def test_every_card_is_true_to_simple_icd_10_cm(sicd: Any, deck_cards: list[DrillCard]) -> None:
    for card in deck_cards:
        _check_with_package(sicd, card)


def test_slip_cards_drill_the_family(ref: Reference, sicd: Any) -> None:
    seventh = cf.cards_for_slip(ref, "seventh_character", "S52.521D")
    assert {c.kind for c in seventh} <= {"seventh", "placeholder"}
    assert all(c.family == "S52" for c in seventh)
    assert {c.answer for c in seventh if c.kind == "seventh"} >= {"A", "D"}
    header = cf.cards_for_slip(ref, "non_billable", "E11")
    assert header[0].id == "billable-e11" and header[0].answer == "no"
    lat = cf.cards_for_slip(ref, "laterality", "S52.522A")
    assert {c.id for c in lat} == {"laterality-s5252-right", "laterality-s5252-left"}
    leg = cf.cards_for_slip(ref, "laterality", "M79.604")
    assert "laterality-m7960-right-leg" in {c.id for c in leg}
    right_leg = next(c for c in leg if c.id == "laterality-m7960-right-leg")
    assert (right_leg.answer, right_leg.codes) == ("4", ("M79.604",))
    lat = [*lat, *leg]
    x1 = cf.cards_for_slip(ref, "excludes1", "E11.9")
    assert x1 and all(c.kind == "excludes1" and c.answer == "no" for c in x1)
    for card in [*seventh, *header, *lat, *x1]:
        _check_with_reference(ref, card)
        _check_with_package(sicd, card)
