"""Load and check billing packs, billing answers and billing reference files.

Same rigour as case packs: the strict YAML loader, pydantic errors mapped to
``PATH:LINE:COL`` by :func:`codetrainer.core.packs.model_diagnostics`, every exercise
validated on its own so one bad exercise hides nothing, then cross-field checks.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from codetrainer.core.billing.denial import ncci_mi0_pairs
from codetrainer.core.billing.models import (
    ACTIONS,
    CAUSES,
    PROBLEM_KINDS,
    BillingAnswersFile,
    BillingInfo,
    BillingPack,
    ClaimExercise,
    ClaimForm,
    DenialExercise,
    PostingExercise,
    ScrubExercise,
)
from codetrainer.core.billing.npi import npi_problem
from codetrainer.core.billing.posting import compute_posting
from codetrainer.core.billing.refdata import (
    BillingReference,
    ReferenceFile,
    check_reference_doc,
    load_billing_reference,
)
from codetrainer.core.billing.scrub import AUTO_KINDS, fix_matches, scrub_claim
from codetrainer.core.codes import System
from codetrainer.core.diagnostics import CodetrainerError, Diagnostic, count_errors
from codetrainer.core.packs import check_top_level, model_diagnostics
from codetrainer.core.yamlio import DEFAULT_MAX_BYTES, YamlDocument, YamlPath, load_yaml_file

__all__ = [
    "BillingFileKind",
    "BillingLoaded",
    "billing_kind",
    "bundled_billing_dir",
    "find_billing_packs",
    "load_billing_answers",
    "load_billing_file",
    "load_billing_pack",
    "user_billing_dir",
]

BillingFileKind = Literal["billing", "billing-answers", "billing-reference"]

_MODELS: dict[str, type[BaseModel]] = {
    "claim": ClaimExercise,
    "scrub": ScrubExercise,
    "denial": DenialExercise,
    "posting": PostingExercise,
}


@dataclass(slots=True)
class BillingLoaded:
    path: str
    kind: BillingFileKind | None
    value: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: YamlDocument | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None and count_errors(self.diagnostics) == 0


def billing_kind(data: Any) -> BillingFileKind | None:
    """Which billing contract a document follows, from its top-level keys (or None)."""
    if not isinstance(data, dict):
        return None
    if "billing" in data or "exercises" in data:
        return "billing"
    if "billing_answers" in data:
        return "billing-answers"
    if "reference" in data:
        return "billing-reference"
    return None


def bundled_billing_dir() -> Path:
    from codetrainer.paths import bundled_content_dir

    return bundled_content_dir() / "billing" / "packs"


def user_billing_dir() -> Path:
    """The student's own billing packs (beside, not inside, the case packs folder, so the
    case pack library never mistakes a billing pack for a broken case pack)."""
    from codetrainer.paths import data_dir

    return data_dir() / "billing-packs"


def _doc(path: Path, max_bytes: int, shown: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """As for case packs: control characters do not stop the load, they are in
    ``doc.findings`` (added to the result by :func:`_with_findings`)."""
    try:
        doc = load_yaml_file(path, max_bytes=max_bytes, display_path=shown, collect_controls=True)
    except CodetrainerError as exc:
        return None, exc.diagnostics
    return doc, []


def _with_findings(doc: YamlDocument, loaded: BillingLoaded) -> BillingLoaded:
    """The document's load findings first; they are errors, so the file has no value."""
    if doc.findings:
        loaded.diagnostics[:0] = doc.findings
        loaded.value = None
    return loaded


def load_billing_file(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference: Any = None,
    catalog: Any = None,
    ref: BillingReference | None = None,
    display_path: str | None = None,
) -> BillingLoaded | None:
    """Load a billing file of any kind; None when the file is not a billing file at all.

    A file that cannot be read or parsed is returned with its diagnostics only when its
    name says ``billing`` (so ``validate`` reports it through the usual path otherwise).
    """
    shown = display_path if display_path is not None else str(path)
    doc, _problems = _doc(Path(path), max_bytes, shown)
    if doc is None:
        return None
    kind = billing_kind(doc.data)
    if kind == "billing":
        return _with_findings(doc, _finish_pack(doc, reference=reference, catalog=catalog, ref=ref))
    if kind == "billing-answers":
        return _with_findings(doc, _finish_answers(doc))
    if kind == "billing-reference":
        return _with_findings(doc, _finish_reference(doc))
    return None


def load_billing_pack(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference: Any = None,
    catalog: Any = None,
    ref: BillingReference | None = None,
    display_path: str | None = None,
) -> BillingLoaded:
    """Load a billing pack; ``value`` is the :class:`BillingPack` when it has no errors."""
    shown = display_path if display_path is not None else str(path)
    doc, problems = _doc(Path(path), max_bytes, shown)
    if doc is None:
        return BillingLoaded(shown, None, None, problems)
    if billing_kind(doc.data) not in ("billing", None):
        not_billing = BillingLoaded(
            shown,
            None,
            None,
            [doc.diagnostic((), "this is not a billing pack ('billing:' and 'exercises:')")],
            doc,
        )
        return _with_findings(doc, not_billing)
    return _with_findings(doc, _finish_pack(doc, reference=reference, catalog=catalog, ref=ref))


def load_billing_answers(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, display_path: str | None = None
) -> BillingLoaded:
    shown = display_path if display_path is not None else str(path)
    doc, problems = _doc(Path(path), max_bytes, shown)
    if doc is None:
        return BillingLoaded(shown, None, None, problems)
    return _with_findings(doc, _finish_answers(doc))


def _finish_answers(doc: YamlDocument) -> BillingLoaded:
    if not isinstance(doc.data, dict) or "billing_answers" not in doc.data:
        return BillingLoaded(
            doc.path,
            "billing-answers",
            None,
            [
                doc.diagnostic(
                    (),
                    "a billing answers file has a top-level 'billing_answers:' list",
                    rule="schema-top",
                )
            ],
            doc,
        )
    try:
        answers = BillingAnswersFile.model_validate(doc.data)
    except ValidationError as exc:
        return BillingLoaded(
            doc.path, "billing-answers", None, model_diagnostics(doc, BillingAnswersFile, exc), doc
        )
    out: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for i, ans in enumerate(answers.billing_answers):
        if ans.exercise in seen:
            out.append(
                doc.diagnostic(
                    ("billing_answers", i, "exercise"),
                    f"exercise '{ans.exercise}' is answered twice (first as answer "
                    f"{seen[ans.exercise] + 1}); keep one answer per exercise",
                    rule="answers-duplicate-case",
                )
            )
        seen.setdefault(ans.exercise, i)
    value = answers if not count_errors(out) else None
    return BillingLoaded(doc.path, "billing-answers", value, out, doc)


def _finish_reference(doc: YamlDocument) -> BillingLoaded:
    try:
        ref = ReferenceFile.model_validate(doc.data)
    except ValidationError as exc:
        return BillingLoaded(
            doc.path, "billing-reference", None, model_diagnostics(doc, ReferenceFile, exc), doc
        )
    problems = check_reference_doc(doc, ref)
    value = ref if not count_errors(problems) else None
    return BillingLoaded(doc.path, "billing-reference", value, problems, doc)


def _finish_pack(
    doc: YamlDocument, *, reference: Any, catalog: Any, ref: BillingReference | None
) -> BillingLoaded:
    data = doc.data
    info, problems = check_top_level(doc, BillingInfo, "billing", "exercises", "a billing pack")
    raw = data.get("exercises")
    good: list[tuple[int, Any]] = []
    if not isinstance(raw, list) or not raw:
        problems.append(
            doc.diagnostic(
                ("exercises",) if "exercises" in data else (),
                "'exercises' must be a non-empty list of exercises ('- id: ...')",
                rule="schema-list_type",
            )
        )
        raw = []
    for i, entry in enumerate(raw):
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if not isinstance(kind, str) or kind.strip().lower() not in (
            "claim",
            "scrub",
            "denial",
            "posting",
        ):
            where: YamlPath = (
                ("exercises", i, "kind") if isinstance(kind, str) else ("exercises", i)
            )
            problems.append(
                doc.diagnostic(
                    where,
                    f"exercises[{i}] needs 'kind:' claim, scrub, denial or posting"
                    + (f", not '{kind}'" if isinstance(kind, str) else ""),
                    rule="billing-kind",
                    at_key=not isinstance(kind, str),
                )
            )
            continue
        model = _MODELS[kind.strip().lower()]
        try:
            ex = model.model_validate(entry)
        except ValidationError as exc:
            problems.extend(model_diagnostics(doc, model, exc, ("exercises", i)))
            continue
        good.append((i, ex))
    problems.extend(_check_ids(doc, raw))
    if ref is None:
        ref = load_billing_reference()
    for i, ex in good:
        problems.extend(_check_exercise(doc, i, ex, reference=reference, catalog=catalog, ref=ref))
    if info is None or len(good) != len(raw) or count_errors(problems):
        return BillingLoaded(doc.path, "billing", None, problems, doc)
    pack = BillingPack.model_construct(billing=info, exercises=[ex for _, ex in good])
    return BillingLoaded(doc.path, "billing", pack, problems, doc)


def _check_ids(doc: YamlDocument, raw: list[Any]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(raw):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            eid = entry["id"]
            if eid in seen:
                out.append(
                    doc.diagnostic(
                        ("exercises", i, "id"),
                        f"duplicate exercise id '{eid}' (also exercise {seen[eid] + 1})",
                        rule="duplicate-case-id",
                    )
                )
            seen.setdefault(eid, i)
    return out


def _check_claim_form(
    doc: YamlDocument,
    base: YamlPath,
    claim: ClaimForm,
    *,
    strict_key: bool,
    reference: Any,
    catalog: Any,
) -> list[Diagnostic]:
    """NPIs pass the check digit; a key's pointers, codes and insured are complete."""
    out: list[Diagnostic] = []
    for path, npi in ((("billing", "npi"), claim.billing.npi),) + (
        ((("rendering", "npi"), claim.rendering.npi),) if claim.rendering else ()
    ):
        problem = npi_problem(npi)
        if problem:
            out.append(doc.diagnostic((*base, *path), problem, rule="billing-npi"))
    if claim.insured.relationship != "self" and not (claim.insured.last and claim.insured.first):
        out.append(
            doc.diagnostic(
                (*base, "insured"),
                "the insured is not the patient: give the insured's 'last:' and 'first:'",
                rule="billing-insured",
                at_key=True,
            )
        )
    if claim.insured.relationship != "self" and (
        claim.insured.birth_date is None or claim.insured.sex is None
    ):
        out.append(
            doc.diagnostic(
                (*base, "insured"),
                "the insured is not the patient: give the insured's 'birth_date:' and 'sex:'",
                rule="billing-insured",
                at_key=True,
            )
        )
    if not strict_key:
        return out
    n_dx = len(claim.diagnoses)
    for n, line in enumerate(claim.lines):
        if not line.pointers:
            out.append(
                doc.diagnostic(
                    (*base, "lines", n),
                    "every line needs at least one diagnosis pointer (24E)",
                    rule="pointer-range",
                    at_key=True,
                )
            )
        for p, ptr in enumerate(line.pointers):
            if ptr > n_dx:
                out.append(
                    doc.diagnostic(
                        (*base, "lines", n, "pointers", p),
                        f"pointer {ptr} points past the {n_dx} diagnoses in box 21",
                        rule="pointer-range",
                    )
                )
        if catalog is not None:
            system = System.CPT if line.code[0].isdigit() else System.HCPCS
            if catalog.get(system, line.code) is None:
                out.append(
                    doc.diagnostic(
                        (*base, "lines", n, "code"),
                        f"{line.code} is not in the loaded code sets; a key uses current codes "
                        "that learners can look up",
                        rule="billing-code-unknown",
                    )
                )
    if reference is not None:
        for d, code in enumerate(claim.diagnoses):
            entry = reference.get(code)
            if entry is None:
                out.append(
                    doc.diagnostic(
                        (*base, "diagnoses", d),
                        f"{code} is not in the FY2026 ICD-10-CM",
                        rule="icd-unknown",
                    )
                )
            elif not entry.billable:
                out.append(
                    doc.diagnostic(
                        (*base, "diagnoses", d),
                        f"{code} is a header in FY2026, not billable; a key uses billable codes",
                        rule="icd-header",
                    )
                )
    return out


def _check_exercise(
    doc: YamlDocument,
    i: int,
    ex: Any,
    *,
    reference: Any,
    catalog: Any,
    ref: BillingReference,
) -> list[Diagnostic]:
    base: YamlPath = ("exercises", i)
    out: list[Diagnostic] = []
    if isinstance(ex, ClaimExercise):
        out.extend(
            _check_claim_form(
                doc, (*base, "key"), ex.key, strict_key=True, reference=reference, catalog=catalog
            )
        )
    elif isinstance(ex, ScrubExercise):
        out.extend(
            _check_claim_form(
                doc, (*base, "claim"), ex.claim, strict_key=False, reference=None, catalog=None
            )
        )
        n_lines = len(ex.claim.lines)
        keyed: set[tuple[str, int | None]] = set()
        for p, prob in enumerate(ex.key):
            if prob.kind not in PROBLEM_KINDS:
                guess = difflib.get_close_matches(prob.kind, list(PROBLEM_KINDS), n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else ""
                out.append(
                    doc.diagnostic(
                        (*base, "key", p, "kind"),
                        f"'{prob.kind}' is not a scrub problem kind{hint} (one of: "
                        f"{', '.join(PROBLEM_KINDS)})",
                        rule="billing-problem-kind",
                    )
                )
            if prob.line is not None and prob.line > n_lines:
                out.append(
                    doc.diagnostic(
                        (*base, "key", p, "line"),
                        f"line {prob.line} is past the claim's {n_lines} lines",
                        rule="billing-problem-line",
                    )
                )
            if not fix_matches(prob.fix, prob.fix_keywords):
                out.append(
                    doc.diagnostic(
                        (*base, "key", p, "fix_keywords"),
                        "the key's own fix mentions none of its fix_keywords, so the key would "
                        "not earn the fix points; add a keyword the fix uses",
                        rule="billing-fix-keywords",
                    )
                )
            if (prob.kind, prob.line) in keyed:
                out.append(
                    doc.diagnostic(
                        (*base, "key", p),
                        f"{prob.kind} at the same place is listed twice",
                        rule="billing-problem-duplicate",
                        at_key=True,
                    )
                )
            keyed.add((prob.kind, prob.line))
        found = scrub_claim(ex.claim, ex.facts, ref=ref, reference=reference, catalog=catalog)
        found_at = {(f.kind, f.line) for f in found}
        for p, prob in enumerate(ex.key):
            if prob.kind in AUTO_KINDS and (prob.kind, prob.line) not in found_at:
                if prob.kind in {"invalid_code", "header_code", "excludes1_pair"} and (
                    reference is None or catalog is None
                ):
                    continue
                out.append(
                    doc.diagnostic(
                        (*base, "key", p),
                        f"codetrainer's scrubber does not find {prob.kind} at "
                        f"{'line ' + str(prob.line) if prob.line else 'the claim header'}; "
                        "check the claim, the facts or the line number",
                        severity="warning",
                        rule="billing-scrub-disagrees",
                        at_key=True,
                    )
                )
        for f in found:
            if (f.kind, f.line) not in keyed:
                out.append(
                    doc.diagnostic(
                        (*base, "key"),
                        f"the scrubber also finds {f.kind}"
                        f"{' on line ' + str(f.line) if f.line else ''} ({f.message}); plant it "
                        "in the key or fix the claim",
                        severity="warning",
                        rule="billing-scrub-unkeyed",
                        at_key=True,
                    )
                )
    elif isinstance(ex, DenialExercise):
        key = ex.key
        if key.cause not in CAUSES:
            out.append(
                doc.diagnostic(
                    (*base, "key", "cause"),
                    f"'{key.cause}' is not a denial cause (one of: {', '.join(CAUSES)})",
                    rule="billing-cause",
                )
            )
        if key.action not in ACTIONS:
            out.append(
                doc.diagnostic(
                    (*base, "key", "action"),
                    f"'{key.action}' is not a next action (one of: {', '.join(ACTIONS)})",
                    rule="billing-action",
                )
            )
        remit = ex.remittance
        if key.line is not None and key.line > len(remit.lines):
            out.append(
                doc.diagnostic(
                    (*base, "key", "line"),
                    f"line {key.line} is past the remittance's {len(remit.lines)} lines",
                    rule="billing-remit-line",
                )
            )
        for n, line in enumerate(remit.lines):
            adj = sum((a.amount for a in line.adjustments), start=line.paid)
            if adj != line.billed:
                out.append(
                    doc.diagnostic(
                        (*base, "remittance", "lines", n),
                        f"paid {line.paid:.2f} plus adjustments makes {adj:.2f}, not the "
                        f"{line.billed:.2f} billed; a remittance accounts for every cent",
                        rule="billing-remit-balance",
                        at_key=True,
                    )
                )
            if line.allowed > line.billed:
                out.append(
                    doc.diagnostic(
                        (*base, "remittance", "lines", n, "allowed"),
                        "allowed is more than billed",
                        rule="billing-remit-allowed",
                    )
                )
            for a, adj_row in enumerate(line.adjustments):
                if ref.carc and adj_row.reason not in ref.carc:
                    out.append(
                        doc.diagnostic(
                            (*base, "remittance", "lines", n, "adjustments", a, "reason"),
                            f"CARC {adj_row.reason} has no summary in the billing reference; "
                            "add one to content/billing/reference/carc.yaml",
                            severity="warning",
                            rule="billing-carc-unknown",
                        )
                    )
            for r, remark in enumerate(line.remarks):
                if ref.rarc and remark not in ref.rarc:
                    out.append(
                        doc.diagnostic(
                            (*base, "remittance", "lines", n, "remarks", r),
                            f"RARC {remark} has no summary in the billing reference",
                            severity="warning",
                            rule="billing-rarc-unknown",
                        )
                    )
        has_236 = any(a.reason == "236" for ln in remit.lines for a in ln.adjustments)
        if has_236 and key.action == "appeal" and ncci_mi0_pairs(remit, ref):
            out.append(
                doc.diagnostic(
                    (*base, "key", "action"),
                    "never appeal a CO-236 whose NCCI modifier indicator is 0: the key must "
                    "not teach it",
                    rule="billing-appeal-mi0",
                )
            )
    elif isinstance(ex, PostingExercise):
        facts = ex.facts
        if facts.allowed > facts.billed:
            out.append(
                doc.diagnostic(
                    (*base, "facts", "allowed"),
                    "allowed is more than billed",
                    rule="billing-posting-allowed",
                )
            )
        right = compute_posting(facts)
        pkey = ex.key
        for name in ("payment", "adjustment", "patient"):
            want = getattr(right, name)
            if getattr(pkey, name) != want:
                out.append(
                    doc.diagnostic(
                        (*base, "key", name),
                        f"the {name} works out to {want:.2f} from the facts, not "
                        f"{getattr(pkey, name):.2f} (deductible, then copay, then coinsurance; "
                        "capped at what remains of the out-of-pocket maximum)",
                        rule="billing-posting-arithmetic",
                    )
                )
        if facts.secondary is not None:
            if pkey.secondary_payment != right.secondary_payment:
                out.append(
                    doc.diagnostic(
                        (*base, "key", "secondary_payment")
                        if pkey.secondary_payment is not None
                        else (*base, "key"),
                        f"the secondary payment works out to {right.secondary_payment:.2f}",
                        rule="billing-posting-arithmetic",
                        at_key=pkey.secondary_payment is None,
                    )
                )
        elif pkey.secondary_payment is not None:
            out.append(
                doc.diagnostic(
                    (*base, "key", "secondary_payment"),
                    "there is no secondary payer in the facts",
                    rule="billing-posting-arithmetic",
                )
            )
    return out


def find_billing_packs(folders: Iterable[Path] | None = None) -> list[Path]:
    """Billing pack files in the bundled and user folders (sorted, by content)."""
    dirs = list(folders) if folders is not None else [bundled_billing_dir(), user_billing_dir()]
    out: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*.y*ml")):
            out.append(p)
    return out
