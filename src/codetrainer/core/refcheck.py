"""Check a pack's answer key against the FY2026 ICD-10-CM and the loaded code sets.

:func:`check_pack_codes` is a :data:`codetrainer.core.packs.PackCheck`: ``codetrainer
validate`` runs it after the schema checks. It reports

* answer codes (and ``also_accept`` codes) that do not exist in FY2026, with
  "did you mean" codes (error);
* headers used as answers: ``M17.1`` is a subcategory, report ``M17.10``, ``M17.11``
  or ``M17.12`` (error);
* a missing 7th character, naming the 7th characters that apply (error);
* two answer codes that an Excludes1 note forbids together, quoting the note (error);
* a "use additional code" note whose companion code the answer lacks (warning);
* a manifestation code ("in diseases classified elsewhere") listed first (warning);
* mistake codes that do not exist (warning);
* CPT, HCPCS and modifier codes no loaded code set lists (warning).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codetrainer.core.codes import System, detect_system
from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.reference import code_refs, ref_matches
from codetrainer.core.yamlio import YamlDocument, YamlPath

if TYPE_CHECKING:
    from codetrainer.core.codesets import Catalog
    from codetrainer.core.packs import CheckedCases, PackCheck
    from codetrainer.core.reference import Reference

__all__ = ["check_pack_codes", "icd_code_problem", "make_check", "reference_checks"]

MAX_LISTED = 6
"""How many billable codes a header message names."""


def _join_or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def icd_code_problem(reference: Reference, code: str) -> tuple[str, str] | None:
    """``(rule, message)`` when ``code`` cannot be reported as an FY2026 diagnosis.

    None for a billable code. Shared by pack validation and anything else that
    wants the same words (the grader may use it for its explanations).
    """
    entry = reference.get(code)
    if entry is None:
        guesses = reference.suggest(code, limit=3)
        same = [g for g in guesses if g[:3] == code.replace(".", "")[:3].upper()]
        guesses = same or guesses
        hint = ""
        if guesses:
            named = []
            for g in guesses:
                e = reference.get(g)
                named.append(f"{g} ({e.description})" if e is not None else g)
            hint = f"; did you mean {_join_or(named)}?"
        return (
            "icd-unknown",
            f"{code} is not an ICD-10-CM code in {reference.release}{hint}",
        )
    if entry.billable:
        return None
    if entry.kind in ("chapter", "block"):
        return ("icd-header", f"{code} is a {entry.kind} of the tabular list, not a code")
    if reference.needs_seventh(code):
        chars = "; ".join(f"{c} = {m}" for c, m in entry.seventh_characters)
        if entry.children and reference.is_billable(entry.children[0]):
            picks = _join_or(list(entry.children[:MAX_LISTED]))
            return (
                "icd-seventh-character",
                f"{code} is missing its 7th character: report {picks} ({chars})",
            )
        below = reference.billable_descendants(code, limit=MAX_LISTED)
        return (
            "icd-seventh-character",
            f"{code} is a {entry.kind} (a header): its codes need more characters and a 7th "
            f"character, for example {', '.join(below)} ({chars})",
        )
    below = reference.billable_descendants(code, limit=MAX_LISTED + 1)
    total = reference.count_billable_descendants(code)
    if total <= MAX_LISTED:
        fix = f"report {_join_or(below)}"
    else:
        fix = (
            f"report one of its {total} billable codes, such as {', '.join(below[:MAX_LISTED])} ..."
        )
    return (
        "icd-header",
        f"{code} is a {entry.kind} (a header), not a billable code in FY2026: {fix}",
    )


def _use_additional_groups(reference: Reference, code: str) -> list[tuple[str, str, list[str]]]:
    """``(where, note text, refs)`` for each "use additional code" note that names codes.

    Notes at the code and its ancestors down to the category count (block and chapter
    notes are too general to demand a code). A lead-in line ending with ``:`` and the
    lines that follow it form one note (any of their codes satisfies it).
    """
    out: list[tuple[str, str, list[str]]] = []
    entry = reference.get(code)
    chain = [entry] if entry is not None else []
    chain += reference.ancestors(code)
    for item in chain:
        if item is None or item.kind in ("chapter", "block"):
            break
        notes = list(item.use_additional)
        k = 0
        while k < len(notes):
            text = notes[k]
            members = [text]
            if text.rstrip().endswith(":"):
                k += 1
                while k < len(notes) and not notes[k].rstrip().endswith(":"):
                    members.append(notes[k])
                    k += 1
            else:
                k += 1
            if any(_conditional(m) for m in members):
                continue  # conditional by its own words: nothing to demand
            refs: list[str] = []
            for m in members:
                refs.extend(f"{a}-{b}" if a != b else a for a, b in code_refs(m))
            if refs and not all(_only_when_documented(r) for r in refs):
                out.append((item.code, " ".join(members), refs))
    return out


def _conditional(note: str) -> bool:
    """A note that asks for a companion only when it is present ("if applicable", "any").

    "Code for any associated perforated tympanic membrane" and "code to identify any family
    history of malignant neoplasm" name codes that apply only to some patients.
    """
    text = note.lower()
    return "if applicable" in text or " any " in f" {text} "


def _only_when_documented(ref: str) -> bool:
    """Companions that depend on facts a note may rightly lack, so never demanded.

    Infectious-agent codes (B95-B97) apply only when the organism is documented, and
    external-cause codes (V00-Y99) are reported when a provider, state or payer asks for
    them (guideline I.C.20). Warning on every case without them would be noise.
    """
    first, last = _ref_pair(ref)
    if first[:1] in "VWXY" and last[:1] in "VWXY":
        return True
    return "B95" <= first[:3] <= last[:3] <= "B97"


def _ref_pair(ref: str) -> tuple[str, str]:
    if "-" in ref:
        a, b = ref.split("-", 1)
        return a, b
    return ref, ref


def _check_icd(doc: YamlDocument, reference: Reference, cases: CheckedCases) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, case in cases:
        dx_path: YamlPath = ("cases", i, "answer", "diagnoses")
        codes = [dx.code for dx in case.answer.diagnoses]
        for d, dx in enumerate(case.answer.diagnoses):
            problem = icd_code_problem(reference, dx.code)
            if problem is not None:
                rule, message = problem
                out.append(doc.diagnostic((*dx_path, d, "code"), message, rule=rule))
            for a, alt in enumerate(dx.also_accept):
                problem = icd_code_problem(reference, alt)
                if problem is not None:
                    rule, message = problem
                    out.append(
                        doc.diagnostic(
                            (*dx_path, d, "also_accept", a),
                            f"also_accept: {message}",
                            rule=rule,
                        )
                    )
        # Excludes1 pairs inside one answer
        for d in range(len(codes)):
            for e in range(d):
                note = reference.excludes1_conflict(codes[e], codes[d])
                if note is not None:
                    out.append(
                        doc.diagnostic(
                            (*dx_path, d, "code"),
                            f"{codes[d]} and {codes[e]} (diagnosis {e + 1}) may not be "
                            f"reported together: {note}",
                            rule="icd-excludes1",
                        )
                    )
        # companions a "use additional code" note asks for
        for d, code in enumerate(codes):
            if not reference.is_billable(code):
                continue  # already an error; its notes would only add noise
            others = [c for k, c in enumerate(codes) if k != d]
            for where, text, refs in _use_additional_groups(reference, code):
                pairs = [_ref_pair(r) for r in refs]
                if any(ref_matches(p, other) for p in pairs for other in others):
                    continue
                out.append(
                    doc.diagnostic(
                        (*dx_path, d, "code"),
                        f"{code}: the tabular list at {where} says 'Use additional code: "
                        f"{text}', and no such code is in the answer; add it if the note "
                        "applies to this patient",
                        severity="warning",
                        rule="icd-use-additional",
                    )
                )
        if codes:
            first = reference.get(codes[0])
            if first is not None and "in diseases classified elsewhere" in (
                first.description.lower()
            ):
                out.append(
                    doc.diagnostic(
                        (*dx_path, 0, "code"),
                        f"{codes[0]} is a manifestation code ('in diseases classified "
                        "elsewhere') and may not be listed first; list the underlying "
                        "condition before it",
                        severity="warning",
                        rule="icd-manifestation-first",
                    )
                )
        # mistakes that name ICD-10-CM codes that do not exist
        for m, mistake in enumerate(case.mistakes):
            if detect_system(mistake.code) is not System.ICD10CM:
                continue
            if mistake.code not in reference:
                out.append(
                    doc.diagnostic(
                        ("cases", i, "mistakes", m, "code"),
                        f"mistake {mistake.code} is not an ICD-10-CM code in "
                        f"{reference.release}; learners who type it are told it does not "
                        "exist, so this feedback would never be shown",
                        severity="warning",
                        rule="icd-mistake-unknown",
                    )
                )
    return out


def _check_catalog(doc: YamlDocument, catalog: Catalog, cases: CheckedCases) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    hint = "not in the loaded code sets; add it to a code set so learners see a summary"
    for i, case in cases:
        for n, line in enumerate(case.answer.lines):
            path: YamlPath = ("cases", i, "answer", "lines", n)
            for code, where in [(line.code, (*path, "code"))] + [
                (alt, (*path, "also_accept", a)) for a, alt in enumerate(line.also_accept)
            ]:
                system = detect_system(code)
                if system in (System.CPT, System.HCPCS) and not catalog.has(system, code):
                    out.append(
                        doc.diagnostic(
                            where,
                            f"{system.value} {code} is {hint}",
                            severity="warning",
                            rule="code-not-in-catalog",
                        )
                    )
            for k, mod in enumerate(line.modifiers):
                if not catalog.has(System.MODIFIER, mod):
                    out.append(
                        doc.diagnostic(
                            (*path, "modifiers", k),
                            f"modifier {mod} is {hint}",
                            severity="warning",
                            rule="code-not-in-catalog",
                        )
                    )
    return out


def make_check(reference: Reference | None, catalog: Catalog | None) -> PackCheck:
    """A pack check bound to this reference and catalog (either may be None: skipped)."""

    def check(doc: YamlDocument, cases: CheckedCases) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        if reference is not None:
            out.extend(check_code_year(doc, reference))
            out.extend(_check_icd(doc, reference, cases))
        if catalog is not None:
            out.extend(_check_catalog(doc, catalog, cases))
        return out

    check.__name__ = "check_pack_codes"
    check.__doc__ = check_pack_codes.__doc__
    return check


def check_code_year(doc: YamlDocument, reference: Reference) -> list[Diagnostic]:
    """A warning when the pack's ``code_year`` is not the release in force, saying which
    is older (the codes are checked against the reference either way)."""
    pack = doc.data.get("pack") if isinstance(doc.data, dict) else None
    declared = pack.get("code_year") if isinstance(pack, dict) else None
    if not isinstance(declared, str):
        return []
    want = declared.upper().replace(" ", "")
    have = reference.code_year.upper()
    if not re.fullmatch(r"FY20\d\d", want) or want == have:
        return []
    if have < want:
        msg = (
            f"the pack follows {want} but the ICD-10-CM in force is {have}, which is older: "
            f"codes new in {want} show as unknown; import the {want} tabular list with "
            "'codetrainer codesets import-icd10cm'"
        )
    else:
        msg = (
            f"the pack follows {want} but the ICD-10-CM in force is {have}, which is newer: "
            f"codes deleted or expanded since {want} are reported below; update the pack "
            f"and its code_year"
        )
    return [doc.diagnostic(("pack", "code_year"), msg, severity="warning", rule="code-year")]


def check_pack_codes(doc: YamlDocument, cases: CheckedCases) -> list[Diagnostic]:
    """Answer-key codes against the FY2026 reference and the loaded code sets."""
    from codetrainer.core.codesets import load_catalog
    from codetrainer.core.reference import ReferenceUnavailable, load_reference

    try:
        reference: Reference | None = load_reference()
    except ReferenceUnavailable:
        reference = None
    return make_check(reference, load_catalog(reference=reference))(doc, cases)


def reference_checks() -> list[PackCheck]:
    """The checks ``codetrainer validate`` adds, bound to the loaded reference and catalog.

    Loads both once; when the ICD-10-CM package is missing only the catalog check runs
    (the schema checks still catch malformed codes).
    """
    from codetrainer.core.codesets import load_catalog
    from codetrainer.core.reference import ReferenceUnavailable, load_reference

    try:
        reference: Reference | None = load_reference()
    except ReferenceUnavailable:
        reference = None
    return [make_check(reference, load_catalog(reference=reference))]
