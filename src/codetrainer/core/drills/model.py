"""The deck file contract: what an author writes in ``content/decks/*.yaml``.

Field names are the contract (see ``docs/authoring.md``, "Drill decks"). Every scalar
arrives from the strict loader as text; pydantic's lax mode turns ``"true"`` into
``True`` where a field asks for it. Cross-field checks (duplicate ids, a look-alike
that means the same as the answer, an answer missing from its choices) live in
:mod:`codetrainer.core.drills.decks`, where they can point at the exact YAML node.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "ANSWER_MODES",
    "DECK_KINDS",
    "AnswerMode",
    "CardSpec",
    "DeckFile",
    "DeckInfo",
    "DeckKind",
    "GenerateSpec",
    "LookalikeSpec",
]

DECK_KINDS = ("terms", "abbreviations", "confusables", "code-facts")
ANSWER_MODES = ("text", "choice", "code")

DeckKind = Literal["terms", "abbreviations", "confusables", "code-facts"]
AnswerMode = Literal["text", "choice", "code"]
"""``text``: free text matched with rapidfuzz; ``choice``: one of the listed choices (by
number, letter or text); ``code``: a code or code part, compared by structure (no fuzzy
matching, ever)."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lowercase letters, digits and hyphens "
            "(for example 'cardi-o')"
        )
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _nonblank(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, BeforeValidator(_strip), AfterValidator(_nonblank)]
OptionalText = Annotated[str, BeforeValidator(_strip)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LookalikeSpec(_Model):
    """A word that looks or sounds like the card's term but means something else."""

    term: Text = Field(description="The look-alike as written (ileum for ilium).")
    meaning: Text = Field(description="What the look-alike means, in our own words.")


class CardSpec(_Model):
    """One card as written. ``prompt`` is asked, ``answer`` is what is expected."""

    id: Slug = Field(description="Unique within the deck.")
    prompt: Text = Field(description="The term, abbreviation or question shown.")
    answer: Text = Field(description="The expected answer (a meaning, a term, a code ...).")
    accept: list[Text] = Field(default_factory=list, description="Other answers given credit.")
    choices: list[Text] = Field(
        default_factory=list,
        description="For multiple choice: the options (the answer must be one of them).",
    )
    mode: AnswerMode | None = Field(
        default=None, description="How the answer is checked (default: the deck's mode)."
    )
    ask: OptionalText = Field(default="", description="The instruction (default: the deck's).")
    lookalikes: list[LookalikeSpec] = Field(
        default_factory=list, description="Confusables: never accepted, always named."
    )
    note: OptionalText = Field(default="", description="Shown after answering.")
    system: OptionalText = Field(default="", description="Body system (terms decks).")
    reverse: bool | None = Field(
        default=None, description="Also ask the other way round (default: the deck's)."
    )
    never_code: bool = Field(
        default=False,
        description="Abbreviations: a diagnosis is never coded from this on its own.",
    )
    guideline: OptionalText = Field(
        default="", description="Official Guidelines section the card's rule comes from."
    )
    tags: list[Text] = Field(default_factory=list)


class GenerateSpec(_Model):
    """For ``code-facts`` decks: how the cards are generated from the FY2026 reference."""

    seed: Text = Field(description="Any text; the same seed always gives the same cards.")
    per_kind: int = Field(default=150, ge=1, le=2000, description="Cards per fact kind.")


class DeckInfo(_Model):
    """The ``deck:`` header."""

    id: Slug
    kind: DeckKind
    title: Text
    description: OptionalText = ""
    mode: AnswerMode = Field(default="text", description="Default answer mode of the cards.")
    ask: OptionalText = Field(default="", description="Default instruction for a card.")
    ask_reverse: OptionalText = Field(default="", description="Instruction for reverse cards.")
    reverse: bool = Field(default=False, description="Make a reverse card for every card.")
    systems: list[Text] = Field(
        default_factory=list,
        description="Terms decks: the body systems, used as choices for body-system cards.",
    )
    code_year: OptionalText = Field(default="", description="Code-facts decks: FY2026.")
    generate: GenerateSpec | None = None
    version: OptionalText = ""
    license: OptionalText = ""


class DeckFile(_Model):
    """A whole deck file."""

    deck: DeckInfo
    cards: list[CardSpec] = Field(default_factory=list)
