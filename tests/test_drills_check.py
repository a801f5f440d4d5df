"""Answer checking: a table for each verdict kind, every bundled look-alike, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codetrainer.core.drills.cards import DrillCard, Lookalike
from codetrainer.core.drills.check import VERDICT_KINDS, check_answer, vocabulary
from codetrainer.core.drills.decks import bundled_decks_dir, load_deck

HYPER = DrillCard(
    deck="t",
    id="hypertension",
    prompt="hypertension",
    answer="high blood pressure",
    lookalikes=(Lookalike("hypotension", "low blood pressure", "low blood pressure"),),
)
HYPER_R = DrillCard(
    deck="t",
    id="hypertension-r",
    prompt="high blood pressure",
    answer="hypertension",
    kind="term",
    lookalikes=(Lookalike("hypotension", "low blood pressure", "hypotension"),),
)
ECTOMY_R = DrillCard(
    deck="t",
    id="ectomy-r",
    prompt="surgical removal",
    answer="-ectomy",
    kind="term",
    lookalikes=(
        Lookalike("-otomy", "cutting into", "-otomy"),
        Lookalike("-ostomy", "making a new opening", "-ostomy"),
    ),
)
YES_NO = DrillCard(
    deck="t", id="yn", prompt="E11", answer="no", mode="choice", choices=("yes", "no")
)
CODE = DrillCard(
    deck="t",
    id="c",
    prompt="Acute pharyngitis, unspecified",
    answer="J02.9",
    mode="code",
    lookalikes=(Lookalike("J02.0", "Streptococcal pharyngitis", "J02.0"),),
)


@pytest.mark.parametrize(
    ("card", "text", "verdict", "kind"),
    [
        # correct: case, punctuation, hyphens, word order and articles do not matter
        (HYPER, "high blood pressure", "correct", "correct"),
        (HYPER, "High Blood Pressure.", "correct", "correct"),
        (HYPER, "pressure, high blood", "correct", "correct"),
        (HYPER_R, "Hypertension", "correct", "correct"),
        (ECTOMY_R, "ectomy", "correct", "correct"),
        (ECTOMY_R, "-ectomy", "correct", "correct"),
        (YES_NO, "no", "correct", "correct"),
        (YES_NO, "N", "correct", "correct"),
        (YES_NO, "2", "correct", "correct"),
        (CODE, "j029", "correct", "correct"),
        (CODE, " J02.9 ", "correct", "correct"),
        # typo: a long word one slip away is forgiven and corrected
        (HYPER_R, "hypertention", "correct", "typo"),
        (HYPER_R, "hypertenison", "correct", "typo"),
        (HYPER, "high blood presure", "correct", "typo"),
        # confusable: never accepted, even when it is one letter away
        (HYPER_R, "hypotension", "wrong", "confusable"),
        (HYPER_R, "hypotenshun", "wrong", "confusable"),
        (HYPER, "low blood pressure", "wrong", "confusable"),
        (ECTOMY_R, "-ostomy", "wrong", "confusable"),
        (ECTOMY_R, "otomy", "wrong", "confusable"),
        (CODE, "J02.0", "wrong", "confusable"),
        # partial: some of the key words, or the right start of a code
        (HYPER, "blood pressure", "partial", "partial"),
        (HYPER, "hight blood pressure", "partial", "partial"),
        (CODE, "J02", "partial", "partial"),
        # wrong
        (HYPER, "kidney stone", "wrong", "wrong"),
        (HYPER, "", "wrong", "wrong"),
        (YES_NO, "yes", "wrong", "wrong"),
        (YES_NO, "maybe", "wrong", "wrong"),
        (CODE, "J20.9", "wrong", "wrong"),
        (CODE, "J02.8", "wrong", "wrong"),
        # short words are never forgiven as typos
        (
            DrillCard(deck="t", id="s", prompt="ilium", answer="hip bone"),
            "hip bane",
            "partial",
            "partial",
        ),
    ],
)
def test_verdict_table(card: DrillCard, text: str, verdict: str, kind: str) -> None:
    result = check_answer(card, text)
    assert (result.verdict, result.kinds) == (verdict, (kind,)), result.explanation
    assert kind in VERDICT_KINDS


def test_a_typo_is_shown_corrected() -> None:
    result = check_answer(HYPER_R, "hypertention")
    assert result.corrected == "hypertension"
    assert "'hypertension'" in result.explanation


def test_a_confusable_names_the_lookalike_meaning() -> None:
    result = check_answer(HYPER_R, "hypotension")
    assert result.lookalike is not None and result.lookalike.term == "hypotension"
    assert "low blood pressure" in result.explanation
    assert result.to_dict()["lookalike"] == {"term": "hypotension", "meaning": "low blood pressure"}


def test_codes_are_never_fuzzy_matched() -> None:
    card = DrillCard(deck="t", id="c", prompt="x", answer="S72.001A", mode="code")
    for near in ("S72.001D", "S72.010A", "S72.001"):
        assert check_answer(card, near).verdict != "correct"


def test_another_cards_term_is_not_a_typo() -> None:
    perineal = DrillCard(deck="t", id="a", prompt="perineal", answer="of the perineum")
    peroneal = DrillCard(deck="t", id="b", prompt="peroneal", answer="of the fibula side")
    ask = DrillCard(deck="t", id="a-r", prompt="of the perineum", answer="perineal", kind="term")
    vocab = vocabulary([perineal, peroneal, ask])
    result = check_answer(ask, "peroneal", vocab=vocab)
    assert (result.verdict, result.kinds) == ("wrong", ("confusable",))
    assert "of the fibula side" in result.explanation
    # without the deck's words it is only one letter off: a typo
    assert check_answer(ask, "peroneal").kinds == ("typo",)


# -- every bundled look-alike ------------------------------------------------------------


def _bundled() -> list[tuple[str, DrillCard, Lookalike, dict[str, Lookalike]]]:
    out = []
    for name in ("terms", "abbreviations", "confusables"):
        deck = load_deck(bundled_decks_dir() / f"{name}.yaml").value
        assert deck is not None
        vocab = vocabulary(deck.cards)
        for card in deck.cards:
            for la in card.lookalikes:
                out.append((f"{deck.id}/{card.id}->{la.term}", card, la, vocab))
    return out


BUNDLED = _bundled()


def test_the_confusables_deck_pairs_are_all_covered() -> None:
    names = {case[0].split("/")[0] for case in BUNDLED}
    assert "confusables" in names
    assert sum(1 for c in BUNDLED if c[0].startswith("confusables/")) >= 120


@pytest.mark.parametrize(
    ("name", "card", "lookalike", "vocab"), BUNDLED, ids=[c[0] for c in BUNDLED]
)
def test_every_bundled_lookalike_is_confusable_never_correct(
    name: str, card: DrillCard, lookalike: Lookalike, vocab: dict[str, Lookalike]
) -> None:
    swapped = check_answer(card, lookalike.written, vocab=vocab)
    assert swapped.verdict == "wrong"
    assert swapped.kinds == ("confusable",)
    assert lookalike.meaning in swapped.explanation
    own = check_answer(card, card.answer, vocab=vocab)
    assert own.verdict == "correct" and own.kinds == ("correct",)


# -- properties --------------------------------------------------------------------------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)
_phrase = st.lists(_word, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(answer=_phrase, other=_phrase, mode=st.sampled_from(["text", "choice", "code"]))
def test_own_answer_always_correct_and_lookalike_never(answer: str, other: str, mode: str) -> None:
    from codetrainer.core.drills.check import normalize_answer

    if mode == "code":
        answer, other = answer.replace(" ", "").upper(), other.replace(" ", "").upper()
    if normalize_answer(answer) == normalize_answer(other) or answer.replace(
        " ", ""
    ) == other.replace(" ", ""):
        return
    choices = (answer, other) if mode == "choice" else ()
    card = DrillCard(
        deck="p",
        id="p",
        prompt="prompt",
        answer=answer,
        mode=mode,  # type: ignore[arg-type]
        choices=choices,
        lookalikes=(Lookalike(term=other, meaning=f"meaning of {other}", written=other),),
    )
    assert check_answer(card, answer).verdict == "correct"
    swapped = check_answer(card, other)
    assert swapped.verdict != "correct"
    assert swapped.kinds == ("confusable",)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_any_input_gets_a_documented_kind(text: str) -> None:
    for card in (HYPER, HYPER_R, ECTOMY_R, YES_NO, CODE):
        result = check_answer(card, text)
        assert result.verdict in ("correct", "partial", "wrong")
        assert set(result.kinds) <= set(VERDICT_KINDS)
        if "confusable" in result.kinds:
            assert result.verdict == "wrong"


_ALL = [(card, vocab) for _n, card, _la, vocab in BUNDLED]


def _perturb(text: str, data: st.DataObject) -> str:
    """The same answer as a person might type it: case, spaces, a full stop."""
    cased = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in text)
    spaced = data.draw(st.sampled_from(["", " ", "  "])) + cased.replace(" ", "  ")
    return spaced + data.draw(st.sampled_from(["", ".", " ", "!"]))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_bundled_cards_own_answer_correct_lookalike_never(data: st.DataObject) -> None:
    card, vocab = data.draw(st.sampled_from(_ALL))
    own = check_answer(card, _perturb(card.answer, data), vocab=vocab)
    assert own.verdict == "correct", (card.id, own)
    la = data.draw(st.sampled_from(card.lookalikes))
    swapped = check_answer(card, _perturb(la.written, data), vocab=vocab)
    assert swapped.verdict == "wrong" and swapped.kinds == ("confusable",), (card.id, swapped)
