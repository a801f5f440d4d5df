"""Typed models of billing packs and billing answers files (pydantic v2).

A billing pack has a ``billing:`` header and ``exercises:``; each exercise has a ``kind``
(claim, scrub, denial, posting) and the fields of that kind. Field names are the contract
documented in docs/authoring.md ("Billing packs"). Like the coding models, every scalar
arrives as text from the strict loader and pydantic converts it; cross-field checks
(pointers, NPIs, posting arithmetic, "never appeal a CO-236 with indicator 0") live in
:mod:`.loading` so that they can point at the exact YAML node.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)

from codetrainer.core.models import (
    IcdCode,
    ModifierCode,
    OptText,
    Pointer,
    ProcedureCode,
    Slug,
    Text,
)

__all__ = [
    "ACTIONS",
    "CAUSES",
    "KINDS",
    "PROBLEM_KINDS",
    "Address",
    "BillingAnswer",
    "BillingAnswersFile",
    "BillingInfo",
    "BillingPack",
    "ClaimExercise",
    "ClaimForm",
    "ClaimLine",
    "DenialExercise",
    "Exercise",
    "GivenClaim",
    "GivenLine",
    "GivenProblem",
    "Insured",
    "Money",
    "OnFile",
    "Patient",
    "Payer",
    "PostingExercise",
    "PostingFacts",
    "PostingKey",
    "Provider",
    "Remittance",
    "ScrubExercise",
    "ScrubFacts",
    "ScrubProblem",
    "money",
]

KINDS = ("claim", "scrub", "denial", "posting")

PROBLEM_KINDS: dict[str, str] = {
    "demographic_mismatch": "a patient or insured detail differs from the face sheet or card",
    "coverage_inactive": "the coverage was not active on the date of service",
    "timely_filing": "the claim goes out after the payer's filing limit",
    "invalid_code": "a code that does not exist or was deleted",
    "header_code": "an ICD-10-CM header (category) code, or one missing its 7th character",
    "sex_age_conflict": "a diagnosis that does not fit the patient's sex or age",
    "modifier_missing": "a -25 or -59/X modifier the line needs is missing",
    "ncci_pair": "an NCCI procedure-to-procedure pair billed together without a modifier",
    "mue_exceeded": "more units than the Medically Unlikely Edit allows in a day",
    "pointer_nothing": "a diagnosis pointer that points at an empty box 21 letter",
    "duplicate_line": "the same service billed twice on the claim",
    "excludes1_pair": "two diagnoses that an Excludes1 note forbids together",
    "dx_not_supporting": "no diagnosis on the claim supports the service on the line",
}
"""Scrub problem kinds and what each means (the names are the answers-file contract)."""

CAUSES: dict[str, str] = {
    "missing_information": "information the payer needs is missing or invalid",
    "diagnosis_inconsistent": "the diagnosis does not fit the procedure",
    "modifier_issue": "a modifier is missing, wrong or inconsistent",
    "bundled": "the service is bundled into another one paid the same day (NCCI)",
    "coverage_terminated": "the patient's coverage had ended before the date of service",
    "not_eligible": "the patient was not covered by this payer on that date",
    "timely_filing": "the claim reached the payer after its filing limit",
    "duplicate": "the payer already processed the same service",
    "not_medically_necessary": "the payer does not find the service medically necessary",
    "contractual": "the amount above the contracted fee (a normal adjustment)",
    "patient_responsibility": "deductible, copay or coinsurance the patient owes",
    "other_payer_primary": "another payer must pay first (coordination of benefits)",
    "authorization_missing": "a required prior authorization was not obtained",
    "units_exceeded": "more units than the payer allows for the service",
}
"""Denial causes a learner names."""

ACTIONS: dict[str, str] = {
    "correct_resubmit": "correct the claim and resubmit it",
    "appeal": "appeal with documentation",
    "write_off": "write off the contractual amount",
    "bill_patient": "bill the patient",
    "check_eligibility": "check eligibility and correct the coverage details",
    "coordination_of_benefits": "sort out coordination of benefits, bill the primary payer",
}
"""Next actions after a remittance."""


def money(value: Any) -> Decimal:
    """Dollars and cents from text (``125``, ``125.00``, ``$1,250.5``); 2 places, >= 0."""
    text = str(value).strip().replace(",", "").removeprefix("$")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{value}' is not an amount of money (write 125.00)") from None
    if not amount.is_finite():
        raise ValueError(f"'{value}' is not an amount of money (write 125.00)")
    if amount < 0:
        raise ValueError(f"'{value}' is negative; amounts here are never below 0.00")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"'{value}' has fractions of a cent; use at most 2 decimals")
    if amount >= Decimal("10000000"):
        raise ValueError(f"'{value}' is too large for a claim amount")
    return amount.quantize(Decimal("0.01"))


Money = Annotated[
    Decimal,
    BeforeValidator(money),
    WithJsonSchema({"type": ["string", "number"], "pattern": r"^\$?[0-9,]+(\.[0-9]{1,2})?$"}),
]
Percent = Annotated[int, Field(ge=0, le=100)]

_STATE = re.compile(r"^[A-Z]{2}$")
_ZIP = re.compile(r"^\d{5}(\d{4})?$")
_POS = re.compile(r"^\d{2}$")
_TAX_ID = re.compile(r"^\d{9}$")
_MEMBER = re.compile(r"^[A-Z0-9]{2,20}$")


def _state(value: str) -> str:
    text = value.strip().upper()
    if not _STATE.match(text):
        raise ValueError(f"'{value}' is not a two-letter state code (IL, TX ...)")
    return text


def _zip(value: str) -> str:
    text = value.strip().replace("-", "")
    if not _ZIP.match(text):
        raise ValueError(f"'{value}' is not a ZIP code (5 digits, or ZIP+4)")
    return text


def _pos(value: str) -> str:
    text = value.strip()
    if not _POS.match(text):
        raise ValueError(f"'{value}' is not a place-of-service code (two digits, e.g. 11)")
    return text


def _tax_id(value: str) -> str:
    text = value.strip().replace("-", "")
    if not _TAX_ID.match(text):
        raise ValueError(f"'{value}' is not a federal tax id (9 digits, 12-3456789)")
    return text


def _member(value: str) -> str:
    text = value.strip().upper()
    if not _MEMBER.match(text):
        raise ValueError(f"'{value}' is not a member id (2-20 letters and digits)")
    return text


def _npi_shape(value: str) -> str:
    text = value.strip()
    if len(text) != 10 or not text.isdigit():
        raise ValueError(f"'{value}' is not an NPI (10 digits)")
    return text


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


State = Annotated[str, AfterValidator(_state)]
Zip = Annotated[str, AfterValidator(_zip)]
Pos = Annotated[str, AfterValidator(_pos)]
TaxId = Annotated[str, AfterValidator(_tax_id)]
MemberId = Annotated[str, AfterValidator(_member)]
NpiText = Annotated[str, AfterValidator(_npi_shape)]
Sex = Annotated[Literal["F", "M", "U"], BeforeValidator(_upper)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BillingInfo(_Model):
    """The ``billing:`` header of a billing pack."""

    id: Slug
    title: Text
    version: Text
    code_year: Text = Field(description="The ICD-10-CM release the claims follow, e.g. FY2026.")
    description: OptText = ""
    authors: list[Text] = Field(default_factory=list)
    license: OptText = ""


class Address(_Model):
    """A postal address, split the way box 5/7/32/33 and the 837 N3/N4 segments need it."""

    street: Text
    city: Text
    state: State
    zip: Zip


class Patient(_Model):
    """Boxes 2, 3 and 5: who was seen."""

    last: Text
    first: Text
    middle: OptText = ""
    birth_date: dt.date
    sex: Sex
    address: Address
    account: Text = Field(description="Box 26: the practice's patient account number.")


class Insured(_Model):
    """Boxes 1a, 4, 6, 7 and 11: whose coverage pays."""

    id: MemberId = Field(description="Box 1a: the member id on the insurance card.")
    relationship: Annotated[Literal["self", "spouse", "child", "other"], BeforeValidator(_lower)]
    last: OptText = Field(default="", description="Box 4; left out when the patient is insured.")
    first: OptText = ""
    middle: OptText = ""
    birth_date: dt.date | None = None
    sex: Sex | None = None
    address: Address | None = None
    group: OptText = Field(default="", description="Box 11: the group or plan number.")


class Payer(_Model):
    """Who the claim goes to."""

    name: Text
    id: Annotated[str, AfterValidator(_member)] = Field(description="The payer's id for EDI.")
    plan: Annotated[
        Literal["commercial", "medicare", "medicaid", "bcbs", "hmo", "tricare", "other"],
        BeforeValidator(_lower),
    ] = "commercial"


class Provider(_Model):
    """Boxes 25, 33 and 33a: the billing provider (a practice or a person)."""

    name: Text
    npi: NpiText
    tax_id: TaxId
    address: Address
    organization: bool = True


class Rendering(_Model):
    """Box 24J: the clinician who gave the service, when not the billing provider."""

    last: Text
    first: Text
    npi: NpiText


class ClaimLine(_Model):
    """One box 24 line."""

    date: dt.date = Field(description="24A: the date of service.")
    code: ProcedureCode
    modifiers: list[ModifierCode] = Field(default_factory=list, max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    pointers: list[Pointer] = Field(default_factory=list, max_length=4)
    charge: Money


class ClaimForm(_Model):
    """A professional claim (CMS-1500 / 837P), as a key or as a prepared claim to scrub."""

    patient: Patient
    insured: Insured
    payer: Payer
    billing: Provider
    rendering: Rendering | None = None
    pos: Pos = Field(description="24B place of service for every line (11 office ...).")
    diagnoses: list[IcdCode] = Field(min_length=1, max_length=12, description="Box 21 A-L.")
    lines: list[ClaimLine] = Field(min_length=1, max_length=6)

    @property
    def total(self) -> Decimal:
        """Box 28: the sum of the line charges."""
        return sum((line.charge for line in self.lines), Decimal("0.00"))

    @property
    def rendering_npi(self) -> str:
        return self.rendering.npi if self.rendering else self.billing.npi


class _ExerciseBase(_Model):
    id: Slug
    title: Text
    difficulty: int = Field(default=1, ge=1, le=5)
    tags: list[Text] = Field(default_factory=list)
    hints: list[Text] = Field(default_factory=list)

    def content_hash(self) -> str:
        """A stable fingerprint of what the learner is graded on."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class ClaimExercise(_ExerciseBase):
    """Fill a claim from an encounter, a face sheet and an insurance card."""

    kind: Literal["claim"]
    encounter: Text
    face_sheet: Text
    insurance_card: Text
    key: ClaimForm


class OnFile(_Model):
    """The patient as the practice's face sheet and the insurance card have them."""

    last: Text
    first: Text
    birth_date: dt.date
    sex: Sex
    member_id: MemberId


class ScrubFacts(_Model):
    """What a scrubber checks the claim against."""

    face_sheet: Text
    on_file: OnFile
    note: Text = Field(description="The encounter summary the codes should match.")
    coverage_start: dt.date
    coverage_end: dt.date | None = None
    filing_limit_days: int = Field(default=365, ge=1, le=3650)
    submit_date: dt.date


class ScrubProblem(_Model):
    """One planted problem: its kind, where it sits, and the fix."""

    kind: Annotated[str, BeforeValidator(_lower)]
    line: int | None = Field(
        default=None, ge=1, le=6, description="The box 24 line (1-6), or empty for the header."
    )
    fix: Text
    fix_keywords: list[Text] = Field(min_length=1, description="Words a right fix mentions.")
    why: OptText = ""


class ScrubExercise(_ExerciseBase):
    """Find every planted problem in a prepared claim and say the fix."""

    kind: Literal["scrub"]
    claim: ClaimForm
    facts: ScrubFacts
    key: list[ScrubProblem] = Field(min_length=1)


class Adjustment(_Model):
    group: Annotated[Literal["CO", "PR", "OA", "PI"], BeforeValidator(_upper)]
    reason: Annotated[str, BeforeValidator(_upper)] = Field(description="A CARC number.")
    amount: Money


class RemitLine(_Model):
    date: dt.date
    code: ProcedureCode
    modifiers: list[ModifierCode] = Field(default_factory=list, max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    billed: Money
    allowed: Money
    paid: Money
    adjustments: list[Adjustment] = Field(default_factory=list)
    remarks: list[Annotated[str, BeforeValidator(_upper)]] = Field(
        default_factory=list, description="RARC numbers (N130, M15 ...)."
    )


class Remittance(_Model):
    """An EOB / ERA 835 for one claim."""

    payer: Text
    claim_number: Text
    patient: Text
    paid_date: dt.date
    lines: list[RemitLine] = Field(min_length=1)


class DenialKey(_Model):
    cause: Annotated[str, BeforeValidator(_lower)]
    action: Annotated[str, BeforeValidator(_lower)]
    line: int | None = Field(default=None, ge=1, description="The remittance line denied.")
    why: Text


class DenialExercise(_ExerciseBase):
    """Read a remittance: name the cause of the denial and the next action."""

    kind: Literal["denial"]
    context: Text = Field(description="What the biller knows: the claim, the note, the payer.")
    remittance: Remittance
    key: DenialKey


class Secondary(_Model):
    name: Text
    pays_percent: Percent = Field(description="Share of the patient's part the secondary pays.")


class PostingFacts(_Model):
    """A primary payer's processing of one service, and the patient's benefits."""

    billed: Money
    allowed: Money
    deductible_remaining: Money = Decimal("0.00")
    copay: Money = Decimal("0.00")
    coinsurance_percent: Percent = 0
    oop_max: Money | None = Field(default=None, description="The plan's out-of-pocket maximum.")
    oop_met: Money = Field(default=Decimal("0.00"), description="What the patient paid so far.")
    secondary: Secondary | None = None


class PostingKey(_Model):
    """The amounts to post; validate checks them against the arithmetic."""

    payment: Money
    adjustment: Money
    patient: Money
    secondary_payment: Money | None = None
    why: Text


class PostingExercise(_ExerciseBase):
    """Post a payment: payer payment, contractual adjustment, patient balance."""

    kind: Literal["posting"]
    story: Text
    facts: PostingFacts
    key: PostingKey


def _kind_of(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind.strip().lower() if isinstance(kind, str) else None
    return getattr(value, "kind", None)


Exercise = Annotated[
    Annotated[ClaimExercise, Tag("claim")]
    | Annotated[ScrubExercise, Tag("scrub")]
    | Annotated[DenialExercise, Tag("denial")]
    | Annotated[PostingExercise, Tag("posting")],
    Discriminator(_kind_of),
]


class BillingPack(_Model):
    """A billing pack file."""

    billing: BillingInfo
    exercises: list[Exercise] = Field(min_length=1)

    def exercise(self, exercise_id: str) -> Exercise | None:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        return None


# ---------------------------------------------------------------------------------------
# answers, kept as typed (grading judges them)


class GivenLine(_Model):
    date: OptText = ""
    code: OptText = ""
    modifiers: list[OptText] = Field(default_factory=list, max_length=4)
    units: OptText = "1"
    pointers: list[OptText] = Field(default_factory=list, max_length=4)
    charge: OptText = ""


class GivenClaim(_Model):
    """A learner's claim: every box as typed. Missing boxes are empty."""

    patient_last: OptText = ""
    patient_first: OptText = ""
    patient_birth_date: OptText = ""
    patient_sex: OptText = ""
    insured_id: OptText = ""
    relationship: OptText = ""
    insured_last: OptText = ""
    insured_first: OptText = ""
    group: OptText = ""
    payer_id: OptText = ""
    pos: OptText = ""
    billing_npi: OptText = ""
    rendering_npi: OptText = ""
    tax_id: OptText = ""
    account: OptText = ""
    diagnoses: list[OptText] = Field(default_factory=list, max_length=12)
    lines: list[GivenLine] = Field(default_factory=list, max_length=6)
    total: OptText = ""


class GivenProblem(_Model):
    kind: OptText = ""
    line: OptText = ""
    fix: OptText = ""


class BillingAnswer(_Model):
    """One exercise's answer; which fields matter depends on the exercise's kind."""

    exercise: Text
    claim: GivenClaim | None = None
    problems: list[GivenProblem] = Field(default_factory=list)
    cause: OptText = ""
    action: OptText = ""
    payment: OptText = ""
    adjustment: OptText = ""
    patient: OptText = ""
    secondary_payment: OptText = ""


class BillingAnswersFile(_Model):
    """A batch of billing answers (LMS hand-in): top-level ``billing_answers:``."""

    student: OptText = ""
    billing_answers: list[BillingAnswer] = Field(default_factory=list)
