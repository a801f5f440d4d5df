"""Typed models for packs, code sets and answers files (pydantic v2).

The YAML loader hands every scalar over as a string; pydantic's lax mode turns
``"3"`` into ``3`` and ``"true"`` into ``True`` where a field asks for it. Field
names follow ``pack-format.md`` exactly. Cross-field checks (duplicate ids, pointers
past the diagnoses, evidence present in the note) live in :mod:`codetrainer.core.packs`
so that they can point at the exact YAML node.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from codetrainer.core import contract as schema
from codetrainer.core.codes import CodeFormatError, System, detect_system, normalize, try_normalize

__all__ = [
    "SETTINGS",
    "AnswerEntry",
    "AnswerKey",
    "AnswerLineEntry",
    "AnswersFile",
    "Case",
    "CodeEntry",
    "CodeSet",
    "CodeSetInfo",
    "DiagnosisKey",
    "LineKey",
    "Mistake",
    "Pack",
    "PackInfo",
    "QueryKey",
]

SETTINGS = ("outpatient", "emergency", "inpatient", "observation", "telehealth", "other")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_POINTER_LETTERS = "ABCDEFGHIJKL"


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lowercase letters, digits and hyphens "
            "(for example 'sore-throat')"
        )
    return value


def _icd(value: str) -> str:
    try:
        return normalize(value, System.ICD10CM).code
    except CodeFormatError as exc:
        raise ValueError(f"diagnosis code {exc}") from None


def _procedure(value: str) -> str:
    system = detect_system(value)
    if system not in (System.CPT, System.HCPCS):
        try:
            normalize(value)  # precise message for look-alikes
        except CodeFormatError as exc:
            raise ValueError(f"service code {exc}") from None
        raise ValueError(
            f"'{value}' is not a CPT or HCPCS Level II code; service lines take CPT (99213) "
            "or HCPCS Level II (A4253) codes, diagnoses go under 'diagnoses'"
        )
    return normalize(value, system).code


def _modifier(value: str) -> str:
    try:
        return normalize(value, System.MODIFIER).code
    except CodeFormatError as exc:
        raise ValueError(f"modifier {exc}") from None


def _any_code(value: str) -> str:
    try:
        return normalize(value).code
    except CodeFormatError as exc:
        modifier = try_normalize(value, System.MODIFIER)
        if modifier is not None:  # a wrong modifier is a predictable mistake too
            return modifier.code
        raise ValueError(f"code {exc}") from None


def _pointer(value: Any) -> int:
    text = str(value).strip().upper()
    if len(text) == 1 and text in _POINTER_LETTERS:
        return _POINTER_LETTERS.index(text) + 1
    digits = text[1:] if text.startswith("+") else text  # "+1" is 1, as YAML reads it
    if digits.isdigit() and 1 <= int(digits) <= 12:
        return int(digits)
    raise ValueError(f"'{value}' is not a diagnosis pointer: use 1-12 (or the claim letters A-L)")


def _plain_number(value: Any) -> Any:
    """pydantic would read "1_000" as 1000; authors mean digits (and the schema says so)."""
    if isinstance(value, str) and "_" in value:
        raise ValueError(f"'{value}' is not a whole number: write digits only (3, 10)")
    return value


def _text(value: Any) -> Any:
    """Strip surrounding blank space from free text (block scalars end in a newline)."""
    return value.strip() if isinstance(value, str) else value


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


# Each type carries its exact JSON Schema (codetrainer.core.contract), so that an editor
# checking the schema agrees with validate.
IcdCode = Annotated[str, AfterValidator(_icd), WithJsonSchema(schema.ICD_CODE)]
ProcedureCode = Annotated[str, AfterValidator(_procedure), WithJsonSchema(schema.PROCEDURE_CODE)]
ModifierCode = Annotated[str, AfterValidator(_modifier), WithJsonSchema(schema.MODIFIER_CODE)]
AnyCode = Annotated[str, AfterValidator(_any_code), WithJsonSchema(schema.ANY_CODE)]
Pointer = Annotated[int, BeforeValidator(_pointer), WithJsonSchema(schema.POINTER)]
Slug = Annotated[str, AfterValidator(_slug), WithJsonSchema(schema.SLUG)]
Text = Annotated[
    str, BeforeValidator(_text), AfterValidator(_nonblank), WithJsonSchema(schema.TEXT)
]
OptText = Annotated[str, BeforeValidator(_text), WithJsonSchema(schema.OPT_TEXT)]
WholeNumber = Annotated[int, BeforeValidator(_plain_number)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class PackInfo(_Model):
    """The ``pack:`` header."""

    id: Slug
    title: Text
    version: Text
    code_year: Text = Field(description="The ICD-10-CM release the answers follow, e.g. FY2026.")
    description: OptText = ""
    authors: list[Text] = Field(default_factory=list)
    license: OptText = ""


class DiagnosisKey(_Model):
    """One expected ICD-10-CM code; the first in the list is first-listed/principal."""

    code: IcdCode
    why: OptText = ""
    evidence: list[Text] = Field(default_factory=list)
    also_accept: list[IcdCode] = Field(default_factory=list)
    optional: bool = Field(
        default=False,
        description="Leaving this code out costs nothing and giving it costs nothing "
        "(e.g. Y92/Y93 place and activity codes).",
    )


class LineKey(_Model):
    """One expected service line (CPT or HCPCS Level II)."""

    code: ProcedureCode
    modifiers: list[ModifierCode] = Field(default_factory=list, max_length=4)
    units: WholeNumber = Field(default=1, ge=1, le=9999)
    pointers: list[Pointer] = Field(default_factory=list, max_length=4)
    why: OptText = ""
    evidence: list[Text] = Field(default_factory=list)
    also_accept: list[ProcedureCode] = Field(default_factory=list)
    optional: bool = Field(
        default=False, description="Leaving this line out costs nothing; giving it costs nothing."
    )


class QueryKey(_Model):
    """When the right move is to ask the provider a question."""

    why: Text
    keywords: list[Text] = Field(min_length=1)


class AnswerKey(_Model):
    """The claim-shaped key: diagnoses in order, service lines, optional query."""

    diagnoses: list[DiagnosisKey] = Field(default_factory=list, max_length=12)
    lines: list[LineKey] = Field(default_factory=list, max_length=50)
    query: QueryKey | None = None


class Mistake(_Model):
    """Targeted feedback for a predictable wrong code (or a wrong modifier, e.g. 59)."""

    code: AnyCode
    feedback: Text


class Case(_Model):
    """One clinical note to code."""

    id: Slug
    title: Text
    setting: Literal[
        "outpatient", "emergency", "inpatient", "observation", "telehealth", "other"
    ] = "outpatient"
    claim: Literal["professional", "facility"] | None = Field(
        default=None,
        description="Whose claim is coded: 'professional' (CMS-1500, outpatient rules for "
        "uncertain diagnoses, Guidelines IV.H) or 'facility' (the hospital's inpatient claim, "
        "Guidelines II). Every inpatient case declares it.",
    )
    difficulty: WholeNumber = Field(default=1, ge=1, le=5)
    tags: list[Text] = Field(default_factory=list)
    note: Text
    hints: list[Text] = Field(default_factory=list)
    answer: AnswerKey
    mistakes: list[Mistake] = Field(default_factory=list)

    @field_validator("setting", "claim", mode="before")
    @classmethod
    def _lower_setting(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def content_hash(self) -> str:
        """A stable fingerprint of what the learner is graded on (note and key).

        Progress records keep it so that an edited case is recognised as changed.
        """
        answer = self.answer.model_dump(mode="json")
        for item in (*answer["diagnoses"], *answer["lines"]):
            if not item.get("optional"):  # keep the hashes of cases written before the field
                item.pop("optional", None)
        key: dict[str, Any] = {"note": self.note, "answer": answer}
        if self.claim is not None:
            key["claim"] = self.claim
        payload = json.dumps(
            key,
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class Pack(_Model):
    """A case pack file."""

    pack: PackInfo
    cases: list[Case] = Field(min_length=1)

    def case(self, case_id: str) -> Case | None:
        for case in self.cases:
            if case.id == case_id:
                return case
        return None


class CodeSetInfo(_Model):
    """The ``codeset:`` header."""

    id: Slug
    system: Annotated[
        Literal["ICD-10-CM", "CPT", "HCPCS", "MODIFIER"], WithJsonSchema(schema.SYSTEM)
    ]
    year: Text
    source: OptText = ""

    @field_validator("system", mode="before")
    @classmethod
    def _system(cls, value: Any) -> Any:
        if isinstance(value, str):
            parsed = System.parse(value)
            if parsed is not None:
                return parsed.value
        return value


class CodeEntry(_Model):
    """One code in a curated set."""

    code: Text
    description: OptText = ""
    billable: bool = True
    notes: OptText = ""


class CodeSet(_Model):
    """A code set file."""

    codeset: CodeSetInfo
    codes: list[CodeEntry] = Field(default_factory=list)

    @property
    def system(self) -> System:
        return System(self.codeset.system)


class AnswerLineEntry(_Model):
    """A service line as a student wrote it (codes kept as typed; grading judges them)."""

    code: OptText = ""
    modifiers: list[OptText] = Field(default_factory=list, max_length=4)
    units: OptText = "1"
    pointers: list[OptText] = Field(default_factory=list, max_length=4)


def _bare_line(value: Any) -> Any:
    if isinstance(value, str):
        return {"code": value}
    return value


class AnswerEntry(_Model):
    """One case's answer in an answers file."""

    case: Text
    diagnoses: list[OptText] = Field(default_factory=list, max_length=12)
    lines: list[
        Annotated[
            AnswerLineEntry,
            BeforeValidator(_bare_line, json_schema_input_type=AnswerLineEntry | str | float),
        ]
    ] = Field(default_factory=list)
    query: OptText = ""


class AnswersFile(_Model):
    """A batch of answers (LMS hand-in)."""

    student: OptText = ""
    answers: list[AnswerEntry] = Field(default_factory=list)
