"""Whose claim a case codes, and the checks that follow from it.

A **professional** claim (the clinician's CMS-1500: CPT/HCPCS lines, diagnosis pointers)
follows the outpatient rule for uncertain diagnoses, Official Guidelines Section IV.H: a
diagnosis documented as "probable", "suspected", "questionable", "rule out", "compatible
with", "consistent with" or a "working diagnosis" is not coded; the signs, symptoms and
abnormal findings are. The physician's own hospital visits are professional services too.
A **facility** claim here is the hospital's inpatient claim: the principal diagnosis per
Section II, and uncertain diagnoses at discharge coded as if established (Section II.H).
Its procedures are coded in ICD-10-PCS, which codetrainer does not cover.

Checks (all located at the YAML node, run by :func:`codetrainer.core.packs.load_pack`):

- ``claim-missing`` (warning): an inpatient case that does not say whose claim it codes.
  A warning, not an error, so that packs written before the field keep loading; the
  bundled content is held to it by ``validate --strict``.
- ``claim-facility-setting`` / ``claim-facility-lines`` (warnings): ``facility`` is the
  inpatient claim, so it belongs to an inpatient case and carries no CPT/HCPCS lines.
- ``uncertain-diagnosis`` (warning): a professional claim (or any case outside the
  hospital stay, which follows Section IV as well) keys a diagnosis whose evidence the
  note qualifies with an uncertainty term. See :func:`uncertain_evidence`.
- ``optional-first`` / ``optional-pointer`` / ``optional-only`` (errors): optional key
  items may not be the first diagnosis, be pointed at, or make up the whole key.
- ``uncertain-assessment`` (warning, with the reference: :func:`uncertain_assessment_check`):
  a professional-claim diagnosis *without evidence phrases* whose official title matches
  what an assessment line calls uncertain ("ASSESSMENT: probable pneumonia" and J18.9).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.models import Case, DiagnosisKey, LineKey
from codetrainer.core.yamlio import YamlDocument, YamlPath

__all__ = [
    "CLAIM_LABELS",
    "PCS_NOTE",
    "UNCERTAIN_TERMS",
    "UncertainHit",
    "claim_checks",
    "claim_label",
    "effective_claim",
    "uncertain_assessment_check",
    "uncertain_assessment_phrases",
    "uncertain_evidence",
]

CLAIM_LABELS = {
    "professional": "Professional claim (CMS-1500)",
    "facility": "Hospital claim (facility, inpatient)",
}
"""What the case screen says, in words a beginner understands."""

PCS_NOTE = (
    "The hospital reports inpatient procedures in ICD-10-PCS, which codetrainer does not "
    "cover: code the diagnoses only."
)
"""Said on screen for a facility claim."""

UNCERTAIN_TERMS: tuple[str, ...] = (
    "probable",
    "probably",
    "possible",
    "possibly",
    "suspected",
    "suspect",
    "suspicious for",
    "questionable",
    "question of",
    "likely",
    "rule out",
    "r/o",
    "presumed",
    "presumptive",
    "compatible with",
    "consistent with",
    "working diagnosis",
    "versus",
    "vs",
)
"""Words that leave a diagnosis uncertain (Guidelines IV.H and II.H, and their usual
abbreviations). "Ruled out" is not among them: it means the condition was excluded."""

_WORDS_BEFORE = 6
"""How far before an evidence phrase an uncertainty term still qualifies it."""
_WORDS_AFTER = 2
"""How far after it ("pneumonia, probable" / "pneumonia likely"), within the clause."""

_TERM_RE = re.compile(
    r"(?<![\w/])(" + "|".join(re.escape(t) for t in UNCERTAIN_TERMS) + r")(?![\w/])",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:!?]+(?=\s|$)|\n")
_WORD = re.compile(r"[\w/'-]+")
_PARENTHESIS = re.compile(r"\([^()]*\)")


def claim_label(case: Case) -> str | None:
    """The claim in plain words, or None when the case does not say."""
    return CLAIM_LABELS.get(case.claim) if case.claim else None


def effective_claim(case: Case) -> str | None:
    """The claim whose rules apply: the declared one; outside a hospital stay, professional
    rules (Section IV covers every outpatient encounter); None for an undeclared inpatient
    case."""
    if case.claim is not None:
        return case.claim
    return None if case.setting == "inpatient" else "professional"


def _clauses(note: str) -> list[str]:
    """The note cut into clauses: wrapped lines joined, then cut at sentence marks.

    A line that ends without punctuation continues on the next line when that one starts
    in lower case (prose wrapped by the author); otherwise a new line is a new clause
    (diagnosis lists, headed sections).
    """
    lines = [ln.strip() for ln in note.splitlines()]
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1] and line[:1].islower() and joined[-1][-1:] not in ".;:!?":
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    out: list[str] = []
    for line in joined:
        out.extend(part.strip() for part in _CLAUSE_END.split(line) if part.strip())
    return out


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class UncertainHit:
    """An evidence phrase that the note qualifies with an uncertainty term."""

    phrase: str
    term: str
    clause: str


def uncertain_evidence(note: str, phrases: list[str]) -> UncertainHit | None:
    """The first evidence phrase the note calls uncertain, if any.

    For each clause of the note that contains the phrase: the phrase itself holds a term
    ("probable aspiration pneumonia"), or a term stands at most six words before it
    in the same comma-separated part ("suspected community-acquired pneumonia", "r/o
    appendicitis"), or it closes the words
    right after it ("pneumonia, probable", "pneumonia likely"). "Sepsis due to probable
    pneumonia" does not make the sepsis uncertain, nor "near-syncope, likely vasovagal"
    the near-syncope.
    """
    clauses = [_fold(c) for c in _clauses(note)]
    for phrase in phrases:
        target = _fold(phrase)
        if not target:
            continue
        for clause in clauses:
            start = clause.find(target)
            while start >= 0:
                hit = _term_near(clause, start, start + len(target))
                if hit is not None:
                    return UncertainHit(phrase, hit, clause)
                start = clause.find(target, start + 1)
    return None


def _term_near(clause: str, start: int, end: int) -> str | None:
    inside = _TERM_RE.search(clause, start, end)
    if inside is not None:
        return inside.group(1)
    # before the phrase: within its part of the clause ("probable pneumonia, organism not
    # identified" leaves "organism not identified" alone)
    # A term inside a parenthesis qualifies only what is in it: in "melena (bleeding source
    # suspected) due to warfarin-associated coagulopathy" the coagulopathy is certain.
    head = _PARENTHESIS.sub(" ", clause[:start])
    before = _WORD.findall(head.rsplit(",", 1)[-1])[-_WORDS_BEFORE:]
    before_text = " ".join(before)
    found = _TERM_RE.search(before_text)
    if found is not None:
        return found.group(1)
    # after the phrase: only a term that closes its part of the clause qualifies it
    # ("pneumonia, probable", "pneumonia likely"); in "near-syncope, likely vasovagal" the
    # term qualifies the cause, not the syncope
    tail = clause[end:].lstrip(" ,")
    segment = _WORD.findall(tail.split(",", 1)[0])
    if segment and len(segment) <= _WORDS_AFTER:
        found = _TERM_RE.search(" ".join(segment))
        if found is not None and " ".join(segment).endswith(found.group(1)):
            return found.group(1)
    return None


def claim_checks(doc: YamlDocument, index: int, case: Case) -> list[Diagnostic]:
    """Every claim and optional-item check for one case that passed the schema."""
    base: YamlPath = ("cases", index)
    out: list[Diagnostic] = []
    answer = case.answer
    if case.setting == "inpatient" and case.claim is None:
        out.append(
            doc.diagnostic(
                (*base, "setting"),
                "an inpatient case must say whose claim it codes: add 'claim: professional' "
                "(the physician's CMS-1500: CPT lines, uncertain diagnoses not coded, "
                "Guidelines IV.H) or 'claim: facility' (the hospital's inpatient claim: "
                "principal diagnosis, uncertain diagnoses coded as established, II.H)",
                severity="warning",
                rule="claim-missing",
            )
        )
    if case.claim == "facility":
        if case.setting != "inpatient":
            out.append(
                doc.diagnostic(
                    (*base, "claim"),
                    f"'claim: facility' is the hospital's inpatient claim, but this case's "
                    f"setting is {case.setting}; use 'claim: professional' or setting inpatient",
                    severity="warning",
                    rule="claim-facility-setting",
                )
            )
        if answer.lines:
            out.append(
                doc.diagnostic(
                    (*base, "answer", "lines"),
                    "a facility (inpatient) claim reports its procedures in ICD-10-PCS, which "
                    "codetrainer does not grade; CPT/HCPCS lines belong on a professional "
                    "claim: remove the lines or use 'claim: professional'",
                    severity="warning",
                    rule="claim-facility-lines",
                    at_key=True,
                )
            )
    if effective_claim(case) == "professional":
        for d, dx in enumerate(answer.diagnoses):
            hit = uncertain_evidence(case.note, list(dx.evidence))
            if hit is None:
                continue
            whose = "a professional claim" if case.claim else f"a visit ({case.setting})"
            out.append(
                doc.diagnostic(
                    (*base, "answer", "diagnoses", d, "code"),
                    f"{dx.code} is keyed on {whose}, but the note calls it uncertain "
                    f"('{hit.term}' in '{hit.clause}'); Guidelines IV.H: do not code probable, "
                    "suspected or rule-out diagnoses on a professional or outpatient claim, "
                    "code the signs, symptoms and findings instead (or, for the hospital's "
                    "inpatient claim, use 'claim: facility', II.H)",
                    severity="warning",
                    rule="uncertain-diagnosis",
                )
            )
    out.extend(_optional_checks(doc, base, case))
    return out


def _optional_checks(doc: YamlDocument, base: YamlPath, case: Case) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    answer = case.answer
    dx = answer.diagnoses
    if dx and dx[0].optional:
        out.append(
            doc.diagnostic(
                (*base, "answer", "diagnoses", 0, "optional"),
                f"the first diagnosis ({dx[0].code}) is the first-listed or principal "
                "diagnosis and cannot be optional",
                rule="optional-first",
            )
        )
    for n, line in enumerate(answer.lines):
        for p, pointer in enumerate(line.pointers):
            if 1 <= pointer <= len(dx) and dx[pointer - 1].optional:
                out.append(
                    doc.diagnostic(
                        (*base, "answer", "lines", n, "pointers", p),
                        f"pointer {pointer} points at {dx[pointer - 1].code}, which is "
                        "optional; a learner who leaves it out would lose pointer points, so "
                        "point at required diagnoses only",
                        rule="optional-pointer",
                    )
                )
    items: list[DiagnosisKey | LineKey] = [*dx, *answer.lines]
    if items and all(i.optional for i in items) and answer.query is None:
        out.append(
            doc.diagnostic(
                (*base, "answer"),
                "every code of the answer is optional, so any answer scores 100; make at "
                "least one code required",
                rule="optional-only",
                at_key=True,
            )
        )
    return out


# ---------------------------------------------------------------------------------------
# assessment lines (for diagnoses keyed without evidence; needs the reference)

_HEADING = re.compile(r"^\s*([A-Z][A-Z /&-]{1,40}):")
_ASSESSMENT = re.compile(r"ASSESSMENT|IMPRESSION|DIAGNOS[EI]S|^A/?P$|^DX$")
_STOP = frozenset(
    [
        "with",
        "without",
        "and",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "due",
        "from",
        "by",
        "or",
        "not",
        "other",
        "unspecified",
        "acute",
        "chronic",
        "left",
        "right",
        "type",
    ]
)
_PHRASE_WORDS = 6


def uncertain_assessment_phrases(note: str) -> list[tuple[str, str]]:
    """``(term, phrase)`` for every uncertain diagnosis named in the note's assessment.

    The assessment is the text from a heading such as ASSESSMENT, IMPRESSION, A/P or
    (DISCHARGE) DIAGNOSES up to the next heading; the phrase is the words after the term,
    up to a comma or clause end (at most six): "Possible early pneumonia - not supported"
    gives ``("possible", "early pneumonia")``.
    """
    out: list[tuple[str, str]] = []
    inside = False
    for raw in note.splitlines():
        heading = _HEADING.match(raw)
        if heading is not None:
            inside = bool(_ASSESSMENT.search(heading.group(1).strip()))
            raw = raw[heading.end() :]
        if not inside:
            continue
        for clause in _CLAUSE_END.split(raw):
            for match in _TERM_RE.finditer(clause):
                tail = re.split(r",| - | vs\.? | versus ", clause[match.end() :], maxsplit=1)[0]
                words = _WORD.findall(tail)[:_PHRASE_WORDS]
                if words:
                    out.append((match.group(1).lower(), " ".join(words)))
    return out


def _content_words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.casefold()) if len(w) > 3 and w not in _STOP}


class _Described(Protocol):
    @property
    def description(self) -> str: ...


class _DescribesCodes(Protocol):
    def get(self, code: str) -> _Described | None: ...


PackCheckFn = Callable[[YamlDocument, Sequence[tuple[int, Case]]], list[Diagnostic]]


def uncertain_assessment_check(reference: _DescribesCodes) -> PackCheckFn:
    """A pack check: professional-claim diagnoses keyed without evidence whose official
    title covers an uncertain phrase of the assessment (at least half of its words, compared
    by their first five letters)."""

    def check(doc: YamlDocument, cases: Sequence[tuple[int, Case]]) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for index, case in cases:
            if effective_claim(case) != "professional":
                continue
            phrases = uncertain_assessment_phrases(case.note)
            if not phrases:
                continue
            for d, dx in enumerate(case.answer.diagnoses):
                if dx.evidence:
                    continue  # the evidence check has looked at this one
                entry = reference.get(dx.code)
                if entry is None:
                    continue
                title = _content_words(entry.description)
                for term, phrase in phrases:
                    words = _content_words(phrase)
                    if words and len(words & title) * 2 >= len(words):
                        out.append(
                            doc.diagnostic(
                                ("cases", index, "answer", "diagnoses", d, "code"),
                                f"{dx.code} ('{entry.description}') looks like what the "
                                f"assessment calls uncertain ('{term} {phrase}'); on a "
                                "professional or outpatient claim do not code it (Guidelines "
                                "IV.H): code the signs and symptoms, or add evidence phrases "
                                "that show the diagnosis is confirmed",
                                severity="warning",
                                rule="uncertain-assessment",
                            )
                        )
                        break
        return out

    return check
