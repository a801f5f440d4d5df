"""Deck files: the bundled decks, the strict loader, validate and the JSON Schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from codetrainer.core.drills.decks import bundled_decks_dir, load_deck, load_decks
from codetrainer.core.yamlio import load_yaml_file


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def written(name: str):  # type: ignore[no-untyped-def]
    deck = load_deck(bundled_decks_dir() / f"{name}.yaml").value
    assert deck is not None
    return deck


def test_bundled_decks_meet_their_sizes() -> None:
    decks, problems = load_decks([bundled_decks_dir()])
    assert problems == []
    sizes = {d.id: len(d.cards) for d in decks}
    kinds = {d.id: d.kind for d in decks}
    assert sizes["terms"] >= 300
    assert sizes["abbreviations"] >= 150
    assert sizes["confusables"] >= 60
    assert sizes["code-facts"] >= 1000
    assert kinds == {
        "terms": "terms",
        "abbreviations": "abbreviations",
        "confusables": "confusables",
        "code-facts": "code-facts",
    }


def test_terms_cover_both_directions_and_body_systems() -> None:
    deck = written("terms")
    kinds = {c.kind for c in deck.cards}
    assert {"meaning", "term", "system"} <= kinds
    tags = {t for c in deck.cards for t in c.tags}
    assert {"prefix", "suffix", "root", "body-system"} <= tags
    forward = deck.card("ectomy")
    back = deck.card("ectomy-r")
    assert forward is not None and back is not None
    assert (forward.prompt, forward.answer) == ("-ectomy", "surgical removal")
    assert (back.prompt, back.answer) == ("surgical removal", "-ectomy")
    # two roots with one meaning accept each other on the reverse card
    nephr = deck.card("nephr-o-r")
    assert nephr is not None and "ren/o" in nephr.accept


def test_abbreviations_include_the_never_to_code_ones() -> None:
    deck = written("abbreviations")
    never = [c for c in deck.cards if c.kind == "never-code"]
    assert {c.id for c in never} >= {"r-o-never", "ms-never", "pe-never", "c-w-never"}
    for card in never:
        assert card.answer == "no" and card.choices == ("yes", "no")
        assert card.guideline.startswith("Official Guidelines Section")
    ro = deck.card("r-o-never")
    assert ro is not None and "IV.H" in ro.guideline


def test_every_confusables_card_names_its_lookalike() -> None:
    deck = written("confusables")
    for card in deck.cards:
        assert card.lookalikes, card.id
        for la in card.lookalikes:
            assert la.term and la.meaning
    terms = {c.prompt for c in deck.cards if c.kind == "meaning"}
    # pairs: each look-alike is a card of its own too
    for card in deck.cards:
        if card.kind == "meaning":
            assert {la.term for la in card.lookalikes} <= terms


BAD_DECK = """\
deck:
  id: mine
  kind: confusables
  title: Mine
cards:
  - id: one
    prompt: ileum
    answer: small intestine
    lookalikes:
      - {term: ilium, meaning: small intestine}
  - id: two
    prompt: ilium
    answer: hip bone
  - id: one
    prompt: x
    answer: y
    choices: [a, b]
    colour: red
"""


def test_deck_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(BAD_DECK)
    loaded = load_deck(path)
    assert loaded.value is None
    shown = [d.format() for d in loaded.diagnostics]
    assert shown == [
        f"{path}:18:5: error: unknown key 'colour' in cards[2] (allowed here: "
        "accept, answer, ask, choices, guideline, id, lookalikes, mode, "
        "never_code, note, prompt, reverse, system, tags)"
    ]
    path.write_text(BAD_DECK.replace("    colour: red\n", ""))
    shown = [d.format() for d in load_deck(path).diagnostics]
    assert shown == [
        f"{path}:10:9: error: the look-alike 'ilium' reads the same as the answer; a "
        "look-alike must mean something else",
        f"{path}:11:5: error: every card of a confusables deck names its look-alike(s) under "
        "'lookalikes:' (term and meaning)",
        f"{path}:14:9: error: card id 'one' is already used (card at line 6); ids must be "
        "unique in a deck (reverse cards add '-r', body-system cards '-sys', never-code "
        "cards '-never')",
        f"{path}:16:13: error: the answer 'y' is not one of the choices; add it to "
        "'choices:' exactly as written",
        f"{path}:14:5: error: every card of a confusables deck names its look-alike(s) under "
        "'lookalikes:' (term and meaning)",
    ]


def test_the_strict_loader_rules_apply(tmp_path: Path) -> None:
    path = tmp_path / "alias.yaml"
    path.write_text("deck: &d\n  id: a\n  kind: terms\n  title: T\ncards: *d\n")
    loaded = load_deck(path)
    assert loaded.value is None
    assert all(d.format().startswith(f"{path}:") for d in loaded.diagnostics)
    assert any("alias" in d.message or "anchor" in d.message for d in loaded.diagnostics)


def test_validate_checks_decks_with_locations(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(BAD_DECK.replace("    colour: red\n", ""))
    proc = run("validate", "--json", str(path))
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["files"] == [{"path": str(path), "kind": "deck", "errors": 5, "warnings": 0}]
    lines = run("validate", str(path)).stdout.splitlines()
    assert lines[0] == (
        f"{path}:10:9: error: the look-alike 'ilium' reads the same as the answer; a "
        "look-alike must mean something else"
    )


def test_validate_strict_passes_the_bundled_decks() -> None:
    proc = run("validate", "--strict", str(bundled_decks_dir()))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 files checked: 0 errors, 0 warnings" in proc.stderr


def test_code_facts_deck_without_a_seed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cf.yaml"
    path.write_text("deck:\n  id: cf\n  kind: code-facts\n  title: CF\n")
    shown = [d.format() for d in load_deck(path).diagnostics]
    assert shown == [
        f"{path}:1:1: error: a code-facts deck needs 'generate:' with a 'seed:' (its cards "
        "are generated from the FY2026 reference)"
    ]


def test_schema_deck_accepts_every_bundled_deck() -> None:
    proc = run("schema", "deck")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["title"] == "codetrainer deck file"
    for path in sorted(bundled_decks_dir().glob("*.yaml")):
        jsonschema.validate(load_yaml_file(path).data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"deck": {"id": "x", "kind": "poems", "title": "t"}}, schema)


def test_every_written_card_takes_its_own_answers() -> None:
    from codetrainer.core.drills.check import check_answer, vocabulary

    for name in ("terms", "abbreviations", "confusables"):
        deck = written(name)
        vocab = vocabulary(deck.cards)
        for card in deck.cards:
            for text in (card.answer, *card.accept, card.answer.upper()):
                result = check_answer(card, text, vocab=vocab)
                assert result.verdict == "correct", (card.id, text, result.explanation)


def test_a_lookalike_in_another_word_order_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "deck: {id: d, kind: terms, title: D}\n"
        "cards:\n"
        "  - {id: a, prompt: x, answer: blood high, lookalikes: [{term: y, meaning: high blood}]}\n"
    )
    assert [d.rule for d in load_deck(path).diagnostics] == ["deck-lookalike"]
