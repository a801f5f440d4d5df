"""Loading decks: strict YAML in, located diagnostics and ready-to-ask cards out.

A deck file has a ``deck:`` header and ``cards:`` (see ``docs/authoring.md``). Loading
never raises for a bad file: every problem becomes a ``PATH:LINE:COL`` diagnostic, all of
them in one run. A valid deck is expanded into :class:`~.cards.DrillCard` s:

* every card as written (``kind`` ``meaning``: prompt -> answer);
* with ``reverse``, the other way round (``<id>-r``, kind ``term``); cards whose answers
  mean the same accept each other's terms;
* with a ``system`` (terms decks), a body-system card (``<id>-sys``, multiple choice
  among the deck's ``systems``);
* with ``never_code`` (abbreviations), a yes/no card (``<id>-never``): can a diagnosis be
  coded from this alone? (never: the answer is always no, with the guideline).

A ``code-facts`` deck has no written cards: :mod:`.codefacts` generates them from the
reference with the header's ``generate: {seed, per_kind}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from codetrainer.core.diagnostics import CodetrainerError, Diagnostic, count_errors
from codetrainer.core.drills.cards import Deck, DrillCard, Lookalike
from codetrainer.core.drills.check import normalize_answer
from codetrainer.core.drills.model import CardSpec, DeckFile
from codetrainer.core.packs import find_yaml_files, model_diagnostics
from codetrainer.core.yamlio import DEFAULT_MAX_BYTES, YamlDocument, load_yaml_file

__all__ = [
    "LoadedDeck",
    "bundled_decks_dir",
    "is_deck_data",
    "load_deck",
    "load_decks",
    "user_decks_dir",
]

_SYSTEM_ASK = "Which body system does this belong to?"
_NEVER_ASK = "Can a diagnosis be coded from this abbreviation alone?"
_SUFFIXES = ("-r", "-sys", "-never")
_CHUNK = 10
"""Reverse and derived cards come after the ten cards they belong to."""


@dataclass(slots=True)
class LoadedDeck:
    """The outcome of loading one deck file: the deck (when valid) and every diagnostic."""

    path: str
    value: Deck | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: YamlDocument | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None and count_errors(self.diagnostics) == 0


def bundled_decks_dir() -> Path:
    """``content/decks`` of the installed package."""
    from codetrainer import paths

    return paths.bundled_content_dir() / "decks"


def user_decks_dir() -> Path:
    """Decks a learner or instructor added (``data_dir()/decks``)."""
    from codetrainer import paths

    return paths.data_dir() / "decks"


def is_deck_data(data: Any) -> bool:
    """True for a loaded document that is a deck (top-level ``deck:``)."""
    return isinstance(data, dict) and "deck" in data


# -- checks ------------------------------------------------------------------------------


def _sorted(text: str) -> str:
    return " ".join(sorted(normalize_answer(text).split()))


def _checks(doc: YamlDocument, deck: DeckFile) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    info = deck.deck
    if info.kind == "code-facts":
        if info.generate is None:
            out.append(
                doc.diagnostic(
                    ("deck",),
                    "a code-facts deck needs 'generate:' with a 'seed:' (its cards are "
                    "generated from the FY2026 reference)",
                    rule="deck-generate",
                    at_key=True,
                )
            )
        if deck.cards:
            out.append(
                doc.diagnostic(
                    ("cards",),
                    "a code-facts deck has no written cards: they are generated, right by "
                    "construction; put hand-written cards in another deck",
                    rule="deck-generated-cards",
                    at_key=True,
                )
            )
        return out
    if info.generate is not None:
        out.append(
            doc.diagnostic(
                ("deck", "generate"),
                f"'generate:' is only for code-facts decks, not {info.kind}",
                rule="deck-generate",
                at_key=True,
            )
        )
    if not deck.cards:
        out.append(
            doc.diagnostic(("deck",), "the deck has no cards", rule="deck-empty", at_key=True)
        )
    seen: dict[str, int] = {}
    systems = {normalize_answer(s) for s in info.systems}
    for i, card in enumerate(deck.cards):
        where = ("cards", i)
        for suffix in ("", *_SUFFIXES):
            cid = card.id + suffix
            if cid in seen and (suffix == "" or seen[cid] != i):
                first = seen[cid]
                line = doc.locate(("cards", first, "id"))[0]
                out.append(
                    doc.diagnostic(
                        (*where, "id"),
                        f"card id '{cid}' is already used (card at line {line}); ids must "
                        "be unique in a deck (reverse cards add '-r', body-system cards "
                        "'-sys', never-code cards '-never')",
                        rule="deck-duplicate-id",
                    )
                )
                break
        seen.setdefault(card.id, i)
        for suffix in _SUFFIXES:
            seen.setdefault(card.id + suffix, i)
        mode = card.mode or info.mode
        own = {normalize_answer(t) for t in (card.answer, *card.accept)}
        if mode == "choice" or card.choices:
            if len(card.choices) < 2:
                out.append(
                    doc.diagnostic(
                        (*where, "choices"),
                        "a multiple-choice card needs at least two 'choices:'",
                        rule="deck-choices",
                        at_key=True,
                    )
                )
            elif card.answer not in card.choices:
                out.append(
                    doc.diagnostic(
                        (*where, "answer"),
                        f"the answer '{card.answer}' is not one of the choices; add it to "
                        "'choices:' exactly as written",
                        rule="deck-choices",
                    )
                )
            if len({normalize_answer(c) for c in card.choices}) != len(card.choices):
                out.append(
                    doc.diagnostic(
                        (*where, "choices"),
                        "two choices are the same once case and punctuation are ignored",
                        rule="deck-choices",
                    )
                )
        own_sorted = {_sorted(t) for t in (card.answer, *card.accept)}
        for k, la in enumerate(card.lookalikes):
            if (
                normalize_answer(la.meaning) in own
                or normalize_answer(la.term) in own
                or _sorted(la.meaning) in own_sorted
                or _sorted(la.term) in own_sorted
            ):
                out.append(
                    doc.diagnostic(
                        (*where, "lookalikes", k),
                        f"the look-alike '{la.term}' reads the same as the answer; a "
                        "look-alike must mean something else",
                        rule="deck-lookalike",
                    )
                )
            if normalize_answer(la.term) == normalize_answer(card.prompt):
                out.append(
                    doc.diagnostic(
                        (*where, "lookalikes", k, "term"),
                        "the look-alike is the card's own term",
                        rule="deck-lookalike",
                    )
                )
        if info.kind == "confusables" and not card.lookalikes:
            out.append(
                doc.diagnostic(
                    where,
                    "every card of a confusables deck names its look-alike(s) under "
                    "'lookalikes:' (term and meaning)",
                    rule="deck-lookalike",
                    at_key=True,
                )
            )
        if card.system and systems and normalize_answer(card.system) not in systems:
            out.append(
                doc.diagnostic(
                    (*where, "system"),
                    f"'{card.system}' is not one of the deck's systems: {', '.join(info.systems)}",
                    rule="deck-system",
                )
            )
        if card.system and len(systems) < 2:
            out.append(
                doc.diagnostic(
                    (*where, "system"),
                    "list the body systems in the header ('systems:') to ask about them",
                    rule="deck-system",
                )
            )
        if card.never_code and not (card.note and card.guideline):
            out.append(
                doc.diagnostic(
                    where,
                    "a never_code card needs a 'note:' saying why and the 'guideline:' "
                    "section it comes from",
                    rule="deck-guideline",
                    at_key=True,
                )
            )
    return out


# -- expansion ---------------------------------------------------------------------------


def _choice_sample(card_id: str, options: list[str], answer: str, n: int = 4) -> tuple[str, ...]:
    """``n`` options including ``answer``, chosen by a hash of the card id (stable)."""
    others = [o for o in options if normalize_answer(o) != normalize_answer(answer)]
    others.sort(key=lambda o: hashlib.sha1(f"{card_id}|{o}".encode()).hexdigest())
    picked = {answer, *others[: n - 1]}
    out: list[str] = []
    for option in [*options, answer]:
        if option in picked and option not in out:
            out.append(option)
    return tuple(out)


def expand(deck_id: str, spec: DeckFile) -> list[DrillCard]:
    """Every card of a written deck, reverse and derived cards included (each after
    the chunk of ten cards it comes from, so one term is not asked twice in a row)."""
    info = spec.deck
    out: list[DrillCard] = []
    by_meaning: dict[str, list[str]] = {}
    for card in spec.cards:
        by_meaning.setdefault(normalize_answer(card.answer), []).append(card.prompt)
    derived: list[DrillCard] = []
    for n, card in enumerate(spec.cards):
        if n % _CHUNK == 0:  # derived cards follow their chunk, not their own card
            out.extend(derived)
            derived = []
        out.append(_forward(deck_id, info.ask, info.mode, card))
        reverse = info.reverse if card.reverse is None else card.reverse
        mode = card.mode or info.mode
        if reverse and mode == "text" and not card.choices:
            terms = by_meaning.get(normalize_answer(card.answer), [])
            derived.append(
                DrillCard(
                    deck=deck_id,
                    id=f"{card.id}-r",
                    prompt=card.answer,
                    answer=card.prompt,
                    ask=info.ask_reverse or "Which term means this?",
                    mode="text",
                    accept=tuple(t for t in terms if t != card.prompt),
                    lookalikes=tuple(
                        Lookalike(term=la.term, meaning=la.meaning, written=la.term)
                        for la in card.lookalikes
                    ),
                    note=card.note,
                    kind="term",
                    guideline=card.guideline,
                    tags=tuple(card.tags),
                )
            )
        if card.system and len(info.systems) >= 2:
            derived.append(
                DrillCard(
                    deck=deck_id,
                    id=f"{card.id}-sys",
                    prompt=f"{card.prompt} ({card.answer})",
                    answer=next(
                        s
                        for s in info.systems
                        if normalize_answer(s) == normalize_answer(card.system)
                    ),
                    ask=_SYSTEM_ASK,
                    mode="choice",
                    choices=_choice_sample(card.id, list(info.systems), card.system),
                    kind="system",
                    tags=tuple(card.tags),
                )
            )
        if card.never_code:
            derived.append(
                DrillCard(
                    deck=deck_id,
                    id=f"{card.id}-never",
                    prompt=f"{card.prompt} ({card.answer})",
                    answer="no",
                    ask=_NEVER_ASK,
                    mode="choice",
                    choices=("yes", "no"),
                    note=card.note,
                    kind="never-code",
                    guideline=card.guideline,
                    tags=tuple(card.tags),
                )
            )
    out.extend(derived)
    return out


def _forward(deck_id: str, ask: str, mode: Any, card: CardSpec) -> DrillCard:
    return DrillCard(
        deck=deck_id,
        id=card.id,
        prompt=card.prompt,
        answer=card.answer,
        ask=card.ask or ask or "What does this mean?",
        mode=card.mode or ("choice" if card.choices else mode),
        accept=tuple(card.accept),
        choices=tuple(card.choices),
        lookalikes=tuple(
            Lookalike(term=la.term, meaning=la.meaning, written=la.meaning)
            for la in card.lookalikes
        ),
        note=card.note,
        kind="meaning",
        guideline=card.guideline,
        tags=tuple(card.tags),
    )


# -- loading -----------------------------------------------------------------------------


def load_deck(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference: Any = None,
    display_path: str | None = None,
    generate: bool = True,
) -> LoadedDeck:
    """Load and check one deck file; ``value`` is None when it has errors.

    A code-facts deck gets its cards from the reference (``reference``, default: the
    installed FY2026 one) unless ``generate`` is False (``validate`` checks the file
    without generating).
    """
    shown = display_path if display_path is not None else str(path)
    try:  # a control character does not stop the check (it is in doc.findings)
        doc = load_yaml_file(path, max_bytes=max_bytes, display_path=shown, collect_controls=True)
    except CodetrainerError as exc:
        return LoadedDeck(shown, None, exc.diagnostics)
    loaded = deck_from_document(doc, reference=reference, generate=generate)
    if doc.findings:  # errors: reported with the rest, and the deck is not used
        loaded.diagnostics[:0] = doc.findings
        loaded.value = None
    return loaded


def deck_from_document(
    doc: YamlDocument, *, reference: Any = None, generate: bool = True
) -> LoadedDeck:
    """Validate a loaded document as a deck (see :func:`load_deck`)."""
    if not is_deck_data(doc.data):
        return LoadedDeck(
            doc.path,
            None,
            [doc.diagnostic((), "not a deck: a deck file starts with 'deck:'", rule="deck-top")],
            doc,
        )
    try:
        spec = DeckFile.model_validate(doc.data)
    except ValidationError as exc:
        return LoadedDeck(doc.path, None, model_diagnostics(doc, DeckFile, exc), doc)
    problems = _checks(doc, spec)
    if count_errors(problems):
        return LoadedDeck(doc.path, None, problems, doc)
    info = spec.deck
    if info.kind == "code-facts":
        cards: list[DrillCard] = []
        if generate and info.generate is not None:
            from codetrainer.core.drills.codefacts import load_code_facts

            if reference is None:
                from codetrainer.core.reference import load_reference

                reference = load_reference()
            generated = load_code_facts(reference, info.generate.seed, info.generate.per_kind)
            cards = [_rehome(c, info.id) for c in generated]
    else:
        cards = expand(info.id, spec)
    deck = Deck(
        id=info.id,
        kind=info.kind,
        title=info.title,
        description=info.description,
        cards=tuple(cards),
        path=doc.path,
    )
    return LoadedDeck(doc.path, deck, problems, doc)


def _rehome(card: DrillCard, deck_id: str) -> DrillCard:
    if card.deck == deck_id:
        return card
    from dataclasses import replace

    return replace(card, deck=deck_id)


def load_decks(
    folders: Iterable[Path] | None = None, *, reference: Any = None
) -> tuple[list[Deck], list[Diagnostic]]:
    """Every deck in the bundled and user folders (or ``folders``), and the problems.

    A deck id used twice keeps the first (bundled before user) and reports the second.
    """
    if folders is None:
        folders = [bundled_decks_dir(), user_decks_dir()]
    decks: list[Deck] = []
    problems: list[Diagnostic] = []
    ids: dict[str, str] = {}
    for path in find_yaml_files([f for f in folders if f.is_dir()]):
        loaded = load_deck(path, reference=reference)
        problems.extend(loaded.diagnostics)
        deck = loaded.value
        if deck is None:
            continue
        if deck.id in ids:
            problems.append(
                Diagnostic(
                    str(path),
                    1,
                    1,
                    "error",
                    f"deck id '{deck.id}' is also used by {ids[deck.id]}; this one is skipped",
                    "deck-duplicate-deck",
                )
            )
            continue
        ids[deck.id] = str(path)
        decks.append(deck)
    return decks, problems
