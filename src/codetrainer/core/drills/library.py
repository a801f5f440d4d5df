"""Every loaded deck in one place, with card lookup and answer checking (CLI and TUI)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.drills.cards import Deck, DrillCard, Lookalike
from codetrainer.core.drills.check import CheckResult, check_answer, vocabulary
from codetrainer.core.drills.decks import load_decks

__all__ = ["DrillLibrary"]


class DrillLibrary:
    """The bundled and user decks (or those of ``folders``), loaded once."""

    def __init__(self, folders: Iterable[Path] | None = None, *, reference: Any = None) -> None:
        self._reference = reference
        self.decks: list[Deck]
        self.problems: list[Diagnostic]
        self.decks, self.problems = load_decks(folders, reference=reference)
        self._by_id = {d.id: d for d in self.decks}
        self._vocab: dict[str, dict[str, Lookalike]] = {}

    def deck(self, deck_id: str) -> Deck | None:
        return self._by_id.get(deck_id)

    def _ref(self) -> Any:
        if self._reference is None:
            from codetrainer.core.reference import load_reference

            self._reference = load_reference()
        return self._reference

    def card(self, deck_id: str, card_id: str) -> DrillCard | None:
        """A card of a loaded deck; a code-facts card outside the sample is rebuilt."""
        deck = self._by_id.get(deck_id)
        if deck is None:
            return None
        found = deck.card(card_id)
        if found is None and deck.kind == "code-facts":
            from dataclasses import replace

            from codetrainer.core.drills.codefacts import card_from_id

            rebuilt = card_from_id(self._ref(), card_id)
            if rebuilt is not None:
                found = replace(rebuilt, deck=deck.id)
        return found

    def vocab(self, deck_id: str) -> dict[str, Lookalike]:
        """Every term and meaning of a deck (see :func:`.check.vocabulary`)."""
        if deck_id not in self._vocab:
            deck = self._by_id.get(deck_id)
            self._vocab[deck_id] = vocabulary(deck.cards) if deck else {}
        return self._vocab[deck_id]

    def check(self, card: DrillCard, text: str) -> CheckResult:
        """Check an answer to ``card`` with its deck's vocabulary."""
        return check_answer(card, text, vocab=self.vocab(card.deck))
