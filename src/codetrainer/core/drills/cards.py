"""Cards and decks as the rest of the program sees them (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codetrainer.core.drills.model import AnswerMode

__all__ = ["Deck", "DrillCard", "Lookalike"]


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A confusable of a card: what a confused learner would write, and what it means."""

    term: str
    """The look-alike term (``hypotension``)."""
    meaning: str
    """What the look-alike means (``blood pressure below normal``)."""
    written: str
    """What a learner who mixes the two up types for this card: the look-alike's meaning
    on a term -> meaning card, the look-alike term on a meaning -> term card."""


@dataclass(frozen=True, slots=True)
class DrillCard:
    """One card, ready to ask."""

    deck: str
    id: str
    """Unique within the deck; for generated and reverse cards derived from the source."""
    prompt: str
    answer: str
    ask: str = ""
    """The instruction shown above the prompt."""
    mode: AnswerMode = "text"
    accept: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    lookalikes: tuple[Lookalike, ...] = ()
    note: str = ""
    kind: str = "meaning"
    """What the card drills: ``meaning``, ``term``, ``system``, ``never-code`` for written
    decks; ``billable``, ``seventh``, ``laterality``, ``placeholder``, ``excludes1``,
    ``chapter``, ``block``, ``code-title``, ``title-code``, ``use-additional`` for code
    facts. Stats group accuracy by it."""
    family: str = ""
    """Code facts: the ICD-10-CM category the card is about (``S52``)."""
    codes: tuple[str, ...] = ()
    """Code facts: the codes the card states a fact about (checked against the reference)."""
    guideline: str = ""
    """The Official Guidelines section a rule card comes from."""
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """``deck/card``: unique among every loaded deck."""
        return f"{self.deck}/{self.id}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``codetrainer drill cards --json``."""
        out: dict[str, Any] = {
            "id": self.id,
            "prompt": self.prompt,
            "answer": self.answer,
            "ask": self.ask,
            "mode": self.mode,
            "kind": self.kind,
        }
        if self.accept:
            out["accept"] = list(self.accept)
        if self.choices:
            out["choices"] = list(self.choices)
        if self.lookalikes:
            out["lookalikes"] = [
                {"term": la.term, "meaning": la.meaning, "written": la.written}
                for la in self.lookalikes
            ]
        if self.note:
            out["note"] = self.note
        if self.family:
            out["family"] = self.family
        if self.codes:
            out["codes"] = list(self.codes)
        if self.guideline:
            out["guideline"] = self.guideline
        return out


@dataclass(frozen=True, slots=True)
class Deck:
    """A loaded deck: its header and every card (reverse and derived cards included)."""

    id: str
    kind: str
    title: str
    description: str = ""
    cards: tuple[DrillCard, ...] = ()
    path: str = ""
    _by_id: dict[str, DrillCard] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.cards})

    def card(self, card_id: str) -> DrillCard | None:
        """The card with this id, or None."""
        return self._by_id.get(card_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``codetrainer drill list --json``."""
        return {"id": self.id, "kind": self.kind, "title": self.title, "cards": len(self.cards)}
