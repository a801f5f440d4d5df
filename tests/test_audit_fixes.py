"""The content audit of issue 10, item 5: each finding stays fixed, as a rule where one applies.

The IV.H findings (probable diagnoses on the physician's claim) are in test_claims.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from grading_fixtures import REPO, bundled_packs

from codetrainer.core.models import Case, CodeSet
from codetrainer.core.packs import load_codeset, load_pack
from codetrainer.core.reference import Reference, load_reference

REF: Reference = load_reference()
CODESETS = REPO / "content" / "codesets"
SAMPLER = REPO / "examples" / "sampler-pack.yaml"


def all_cases() -> list[tuple[str, Case]]:
    out = [(f"{p.pack.id}/{c.id}", c) for _, p in bundled_packs() for c in p.cases]
    sampler = load_pack(SAMPLER).value
    assert sampler is not None
    out += [(f"sampler/{c.id}", c) for c in sampler.cases]
    return out


CASES = all_cases()


def texts(case: Case) -> Iterator[str]:
    """What a learner reads besides the note: explanations, feedback, hints."""
    for dx in case.answer.diagnoses:
        yield dx.why
    for line in case.answer.lines:
        yield line.why
    for mistake in case.mistakes:
        yield mistake.feedback
    yield from case.hints


def codesets() -> list[CodeSet]:
    out = []
    for path in sorted(CODESETS.glob("*.yaml")):
        loaded = load_codeset(path)
        assert loaded.value is not None, loaded.diagnostics
        out.append(loaded.value)
    return out


def codeset_notes(code: str) -> list[str]:
    return [f"{e.description} {e.notes}" for cs in codesets() for e in cs.codes if e.code == code]


def all_content_text() -> str:
    """The prose of the packs and code sets (where rationales live), file by file.

    Other content (lay-term tables, decks, billing data) is lists of words, not sentences,
    and would run into the next file's prose when flattened.
    """
    files = [*sorted((REPO / "content" / "packs").glob("*.yaml"))]
    files += sorted((REPO / "content" / "codesets").glob("*.yaml"))
    parts = [p.read_text(encoding="utf-8") for p in files]
    return ".\n".join([*parts, SAMPLER.read_text(encoding="utf-8")])


def case(name: str) -> Case:
    return dict(CASES)[name]


# -- headers and their history ---------------------------------------------------------

HEADER_SINCE = {"M17.1": "FY2016", "N18.3": "FY2021", "N80.0": "FY2023"}


@pytest.mark.parametrize(("code", "since"), HEADER_SINCE.items())
def test_header_codes_are_not_called_new_in_fy2026(code: str, since: str) -> None:
    entry = REF.get(code)
    assert entry is not None and not entry.billable
    assert REF.billable_descendants(code)
    assert "FY2026 change" not in " ".join(all_content_text().split())
    # every explanation or code-set note that calls the code a header says since when
    chunks = [t for _, c in CASES for t in texts(c)]
    chunks += [f"{e.description} {e.notes}" for cs in codesets() for e in cs.codes]
    seen = 0
    for text in chunks:
        flat = " ".join(text.split())
        if re.search(rf"{re.escape(code)}(?!\d)", flat) and "header" in flat.lower():
            seen += 1
            assert since in flat, flat
            assert "header in FY2026" not in flat, flat
    assert seen >= 2


def test_the_side_of_m17_11_is_its_5th_character() -> None:
    right, left = "M1711", "M1712"
    assert [i for i, (a, b) in enumerate(zip(right, left, strict=True)) if a != b] == [4]
    for name, c in CASES:
        if any(d.code.startswith("M17.1") for d in c.answer.diagnoses):
            for text in texts(c):
                assert not re.search(r"\b(6th|sixth) character", text, re.I), (name, text)


def test_cough_uses_4th_characters() -> None:
    children = REF.billable_descendants("R05")
    assert children and all(len(c.replace(".", "")) == 4 for c in children)
    for note in codeset_notes("R05.9"):
        assert not re.search(r"(5th|fifth) character", note, re.I), note


# -- smoker ----------------------------------------------------------------------------


def test_cigarette_codes_need_cigarettes_in_the_note() -> None:
    """'Smoker' NOS indexes to F17.200; F17.21- needs cigarettes to be stated."""
    assert "unspecified" in (REF.get("F17.200").description or "").lower()  # type: ignore[union-attr]
    assert "cigarettes" in (REF.get("F17.210").description or "").lower()  # type: ignore[union-attr]
    for name, c in CASES:
        if any(d.code.startswith("F17.21") for d in c.answer.diagnoses):
            assert "cigarette" in c.note.lower(), name
    for note in codeset_notes("F17.210"):
        assert "F17.200" in note and "'smoker' here" not in note.lower(), note


# -- CPT summaries and rationales --------------------------------------------------------

AMA_LIKE = (
    "initial hospital inpatient or observation care",
    "subsequent hospital inpatient or observation care",
    "discharge day management",
    "critical care, first",
    "therapeutic, prophylactic",
    "destruction of benign lesions other than skin tags",
)
REWORDED = [
    "99221", "99222", "99223", "99231", "99232", "99233", "99238", "99239", "99291",
    "96372", "17110", "17111",
]  # fmt: skip


@pytest.mark.parametrize("code", REWORDED)
def test_cpt_summaries_are_our_own_words(code: str) -> None:
    summaries = [e.description for cs in codesets() for e in cs.codes if e.code == code]
    assert summaries, code
    for summary in summaries:
        for phrase in AMA_LIKE:
            assert phrase not in summary.lower(), (code, summary)


def test_case_texts_do_not_echo_the_reworded_descriptors() -> None:
    for name, c in CASES:
        for text in texts(c):
            for phrase in AMA_LIKE:
                assert phrase not in text.lower(), (name, text)


@pytest.mark.parametrize("code", ["17110", "17111"])
def test_benign_destruction_summaries_name_the_vascular_exclusion(code: str) -> None:
    for cs in codesets():
        for e in cs.codes:
            if e.code == code:
                assert "vascular" in e.description.lower(), e
                assert "skin tag" in e.description.lower(), e


def test_96372_has_no_global_period_and_25_comes_from_ncci() -> None:
    flat = " ".join(all_content_text().split())
    for sentence in re.split(r"(?<=[.;])\s+", flat):
        if "96372" in sentence and re.search(r"\d+-day global|global period", sentence):
            assert "no global period" in sentence, sentence
    notes = " ".join(codeset_notes("96372")) + " " + " ".join(codeset_notes("25"))
    assert "no global period" in notes and "NCCI" in notes


# -- 7th character A: active treatment, not "first visit" ------------------------------


def test_7th_character_a_is_explained_by_active_treatment() -> None:
    """Guideline I.C.19.a: A while the patient receives active treatment, whichever visit."""
    checked = 0
    for name, c in CASES:
        for text in texts(c):
            flat = " ".join(text.split())
            assert not re.search(r"first visit (of|for) active treatment", flat), (name, flat)
            # an explanation of the 7th character A that speaks of a first visit must say
            # that active treatment is what decides it
            if re.search(r"7th character A\b|character A\b|\bA\b[^.]*initial", flat) and re.search(
                r"first (visit|encounter|time)", flat
            ):
                checked += 1
                assert "active treatment" in flat or "actively treated" in flat, (name, flat)
    assert checked >= 2


def test_sampler_wrist_case_bases_a_on_active_treatment() -> None:
    wrist = case("sampler/wrist-buckle-fracture")
    why = wrist.answer.diagnoses[0].why
    assert "active treatment" in why and "I.C.19.a" in why
    feedback = next(m.feedback for m in wrist.mistakes if m.code == "S52.521D")
    assert "actively treated" in feedback


# -- the notes themselves ----------------------------------------------------------------


def test_sore_throat_patient_is_established_in_the_note() -> None:
    c = case("outpatient-basics/sore-throat-strep-negative")
    assert "Established pt of this practice" in c.note
    visit = next(ln for ln in c.answer.lines if ln.code == "99213")
    assert any("established" in e for e in visit.evidence)


_SEX = re.compile(r"\b\d+ ?(y/o|yo|year-old)\s+(M|F|male|female|man|woman|boy|girl)\b", re.I)
_HE = re.compile(r"\b(he|his|him)\b", re.I)
_SHE = re.compile(r"\b(she|her|hers)\b", re.I)


def test_pronouns_match_the_patient() -> None:
    """The cellulitis case called a male patient "her": explanations follow the note."""
    checked = 0
    for name, c in CASES:
        found = _SEX.search(c.note)
        if found is None:
            continue
        checked += 1
        male = found.group(2).lower() in ("m", "male", "man", "boy")
        wrong = _SHE if male else _HE
        for text in texts(c):
            # a text that names another person (a parent, a son) may use their pronoun
            if re.search(r"\b(mother|father|daughter|son|wife|husband)\b", text):
                continue
            assert not wrong.search(text), (name, text)
    assert checked >= 20


def test_ankle_film_charges_rt_and_says_so() -> None:
    c = case("emergency-injuries/ankle-sprain-urgent-care")
    film = next(ln for ln in c.answer.lines if ln.code == "73610")
    assert film.modifiers == ["RT"]
    assert "RT" in film.why and "payer-specific" not in film.why
    optional = [d.code for d in c.answer.diagnoses if d.optional]
    assert optional == ["Y92.017", "Y93.H2"]
