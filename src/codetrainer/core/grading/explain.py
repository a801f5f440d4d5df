"""Plain-English explanations for graded items, built from the code data.

Every sentence here is ours; official ICD-10-CM descriptions are quoted as data. Nothing
is markup: the UI renders these strings as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from codetrainer.core.codes import System
from codetrainer.core.grading.lookup import Lookup
from codetrainer.core.grading.relations import Relation, side_of

__all__ = [
    "code_extra",
    "code_missing",
    "code_paired",
    "excludes1_sentence",
    "join",
    "modifier_text",
    "plural",
]


def join(*parts: str | None) -> str:
    """Sentences joined with single spaces, empty parts dropped."""
    return " ".join(p.strip() for p in parts if p and p.strip())


def plural(n: int, word: str) -> str:
    """``1 unit``, ``2 units``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _quote(desc: str | None) -> str:
    return f" '{desc}'" if desc else ""


def _seventh(lk: Lookup, code: str) -> str:
    chars = code.replace(".", "")
    meaning = lk.seventh_meaning(code)
    return f"{chars[-1]} ({meaning})" if meaning else chars[-1]


def code_paired(
    lk: Lookup,
    system: System,
    target: str,
    expected: str,
    given: str,
    raw: str,
    rel: Relation,
    *,
    alternate: bool,
    loose: bool,
) -> str:
    """The automatic explanation for a given code paired with an expected one.

    ``target`` is the key code (or the ``also_accept`` code) the given one relates to;
    ``expected`` is the key code shown to the learner.
    """
    name = lk.name
    given_sys = system
    rule = rel.rule
    kinds = rel.kinds
    if rule == "exact":
        if alternate:
            text = (
                f"Accepted: {name(given_sys, given)} is an alternative the key allows for "
                f"{expected}."
            )
        else:
            text = f"Correct: {name(system, expected)}."
        if loose:
            text += f" You typed '{raw.strip()}'; the standard spelling is {given}."
        return text
    g_desc = lk.describe(given_sys, given)
    if rule == "seventh_character_missing":
        text = (
            f"{given} is {target} without its 7th character, so it cannot be billed; the 7th "
            f"character here is {_seventh(lk, target)}: {name(system, target)}."
        )
        if "placeholder" in kinds:
            text += (
                " The code is shorter than six characters, so placeholder X fills the gap "
                "before the 7th character."
            )
        return text
    if rule == "placeholder":
        return (
            f"{given} is missing the placeholder X: a code that takes a 7th character but has "
            f"fewer than six characters is padded with X, giving {name(system, target)}."
        )
    if rule == "seventh_character":
        g_meaning = lk.seventh_meaning(given)
        what = f"'{g_meaning}'" if g_meaning else f"7th character {given[-1]}"
        text = (
            f"{given} has {what}; the 7th character should be {_seventh(lk, target)}: "
            f"{name(system, target)}."
        )
        if "invalid_code" in kinds:
            text += f" {given[-1]} is not a valid 7th character for this code."
        return text
    if rule == "non_billable":
        level = "category" if len(given.replace(".", "")) == 3 else "subcategory"
        if g_desc:
            head = f"You entered {given}: that is the {level}{_quote(g_desc)}"
        else:
            head = f"You entered {given}: a header (the start of {target})"
        return (
            f"{head}; a billable code needs more characters. Here the note supports "
            f"{name(system, target)}."
        )
    if rule == "laterality_unspecified":
        return (
            f"{name(given_sys, given)} leaves the side unspecified, but the note says which "
            f"side: {name(system, target)}."
        )
    if rule == "laterality":
        if side_of(lk.describe(system, target) or "") == "unspecified":
            return (
                f"{name(given_sys, given)} names a side the note does not document: the key "
                f"has {name(system, target)}."
            )
        return f"{name(given_sys, given)} is the wrong side: the key has {name(system, target)}."
    if rule == "less_specific":
        return (
            f"{name(given_sys, given)} is less specific than the note allows: "
            f"{name(system, target)}."
        )
    if rule == "transposition":
        t_desc = lk.describe(system, target)
        if "invalid_code" in kinds or g_desc is None:
            lead = (
                f"{given} does not exist in {_release(lk, system)}"
                if "invalid_code" in kinds
                else f"{given}"
            )
        else:
            lead = f"{given} is {_lower_first(g_desc)}"
        return (
            f"{lead}; you probably meant {target}{_quote(t_desc and _lower_first(t_desc))}: "
            "two neighbouring characters are swapped. A keying slip, but on a claim it is a "
            "different code."
        )
    # wrong_code (possibly invalid)
    if "invalid_code" in kinds:
        text = (
            f"{given} is not a valid code in {_release(lk, system)}; the key has "
            f"{name(system, target)}."
        )
    else:
        text = (
            f"{name(given_sys, given)} is not the right code; the key has {name(system, target)}."
        )
    if "em_level" in kinds:
        text += (
            f" {given} and {target} are different levels of the same kind of office visit: "
            "the level follows the medical decision making (or total time) documented."
        )
    elif "em_new_established" in kinds:
        new = given if given[3] == "0" else target
        text += (
            f" {new} is for a new patient, the other for an established one (seen by the "
            "same practice within three years)."
        )
    if rel.keystroke:
        text += (
            " The two differ by only one character yet mean different things: if that was a "
            "slip of the keyboard, check your typing; otherwise compare the note with each title."
        )
    return text


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _release(lk: Lookup, system: System) -> str:
    if system is System.ICD10CM:
        return lk.release
    return f"the {system.value} code data"


def code_missing(lk: Lookup, system: System, expected: str, what: str = "") -> str:
    """``Missing: J02.9 'Acute pharyngitis, unspecified'.``"""
    return f"Missing: {name_of(lk, system, expected)}{what}."


def name_of(lk: Lookup, system: System, code: str) -> str:
    """The code with its description in quotes, when known."""
    return lk.name(system, code)


def code_extra(
    lk: Lookup,
    field_system: System,
    raw: str,
    code: str | None,
    detected: System | None,
    problem: str | None,
    *,
    duplicate: bool,
    excludes1: Sequence[tuple[str, str]] = (),
) -> tuple[str, tuple[str, ...]]:
    """Explanation and kinds for a given code that pairs with nothing in the key."""
    kinds: list[str] = ["extra"]
    where = "the diagnoses" if field_system is System.ICD10CM else "the service lines"
    if code is None:
        if detected is not None and problem is None:
            kinds.append("wrong_system")
            home = "a service line" if field_system is System.ICD10CM else "the diagnoses"
            article = "an" if detected is System.ICD10CM else "a"
            text = (
                f"{raw.strip()} is {article} {detected.value} code: it belongs on {home}, not "
                f"among {where}."
            )
        else:
            kinds.append("invalid_code")
            problem = problem or "is not a code"
            text = problem if problem.startswith("'") else f"'{raw.strip()}' {problem}"
            text = text.rstrip(".") + "."
        return join(text, "It cannot be graded as a code and counts as an extra entry."), tuple(
            kinds
        )
    if duplicate:
        kinds.append("duplicate")
        return f"You listed {code} twice; report each code once.", tuple(kinds)
    facts = lk.facts(field_system, code)
    parts: list[str] = []
    if facts.exists is False:
        kinds.append("invalid_code")
        parts.append(f"{code} is not a valid code in {_release(lk, field_system)}.")
    elif facts.billable is False and field_system is System.ICD10CM:
        kinds.append("non_billable")
        examples = lk.examples(code)
        eg = f" (e.g. {', '.join(examples)})" if examples else ""
        parts.append(
            f"{name_of(lk, field_system, code)} is a header, not a billable code: it needs more "
            f"characters{eg}."
        )
    elif facts.billable is False:
        kinds.append("invalid_code")
        note = f" {facts.notes}" if facts.notes else ""
        parts.append(f"{name_of(lk, field_system, code)} cannot be reported.{note}")
    parts.append(
        f"{name_of(lk, field_system, code) if len(parts) == 0 else code} is not supported by "
        "this note: extra codes cost points (over-coding is an audit risk)."
    )
    for other, note in excludes1:
        kinds.append("excludes1")
        parts.append(excludes1_sentence(other, note))
        break
    return join(*parts), tuple(kinds)


def _excludes1_text(note: str) -> str:
    text = note.strip()
    if not text.lower().startswith("excludes1"):
        text = f"Excludes1: {text}"
    return text if text.endswith(".") else text + "."


def excludes1_sentence(other: str, note: str) -> str:
    """ "It may not be reported with X: <the Excludes1 note>"."""
    return f"It may not be reported with {other}: {_excludes1_text(note)}"


def modifier_text(lk: Lookup, code: str) -> str:
    """A modifier with its description from the code sets, when known."""
    return lk.name(System.MODIFIER, code)
