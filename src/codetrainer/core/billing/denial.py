"""Denials: read a remittance, name the cause and the next action.

The rule every biller learns the hard way is built in: an NCCI denial (CARC 236) whose
pair has modifier indicator 0 is never appealed and never "fixed" with a modifier; the
column 2 code is simply not payable with the column 1 code that day.
"""

from __future__ import annotations

from codetrainer.core.billing.models import ACTIONS, CAUSES, DenialExercise, Remittance
from codetrainer.core.billing.refdata import BillingReference
from codetrainer.core.billing.results import BillingItem, ExerciseResult, item, result_of
from codetrainer.core.grading.results import Verdict

__all__ = ["describe_remittance", "grade_denial", "ncci_mi0_pairs", "normalize_choice"]


def normalize_choice(text: str, choices: dict[str, str]) -> str | None:
    """A typed cause or action (``Correct & resubmit``, ``appeal``) to its name, or None."""
    key = "_".join(text.strip().lower().replace("&", " ").replace("-", " ").split())
    if key in choices:
        return key
    aliases = {
        "resubmit": "correct_resubmit",
        "correct_and_resubmit": "correct_resubmit",
        "writeoff": "write_off",
        "cob": "coordination_of_benefits",
        "eligibility": "check_eligibility",
    }
    if key in aliases and aliases[key] in choices:
        return aliases[key]
    return None


def ncci_mi0_pairs(remit: Remittance, ref: BillingReference | None) -> list[tuple[str, str]]:
    """Pairs on the remittance that NCCI never allows together (indicator 0)."""
    if ref is None:
        return []
    codes = [line.code for line in remit.lines]
    out: list[tuple[str, str]] = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            pair = ref.pair(a, b)
            if pair is not None and pair[2] == "0":
                out.append((pair[0], pair[1]))
    return out


def _has_reason(remit: Remittance, group: str | None, reason: str) -> bool:
    return any(
        adj.reason == reason and (group is None or adj.group == group)
        for line in remit.lines
        for adj in line.adjustments
    )


def _pr_total(remit: Remittance) -> bool:
    return any(adj.group == "PR" for line in remit.lines for adj in line.adjustments)


def grade_denial(
    exercise: DenialExercise, cause: str, action: str, ref: BillingReference | None = None
) -> ExerciseResult:
    """Cause and action, 10 points each, with the classic wrong moves named."""
    key = exercise.key
    remit = exercise.remittance
    items: list[BillingItem] = []
    got_cause = normalize_choice(cause, CAUSES)
    if got_cause == key.cause:
        items.append(item("cause", key.cause, cause, "correct", ["exact"], 10, 10, key.why))
    else:
        verdict: Verdict = "missing" if not cause.strip() else "wrong"
        kinds = ["missing"] if verdict == "missing" else ["wrong_cause"]
        if cause.strip() and got_cause is None:
            kinds = ["unknown_choice"]
        reasons = _reasons_text(remit, ref)
        text = (
            f"The remittance says {reasons}: the cause is {CAUSES.get(key.cause, key.cause)}. "
            + key.why
        )
        items.append(item("cause", key.cause, cause or None, verdict, kinds, 0, 10, text))
    got_action = normalize_choice(action, ACTIONS)
    if got_action == key.action:
        items.append(
            item(
                "action",
                key.action,
                action,
                "correct",
                ["exact"],
                10,
                10,
                f"Next: {ACTIONS.get(key.action, key.action)}.",
            )
        )
    else:
        a_verdict: Verdict = "missing" if not action.strip() else "wrong"
        a_kinds: list[str] = ["missing"] if a_verdict == "missing" else []
        notes: list[str] = []
        if (
            got_action == "appeal"
            and _has_reason(remit, None, "236")
            and ncci_mi0_pairs(remit, ref)
        ):
            a_kinds.append("appeal_ncci_mi0")
            c1, c2 = ncci_mi0_pairs(remit, ref)[0]
            notes.append(
                f"Never appeal a CO-236 whose NCCI modifier indicator is 0: {c2} is never paid "
                f"with {c1} on the same day, and no modifier or appeal changes that."
            )
        if got_action == "write_off" and _pr_total(remit) and key.action == "bill_patient":
            a_kinds.append("wrote_off_patient_responsibility")
            notes.append(
                "Group code PR means patient responsibility: that amount is billed to the "
                "patient, not written off."
            )
        if got_action == "bill_patient" and not _pr_total(remit):
            a_kinds.append("billed_patient_for_co")
            notes.append(
                "Group code CO means contractual obligation: the provider may not bill the "
                "patient for it."
            )
        if got_action == "appeal" and key.action == "write_off":
            a_kinds.append("appealed_contractual")
            notes.append(
                "A contractual adjustment is what the contract says; there is nothing to appeal."
            )
        if got_action == "correct_resubmit" and key.cause == "duplicate":
            a_kinds.append("resubmitted_duplicate")
            notes.append("Sending a duplicate again only earns another duplicate denial.")
        if a_verdict == "wrong" and got_action is None:
            a_kinds.append("unknown_choice")
        elif a_verdict == "wrong":
            a_kinds.append("wrong_action")
        text = " ".join(
            [*notes, f"The right next step: {ACTIONS.get(key.action, key.action)}.", key.why]
        )
        items.append(item("action", key.action, action or None, a_verdict, a_kinds, 0, 10, text))
    return result_of(exercise.id, "denial", items)


def _reasons_text(remit: Remittance, ref: BillingReference | None) -> str:
    parts: list[str] = []
    for line in remit.lines:
        for adj in line.adjustments:
            if adj.group == "CO" and adj.reason == "45":
                continue
            summary = ref.carc.get(adj.reason, "") if ref else ""
            parts.append(
                f"{adj.group}-{adj.reason}"
                + (f" ({summary.rstrip('.').lower()})" if summary else "")
            )
    return ", ".join(parts) or "only contractual adjustments"


def describe_remittance(remit: Remittance, ref: BillingReference | None) -> list[str]:
    """Plain lines: each service, its amounts, and each adjustment with our summary."""
    out = [
        f"Payer {remit.payer} · claim {remit.claim_number} · patient {remit.patient} · "
        f"paid {remit.paid_date.isoformat()}"
    ]
    for n, line in enumerate(remit.lines, start=1):
        mods = "-" + "-".join(line.modifiers) if line.modifiers else ""
        out.append(
            f"{n}. {line.date.isoformat()} {line.code}{mods} x{line.units}: billed "
            f"{line.billed:.2f}, allowed {line.allowed:.2f}, paid {line.paid:.2f}"
        )
        for adj in line.adjustments:
            summary = ref.carc.get(adj.reason, "(no summary)") if ref else ""
            out.append(f"   {adj.group}-{adj.reason} {adj.amount:.2f}  {summary}")
        for remark in line.remarks:
            summary = ref.rarc.get(remark, "(no summary)") if ref else ""
            out.append(f"   remark {remark}  {summary}")
    return out
