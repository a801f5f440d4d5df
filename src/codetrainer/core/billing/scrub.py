"""The claim scrubber: find the problems in a claim before it goes out, and grade a learner's.

:func:`scrub_claim` is codetrainer's own scrubber. It finds every problem kind that can be
decided from the claim and the reference (all but ``dx_not_supporting``, which needs a
reading of the note). ``validate`` compares it with each scrub exercise's key, so an author
learns when a planted problem is not what they think it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from codetrainer.core.billing.models import PROBLEM_KINDS, ClaimForm, ScrubExercise, ScrubFacts
from codetrainer.core.billing.refdata import BillingReference
from codetrainer.core.billing.results import BillingItem, ExerciseResult, item, result_of
from codetrainer.core.codes import System
from codetrainer.core.grading.results import Verdict

__all__ = [
    "AUTO_KINDS",
    "Finding",
    "age_on",
    "fix_matches",
    "grade_scrub",
    "normalize_kind",
    "scrub_claim",
]

AUTO_KINDS = frozenset(PROBLEM_KINDS) - {"dx_not_supporting"}
"""Problem kinds :func:`scrub_claim` decides by itself."""

_X_MODS = {"59", "XE", "XS", "XP", "XU"}
FIND_POINTS = 6.0
FIX_POINTS = 4.0
FALSE_ALARM_PENALTY = 2.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem the scrubber found: kind, box 24 line (1-based) or None, and why."""

    kind: str
    line: int | None
    message: str


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def _is_em(code: str) -> bool:
    return code.startswith("992") or code.startswith("993")


def scrub_claim(
    claim: ClaimForm,
    facts: ScrubFacts,
    *,
    ref: BillingReference,
    reference: Any = None,
    catalog: Any = None,
) -> list[Finding]:
    """Every problem decidable from the claim, the facts and the reference data.

    ``reference`` is the ICD-10-CM :class:`~codetrainer.core.reference.Reference` and
    ``catalog`` the loaded code sets; without them the code checks are skipped.
    """
    out: list[Finding] = []
    p, on = claim.patient, facts.on_file
    for label, have, want in (
        ("last name", p.last.upper(), on.last.upper()),
        ("first name", p.first.upper(), on.first.upper()),
        ("birth date", p.birth_date.isoformat(), on.birth_date.isoformat()),
        ("sex", p.sex, on.sex),
        ("member id", claim.insured.id, on.member_id),
    ):
        if have != want:
            out.append(
                Finding(
                    "demographic_mismatch",
                    None,
                    f"the claim's {label} is {have}, the face sheet and card say {want}",
                )
            )
    first_dos = min(line.date for line in claim.lines)
    for n, line in enumerate(claim.lines, start=1):
        if line.date < facts.coverage_start or (
            facts.coverage_end is not None and line.date > facts.coverage_end
        ):
            end = facts.coverage_end.isoformat() if facts.coverage_end else "open"
            out.append(
                Finding(
                    "coverage_inactive",
                    n,
                    f"line {n} is dated {line.date.isoformat()}, outside the coverage "
                    f"{facts.coverage_start.isoformat()} to {end}",
                )
            )
    late = (facts.submit_date - first_dos).days
    if late > facts.filing_limit_days:
        out.append(
            Finding(
                "timely_filing",
                None,
                f"the claim goes out {late} days after the service; the payer allows "
                f"{facts.filing_limit_days}",
            )
        )
    n_dx = len(claim.diagnoses)
    for d, code in enumerate(claim.diagnoses):
        letter = "ABCDEFGHIJKL"[d]
        if reference is not None:
            entry = reference.get(code)
            if entry is None:
                out.append(Finding("invalid_code", None, f"box 21{letter} {code} does not exist"))
            elif not entry.billable:
                out.append(
                    Finding(
                        "header_code",
                        None,
                        f"box 21{letter} {code} is a header code"
                        + (" missing its 7th character" if reference.needs_seventh(code) else ""),
                    )
                )
        age = age_on(p.birth_date, first_dos)
        for edit in ref.edits_for(code):
            if edit.sex is not None and p.sex != edit.sex:
                out.append(
                    Finding(
                        "sex_age_conflict", None, f"{code} does not fit sex {p.sex}: {edit.why}"
                    )
                )
            elif (edit.min_age is not None and age < edit.min_age) or (
                edit.max_age is not None and age > edit.max_age
            ):
                out.append(
                    Finding("sex_age_conflict", None, f"{code} does not fit age {age}: {edit.why}")
                )
    if reference is not None:
        for i, a in enumerate(claim.diagnoses):
            for b in claim.diagnoses[i + 1 :]:
                note = reference.excludes1_conflict(a, b)
                if note:
                    out.append(Finding("excludes1_pair", None, f"{a} with {b}: {note}"))
    seen: dict[tuple[str, str, tuple[str, ...]], int] = {}
    units: dict[tuple[str, dt.date], int] = {}
    for n, line in enumerate(claim.lines, start=1):
        if catalog is not None:
            system = System.CPT if line.code[0].isdigit() else System.HCPCS
            if catalog.get(system, line.code) is None:
                out.append(
                    Finding(
                        "invalid_code",
                        n,
                        f"line {n} {line.code} is not a current code (deleted or never existed)",
                    )
                )
        if not line.pointers:
            out.append(Finding("pointer_nothing", n, f"line {n} points at no diagnosis"))
        for ptr in line.pointers:
            if ptr > n_dx:
                out.append(
                    Finding(
                        "pointer_nothing",
                        n,
                        f"line {n} points at {'ABCDEFGHIJKL'[ptr - 1]}, but box 21 has "
                        f"only {n_dx} diagnos{'is' if n_dx == 1 else 'es'}",
                    )
                )
        dup_key = (line.code, line.date.isoformat(), tuple(line.modifiers))
        if dup_key in seen:
            out.append(
                Finding("duplicate_line", n, f"line {n} repeats line {seen[dup_key]} exactly")
            )
            continue  # a duplicate's units are not counted twice against the MUE
        seen.setdefault(dup_key, n)
        units[(line.code, line.date)] = units.get((line.code, line.date), 0) + line.units
    reported: set[str] = set()
    for n, line in enumerate(claim.lines, start=1):
        limit = ref.mue.get(line.code)
        total = units.get((line.code, line.date), 0)
        if limit is not None and total > limit and line.code not in reported:
            reported.add(line.code)
            out.append(
                Finding(
                    "mue_exceeded",
                    n,
                    f"{total} units of {line.code} on {line.date.isoformat()}; the MUE is {limit}",
                )
            )
    for i, first in enumerate(claim.lines):
        for j in range(i + 1, len(claim.lines)):
            second = claim.lines[j]
            if first.date != second.date or first.code == second.code:
                continue
            pair = ref.pair(first.code, second.code)
            if pair is None or pair[2] == "9":
                continue
            c1, c2, ind = pair
            col2_n = i + 1 if first.code == c2 else j + 1
            col2 = claim.lines[col2_n - 1]
            if ind == "0":
                out.append(
                    Finding(
                        "ncci_pair",
                        col2_n,
                        f"{c2} is never paid with {c1} on the same day (NCCI indicator 0)",
                    )
                )
                continue
            mods = set(col2.modifiers)
            if _is_em(c2) and "25" not in mods:
                out.append(
                    Finding(
                        "modifier_missing",
                        col2_n,
                        f"the E/M {c2} on line {col2_n} is billed with {c1} but has no -25",
                    )
                )
            elif not _is_em(c2) and not mods & _X_MODS:
                out.append(
                    Finding(
                        "modifier_missing",
                        col2_n,
                        f"{c2} on line {col2_n} pairs with {c1} (NCCI indicator 1) and has "
                        "no -59 or X modifier",
                    )
                )
    return out


def normalize_kind(text: str) -> str | None:
    """A typed problem kind (``Pointer nothing``, ``pointer-nothing``) to its name."""
    key = "_".join(text.strip().lower().replace("-", " ").split())
    return key if key in PROBLEM_KINDS else None


def _line_of(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits and len(digits) <= 2 else None


def fix_matches(fix: str, keywords: list[str]) -> bool:
    """True when a typed fix names the remedy: one keyword in it (small typos forgiven)."""
    said = " ".join(fix.casefold().split())
    if not said:
        return False
    for word in keywords:
        want = " ".join(word.casefold().split())
        if want in said or fuzz.partial_ratio(want, said) >= 88:
            return True
    return False


def grade_scrub(exercise: ScrubExercise, given: list[tuple[str, str, str]]) -> ExerciseResult:
    """Grade the problems a learner found, each ``(kind, line, fix)`` as typed.

    Each planted problem is worth 6 points for finding it (right kind at the right
    place) and 4 for a fix that names the remedy; a reported problem that is not in
    the key is a false alarm and costs 2.
    """
    parsed = [(normalize_kind(k), _line_of(ln), fix, k, ln) for k, ln, fix in given]
    used: set[int] = set()
    items: list[BillingItem] = []
    for prob in exercise.key:
        where = f"line {prob.line}" if prob.line else "claim header"
        expected = f"{prob.kind} @ {where}"
        match = next(
            (
                i
                for i, g in enumerate(parsed)
                if i not in used and g[0] == prob.kind and g[1] == prob.line
            ),
            None,
        )
        located = match is not None
        if match is None:
            match = next(
                (i for i, g in enumerate(parsed) if i not in used and g[0] == prob.kind), None
            )
        why = prob.why or PROBLEM_KINDS[prob.kind]
        if match is None:
            items.append(
                item(
                    "problem",
                    expected,
                    None,
                    "missing",
                    ["missing", prob.kind],
                    0,
                    FIND_POINTS + FIX_POINTS,
                    f"Not found: {PROBLEM_KINDS[prob.kind]} ({where}). {why} Fix: {prob.fix}",
                )
            )
            continue
        used.add(match)
        g = parsed[match]
        given_text = f"{g[3]} @ {g[4] or 'header'}: {g[2]}".strip()
        points = FIND_POINTS if located else FIND_POINTS / 2
        kinds = [prob.kind]
        parts: list[str] = []
        if not located:
            kinds.append("wrong_location")
            parts.append(f"Right problem, wrong place: it is on the {where}.")
        fix_right = fix_matches(g[2], prob.fix_keywords)
        if fix_right:
            points += FIX_POINTS
        else:
            kinds.append("fix_missing" if not g[2].strip() else "fix_wrong")
            parts.append(f"The fix: {prob.fix}")
        verdict: Verdict = "correct" if located and fix_right else "partial"
        if verdict == "correct":
            kinds.insert(0, "exact")
        items.append(
            item(
                "problem",
                expected,
                given_text,
                verdict,
                kinds,
                points,
                FIND_POINTS + FIX_POINTS,
                " ".join([*parts, why]).strip(),
            )
        )
    for i, g in enumerate(parsed):
        if i in used or not (g[3].strip() or g[2].strip()):
            continue
        label = g[0] or g[3]
        kinds = ["false_alarm"] if g[0] else ["unknown_problem_kind"]
        text = (
            f"'{label}' is not a problem on this claim; flagging clean data delays the claim."
            if g[0]
            else f"'{g[3]}' is not a problem kind; use one of: {', '.join(PROBLEM_KINDS)}."
        )
        items.append(
            item(
                "problem",
                None,
                f"{g[3]} @ {g[4] or 'header'}: {g[2]}".strip(),
                "extra",
                kinds,
                -FALSE_ALARM_PENALTY,
                0,
                text,
            )
        )
    return result_of(exercise.id, "scrub", items)
