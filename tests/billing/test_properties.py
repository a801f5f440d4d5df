"""hypothesis: the key always scores 100 and the posting arithmetic always adds up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codetrainer.core.billing.claim import claim_as_given, grade_claim
from codetrainer.core.billing.denial import grade_denial
from codetrainer.core.billing.models import (
    ACTIONS,
    CAUSES,
    ClaimExercise,
    ClaimForm,
    DenialExercise,
    PostingExercise,
    PostingFacts,
)
from codetrainer.core.billing.npi import npi_check_digit
from codetrainer.core.billing.posting import compute_posting, grade_posting

cents = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)


@st.composite
def posting_facts(draw: st.DrawFn) -> PostingFacts:
    billed = draw(cents.filter(lambda d: d > 0))
    allowed = draw(st.integers(0, int(billed * 100)).map(lambda c: Decimal(c) / 100))
    oop = draw(st.none() | cents)
    data: dict[str, object] = {
        "billed": str(billed),
        "allowed": str(allowed),
        "deductible_remaining": str(draw(cents)),
        "copay": str(draw(cents)),
        "coinsurance_percent": str(draw(st.integers(0, 100))),
    }
    if oop is not None:
        data["oop_max"] = str(oop)
        data["oop_met"] = str(draw(cents))
    if draw(st.booleans()):
        data["secondary"] = {"name": "Second", "pays_percent": str(draw(st.integers(0, 100)))}
    return PostingFacts.model_validate(data)


@given(posting_facts())
@settings(max_examples=300)
def test_posting_always_adds_up(facts: PostingFacts) -> None:
    p = compute_posting(facts)
    assert p.payment + p.secondary_payment + p.adjustment + p.patient == facts.billed
    for amount in (p.payment, p.secondary_payment, p.adjustment, p.patient):
        assert amount >= 0
        assert amount == amount.quantize(Decimal("0.01"))
    assert p.adjustment == facts.billed - facts.allowed
    if facts.oop_max is not None:
        assert p.patient + p.secondary_payment <= max(facts.oop_max - facts.oop_met, Decimal(0))


@given(posting_facts(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_every_wrong_way_still_adds_up(
    facts: PostingFacts, a: bool, b: bool, c: bool, d: bool
) -> None:
    p = compute_posting(
        facts, copay_last=a, full_oop_cap=b, ignore_deductible=c, coinsurance_on_billed=d
    )
    assert p.total == facts.billed


@given(posting_facts())
@settings(max_examples=150)
def test_the_computed_posting_scores_100(facts: PostingFacts) -> None:
    p = compute_posting(facts)
    ex = PostingExercise.model_validate(
        {
            "id": "p",
            "kind": "posting",
            "title": "t",
            "story": "s",
            "facts": facts.model_dump(mode="json"),
            "key": {
                "payment": str(p.payment),
                "adjustment": str(p.adjustment),
                "patient": str(p.patient),
                "secondary_payment": str(p.secondary_payment) if facts.secondary else None,
                "why": "w",
            },
        }
    )
    result = grade_posting(
        ex, f"{p.payment}", f"{p.adjustment}", f"{p.patient}", f"{p.secondary_payment}"
    )
    assert result.score == 100.0


NAMES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
DX = ["J02.9", "I10", "E11.9", "N39.0", "J20.9", "M54.50", "Z23", "R05.9"]
PROCS = ["99213", "99214", "87880", "81002", "36415", "90471", "J1030", "A4253"]
MODS = ["25", "59", "RT", "LT", "QW", "XS"]


@st.composite
def npis(draw: st.DrawFn) -> str:
    stem = draw(st.sampled_from("12")) + draw(
        st.text(alphabet="0123456789", min_size=8, max_size=8)
    )
    return stem + npi_check_digit(stem)


@st.composite
def claims(draw: st.DrawFn) -> ClaimForm:
    dx = draw(st.lists(st.sampled_from(DX), min_size=1, max_size=4, unique=True))
    relationship = draw(st.sampled_from(["self", "spouse", "child", "other"]))
    address = {"street": "1 Elm Street", "city": "Fernwood", "state": "IL", "zip": "62999"}
    insured: dict[str, object] = {
        "id": draw(st.text(alphabet="ABCDEFGHJK0123456789", min_size=5, max_size=14)),
        "relationship": relationship,
    }
    if relationship != "self":
        insured |= {
            "last": draw(NAMES),
            "first": draw(NAMES),
            "birth_date": "1970-01-01",
            "sex": "F",
            "address": address,
        }
    day = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 300)))
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        lines.append(
            {
                "date": day.isoformat(),
                "code": draw(st.sampled_from(PROCS)),
                "modifiers": draw(st.lists(st.sampled_from(MODS), max_size=2, unique=True)),
                "units": str(draw(st.integers(1, 4))),
                "pointers": draw(
                    st.lists(
                        st.integers(1, len(dx)), min_size=1, max_size=min(4, len(dx)), unique=True
                    )
                ),
                "charge": str(draw(cents)),
            }
        )
    render = draw(npis())
    return ClaimForm.model_validate(
        {
            "patient": {
                "last": draw(NAMES),
                "first": draw(NAMES),
                "birth_date": "1990-05-06",
                "sex": draw(st.sampled_from("FMU")),
                "address": address,
                "account": "A" + str(draw(st.integers(1, 99999))),
            },
            "insured": insured,
            "payer": {"name": "Payer", "id": "PAY01"},
            "billing": {
                "name": "Practice",
                "npi": draw(npis()),
                "tax_id": "361234567",
                "address": {**address, "zip": "629991234"},
            },
            "rendering": {"last": "DOC", "first": "A", "npi": render},
            "pos": draw(st.sampled_from(["11", "10", "23", "22"])),
            "diagnoses": dx,
            "lines": lines,
        }
    )


@given(claims())
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_a_claim_key_graded_against_itself_scores_100(claim: ClaimForm) -> None:
    ex = ClaimExercise(
        id="c",
        kind="claim",
        title="t",
        encounter="e",
        face_sheet="f",
        insurance_card="i",
        key=claim,
    )
    result = grade_claim(ex, claim_as_given(claim))
    assert result.score == 100.0, [i for i in result.items if i.verdict != "correct"]


@given(st.sampled_from(sorted(CAUSES)), st.sampled_from(sorted(ACTIONS)))
def test_a_denial_key_scores_100(cause: str, action: str) -> None:
    ex = DenialExercise.model_validate(
        {
            "id": "d",
            "kind": "denial",
            "title": "t",
            "context": "c",
            "remittance": {
                "payer": "P",
                "claim_number": "1",
                "patient": "A, B",
                "paid_date": "2026-01-02",
                "lines": [
                    {
                        "date": "2026-01-01",
                        "code": "99213",
                        "billed": "10",
                        "allowed": "0",
                        "paid": "0",
                        "adjustments": [{"group": "CO", "reason": "16", "amount": "10"}],
                    }
                ],
            },
            "key": {"cause": cause, "action": action, "why": "w"},
        }
    )
    assert grade_denial(ex, cause, action).score == 100.0
    wrong = next(a for a in sorted(ACTIONS) if a != action)
    assert grade_denial(ex, cause, wrong).score == 50.0
