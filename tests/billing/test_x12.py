"""Every bundled claim's 837P passes pyx12's 005010X222A1 validator (and a broken one fails)."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import pytest

pyx12_params = pytest.importorskip("pyx12.params")
pyx12_doc = pytest.importorskip("pyx12.x12n_document")

from codetrainer.core.billing.claim import claim_as_given, claim_from_given  # noqa: E402
from codetrainer.core.billing.x12 import claim_segments, render_837, x12_amount  # noqa: E402

WHEN = dt.datetime(2026, 5, 1, 9, 30)


def validate(text: str) -> tuple[bool, str]:
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    ack = io.StringIO()
    ok = pyx12_doc.x12n_document(
        param=pyx12_params.params(), src_file=io.StringIO(text), fd_997=ack, fd_html=None
    )
    return bool(ok), ack.getvalue()


def _claims(exercises: dict[str, Any]) -> list[Any]:
    return [ex for ex in exercises.values() if ex.kind == "claim"]


def test_every_bundled_claim_passes_pyx12(exercises: dict[str, Any]) -> None:
    claims = _claims(exercises)
    assert len(claims) >= 8
    for ex in claims:
        text = render_837(ex.key, created=WHEN)
        ok, ack = validate(text)
        assert ok, (ex.id, ack)
        assert "IK5*A" in ack  # the 999 accepts the transaction set


def test_every_scrub_claim_writes_a_structurally_valid_837(exercises: dict[str, Any]) -> None:
    """Scrub claims carry business errors (a deleted code), never structural ones."""
    for ex in exercises.values():
        if ex.kind == "scrub" and all(
            p <= len(ex.claim.diagnoses) for ln in ex.claim.lines for p in ln.pointers
        ):
            ok, ack = validate(render_837(ex.claim, created=WHEN))
            assert ok, (ex.id, ack)


def test_a_broken_837_fails(exercises: dict[str, Any]) -> None:
    text = render_837(exercises["claim-sore-throat"].key, created=WHEN)
    broken = "".join(s for s in text.splitlines(keepends=True) if not s.startswith("NM1*PR"))
    ok, ack = validate(broken)
    assert not ok
    assert "IK5*R" in ack


def test_the_learners_own_claim_exports(exercises: dict[str, Any]) -> None:
    ex = exercises["claim-child-bronchitis"]
    mine = claim_as_given(ex.key).model_copy(update={"patient_first": "OWAIN"})
    claim, reasons = claim_from_given(ex.key, mine)
    assert claim is not None and reasons == []
    text = render_837(claim, created=WHEN)
    assert "NM1*QC*1*PELLING*OWAIN~" in text
    assert validate(text)[0]
    bad, reasons = claim_from_given(ex.key, mine.model_copy(update={"pos": "office"}))
    assert bad is None and any("place-of-service" in r for r in reasons)


def test_segments_name_their_cms1500_boxes(exercises: dict[str, Any]) -> None:
    ex = exercises["claim-knee-injection"]
    segments = claim_segments(ex.key, created=WHEN)
    by_id = {s.text.split("*")[0]: s for s in segments}
    assert by_id["HI"].text == "HI*ABK:M1711*ABF:I10*ABF:E119"
    assert "box 21" in by_id["HI"].boxes
    assert "box 24J" in by_id["NM1"].boxes or any("box 24J" in s.boxes for s in segments)
    sv1 = [s for s in segments if s.text.startswith("SV1")]
    assert sv1[0].text == "SV1*HC:99214:25*180*UN*1***2:3:1"
    assert sv1[1].text == "SV1*HC:20610:RT*140*UN*1***1"
    se = next(s for s in segments if s.text.startswith("SE"))
    st_i = next(i for i, s in enumerate(segments) if s.text.startswith("ST"))
    se_i = segments.index(se)
    assert se.text == f"SE*{se_i - st_i + 1}*0001"


@pytest.mark.parametrize(
    ("amount", "text"), [("125.00", "125"), ("80.50", "80.5"), ("0.00", "0"), ("12.75", "12.75")]
)
def test_x12_amount(amount: str, text: str) -> None:
    from decimal import Decimal

    assert x12_amount(Decimal(amount)) == text


def test_delimiters_in_names_cannot_break_the_file(exercises: dict[str, Any]) -> None:
    key = exercises["claim-sore-throat"].key
    nasty = key.model_copy(
        update={"patient": key.patient.model_copy(update={"last": "O*BRIEN~:^", "first": "Ã¿"})}
    )
    text = render_837(nasty, created=WHEN)
    assert "NM1*IL*1*O BRIEN*" in text
    assert validate(text)[0]
