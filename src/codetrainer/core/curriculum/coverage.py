"""Coverage of the bundled content: cases per ICD-10-CM chapter, CPT section, setting, claim.

:func:`render_coverage` turns packs into the Markdown of ``docs/coverage.md``;
``tools/coverage.py`` writes it and a test regenerates it in memory to keep the committed
file current (so after adding packs, run ``python tools/coverage.py``).

- **ICD-10-CM chapters** come from the reference: each keyed diagnosis is placed under the
  chapter that the tabular list files it in (1-21, and 22 for the special-purpose U codes).
  A case counts once per chapter, however many of its codes fall there.
- **CPT sections** follow the number ranges of the CPT code set (E/M, anesthesia, surgery
  by body system, radiology, pathology and laboratory, medicine), plus Category II/III;
  **HCPCS Level II** is grouped by its first letter.
- **Settings** and **claims** are the cases' own fields; a case outside a hospital stay
  that does not declare a claim follows the professional (outpatient) rules.
- **Modifiers** counts the cases whose key carries each modifier.

Nothing here reads the clock or the file system beyond what it is given: the same packs
always give the same text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from codetrainer.core.codes import System, detect_system
from codetrainer.core.curriculum.claims import effective_claim
from codetrainer.core.models import SETTINGS, Case, Pack

__all__ = [
    "CPT_SECTIONS",
    "ChapterLookup",
    "Coverage",
    "compute_coverage",
    "cpt_section",
    "render_coverage",
]

CPT_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("99202", "99499", "Evaluation and management"),
    ("00100", "01999", "Anesthesia"),
    ("99100", "99140", "Anesthesia (qualifying circumstances)"),
    ("10004", "19499", "Surgery: integumentary"),
    ("20100", "29999", "Surgery: musculoskeletal"),
    ("30000", "32999", "Surgery: respiratory"),
    ("33016", "37799", "Surgery: cardiovascular"),
    ("38100", "38999", "Surgery: hemic and lymphatic"),
    ("39000", "39599", "Surgery: mediastinum and diaphragm"),
    ("40490", "49999", "Surgery: digestive"),
    ("50010", "53899", "Surgery: urinary"),
    ("54000", "55899", "Surgery: male genital"),
    ("55920", "55980", "Surgery: reproductive and intersex"),
    ("56405", "58999", "Surgery: female genital"),
    ("59000", "59899", "Surgery: maternity care and delivery"),
    ("60000", "60699", "Surgery: endocrine"),
    ("61000", "64999", "Surgery: nervous system"),
    ("65091", "68899", "Surgery: eye and ocular adnexa"),
    ("69000", "69979", "Surgery: auditory"),
    ("69990", "69990", "Surgery: operating microscope"),
    ("70010", "79999", "Radiology"),
    ("80047", "89398", "Pathology and laboratory"),
    ("90281", "99199", "Medicine"),
    ("99500", "99607", "Medicine"),
)
"""(first, last, section) by CPT Category I number range, in the order the table shows."""

_SECTION_ORDER = (
    *dict.fromkeys(s for _, _, s in CPT_SECTIONS),
    "Category II (performance measures)",
    "Category III (emerging technology)",
    "Other CPT numbers",
)

_HCPCS_LETTERS = {
    "A": "A: transport, supplies",
    "B": "B: enteral and parenteral therapy",
    "C": "C: hospital outpatient (temporary)",
    "E": "E: durable medical equipment",
    "G": "G: procedures and services (temporary)",
    "H": "H: behavioral health",
    "J": "J: drugs other than oral",
    "K": "K: DME (temporary)",
    "L": "L: orthotics and prosthetics",
    "M": "M: other medical services",
    "P": "P: pathology and laboratory",
    "Q": "Q: temporary codes",
    "R": "R: diagnostic radiology",
    "S": "S: private payer codes",
    "T": "T: state Medicaid codes",
    "V": "V: vision and hearing",
}


class ChapterLookup:
    """What coverage needs from the reference: the chapter a code is filed under."""

    def __init__(self, reference: object) -> None:
        self._ref = reference
        chapters = getattr(reference, "chapters", None)
        self.titles: dict[str, str] = (
            {c.code: c.description for c in chapters()} if callable(chapters) else {}
        )

    def chapter_of(self, code: str) -> str | None:
        ancestors = getattr(self._ref, "ancestors", None)
        if not callable(ancestors):
            return None
        for entry in ancestors(code):
            if entry.kind == "chapter":
                return str(entry.code)
        return None


def cpt_section(code: str) -> str:
    """The CPT section of a code number (Category II ends in F, Category III in T)."""
    if code.endswith("F"):
        return "Category II (performance measures)"
    if code.endswith("T"):
        return "Category III (emerging technology)"
    for first, last, section in CPT_SECTIONS:
        if first <= code <= last:
            return section
    return "Other CPT numbers"


@dataclass(slots=True)
class Coverage:
    """Case counts per group (each case counted once per group)."""

    packs: int = 0
    cases: int = 0
    chapters: Counter[str] = field(default_factory=Counter)
    unplaced_dx: list[str] = field(default_factory=list)
    sections: Counter[str] = field(default_factory=Counter)
    hcpcs: Counter[str] = field(default_factory=Counter)
    settings: Counter[str] = field(default_factory=Counter)
    claims: Counter[str] = field(default_factory=Counter)
    modifiers: Counter[str] = field(default_factory=Counter)
    optional: int = 0
    queries: int = 0
    hcpcs_cases: int = 0


def compute_coverage(packs: Iterable[Pack], chapters: ChapterLookup) -> Coverage:
    """Count the cases of ``packs`` per chapter, section, setting, claim and modifier."""
    out = Coverage()
    for pack in packs:
        out.packs += 1
        for case in pack.cases:
            _count_case(out, case, chapters)
    return out


def _count_case(out: Coverage, case: Case, chapters: ChapterLookup) -> None:
    out.cases += 1
    found_chapters: set[str] = set()
    for dx in case.answer.diagnoses:
        chapter = chapters.chapter_of(dx.code)
        if chapter is None:
            out.unplaced_dx.append(dx.code)
        else:
            found_chapters.add(chapter)
    out.chapters.update(found_chapters)
    sections: set[str] = set()
    letters: set[str] = set()
    mods: set[str] = set()
    for line in case.answer.lines:
        if detect_system(line.code) is System.HCPCS:
            letters.add(_HCPCS_LETTERS.get(line.code[:1], f"{line.code[:1]}: other"))
        else:
            sections.add(cpt_section(line.code))
        mods.update(line.modifiers)
    out.sections.update(sections)
    out.hcpcs.update(letters)
    out.hcpcs_cases += 1 if letters else 0
    out.modifiers.update(mods)
    out.settings[case.setting] += 1
    effective = effective_claim(case)
    if case.claim is not None:
        out.claims[f"{case.claim} (declared)"] += 1
    elif effective is not None:
        out.claims[f"{effective} (by setting)"] += 1
    else:
        out.claims["not declared (inpatient)"] += 1
    if any(d.optional for d in case.answer.diagnoses) or any(
        ln.optional for ln in case.answer.lines
    ):
        out.optional += 1
    if case.answer.query is not None:
        out.queries += 1


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render_coverage(packs: Sequence[Pack], chapters: ChapterLookup) -> str:
    """The Markdown of docs/coverage.md for ``packs`` (sorted by pack id)."""
    ordered = sorted(packs, key=lambda p: p.pack.id)
    cov = compute_coverage(ordered, chapters)
    out: list[str] = [
        "# Coverage of the bundled cases",
        "",
        "Generated by `python tools/coverage.py` from the bundled packs; a test checks that",
        "this file is current. Do not edit it by hand: after adding or changing packs, run",
        "the script and commit the result.",
        "",
        f"**{cov.cases} cases** in **{cov.packs} packs**: "
        + ", ".join(f"`{p.pack.id}` ({len(p.cases)})" for p in ordered)
        + f". {cov.optional} case(s) have optional codes, {cov.queries} ask for a provider query.",
        "",
        "A case counts once in each row it has a code for (a case with three diagnoses in",
        "chapter 19 counts once there).",
        "",
        "## ICD-10-CM chapters (keyed diagnoses, FY2026 tabular list)",
        "",
    ]
    rows = []
    for number in [str(n) for n in range(1, 23)]:
        title = chapters.titles.get(number, "")
        rows.append((number, title, cov.chapters.get(number, 0)))
    out += _table(("chapter", "title", "cases"), rows)
    missing = [n for n in (str(i) for i in range(1, 22)) if not cov.chapters.get(n)]
    out += [
        "",
        "Chapters 1-21 without a case: " + (", ".join(missing) if missing else "none") + ".",
    ]
    if cov.unplaced_dx:
        out += ["", "Not found in the reference: " + ", ".join(sorted(set(cov.unplaced_dx)))]
    out += ["", "## CPT sections (service lines)", ""]
    out += _table(("section", "cases"), ((s, cov.sections.get(s, 0)) for s in _SECTION_ORDER))
    out += ["", "## HCPCS Level II (service lines, by first letter)", ""]
    out += [f"{cov.hcpcs_cases} case(s) have at least one HCPCS Level II line.", ""]
    out += _table(
        ("letter", "cases"),
        ((name, cov.hcpcs.get(name, 0)) for name in _HCPCS_LETTERS.values()),
    )
    out += ["", "## Settings", ""]
    out += _table(("setting", "cases"), ((s, cov.settings.get(s, 0)) for s in SETTINGS))
    out += [
        "",
        "## Claims",
        "",
        "Whose claim is coded: `professional` (the clinician's CMS-1500, uncertain diagnoses",
        "not coded, Guidelines IV.H) or `facility` (the hospital's inpatient claim, II.H).",
        "Cases outside a hospital stay that do not say follow the professional rules.",
        "",
    ]
    out += _table(("claim", "cases"), sorted(cov.claims.items()))
    out += ["", "## Modifiers (cases whose key carries the modifier)", ""]
    out += _table(("modifier", "cases"), sorted(cov.modifiers.items()))
    return "\n".join(out) + "\n"
