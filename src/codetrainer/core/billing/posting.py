"""Payment posting: the arithmetic, and grading a learner's posted amounts with named slips.

The order our plans follow (docs/authoring.md, "Posting"): on the allowed amount the
deductible comes first, then the copay, then coinsurance on what is left; the patient's
total is capped at what remains of the out-of-pocket maximum; a secondary payer pays its
share of the patient's part. Every amount is a :class:`~decimal.Decimal` in cents, so
``payment + secondary + adjustment + patient == billed`` holds exactly, always.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from codetrainer.core.billing.models import PostingExercise, PostingFacts, money
from codetrainer.core.billing.results import BillingItem, ExerciseResult, item, result_of
from codetrainer.core.grading.results import Verdict

__all__ = ["Posting", "compute_posting", "grade_posting", "parse_amount"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Posting:
    """What to post for one service."""

    payment: Decimal
    """The primary payer's payment."""
    adjustment: Decimal
    """The contractual write-off: billed minus allowed."""
    patient: Decimal
    """What the patient owes after every payer."""
    secondary_payment: Decimal
    deductible: Decimal
    copay: Decimal
    coinsurance: Decimal
    capped: bool
    """True when the out-of-pocket maximum limited the patient's part."""

    @property
    def total(self) -> Decimal:
        return self.payment + self.secondary_payment + self.adjustment + self.patient


def _pct(amount: Decimal, percent: int) -> Decimal:
    return (amount * Decimal(percent) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_posting(
    facts: PostingFacts,
    *,
    copay_last: bool = False,
    full_oop_cap: bool = False,
    ignore_deductible: bool = False,
    coinsurance_on_billed: bool = False,
) -> Posting:
    """The amounts to post. The keyword flags compute the classic wrong ways (for slips)."""
    billed = facts.billed
    allowed = min(facts.allowed, billed)
    base = billed if coinsurance_on_billed else allowed
    deductible = ZERO if ignore_deductible else min(facts.deductible_remaining, allowed)
    left = base - deductible
    if copay_last:
        coinsurance = _pct(max(left, ZERO), facts.coinsurance_percent)
        copay = min(facts.copay, max(left - coinsurance, ZERO))
    else:
        copay = min(facts.copay, max(left, ZERO))
        coinsurance = _pct(max(left - copay, ZERO), facts.coinsurance_percent)
    share = min(deductible + copay + coinsurance, allowed)
    capped = False
    if facts.oop_max is not None:
        room = facts.oop_max if full_oop_cap else max(facts.oop_max - facts.oop_met, ZERO)
        if share > room:
            share, capped = room, True
    payment = allowed - share
    secondary = ZERO
    if facts.secondary is not None:
        secondary = _pct(share, facts.secondary.pays_percent)
    return Posting(
        payment=payment,
        adjustment=billed - allowed,
        patient=share - secondary,
        secondary_payment=secondary,
        deductible=deductible,
        copay=copay,
        coinsurance=coinsurance,
        capped=capped,
    )


def parse_amount(text: str) -> Decimal | None:
    """A typed amount (``80``, ``$80.00``, ``1,080.5``) or None when it is not one."""
    if not text.strip():
        return None
    try:
        return money(text)
    except ValueError:
        return None


def _fmt(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def grade_posting(
    exercise: PostingExercise,
    payment: str,
    adjustment: str,
    patient: str,
    secondary_payment: str = "",
) -> ExerciseResult:
    """Grade the posted amounts; each field is worth the same, slips are named."""
    facts = exercise.facts
    right = compute_posting(facts)
    given = {
        "payment": parse_amount(payment),
        "adjustment": parse_amount(adjustment),
        "patient": parse_amount(patient),
        "secondary_payment": parse_amount(secondary_payment),
    }
    typed = {
        "payment": payment,
        "adjustment": adjustment,
        "patient": patient,
        "secondary_payment": secondary_payment,
    }
    fields = ["payment", "adjustment", "patient"]
    if facts.secondary is not None:
        fields.append("secondary_payment")
    slips = _slips(facts, right, given)
    items: list[BillingItem] = []
    for name in fields:
        want: Decimal = getattr(right, name)
        got = given[name]
        label = _LABEL[name]
        if got is not None and got == want:
            items.append(
                item(name, _fmt(want), typed[name], "correct", ["exact"], 10, 10, _why(name, right))
            )
            continue
        if got is None:
            verdict: Verdict = "missing" if not typed[name].strip() else "wrong"
            kinds = ["missing"] if verdict == "missing" else ["invalid_amount"]
            text = (
                f"No {label} was posted. "
                if verdict == "missing"
                else f"'{typed[name]}' is not an amount. "
            ) + _why(name, right)
            items.append(item(name, _fmt(want), typed[name] or None, verdict, kinds, 0, 10, text))
            continue
        named = slips.get(name, [])
        kinds = [*named, f"{name}_wrong"]
        text = " ".join(_SLIP_TEXT[k] for k in named) + (" " if named else "") + _why(name, right)
        items.append(item(name, _fmt(want), typed[name], "wrong", kinds, 0, 10, text))
    known = [given[f] for f in fields]
    if all(v is not None for v in known):
        total = sum((v for v in known if v is not None), ZERO)
        if total != facts.billed:
            items.append(
                item(
                    "balance",
                    _fmt(facts.billed),
                    _fmt(total),
                    "wrong",
                    ["not_balanced"],
                    0,
                    0,
                    f"Your amounts add up to {total:.2f}, not the {facts.billed:.2f} billed. "
                    "Payment, adjustment and patient balance (and any secondary payment) "
                    "always account for every cent of the charge.",
                )
            )
    return result_of(exercise.id, "posting", items)


_LABEL = {
    "payment": "payer payment",
    "adjustment": "contractual adjustment",
    "patient": "patient balance",
    "secondary_payment": "secondary payment",
}

_SLIP_TEXT = {
    "copay_after_coinsurance": "You took the coinsurance before the copay: the copay comes "
    "off first and coinsurance is figured on what is left.",
    "oop_full_cap": "You capped the patient at the full out-of-pocket maximum; the cap is what "
    "remains of it after what the patient has already paid this year.",
    "wrote_off_patient_share": "You wrote off what the patient owes: only the amount above the "
    "allowed fee is a contractual write-off; deductible, copay and coinsurance are billed to "
    "the patient.",
    "deductible_ignored": "You left out the deductible that is still to be met.",
    "coinsurance_on_billed": "You figured the patient's share on the billed charge; it is "
    "figured on the allowed amount.",
    "secondary_ignored": "The secondary payer's share was not taken off the patient's balance.",
}


def _slips(
    facts: PostingFacts, right: object, given: dict[str, Decimal | None]
) -> dict[str, list[str]]:
    """Which classic wrong ways of computing explain the learner's numbers."""
    out: dict[str, list[str]] = {}
    variants = {
        "copay_after_coinsurance": compute_posting(facts, copay_last=True),
        "oop_full_cap": compute_posting(facts, full_oop_cap=True),
        "deductible_ignored": compute_posting(facts, ignore_deductible=True),
        "coinsurance_on_billed": compute_posting(facts, coinsurance_on_billed=True),
    }
    base = compute_posting(facts)
    if facts.secondary is not None:
        variants["secondary_ignored"] = replace(
            base, patient=base.patient + base.secondary_payment, secondary_payment=ZERO
        )
    for name, variant in variants.items():
        if variant == base:
            continue
        for field in ("payment", "patient", "adjustment", "secondary_payment"):
            got = given.get(field)
            if got is not None and got != getattr(base, field) and got == getattr(variant, field):
                out.setdefault(field, []).append(name)
    billed_minus_allowed = facts.billed - min(facts.allowed, facts.billed)
    adj = given.get("adjustment")
    if adj is not None and base.patient > 0 and adj == billed_minus_allowed + base.patient:
        out.setdefault("adjustment", []).append("wrote_off_patient_share")
        if given.get("patient") == ZERO:
            out.setdefault("patient", []).append("wrote_off_patient_share")
    return out


def _why(name: str, p: Posting) -> str:
    if name == "payment":
        return f"The payer pays the allowed amount minus the patient's part: {p.payment:.2f}."
    if name == "adjustment":
        return f"The contractual adjustment is billed minus allowed: {p.adjustment:.2f}."
    if name == "secondary_payment":
        return (
            f"The secondary payer pays its share of the patient's part: {p.secondary_payment:.2f}."
        )
    parts = [
        f"deductible {p.deductible:.2f}",
        f"copay {p.copay:.2f}",
        f"coinsurance {p.coinsurance:.2f}",
    ]
    text = f"The patient owes {', then '.join(parts)}"
    if p.capped:
        text += ", capped at what remains of the out-of-pocket maximum"
    if p.secondary_payment:
        text += f", less the secondary payer's {p.secondary_payment:.2f}"
    return text + f": {p.patient:.2f}."
