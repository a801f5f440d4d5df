"""The ``code-facts`` deck: single facts about FY2026 ICD-10-CM codes, right by construction.

Every card is computed from the reference (:mod:`codetrainer.core.reference`, the April
1, 2026 release inside ``simple-icd-10-cm==1.5.0``); nothing about a code is written by
hand except the plain-language encounter scenarios for 7th characters
(:data:`SEVENTH_SCENARIOS`) and the instructions. Kinds:

``billable``       can the code go on a claim as it is (a leaf) or is it a header?
``seventh``        which 7th character for an encounter described in words
``laterality``     which character gives the right, left or both sides
``placeholder``    does the code need the placeholder X before its 7th character
``excludes1``      can two codes be reported together (Excludes1 says never; an
                   Excludes2 note says both may be)
``chapter``        which chapter holds the code
``block``          which block (range) holds the code
``code-title``     which title belongs to a code (choices from its siblings)
``title-code``     which code has a title (typed, checked by structure)
``use-additional`` which category a "use additional code" note asks for

**Why generated at first use and cached, not written into ``content/``:** the facts
must match the reference the learner has installed (the pinned package), the cards
would otherwise copy official titles and notes into our repository, and a graded
slip needs cards for *any* code family, not only the sampled ones
(:func:`cards_for_slip`, :func:`card_from_id`). The deck file
``content/decks/code-facts.yaml`` holds only the seed and the size. Generation is
deterministic: the same seed, size and reference always give the same cards (the
cache file is keyed by all three and by :data:`GENERATOR_VERSION`).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from codetrainer.core.drills.cards import DrillCard, Lookalike
from codetrainer.core.reference import Reference, code_refs, ref_matches

__all__ = [
    "FACT_KINDS",
    "GENERATOR_VERSION",
    "SEVENTH_SCENARIOS",
    "SLIP_KINDS",
    "card_from_id",
    "cards_for_slip",
    "generate_cards",
    "load_code_facts",
    "ref_covers_category",
]

GENERATOR_VERSION = 4
"""Bump when the generated cards change for the same seed and reference."""

DECK_ID = "code-facts"

FACT_KINDS = (
    "billable",
    "seventh",
    "laterality",
    "placeholder",
    "excludes1",
    "chapter",
    "block",
    "code-title",
    "title-code",
    "use-additional",
)

SLIP_KINDS = ("seventh_character", "laterality", "non_billable", "excludes1")
"""Grading kinds (pack-format.md) that queue code-fact cards for the code's family."""

GUIDELINES = {
    "billable": "Official Guidelines Section I.B.2 (level of detail in coding)",
    "seventh": "Official Guidelines Section I.A.5 (7th characters)",
    "seventh-injury": "Official Guidelines Sections I.A.5 and I.C.19.a (7th characters)",
    "laterality": "Official Guidelines Section I.B.13 (laterality)",
    "placeholder": "Official Guidelines Section I.A.4 (placeholder character)",
    "excludes1": "Official Guidelines Section I.A.12.a (Excludes1)",
    "excludes2": "Official Guidelines Section I.A.12.b (Excludes2)",
    "chapter": "Official Guidelines Section I.A.2 (format and structure)",
    "block": "Official Guidelines Section I.A.2 (format and structure)",
    "code-title": "Official Guidelines Section I.B.1 (locating a code)",
    "title-code": "Official Guidelines Section I.B.1 (locating a code)",
    "use-additional": "Official Guidelines Sections I.A.13 and I.B.7 (use additional code)",
}

# Our own words for the encounter each official 7th-character meaning stands for.
_ACTIVE = "the patient is still getting active treatment"
SEVENTH_SCENARIOS: dict[str, str] = {
    "initial encounter": f"{_ACTIVE} for the injury (for example the emergency visit).",
    "subsequent encounter": (
        "active treatment is over; the patient comes back for routine care while healing "
        "(a dressing change, a check-up)."
    ),
    "sequela": (
        "the injury itself has healed; the visit is for a lasting problem it left behind "
        "(a scar, a contracture)."
    ),
    "initial encounter for fracture": f"{_ACTIVE} for the fracture.",
    "initial encounter for closed fracture": (
        f"{_ACTIVE} for a fracture that did not break through the skin."
    ),
    "initial encounter for open fracture": (
        f"{_ACTIVE} for a fracture with a wound down to the bone."
    ),
    "subsequent encounter for fracture with routine healing": (
        "a follow-up after active treatment; the fracture is healing as expected."
    ),
    "subsequent encounter for fracture with delayed healing": (
        "a follow-up after active treatment; the fracture is healing more slowly than expected."
    ),
    "subsequent encounter for fracture with nonunion": (
        "a follow-up after active treatment; the broken ends have not joined."
    ),
    "subsequent encounter for fracture with malunion": (
        "a follow-up after active treatment; the bone has joined in a faulty position."
    ),
    "subsequent encounter for closed fracture with routine healing": (
        "a follow-up of a fracture that did not break the skin; healing as expected."
    ),
    "subsequent encounter for closed fracture with delayed healing": (
        "a follow-up of a fracture that did not break the skin; healing more slowly than expected."
    ),
    "subsequent encounter for closed fracture with nonunion": (
        "a follow-up of a fracture that did not break the skin; the ends have not joined."
    ),
    "subsequent encounter for closed fracture with malunion": (
        "a follow-up of a fracture that did not break the skin; joined in a faulty position."
    ),
    "sequela of fracture": (
        "the fracture has healed; the visit is for a lasting problem it left behind."
    ),
}

_YES_NO = ("yes", "no")
_SIDE_WORDS = ("right", "left", "bilateral")
_WORD = re.compile(r"[a-z]+")


def _compact(code: str) -> str:
    return code.replace(".", "").replace("-", "").lower()


def _card(kind: str, card_id: str, code: str, **fields: Any) -> DrillCard:
    guideline = fields.pop("guideline", GUIDELINES.get(kind, ""))
    return DrillCard(
        deck=DECK_ID,
        id=card_id,
        kind=kind,
        family=code.replace(".", "")[:3],
        guideline=guideline,
        **fields,
    )


def _headline(ref: Reference, code: str) -> str:
    entry = ref.get(code)
    return f"{code}  {entry.description}" if entry else code


# -- one builder per kind: (reference, code ...) -> card or None --------------------------


def billable_card(ref: Reference, code: str) -> DrillCard | None:
    entry = ref.get(code)
    if entry is None or entry.kind not in ("category", "subcategory", "code"):
        return None
    i = ref.index_of(code)
    assert i is not None
    if ref.is_generated_at(i):
        return None
    if entry.billable:
        answer = "yes"
        note = f"{entry.code} is billable: nothing sits below it in the tabular list."
    else:
        below = ref.billable_descendants(entry.code, limit=1)
        if not below:
            return None
        n = ref.count_billable_descendants(entry.code)
        answer = "no"
        extra = " (it needs a 7th character)" if ref.needs_seventh(entry.code) else ""
        note = (
            f"{entry.code} is a header{extra}: {n} billable code{'s' if n != 1 else ''} sit "
            f"below it, for example {below[0]}. Report a complete code."
        )
    return _card(
        "billable",
        f"billable-{_compact(entry.code)}",
        entry.code,
        prompt=_headline(ref, entry.code),
        answer=answer,
        ask="Can this code go on a claim as it is?",
        mode="choice",
        choices=_YES_NO,
        note=note,
        codes=(entry.code,),
    )


def _seventh_options(ref: Reference, code: str) -> list[tuple[str, str, str]]:
    """(7th character, official meaning, full code) for a code that needs a 7th character."""
    i = ref.index_of(code)
    if i is None:
        return []
    suffixes = ref.seventh_suffixes_at(i)
    if not suffixes:
        return []
    entry = ref.entry_at(i)
    meanings = dict(entry.seventh_characters)
    out = []
    for suffix in suffixes:
        ch = suffix[-1]
        full = ref.canonical(entry.code + suffix)
        if full is not None and ch in meanings:
            out.append((ch, meanings[ch], full))
    return out


def seventh_card(ref: Reference, code: str, ch: str) -> DrillCard | None:
    options = _seventh_options(ref, code)
    found = [o for o in options if o[0] == ch.upper()]
    if not found:
        return None
    char, meaning, full = found[0]
    scenario = SEVENTH_SCENARIOS.get(meaning.strip().lower())
    if scenario is None:
        return None
    same = [o for o in options if SEVENTH_SCENARIOS.get(o[1].strip().lower()) == scenario]
    if len(same) != 1:
        return None
    entry = ref.get(code)
    assert entry is not None
    guideline = GUIDELINES["seventh-injury" if entry.code[0] in "ST" else "seventh"]
    return _card(
        "seventh",
        f"seventh-{_compact(entry.code)}-{char.lower()}",
        entry.code,
        prompt=f"{entry.code}_  {entry.description}",
        answer=char,
        accept=(full,),
        ask=f"Which 7th character? Encounter: {scenario}",
        mode="code",
        note=f"{full}: the 7th character {char} stands for '{meaning}'.",
        codes=(full,),
        guideline=guideline,
    )


def _side(description: str) -> str | None:
    words = set(_WORD.findall(description.lower()))
    sides = [s for s in _SIDE_WORDS if s in words]
    return sides[0] if len(sides) == 1 else None


def _sided_children(ref: Reference, code: str) -> dict[str, list[str]]:
    i = ref.index_of(code)
    out: dict[str, list[str]] = {}
    if i is None:
        return out
    for j in ref.child_positions(i):
        if ref.is_generated_at(j) or ref.kind_at(j) not in ("subcategory", "code"):
            continue
        side = _side(ref.description_at(j))
        if side is not None:
            out.setdefault(side, []).append(ref.code_at(j))
    return out


def _qualifier(ref: Reference, parent: str, child: str) -> str:
    """The words that set a sided child apart from its parent (``leg`` in "Pain in right
    leg" under "Pain in limb"), without the side."""
    parent_entry, child_entry = ref.get(parent), ref.get(child)
    if parent_entry is None or child_entry is None:
        return ""
    known = set(_WORD.findall(parent_entry.description.lower())) | set(_SIDE_WORDS)
    words = [w for w in _WORD.findall(child_entry.description.lower()) if w not in known]
    return " ".join(dict.fromkeys(words))


def _laterality_targets(ref: Reference, code: str) -> dict[str, str]:
    """Card key (``right`` or ``right-leg``) -> child code, for every side a learner can be
    asked about without ambiguity."""
    sided = _sided_children(ref, code)
    out: dict[str, str] = {}
    if len(sided) < 2:
        return out
    for side, children in sided.items():
        if len(children) == 1:
            out[side] = children[0]
            continue
        quals = {c: _qualifier(ref, code, c) for c in children}
        if all(quals.values()) and len(set(quals.values())) == len(children):
            for c, q in quals.items():
                out[f"{side}-{q.replace(' ', '-')}"] = c
    return out


def laterality_card(ref: Reference, code: str, side: str) -> DrillCard | None:
    """``side`` is ``right``, ``left``, ``bilateral``, or one of them with the words that
    tell siblings apart (``right-leg``) when a side has several children."""
    entry = ref.get(code)
    if entry is None or entry.billable:
        return None
    child = _laterality_targets(ref, entry.code).get(side)
    if child is None or len(_compact(child)) != len(_compact(entry.code)) + 1:
        return None
    char = child[-1]
    child_entry = ref.get(child)
    assert child_entry is not None
    where, _, what = side.partition("-")
    target = "both sides" if where == "bilateral" else f"the {where} side"
    target += f" ({what.replace('-', ' ')})" if what else ""
    return _card(
        "laterality",
        f"laterality-{_compact(entry.code)}-{side}",
        entry.code,
        prompt=f"{entry.code}_  {entry.description}",
        answer=char,
        accept=(child,),
        ask=f"Which character comes next for {target}?",
        mode="code",
        note=f"{child}: {child_entry.description}.",
        codes=(child,),
    )


def placeholder_card(ref: Reference, code: str) -> DrillCard | None:
    options = _seventh_options(ref, code)
    if not options:
        return None
    entry = ref.get(code)
    assert entry is not None
    full = options[0][2]
    suffix = full[len(entry.code) :]
    needs_x = "X" in suffix[:-1]
    if needs_x:
        note = (
            f"{entry.code} has fewer than six characters, so X holds the empty place(s) "
            f"before the 7th character: for example {full}."
        )
    else:
        note = f"{entry.code} already has six characters: the 7th follows directly ({full})."
    return _card(
        "placeholder",
        f"placeholder-{_compact(entry.code)}",
        entry.code,
        prompt=_headline(ref, entry.code),
        answer="yes" if needs_x else "no",
        ask="Does this code take the placeholder X before its 7th character?",
        mode="choice",
        choices=_YES_NO,
        note=note,
        codes=(entry.code, full),
    )


def _excludes2_link(ref: Reference, a: str, b: str) -> str | None:
    for first, second in ((a, b), (b, a)):
        for where, note in ref.notes_in_effect(first, "excludes2"):
            for r in code_refs(note):
                if ref_matches(r, second) and not ref_matches(r, first):
                    return f"Excludes2 note at {where}: {note}"
    return None


def excludes1_card(ref: Reference, a: str, b: str) -> DrillCard | None:
    ea, eb = ref.get(a), ref.get(b)
    if ea is None or eb is None or not ea.billable or not eb.billable or ea.code == eb.code:
        return None
    conflict = ref.excludes1_conflict(ea.code, eb.code)
    if conflict is not None:
        answer = "no"
        note = f"{conflict}. Excludes1 means the two are never coded together."
        guideline = GUIDELINES["excludes1"]
    else:
        link = _excludes2_link(ref, ea.code, eb.code)
        if link is None:
            return None
        answer = "yes"
        note = (
            f"{link}. Excludes2 means 'not part of this code': when the patient has both, "
            "both are coded."
        )
        guideline = GUIDELINES["excludes2"]
    return _card(
        "excludes1",
        f"excludes1-{_compact(ea.code)}-{_compact(eb.code)}",
        ea.code,
        prompt=f"{ea.code}  {ea.description}\n{eb.code}  {eb.description}",
        answer=answer,
        ask="Can these two codes be reported together for one patient?",
        mode="choice",
        choices=_YES_NO,
        note=note,
        codes=(ea.code, eb.code),
        guideline=guideline,
    )


_RANGE = re.compile(r"\s*\([A-Z0-9.\-]+\)\s*$")


def _strip_range(text: str) -> str:
    return _RANGE.sub("", text).strip()


def _pick(rng: random.Random, pool: list[str], answer: str, n: int = 3) -> list[str]:
    others = sorted({p for p in pool if p != answer})
    return rng.sample(others, min(n, len(others)))


def chapter_card(ref: Reference, code: str) -> DrillCard | None:
    entry = ref.get(code)
    if entry is None or not entry.billable:
        return None
    chapters = ref.chapters()
    mine = ref.ancestors(entry.code)[-1]
    label = {c.code: f"Chapter {c.code}: {_strip_range(c.description)}" for c in chapters}
    card_id = f"chapter-{_compact(entry.code)}"
    rng = random.Random(card_id)
    picked = _pick(rng, [c.code for c in chapters], mine.code)
    order = [c.code for c in chapters]
    choices = tuple(label[c] for c in sorted({mine.code, *picked}, key=order.index))
    return _card(
        "chapter",
        card_id,
        entry.code,
        prompt=_headline(ref, entry.code),
        answer=label[mine.code],
        ask="Which chapter of the tabular list holds this code?",
        mode="choice",
        choices=choices,
        note=f"Chapter {mine.code} is {mine.description}.",
        codes=(entry.code,),
    )


def block_card(ref: Reference, code: str) -> DrillCard | None:
    entry = ref.get(code)
    if entry is None or not entry.billable:
        return None
    ancestors = ref.ancestors(entry.code)
    blocks = [a for a in ancestors if a.kind == "block"]
    if not blocks:
        return None
    block = blocks[-1]  # the outermost block under the chapter
    chapter = ancestors[-1]
    siblings = [c for c in ref.children(chapter.code) if c.kind == "block"]
    label = {b.code: f"{b.code}  {_strip_range(b.description)}" for b in siblings}
    if block.code not in label or len(label) < 3:
        return None
    card_id = f"block-{_compact(entry.code)}"
    rng = random.Random(card_id)
    picked = _pick(rng, list(label), block.code)
    order = list(label)
    choices = tuple(label[b] for b in sorted({block.code, *picked}, key=order.index))
    return _card(
        "block",
        card_id,
        entry.code,
        prompt=_headline(ref, entry.code),
        answer=label[block.code],
        ask="Which block (range of categories) holds this code?",
        mode="choice",
        choices=choices,
        note=f"{entry.code} sits in block {block.code}, chapter {chapter.code}.",
        codes=(entry.code,),
    )


def _siblings(ref: Reference, code: str) -> list[str]:
    """Billable codes of the same category (not generated), tabular order."""
    category = code.replace(".", "")[:3]
    return [c for c in ref.billable_descendants(category) if c != code and "X" not in c[4:][:-1]][
        :400
    ]


def code_title_card(ref: Reference, code: str) -> DrillCard | None:
    entry = ref.get(code)
    if entry is None or not entry.billable:
        return None
    titles: dict[str, str] = {}
    for sib in _siblings(ref, entry.code):
        desc = ref.get(sib)
        if desc is not None and desc.description != entry.description:
            titles.setdefault(desc.description, sib)
    if len(titles) < 3:
        return None
    card_id = f"code-title-{_compact(entry.code)}"
    rng = random.Random(card_id)
    picked = rng.sample(sorted(titles), 3)
    choices = sorted([entry.description, *picked])
    return _card(
        "code-title",
        card_id,
        entry.code,
        prompt=entry.code,
        answer=entry.description,
        ask="Which title belongs to this code?",
        mode="choice",
        choices=tuple(choices),
        lookalikes=tuple(Lookalike(term=titles[t], meaning=t, written=t) for t in sorted(picked)),
        note="The other choices are codes of the same category: "
        + ", ".join(f"{titles[t]} {t}" for t in sorted(picked))
        + ".",
        codes=(entry.code, *(titles[t] for t in sorted(picked))),
    )


def title_code_card(
    ref: Reference, code: str, unique: dict[str, int] | None = None
) -> DrillCard | None:
    entry = ref.get(code)
    if entry is None or not entry.billable:
        return None
    i = ref.index_of(entry.code)
    assert i is not None
    if ref.is_generated_at(i):
        return None
    if unique is not None and unique.get(entry.description, 0) != 1:
        return None
    sibs = _siblings(ref, entry.code)
    near = [s for s in sibs if s[:-1] == entry.code[:-1]][:3]
    looks = []
    for s in near:
        e = ref.get(s)
        if e is not None:
            looks.append(Lookalike(term=s, meaning=e.description, written=s))
    return _card(
        "title-code",
        f"title-code-{_compact(entry.code)}",
        entry.code,
        prompt=entry.description,
        answer=entry.code,
        ask="Which code has this title? (type it)",
        mode="code",
        lookalikes=tuple(looks),
        note=f"{entry.code} is billable; check the tabular list before you report it.",
        codes=(entry.code,),
    )


def use_additional_card(ref: Reference, code: str) -> DrillCard | None:
    entry = ref.get(code)
    if entry is None or not entry.billable:
        return None
    notes = ref.notes_in_effect(entry.code, "use_additional")
    refs: list[tuple[str, str]] = []
    first_note: tuple[str, str] | None = None
    for where, note in notes:
        found = code_refs(note)
        if found and first_note is None:
            first_note = (where, note)
        refs.extend(found)
    if not refs or first_note is None:
        return None
    answer_cat = ref.canonical(code_refs(first_note[1])[0][0][:3])
    if answer_cat is None:
        return None
    answer_entry = ref.get(answer_cat)
    if answer_entry is None or answer_entry.kind != "category":
        return None
    card_id = f"use-additional-{_compact(entry.code)}"
    rng = random.Random(card_id)
    pool = []
    for pos in ref.category_positions():
        cat = ref.code_at(pos)
        if cat[0] == answer_cat[0] or cat[0] == entry.code[0]:
            continue
        if any(ref_covers_category(r, cat) for r in refs):
            continue
        pool.append(cat)
    picked = rng.sample(pool, 3)
    label = {c: f"{c}  {ref.description_at(ref.index_of(c) or 0)}" for c in [answer_cat, *picked]}
    choices = tuple(label[c] for c in sorted(label))
    where, note = first_note
    return _card(
        "use-additional",
        card_id,
        entry.code,
        prompt=_headline(ref, entry.code),
        answer=label[answer_cat],
        ask="A 'use additional code' note applies here. Which category does the companion "
        "code come from?",
        mode="choice",
        choices=choices,
        note=f"The note at {where} reads: {note}",
        codes=(entry.code, answer_cat),
    )


def ref_covers_category(ref: tuple[str, str], category: str) -> bool:
    """True when a note reference (``("N181", "N184")``) points into ``category`` (N18)."""
    return ref[0][:3] <= category <= ref[1][:3]


# -- rebuilding a card from its id ------------------------------------------------------


def card_from_id(ref: Reference, card_id: str) -> DrillCard | None:
    """The code-facts card with this id (any code family, sampled or not), or None."""
    for kind in sorted(FACT_KINDS, key=len, reverse=True):
        prefix = kind + "-"
        if not card_id.startswith(prefix):
            continue
        parts = card_id[len(prefix) :].split("-")
        code = ref.canonical(parts[0]) if parts and parts[0] else None
        if code is None:
            return None
        card: DrillCard | None = None
        if kind == "billable" and len(parts) == 1:
            card = billable_card(ref, code)
        elif kind == "seventh" and len(parts) == 2:
            card = seventh_card(ref, code, parts[1])
        elif kind == "laterality" and len(parts) >= 2:
            card = laterality_card(ref, code, "-".join(parts[1:]))
        elif kind == "placeholder" and len(parts) == 1:
            card = placeholder_card(ref, code)
        elif kind == "excludes1" and len(parts) == 2:
            other = ref.canonical(parts[1])
            card = excludes1_card(ref, code, other) if other else None
        elif len(parts) == 1:
            builders = {
                "chapter": chapter_card,
                "block": block_card,
                "code-title": code_title_card,
                "title-code": title_code_card,
                "use-additional": use_additional_card,
            }
            build = builders.get(kind)
            card = build(ref, code) if build else None
        return card if card is not None and card.id == card_id else None
    return None


# -- slips: cards for the family of a wrong code ------------------------------------------


def cards_for_slip(ref: Reference, slip: str, code: str, limit: int = 4) -> list[DrillCard]:
    """Code-fact cards that drill what a graded slip of kind ``slip`` on ``code`` missed."""
    entry = ref.get(code)
    if entry is None:
        return []
    out: list[DrillCard | None] = []
    if slip == "non_billable":
        out.append(billable_card(ref, entry.code))
        below = ref.billable_descendants(entry.code, limit=1)
        if below:
            out.append(billable_card(ref, below[0]))
    elif slip == "seventh_character":
        base = entry.parent if ref.is_billable(entry.code) and entry.parent else entry.code
        for ch, _meaning, _full in _seventh_options(ref, base):
            out.append(seventh_card(ref, base, ch))
        out.append(placeholder_card(ref, base))
    elif slip == "laterality":
        parents = [entry.parent or entry.code]
        above = ref.get(parents[0])
        if above is not None and above.parent:
            parents.append(above.parent)
        for p in parents:
            for side in _laterality_targets(ref, p):
                out.append(laterality_card(ref, p, side))
    elif slip == "excludes1" and ref.is_billable(entry.code):
        for _where, note in ref.notes_in_effect(entry.code, "excludes1"):
            for r in code_refs(note):
                target = ref.canonical(r[0])
                if target is None:
                    continue
                first = target if ref.is_billable(target) else None
                if first is None:
                    below = ref.billable_descendants(target, limit=1)
                    first = below[0] if below else None
                if first is not None:
                    out.append(excludes1_card(ref, entry.code, first))
    seen: set[str] = set()
    cards: list[DrillCard] = []
    for card in out:
        if card is not None and card.id not in seen:
            seen.add(card.id)
            cards.append(card)
    return cards[:limit]


# -- sampling the deck -------------------------------------------------------------------


def _sample(rng: random.Random, items: list[Any], n: int) -> list[Any]:
    """Up to ``n`` items in a random (seeded) order."""
    return rng.sample(items, min(n, len(items)))


def _take(builder: Any, candidates: Iterable[tuple[Any, ...]], n: int) -> list[DrillCard]:
    out: list[DrillCard] = []
    for args in candidates:
        card = builder(*args)
        if card is not None:
            out.append(card)
            if len(out) >= n:
                break
    return out


def generate_cards(ref: Reference, seed: str, per_kind: int = 150) -> list[DrillCard]:
    """The whole deck: ``per_kind`` cards of each fact kind (fewer where the data has
    fewer), chosen with ``random.Random(seed)`` from the reference in tabular order."""
    rng = random.Random(f"code-facts:{seed}")
    n_items = len(ref)
    headers: list[str] = []
    leaves: list[str] = []
    needs7: list[str] = []
    sided: list[str] = []
    x1: list[str] = []
    x2: list[str] = []
    use_add: list[str] = []
    descriptions: dict[str, int] = {}
    for i in range(n_items):
        kind = ref.kind_at(i)
        if kind in ("chapter", "block") or ref.is_generated_at(i):
            continue
        code = ref.code_at(i)
        if ref.is_billable_at(i):
            leaves.append(code)
            d = ref.description_at(i)
            descriptions[d] = descriptions.get(d, 0) + 1
        else:
            headers.append(code)
            if ref.seventh_suffixes_at(i):
                needs7.append(code)
            elif len(ref.child_positions(i)) >= 2:
                sided.append(code)
        entry = ref.entry_at(i)
        if any(code_refs(n) for n in entry.excludes1):
            x1.append(code)
        if any(code_refs(n) for n in entry.excludes2):
            x2.append(code)
        if any(code_refs(n) for n in entry.use_additional):
            use_add.append(code)
    half = max(1, per_kind // 2)
    cards: list[DrillCard] = []
    # billable: half headers, half billable codes
    cards += _take(
        lambda c: billable_card(ref, c), [(c,) for c in _sample(rng, headers, half * 3)], half
    )
    cards += _take(
        lambda c: billable_card(ref, c),
        [(c,) for c in _sample(rng, leaves, per_kind)],
        per_kind - half,
    )
    # seventh: a code that needs one, a 7th character with a scenario
    picks = []
    for c in _sample(rng, needs7, per_kind * 3):
        chars = [o[0] for o in _seventh_options(ref, c)]
        if chars:
            picks.append((c, rng.choice(chars)))
    cards += _take(lambda c, ch: seventh_card(ref, c, ch), picks, per_kind)
    # laterality: parents whose children name sides
    lat: list[tuple[str, str]] = []
    for c in sided:
        lat.extend((c, side) for side in sorted(_laterality_targets(ref, c)))
    cards += _take(
        lambda c, s: laterality_card(ref, c, s), _sample(rng, lat, per_kind * 2), per_kind
    )
    # placeholder: half need X, half do not
    with_x: list[str] = []
    without_x: list[str] = []
    for c in needs7:
        (with_x if len(c.replace(".", "")) < 6 else without_x).append(c)
    cards += _take(
        lambda c: placeholder_card(ref, c), [(c,) for c in _sample(rng, with_x, half)], half
    )
    cards += _take(
        lambda c: placeholder_card(ref, c),
        [(c,) for c in _sample(rng, without_x, per_kind)],
        per_kind - half,
    )
    # excludes1 ("no") and excludes2 ("yes") pairs
    cards += _take(
        lambda a, b: excludes1_card(ref, a, b), _pairs(ref, rng, x1, "excludes1", half * 3), half
    )
    cards += _take(
        lambda a, b: excludes1_card(ref, a, b),
        _pairs(ref, rng, x2, "excludes2", per_kind * 3),
        per_kind - half,
    )
    # chapter, block, titles
    for build in (chapter_card, block_card, code_title_card):
        chosen = [(c,) for c in _sample(rng, leaves, per_kind * 2)]
        cards += _take(lambda c, b=build: b(ref, c), chosen, per_kind)
    chosen = [(c,) for c in _sample(rng, leaves, per_kind * 2)]
    cards += _take(lambda c: title_code_card(ref, c, descriptions), chosen, per_kind)
    # use additional code: a billable code under an entry with such a note
    ua = []
    for c in _sample(rng, use_add, per_kind * 2):
        if ref.is_billable(c):
            ua.append((c,))
        else:
            below = ref.billable_descendants(c, limit=50)
            if below:
                ua.append((rng.choice(below),))
    cards += _take(lambda c: use_additional_card(ref, c), ua, per_kind)
    seen: set[str] = set()
    by_kind: dict[str, list[DrillCard]] = {}
    for card in cards:
        if card.id not in seen:
            seen.add(card.id)
            by_kind.setdefault(card.kind, []).append(card)
    # interleave the kinds, so that a session of new cards mixes every kind of fact
    mixed: list[DrillCard] = []
    queues = [by_kind[k] for k in FACT_KINDS if k in by_kind]
    for i in range(max((len(q) for q in queues), default=0)):
        mixed.extend(q[i] for q in queues if i < len(q))
    return mixed


def _pairs(
    ref: Reference, rng: random.Random, owners: list[str], field: str, n: int
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for owner in _sample(rng, owners, n):
        entry = ref.get(owner)
        if entry is None:
            continue
        a = owner if entry.billable else next(iter(ref.billable_descendants(owner, limit=1)), None)
        if a is None:
            continue
        refs = [r for note in getattr(entry, field) for r in code_refs(note)]
        if not refs:
            continue
        first = rng.choice(refs)[0]
        target = ref.canonical(first)
        if target is None:
            continue
        b = (
            target
            if ref.is_billable(target)
            else next(iter(ref.billable_descendants(target, limit=1)), None)
        )
        if b is not None and b != a:
            out.append((a, b))
    return out


# -- cache -------------------------------------------------------------------------------


def _from_dict(data: dict[str, Any]) -> DrillCard:
    return DrillCard(
        deck=DECK_ID,
        id=str(data["id"]),
        prompt=str(data["prompt"]),
        answer=str(data["answer"]),
        ask=str(data.get("ask", "")),
        mode=data.get("mode", "text"),
        accept=tuple(data.get("accept", ())),
        choices=tuple(data.get("choices", ())),
        lookalikes=tuple(
            Lookalike(term=la["term"], meaning=la["meaning"], written=la["written"])
            for la in data.get("lookalikes", ())
        ),
        note=str(data.get("note", "")),
        kind=str(data.get("kind", "")),
        family=str(data.get("family", "")),
        codes=tuple(data.get("codes", ())),
        guideline=str(data.get("guideline", "")),
    )


def cache_file(ref: Reference, seed: str, per_kind: int, cache_dir: Path | None = None) -> Path:
    """Where the generated deck for this reference, seed and size is kept."""
    if cache_dir is None:
        from codetrainer import paths

        cache_dir = paths.cache_dir()
    key = hashlib.sha1(
        f"{ref.fingerprint}|{GENERATOR_VERSION}|{seed}|{per_kind}".encode()
    ).hexdigest()[:16]
    return Path(cache_dir) / f"drill-code-facts-{key}.json"


def load_code_facts(
    ref: Reference, seed: str, per_kind: int = 150, cache_dir: Path | None = None
) -> list[DrillCard]:
    """The generated deck, from the cache when it is there (else generated and cached)."""
    target = cache_file(ref, seed, per_kind, cache_dir)
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and raw.get("version") == GENERATOR_VERSION:
            return [_from_dict(d) for d in raw["cards"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    cards = generate_cards(ref, seed, per_kind)
    payload = {
        "version": GENERATOR_VERSION,
        "fingerprint": ref.fingerprint,
        "seed": seed,
        "per_kind": per_kind,
        "cards": [c.to_dict() for c in cards],
    }
    try:
        from codetrainer.fileio import write_text_atomic

        write_text_atomic(target, json.dumps(payload, ensure_ascii=False))
    except OSError:
        pass  # a read-only cache folder: the deck still works, generated each time
    return cards
