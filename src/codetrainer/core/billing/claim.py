"""Grade a learner's CMS-1500 claim box by box, with named slips.

Box 21 and the box 24 codes, modifiers, units and pointers go through the coding grader
(:mod:`codetrainer.core.grading`), so a claim's codes are judged by structure exactly as a
coding case's are (header code, 7th character, transposition ...). The other boxes are
graded here: names, dates, ids, NPIs (with the check digit), place of service, charges.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from rapidfuzz import fuzz

from codetrainer.core.answer import GivenAnswer
from codetrainer.core.answer import GivenLine as CodingLine
from codetrainer.core.billing.models import ClaimExercise, ClaimForm, GivenClaim, GivenLine
from codetrainer.core.billing.npi import npi_problem
from codetrainer.core.billing.posting import parse_amount
from codetrainer.core.billing.results import BillingItem, ExerciseResult, item, result_of
from codetrainer.core.grading import grade_case
from codetrainer.core.models import AnswerKey, Case, DiagnosisKey, LineKey

__all__ = ["BOXES", "claim_as_given", "claim_from_given", "grade_claim", "parse_date"]

BOXES: dict[str, str] = {
    "patient_name": "box 2 patient name",
    "patient_birth_date": "box 3 birth date",
    "patient_sex": "box 3 sex",
    "insured_id": "box 1a insured id",
    "relationship": "box 6 relationship",
    "insured_name": "box 4 insured name",
    "group": "box 11 group number",
    "payer_id": "payer id",
    "pos": "box 24B place of service",
    "rendering_npi": "box 24J rendering NPI",
    "billing_npi": "box 33a billing NPI",
    "tax_id": "box 25 tax id",
    "account": "box 26 patient account",
    "total": "box 28 total charge",
}

_POS_NAMES = {
    "02": "telehealth outside the patient's home",
    "10": "telehealth in the patient's home",
    "11": "office",
    "12": "home",
    "19": "off-campus outpatient hospital",
    "20": "urgent care facility",
    "21": "inpatient hospital",
    "22": "on-campus outpatient hospital",
    "23": "hospital emergency department",
    "31": "skilled nursing facility",
    "32": "nursing facility",
}


def parse_date(text: str) -> dt.date | None:
    """A typed date: 2026-03-02, 03/02/2026, 3/2/2026, 03022026 or 03-02-2026."""
    t = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m%d%Y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return None


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).split()).casefold()


def _adjacent_swap(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _text_item(
    field: str, want: str, got: str, points: float, why: str, *, ident: bool = False
) -> BillingItem:
    label = BOXES.get(field, field)
    if not got.strip():
        return item(label, want, None, "missing", ["missing"], 0, points, f"Left empty. {why}")
    if got.strip() == want:
        return item(label, want, got, "correct", ["exact"], points, points, why)
    norm_got = got.strip().upper().replace("-", "").replace(" ", "") if ident else _fold(got)
    norm_want = want.upper().replace("-", "").replace(" ", "") if ident else _fold(want)
    if norm_got == norm_want:
        return item(
            label, want, got, "correct", ["format"], points, points, f"Right, typed loosely. {why}"
        )
    if _adjacent_swap(norm_got, norm_want):
        return item(
            label,
            want,
            got,
            "wrong",
            ["transposition"],
            0,
            points,
            f"Two neighbouring characters are swapped: the card says {want}. A transposed id "
            f"is a classic reason for a 'patient not found' denial. {why}",
        )
    return item(label, want, got, "wrong", ["wrong"], 0, points, f"Expected {want}. {why}")


def _name_item(field: str, last: str, first: str, got_last: str, got_first: str) -> BillingItem:
    label = BOXES[field]
    want = f"{last}, {first}"
    given = f"{got_last}, {got_first}".strip(", ")
    points = 2.0
    if not (got_last.strip() or got_first.strip()):
        return item(label, want, None, "missing", ["missing"], 0, points, "Left empty.")
    if _fold(got_last) == _fold(last) and _fold(got_first) == _fold(first):
        kind = "exact" if (got_last, got_first) == (last, first) else "format"
        return item(
            label,
            want,
            given,
            "correct",
            [kind],
            points,
            points,
            "The name matches the insurance card (last name first).",
        )
    if _fold(got_last) == _fold(first) and _fold(got_first) == _fold(last):
        return item(
            label,
            want,
            given,
            "wrong",
            ["name_order"],
            0,
            points,
            "First and last name are swapped: the claim takes the last name first, exactly "
            "as the insurance card prints it.",
        )
    if fuzz.ratio(_fold(f"{got_last} {got_first}"), _fold(f"{last} {first}")) >= 85:
        return item(
            label,
            want,
            given,
            "wrong",
            ["name_spelling"],
            0,
            points,
            f"A spelling slip: the card says {want}. The payer matches the name letter for "
            "letter, so a slip means a denial.",
        )
    return item(label, want, given, "wrong", ["wrong"], 0, points, f"The card says {want}.")


def _date_item(label: str, want: dt.date, got: str, points: float, why: str) -> BillingItem:
    w = want.isoformat()
    if not got.strip():
        return item(label, w, None, "missing", ["missing"], 0, points, f"Left empty. {why}")
    parsed = parse_date(got)
    if parsed is None:
        return item(
            label,
            w,
            got,
            "wrong",
            ["invalid_date"],
            0,
            points,
            f"'{got}' is not a date; write MM/DD/YYYY or YYYY-MM-DD. {why}",
        )
    if parsed == want:
        kind = "exact" if got.strip() == w else "format"
        return item(label, w, got, "correct", [kind], points, points, why)
    if parsed.day <= 12 and (parsed.month, parsed.day) == (want.day, want.month):
        return item(
            label,
            w,
            got,
            "wrong",
            ["date_swapped"],
            0,
            points,
            f"Month and day are swapped: the date is {want:%m/%d/%Y} (month first). {why}",
        )
    return item(label, w, got, "wrong", ["wrong_date"], 0, points, f"The date is {w}. {why}")


def _npi_item(field: str, want: str, other: str, got: str) -> BillingItem:
    label = BOXES[field]
    points = 2.0
    role = "rendering clinician's" if field == "rendering_npi" else "billing provider's"
    if not got.strip():
        return item(label, want, None, "missing", ["missing"], 0, points, f"Give the {role} NPI.")
    g = got.strip().replace(" ", "")
    if g == want:
        return item(label, want, got, "correct", ["exact"], points, points, f"The {role} NPI.")
    problem = npi_problem(g)
    if problem is not None:
        return item(
            label,
            want,
            got,
            "wrong",
            ["npi_check_digit" if len(g) == 10 and g.isdigit() else "npi_format"],
            0,
            points,
            f"{problem}. The {role} NPI is {want}.",
        )
    if g == other and other != want:
        return item(
            label,
            want,
            got,
            "wrong",
            ["npi_swapped"],
            0,
            points,
            f"That is the other NPI on the claim: box 24J takes the rendering clinician's "
            f"NPI, box 33a the billing provider's. The {role} NPI is {want}.",
        )
    return item(label, want, got, "wrong", ["wrong"], 0, points, f"The {role} NPI is {want}.")


def _coding_case(key: ClaimForm) -> Case:
    return Case(
        id="claim",
        title="claim",
        note="claim",
        answer=AnswerKey(
            diagnoses=[DiagnosisKey(code=c) for c in key.diagnoses],
            lines=[
                LineKey(code=ln.code, modifiers=ln.modifiers, units=ln.units, pointers=ln.pointers)
                for ln in key.lines
            ],
        ),
    )


_BOX_OF = {
    "diagnosis": "box 21 diagnosis",
    "line": "box 24D code",
    "modifier": "box 24D modifier",
    "units": "box 24G units",
    "pointer": "box 24E pointer",
    "query": "query",
}


def claim_as_given(key: ClaimForm) -> GivenClaim:
    """The key written the way a learner types it (used by tests and the 837 export)."""
    ins = key.insured
    return GivenClaim(
        patient_last=key.patient.last,
        patient_first=key.patient.first,
        patient_birth_date=key.patient.birth_date.isoformat(),
        patient_sex=key.patient.sex,
        insured_id=ins.id,
        relationship=ins.relationship,
        insured_last=ins.last,
        insured_first=ins.first,
        group=ins.group,
        payer_id=key.payer.id,
        pos=key.pos,
        billing_npi=key.billing.npi,
        rendering_npi=key.rendering_npi,
        tax_id=key.billing.tax_id,
        account=key.patient.account,
        diagnoses=list(key.diagnoses),
        lines=[
            GivenLine(
                date=ln.date.isoformat(),
                code=ln.code,
                modifiers=list(ln.modifiers),
                units=str(ln.units),
                pointers=[str(p) for p in ln.pointers],
                charge=f"{ln.charge:.2f}",
            )
            for ln in key.lines
        ],
        total=f"{key.total:.2f}",
    )


def grade_claim(
    exercise: ClaimExercise,
    given: GivenClaim,
    *,
    reference: object = None,
    catalog: object = None,
) -> ExerciseResult:
    """Every box of the claim, field by field."""
    key = exercise.key
    items: list[BillingItem] = []
    p = key.patient
    items.append(
        _name_item("patient_name", p.last, p.first, given.patient_last, given.patient_first)
    )
    items.append(
        _date_item(
            BOXES["patient_birth_date"],
            p.birth_date,
            given.patient_birth_date,
            2,
            "Birth date as on the face sheet.",
        )
    )
    items.append(_text_item("patient_sex", p.sex, given.patient_sex.strip().upper()[:1], 1, ""))
    items.append(
        _text_item(
            "insured_id",
            key.insured.id,
            given.insured_id,
            2,
            "Box 1a is the member id exactly as the insurance card prints it.",
            ident=True,
        )
    )
    rel_why = {
        "self": "The patient is the insured (the card is in the patient's name).",
        "spouse": "The card is in the spouse's name.",
        "child": "The card is in a parent's name: the patient is the insured's child.",
        "other": "The insured is someone else.",
    }[key.insured.relationship]
    rel = _text_item(
        "relationship", key.insured.relationship, given.relationship.strip().lower(), 1, rel_why
    )
    if rel.verdict == "wrong":  # name the slip: the wrong box 6 answer
        rel = item(rel.field, rel.expected, rel.given, "wrong", ["relationship"], 0, 1, rel_why)
    items.append(rel)
    if key.insured.relationship != "self":
        items.append(
            _name_item(
                "insured_name",
                key.insured.last,
                key.insured.first,
                given.insured_last,
                given.insured_first,
            )
        )
    if key.insured.group:
        items.append(_text_item("group", key.insured.group, given.group, 1, "", ident=True))
    items.append(_text_item("payer_id", key.payer.id, given.payer_id, 1, "", ident=True))
    pos_name = _POS_NAMES.get(key.pos, "")
    pos_it = _text_item(
        "pos", key.pos, given.pos.strip(), 2, f"POS {key.pos} is {pos_name}." if pos_name else ""
    )
    if pos_it.verdict == "wrong":
        said = _POS_NAMES.get(given.pos.strip(), "")
        pos_it = item(
            pos_it.field,
            key.pos,
            given.pos,
            "wrong",
            ["pos_wrong"],
            0,
            2,
            (f"POS {given.pos.strip()} is {said}; " if said else "")
            + f"this service was given in the {pos_name or 'place the note names'} "
            f"(POS {key.pos}).",
        )
    items.append(pos_it)
    items.append(
        _npi_item("rendering_npi", key.rendering_npi, key.billing.npi, given.rendering_npi)
    )
    items.append(_npi_item("billing_npi", key.billing.npi, key.rendering_npi, given.billing_npi))
    items.append(_text_item("tax_id", key.billing.tax_id, given.tax_id, 1, "", ident=True))
    items.append(_text_item("account", p.account, given.account, 1, "", ident=True))
    # Box 21 and 24 codes: the coding grader.
    coding = grade_case(
        _coding_case(key),
        GivenAnswer(
            diagnoses=tuple(d for d in given.diagnoses if d.strip()),
            lines=tuple(
                CodingLine(
                    code=ln.code,
                    modifiers=tuple(m for m in ln.modifiers if m.strip()),
                    units=ln.units or "1",
                    pointers=tuple(x for x in ln.pointers if x.strip()),
                )
                for ln in given.lines
                if ln.code.strip()
            ),
        ),
        reference=reference,  # type: ignore[arg-type]
        catalog=catalog,  # type: ignore[arg-type]
    )
    for r in coding.items:
        items.append(
            item(
                _BOX_OF.get(r.field, r.field)
                + (f" (line {r.line + 1})" if r.line is not None and r.field != "line" else ""),
                r.expected,
                r.given,
                r.verdict,
                r.kinds,
                r.points,
                r.max_points,
                r.explanation,
            )
        )
    # Per line: date of service and charge, matched by code.
    used: set[int] = set()
    for n, ln in enumerate(key.lines, start=1):
        j = next(
            (
                i
                for i, g in enumerate(given.lines)
                if i not in used and g.code.strip().upper() == ln.code
            ),
            None,
        )
        if j is None and n - 1 < len(given.lines) and (n - 1) not in used:
            j = n - 1
        g = given.lines[j] if j is not None else GivenLine()
        if j is not None:
            used.add(j)
        items.append(
            _date_item(f"box 24A date (line {n})", ln.date, g.date, 1, "The date of service.")
        )
        items.append(_charge_item(f"box 24F charge (line {n})", ln.charge, g.charge))
    items.append(_total_item(key, given))
    return result_of(exercise.id, "claim", items)


def _charge_item(label: str, want: Decimal, got: str) -> BillingItem:
    w = f"{want:.2f}"
    if not got.strip():
        return item(label, w, None, "missing", ["missing"], 0, 1, "Each line carries its charge.")
    amount = parse_amount(got)
    if amount == want:
        return item(label, w, got, "correct", ["exact"], 1, 1, "The practice's fee.")
    return item(
        label, w, got, "wrong", ["charge"], 0, 1, f"The fee schedule charge for this line is {w}."
    )


def _total_item(key: ClaimForm, given: GivenClaim) -> BillingItem:
    label = BOXES["total"]
    w = f"{key.total:.2f}"
    if not given.total.strip():
        return item(label, w, None, "missing", ["missing"], 0, 1, "Box 28 is the sum of 24F.")
    amount = parse_amount(given.total)
    if amount == key.total:
        return item(label, w, given.total, "correct", ["exact"], 1, 1, "The sum of the lines.")
    charges = [parse_amount(g.charge) for g in given.lines if g.code.strip()]
    own = sum((c for c in charges if c is not None), Decimal("0.00"))
    if amount is not None and amount != own:
        return item(
            label,
            w,
            given.total,
            "wrong",
            ["total_mismatch"],
            0,
            1,
            f"Box 28 must be the sum of your own box 24F charges ({own:.2f}); the right "
            f"total is {w}.",
        )
    return item(label, w, given.total, "wrong", ["charge"], 0, 1, f"The total is {w}.")


def claim_from_given(key: ClaimForm, given: GivenClaim) -> tuple[ClaimForm | None, list[str]]:
    """The learner's own claim as a :class:`ClaimForm` (for the 837P export).

    Boxes the answer form does not ask for (addresses, payer and practice names) come from
    the exercise; every box the learner filled is theirs, exactly as typed. Returns the
    claim, or None and the reasons it cannot be written (an empty or malformed box).
    """
    from pydantic import ValidationError

    data = key.model_dump(mode="json")
    pat, ins = data["patient"], data["insured"]
    pat["last"], pat["first"] = given.patient_last, given.patient_first
    birth = parse_date(given.patient_birth_date)
    pat["birth_date"] = birth.isoformat() if birth else given.patient_birth_date
    pat["sex"] = given.patient_sex
    pat["account"] = given.account
    ins["id"], ins["relationship"] = given.insured_id, given.relationship
    if given.relationship.strip().lower() != "self":
        ins["last"], ins["first"] = given.insured_last, given.insured_first
    ins["group"] = given.group
    data["payer"]["id"] = given.payer_id
    data["pos"] = given.pos
    data["billing"]["npi"] = given.billing_npi
    data["billing"]["tax_id"] = given.tax_id
    if given.rendering_npi.strip() and given.rendering_npi.strip() != given.billing_npi.strip():
        rendering = data.get("rendering") or {"last": "PROVIDER", "first": "RENDERING"}
        rendering["npi"] = given.rendering_npi
        data["rendering"] = rendering
    else:
        data["rendering"] = None
    data["diagnoses"] = [d for d in given.diagnoses if d.strip()]
    lines = []
    for g in given.lines:
        if not g.code.strip():
            continue
        day = parse_date(g.date)
        lines.append(
            {
                "date": day.isoformat() if day else g.date,
                "code": g.code,
                "modifiers": [m for m in g.modifiers if m.strip()],
                "units": g.units or "1",
                "pointers": [p for p in g.pointers if p.strip()],
                "charge": g.charge,
            }
        )
    data["lines"] = lines
    try:
        return ClaimForm.model_validate(data), []
    except ValidationError as exc:
        reasons = []
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
            reasons.append(f"{where}: {str(err['msg']).removeprefix('Value error, ')}")
        return None, reasons
