"""Choose among sibling ICD-10-CM codes by the words a learner typed.

A lay term or an index entry names a code family ("sprained ankle" -> S93.409-); the
rest of the query often says which member: a side (``right``, ``left``,
``bilateral``), an encounter (``initial``, ``subsequent``, ``sequela``) or another
distinguishing word. :func:`refine` walks from a starting code to the sibling or child
whose title says those words, and from a header down to its default child
("unspecified", "without complications") when the query says nothing more, stopping
at a code that only lacks its 7th character (the learner picks that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codetrainer.core.reference import Reference

__all__ = ["SIDE_WORDS", "normalize_words", "refine"]

SIDE_WORDS = frozenset({"right", "left", "bilateral"})
_ENCOUNTER = frozenset({"initial", "subsequent", "sequela"})
_ALIASES = {
    "rt": "right",
    "lt": "left",
    "both": "bilateral",
    "bilat": "bilateral",
    "first": "initial",
    "new": "initial",
    "followup": "subsequent",
    "follow": "subsequent",
    "later": "subsequent",
    "late": "sequela",
}
_DEFAULTS = (
    re.compile(r"\b(?:without|uncomplicated)\b|, unspecified(?: [a-z]+)?$|\bNOS\b", re.I),
    re.compile(r"\bunspecified\b", re.I),
)
"""What the default child of a header says, most telling first ("without status
migrainosus" before "unspecified ..., with status migrainosus")."""


def normalize_words(words: Iterable[str]) -> set[str]:
    """Query words with the usual shorthands for sides and encounters spelled out."""
    return {_ALIASES.get(w, w) for w in words}


def refine(
    ref: Reference,
    i: int,
    leftover: Iterable[str],
    tokenize: Callable[[str], list[str]],
    *,
    descend_default: bool = True,
) -> tuple[int, int]:
    """``(position, words used)``: the code the leftover words point at, from ``i``."""
    words = normalize_words(leftover)
    used = 0
    for _ in range(6):
        if ref.is_generated_at(i):
            break
        step = _sibling(ref, i, words, tokenize)
        if step is not None:
            i, gain = step
            used += gain
            continue
        if ref.is_billable_at(i):
            break
        kids = ref.child_positions(i)
        if not kids:
            break
        if ref.is_generated_at(kids[0]):
            pick = _seventh(ref, kids, words, tokenize)
            if pick is not None:
                i = pick
                used += 1
            break
        scored = [(len(words & set(tokenize(ref.description_at(j)))), j) for j in kids]
        gain, j = max(scored, key=lambda s: (s[0], -s[1]))
        if gain == 0:
            if not descend_default:
                break
            pick = _default_child(ref, kids)
            if pick is None:
                break
            j = pick
        i = j
        used += gain
    return i, used


def _default_child(ref: Reference, kids: list[int]) -> int | None:
    """The child a coder takes when the query names nothing more specific."""
    for j in kids:
        if _DEFAULTS[0].search(ref.description_at(j)):
            return j
    # "unspecified site of unspecified breast" before "unspecified site of right breast"
    counts = [(len(_DEFAULTS[1].findall(ref.description_at(j))), -k) for k, j in enumerate(kids)]
    best = max(counts)
    return kids[-best[1]] if best[0] else None


def _sibling(
    ref: Reference, i: int, words: set[str], tokenize: Callable[[str], list[str]]
) -> tuple[int, int] | None:
    """A sibling naming the side the query says when ``i`` names another."""
    sides = words & SIDE_WORDS
    if not sides:
        return None
    own = set(tokenize(ref.description_at(i)))
    if sides <= own:
        return None
    parent = ref.parent_at(i)
    if parent < 0:
        return None
    best: tuple[int, int] | None = None
    for j in ref.child_positions(parent):
        if j == i or ref.is_generated_at(j):
            continue
        theirs = set(tokenize(ref.description_at(j)))
        if not sides <= theirs:
            continue
        # the sibling should differ from i only by the side words
        score = len(own & theirs) - len(theirs - own - sides)
        if best is None or score > best[1]:
            best = (j, score)
    return (best[0], len(sides)) if best is not None else None


def _seventh(
    ref: Reference, kids: list[int], words: set[str], tokenize: Callable[[str], list[str]]
) -> int | None:
    wanted = words & _ENCOUNTER
    if not wanted:
        return None
    for j in kids:
        meaning = set(tokenize(ref.seventh_meaning_at(j)))
        if wanted <= meaning:
            return j
    return None
