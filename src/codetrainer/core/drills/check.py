"""Checking a drill answer: one verdict, the kinds that explain it, and a sentence.

Verdicts are ``correct``, ``partial`` or ``wrong``; the kinds say why:

* ``correct``: the answer (or an accepted alternative), ignoring case, punctuation,
  hyphens, slashes, a leading article and word order;
* ``typo``: still **correct**, but a long word (6+ letters) was misspelt by one edit (two
  for 10+ letters); the explanation shows the right spelling;
* ``confusable``: always **wrong**. The answer is (or is closer to) a listed look-alike
  (words that all belong to the answer, such as ``blood pressure`` for ``high blood
  pressure``, are never taken for a look-alike),
  or another card's term or meaning in the same deck; the explanation gives the
  look-alike's meaning. A confusable is checked *before* a typo is forgiven, so
  ``hypotension`` is never taken as a misspelt ``hypertension``;
* ``partial``: at least half of the answer's key words are there, not all of them (for a
  code: the right start, but characters missing);
* ``wrong``: none of the above.

Free text is matched with rapidfuzz. ``code`` cards never are: a code is right or not by
its characters (``e119`` is ``E11.9``; ``E11.8`` is wrong however similar it looks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from codetrainer.core.drills.cards import DrillCard, Lookalike

__all__ = [
    "VERDICTS",
    "VERDICT_KINDS",
    "CheckResult",
    "check_answer",
    "normalize_answer",
    "vocabulary",
]

VERDICTS = ("correct", "partial", "wrong")
VERDICT_KINDS = ("correct", "typo", "confusable", "partial", "wrong")
"""Every kind :func:`check_answer` reports (documented in docs/user-guide.md)."""

Verdict = Literal["correct", "partial", "wrong"]

_TYPO_MIN = 6
"""A word needs this many letters before a one-letter slip in it is forgiven."""
_TYPO_TWO = 10
"""From this length two slips are forgiven."""
_CLOSE = 80.0
"""How close (rapidfuzz ratio) an answer must be to a look-alike to count as it."""
_ARTICLES = frozenset({"a", "an", "the"})
_STOP = frozenset({"a", "an", "the", "of", "to", "in", "on", "or", "and", "with", "for", "by"})
_PUNCT = re.compile(r"[^\w\s]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one answer."""

    verdict: Verdict
    kinds: tuple[str, ...]
    explanation: str
    expected: str
    given: str
    corrected: str | None = None
    """For a forgiven typo: the answer as it is spelt."""
    lookalike: Lookalike | None = None
    """For a confusable: the look-alike the answer matched."""

    @property
    def is_correct(self) -> bool:
        return self.verdict == "correct"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``codetrainer drill check --json``."""
        out: dict[str, Any] = {
            "verdict": self.verdict,
            "kinds": list(self.kinds),
            "explanation": self.explanation,
            "expected": self.expected,
            "given": self.given,
        }
        if self.corrected is not None:
            out["corrected"] = self.corrected
        if self.lookalike is not None:
            out["lookalike"] = {"term": self.lookalike.term, "meaning": self.lookalike.meaning}
        return out


# -- normalizing -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    text = text.casefold().replace("&", " and ")
    # slashes and hyphens join word parts (cardi/o, -ectomy, s/p): drop them, no space
    text = text.replace("/", "").replace("-", "").replace("\u2010", "").replace("\u2011", "")
    text = _PUNCT.sub(" ", text)
    words = text.split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return words


def normalize_answer(text: str) -> str:
    """Lower case, no punctuation, single spaces, no leading article."""
    return " ".join(_words(text))


def _compact(text: str) -> str:
    return "".join(_words(text))


def _sorted_words(text: str) -> str:
    return " ".join(sorted(_words(text)))


def _code_compact(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


# -- vocabulary: every term and meaning of a deck ----------------------------------------


def vocabulary(cards: Sequence[DrillCard]) -> dict[str, Lookalike]:
    """Compact text -> what it is, for every term and meaning of a text deck.

    An answer that is exactly another card's term or meaning is never forgiven as a
    typo of this card's answer: the learner wrote a real, different word.
    """
    out: dict[str, Lookalike] = {}
    for card in cards:
        if card.mode != "text" or card.kind not in ("meaning", "term"):
            continue
        if card.kind == "meaning":
            term, meaning = card.prompt, card.answer
        else:
            term, meaning = card.answer, card.prompt
        for written in (term, meaning):
            key = _compact(written)
            if key and key not in out:
                out[key] = Lookalike(term=term, meaning=meaning, written=written)
    return out


# -- the check ---------------------------------------------------------------------------


def check_answer(
    card: DrillCard, given: str, *, vocab: Mapping[str, Lookalike] | None = None
) -> CheckResult:
    """Check ``given`` against ``card``; ``vocab`` (see :func:`vocabulary`) widens the
    look-alikes to every other term and meaning of the deck."""
    text = given.strip()
    if card.mode == "code":
        return _check_code(card, text)
    if card.mode == "choice" or card.choices:
        return _check_choice(card, text)
    return _check_text(card, text, vocab or {})


def _result(
    card: DrillCard,
    given: str,
    verdict: Verdict,
    kind: str,
    explanation: str,
    *,
    corrected: str | None = None,
    lookalike: Lookalike | None = None,
) -> CheckResult:
    if card.note:
        explanation = f"{explanation} {card.note}"
    return CheckResult(
        verdict=verdict,
        kinds=(kind,),
        explanation=explanation,
        expected=card.answer,
        given=given,
        corrected=corrected,
        lookalike=lookalike,
    )


def _confusable(card: DrillCard, given: str, la: Lookalike) -> CheckResult:
    wrote_term = _compact(given) == _compact(la.term) or _code_compact(given) == _code_compact(
        la.term
    )
    if wrote_term or _compact(la.written) == _compact(la.term):
        what = f"'{la.term}' means {la.meaning}"
    else:
        what = f"{la.meaning} is what '{la.term}' means"
    return _result(
        card,
        given,
        "wrong",
        "confusable",
        f"Not the same thing: {what}. The answer is '{card.answer}'.",
        lookalike=la,
    )


def _is_typo(given: str, target: str) -> bool:
    """Same words, each equal or (a long word) one slip away (two for 10+ letters)."""
    g, t = _words(given), _words(target)
    if len(g) != len(t) or g == t:
        return False
    for a, b in zip(g, t, strict=True):
        if a == b:
            continue
        if len(b) < _TYPO_MIN or not (a.isalpha() and b.isalpha()):
            return False
        allowed = 2 if len(b) >= _TYPO_TWO else 1
        if DamerauLevenshtein.distance(a, b) > allowed:
            return False
    return True


def _key_words(text: str) -> list[str]:
    return [w for w in _words(text) if w not in _STOP] or _words(text)


def _word_found(word: str, given: list[str]) -> bool:
    for g in given:
        if g == word:
            return True
        if len(word) >= _TYPO_MIN and DamerauLevenshtein.distance(g, word) <= 1:
            return True
    return False


def _coverage(given: str, target: str) -> float:
    keys = _key_words(target)
    if not keys:
        return 0.0
    words = _words(given)
    found = sum(1 for k in keys if _word_found(k, words))
    return found / len(keys)


def _check_text(card: DrillCard, given: str, vocab: Mapping[str, Lookalike]) -> CheckResult:
    if not _words(given):
        return _result(card, given, "wrong", "wrong", f"No answer given. It is '{card.answer}'.")
    targets = (card.answer, *card.accept)
    g_compact = _compact(given)
    g_sorted = _sorted_words(given)
    for t in targets:
        if g_compact == _compact(t):
            return _result(card, given, "correct", "correct", f"Right: '{card.answer}'.")
    # a confusable is never accepted: exact look-alikes first (before word order) ...
    own = {_compact(t) for t in targets}
    for la in card.lookalikes:
        if g_compact in (_compact(la.written), _compact(la.term)) or g_sorted in (
            _sorted_words(la.written),
            _sorted_words(la.term),
        ):
            return _confusable(card, given, la)
    for t in targets:
        if g_sorted == _sorted_words(t):
            return _result(card, given, "correct", "correct", f"Right: '{card.answer}'.")
    other = vocab.get(g_compact)
    if (
        other is not None
        and g_compact not in own
        and any(_is_typo(other.written, t) or _near(other.written, t) for t in targets)
    ):
        return _confusable(card, given, other)
    # ... then anything closer to a look-alike than to the answer
    norm = normalize_answer(given)
    best_target = max(fuzz.ratio(norm, normalize_answer(t)) for t in targets)
    g_words = set(_words(given))
    inside = any(g_words <= set(_words(t)) for t in targets)
    for la in [] if inside else card.lookalikes:
        score = max(
            fuzz.ratio(norm, normalize_answer(la.written)),
            fuzz.ratio(norm, normalize_answer(la.term)),
        )
        if score >= _CLOSE and score > best_target:
            return _confusable(card, given, la)
    for t in targets:
        if _is_typo(given, t):
            return _result(
                card,
                given,
                "correct",
                "typo",
                f"Right, with a spelling slip: it is written '{t}'.",
                corrected=t,
            )
    if other is not None and g_compact not in own:
        return _result(
            card,
            given,
            "wrong",
            "wrong",
            f"'{other.term}' means {other.meaning}; the answer is '{card.answer}'.",
        )
    best_cover = max(_coverage(given, t) for t in targets)
    if best_cover >= 0.5:
        return _result(
            card,
            given,
            "partial",
            "partial",
            f"Part of it: the full answer is '{card.answer}'.",
        )
    return _result(card, given, "wrong", "wrong", f"Not right: the answer is '{card.answer}'.")


def _near(a: str, b: str) -> bool:
    """Two different words one or two slips apart (how look-alikes trip learners)."""
    x, y = _compact(a), _compact(b)
    return x != y and DamerauLevenshtein.distance(x, y) <= 2


def _resolve_choice(card: DrillCard, given: str) -> str | None:
    choices = card.choices
    raw = given.strip().rstrip(").:").strip()
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= len(choices):
        return choices[int(raw) - 1]
    low = raw.casefold()
    if len(low) == 1 and low in _LETTERS[: len(choices)] and not _choice_texts_single(choices):
        return choices[_LETTERS.index(low)]
    compact = _compact(raw)
    for c in choices:
        if compact == _compact(c):
            return c
    code = _code_compact(raw)
    if code:
        for c in choices:
            if code == _code_compact(c.split(" ", 1)[0]):
                return c
    if low in ("y", "n"):
        for c in choices:
            if c.casefold() == ("yes" if low == "y" else "no"):
                return c
    return None


def _choice_texts_single(choices: Sequence[str]) -> bool:
    """Choices that are single letters themselves (7th characters): a letter names one."""
    return any(len(c) == 1 and c.isalpha() for c in choices)


def _check_choice(card: DrillCard, given: str) -> CheckResult:
    chosen = _resolve_choice(card, given)
    if chosen is None:
        if not given:
            return _result(
                card, given, "wrong", "wrong", f"No answer given. It is '{card.answer}'."
            )
        listed = "; ".join(f"{i}. {c}" for i, c in enumerate(card.choices, 1))
        return _result(
            card,
            given,
            "wrong",
            "wrong",
            f"'{given}' is not one of the choices ({listed}). The answer is '{card.answer}'.",
        )
    if chosen == card.answer or chosen in card.accept:
        return _result(card, given, "correct", "correct", f"Right: '{card.answer}'.")
    for la in card.lookalikes:
        if _compact(chosen) in (_compact(la.written), _compact(la.term)):
            return _confusable(card, given, la)
    return _result(card, given, "wrong", "wrong", f"Not '{chosen}': the answer is '{card.answer}'.")


def _check_code(card: DrillCard, given: str) -> CheckResult:
    g = _code_compact(given)
    if not g:
        return _result(card, given, "wrong", "wrong", f"No answer given. It is '{card.answer}'.")
    targets = (card.answer, *card.accept)
    for t in targets:
        if g == _code_compact(t):
            return _result(card, given, "correct", "correct", f"Right: {card.answer}.")
    for la in card.lookalikes:
        if g in (_code_compact(la.written), _code_compact(la.term)):
            return _confusable(card, given, la)
    for t in targets:
        tc = _code_compact(t)
        if len(g) >= 3 and len(tc) > len(g) and tc.startswith(g):
            return _result(
                card,
                given,
                "partial",
                "partial",
                f"The right start, but characters are missing: the answer is {card.answer}.",
            )
    return _result(card, given, "wrong", "wrong", f"Not right: the answer is {card.answer}.")
