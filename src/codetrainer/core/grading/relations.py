"""How a given code relates to an expected one, decided by structure (never by similarity).

For ICD-10-CM: the same code, a header of it, the code without its 7th character or its
placeholder X, a different 7th character, the other side (laterality, from the reference
descriptions), a less specific sibling ("unspecified"), two swapped characters, another
code of the same category, or one keystroke away. For CPT/HCPCS: the same code, another
level or patient type of the same office visit, swapped characters, the same code family,
or one keystroke away. Anything else is unrelated: the given code is an extra and the
expected one is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from codetrainer.core.codes import System
from codetrainer.core.grading.lookup import Lookup
from codetrainer.core.grading.rubric import CODE_CREDIT

__all__ = [
    "NONE",
    "Relation",
    "icd_relation",
    "is_transposition",
    "procedure_relation",
    "side_of",
]


@dataclass(frozen=True, slots=True)
class Relation:
    """The structural link between one expected code and one given code."""

    rule: str
    """A key of :data:`~codetrainer.core.grading.rubric.CODE_CREDIT`, or ``"none"``."""
    kinds: tuple[str, ...]
    credit: float
    """Fraction of the code's points."""
    keystroke: bool = False
    """The two codes differ by exactly one character (a likely typing slip)."""

    @property
    def pairable(self) -> bool:
        """The two codes are related closely enough to be graded against each other."""
        return self.rule != "none"


NONE = Relation("none", (), 0.0)


def _rel(rule: str, *kinds: str, keystroke: bool = False) -> Relation:
    return Relation(rule, kinds or (rule,), CODE_CREDIT[rule], keystroke)


def is_transposition(a: str, b: str) -> bool:
    """Two neighbouring characters swapped (``J209`` for ``J029``)."""
    return (
        len(a) == len(b)
        and a != b
        and OSA.distance(a, b) == 1
        and Levenshtein.distance(a, b, score_cutoff=2) == 2
    )


_WORDS = re.compile(r"[a-z]+")
_SIDE_NOISE = {"right", "left", "bilateral", "unspecified", "side", "sides", "of", "the"}


def side_of(description: str) -> str | None:
    """``right`` / ``left`` / ``bilateral`` / ``unspecified`` from a description, or None."""
    words = set(_WORDS.findall(description.lower()))
    if "bilateral" in words:
        return "bilateral"
    right, left = "right" in words, "left" in words
    if right and left:
        return None
    if right:
        return "right"
    if left:
        return "left"
    if "unspecified" in words:
        return "unspecified"
    return None


def _unsided(description: str) -> tuple[str, ...]:
    return tuple(w for w in _WORDS.findall(description.lower()) if w not in _SIDE_NOISE)


def _strip_placeholder(chars6: str) -> str:
    return chars6[:4] + chars6[4:6].replace("X", "")


def icd_relation(target: str, given: str, lk: Lookup) -> Relation:
    """Relation of the given canonical ICD-10-CM code to one expected canonical code."""
    return lk.memo_pair(("dx", target, given), _icd_relation, target, given, lk)


def _icd_relation(target: str, given: str, lk: Lookup) -> Relation:
    if target == given:
        return _rel("exact")
    tc = target.replace(".", "")
    gc = given.replace(".", "")
    keystroke = len(tc) == len(gc) and Levenshtein.distance(tc, gc, score_cutoff=1) == 1
    rel = _icd_shape(tc, gc, keystroke, lk, target, given)
    if rel.pairable and lk.has_reference and rel.rule not in ("non_billable",):
        facts = lk.facts(System.ICD10CM, given)
        if facts.exists is False:
            if rel.rule == "wrong_code":
                rel = Relation(rel.rule, ("invalid_code",), 0.0, rel.keystroke)
            elif "invalid_code" not in rel.kinds and rel.rule != "seventh_character_missing":
                rel = Relation(rel.rule, (*rel.kinds, "invalid_code"), rel.credit, rel.keystroke)
    return rel


def _icd_shape(tc: str, gc: str, keystroke: bool, lk: Lookup, target: str, given: str) -> Relation:
    if len(gc) < len(tc) and tc.startswith(gc):
        if len(tc) == 7 and gc == tc[:6]:
            return _rel("seventh_character_missing", "seventh_character")
        if len(tc) == 7 and gc == tc[:6].rstrip("X") and "X" in tc[4:6]:
            return _rel("seventh_character_missing", "seventh_character", "placeholder")
        return _rel("non_billable")
    if len(tc) == 7 and len(gc) == 7 and tc[:6] == gc[:6]:
        return _rel("seventh_character", keystroke=True)
    if len(tc) == 7 and "X" in tc[4:6] and _strip_placeholder(tc[:6]) + tc[6] == gc:
        return _rel("placeholder")
    same_category = tc[:3] == gc[:3]
    if same_category and lk.has_reference:
        t_desc = lk.describe(System.ICD10CM, target)
        g_facts = lk.facts(System.ICD10CM, given)
        g_desc = g_facts.description
        if t_desc and g_desc:
            if len(tc) == len(gc) and sum(a != b for a, b in zip(tc, gc, strict=True)) == 1:
                t_side, g_side = side_of(t_desc), side_of(g_desc)
                if (
                    t_side is not None
                    and g_side is not None
                    and t_side != g_side
                    and _unsided(t_desc) == _unsided(g_desc)
                ):
                    if g_side == "unspecified":
                        return _rel(
                            "laterality_unspecified",
                            "laterality",
                            "less_specific",
                            keystroke=keystroke,
                        )
                    return _rel("laterality", keystroke=keystroke)
            g_words = set(_WORDS.findall(g_desc.lower()))
            t_words = set(_WORDS.findall(t_desc.lower()))
            if g_facts.billable and "unspecified" in g_words and "unspecified" not in t_words:
                return _rel("less_specific", keystroke=keystroke)
    if is_transposition(tc, gc):
        return _rel("transposition")
    if same_category or keystroke:
        return _rel("wrong_code", keystroke=keystroke)
    return NONE


_EM_OFFICE = re.compile(r"^992(0[2-5]|1[1-5])$")


def procedure_relation(target: str, given: str, lk: Lookup) -> Relation:
    """Relation of a given canonical CPT/HCPCS code to one expected canonical code."""
    return lk.memo_pair(("line", target, given), _procedure_relation, target, given, lk)


def _procedure_relation(target: str, given: str, lk: Lookup) -> Relation:
    if target == given:
        return _rel("exact")
    keystroke = len(target) == len(given) and (
        Levenshtein.distance(target, given, score_cutoff=1) == 1
    )
    if _EM_OFFICE.match(target) and _EM_OFFICE.match(given):
        same_type = target[:4] == given[:4]
        rel = _rel(
            "wrong_code",
            "wrong_code",
            "em_level" if same_type else "em_new_established",
            keystroke=keystroke,
        )
    elif is_transposition(target, given):
        rel = _rel("transposition")
    elif (target[:3] == given[:3] and len(target) == len(given)) or keystroke:
        rel = _rel("wrong_code", keystroke=keystroke)
    else:
        return NONE
    system = System.HCPCS if given[:1].isalpha() else System.CPT
    if lk.facts(system, given).billable is False:
        rel = Relation(rel.rule, (*rel.kinds, "invalid_code"), 0.0, rel.keystroke)
    return rel
