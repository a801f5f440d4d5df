"""Write a claim as an X12 005010X222A1 837P, segment by segment, with its CMS-1500 boxes.

:func:`claim_segments` builds the interchange as a list of :class:`Segment` (text, loop,
and the CMS-1500 box each one fills) so that a learner can read the file next to the
paper form; :func:`render_837` joins them into the file. The submitter and receiver are
codetrainer's own placeholders and the interchange is marked as test data (ISA15 ``T``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from codetrainer.core.billing.models import Address, ClaimForm

__all__ = ["Segment", "claim_segments", "render_837", "x12_amount"]

_FILING = {
    "commercial": "CI",
    "medicare": "MB",
    "medicaid": "MC",
    "bcbs": "BL",
    "hmo": "HM",
    "tricare": "CH",
    "other": "ZZ",
}
_PAT = {"spouse": "01", "child": "19", "other": "G8"}
_BAD = re.compile(r"[^A-Z0-9 .,&'()/#-]")


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of the 837P and where it sits."""

    text: str
    """The segment without its terminator (``NM1*IL*1*DOE*JANE****MI*XYZ123``)."""
    loop: str
    """The 837P loop (``2010BA subscriber name``)."""
    boxes: str
    """The CMS-1500 boxes it carries, or a note for envelope segments."""


def _clean(text: str) -> str:
    """Upper case, X12 basic characters only: delimiters can never leak into a value."""
    return " ".join(_BAD.sub(" ", text.upper()).split())


def x12_amount(amount: Decimal) -> str:
    """An X12 decimal: no trailing zeros after the point (125, 80.5, 12.75)."""
    text = f"{amount:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _seg(*elements: str) -> str:
    parts = list(elements)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return "*".join(parts)


def _addr(a: Address, loop: str, box: str) -> list[Segment]:
    return [
        Segment(_seg("N3", _clean(a.street)), loop, f"{box} street"),
        Segment(_seg("N4", _clean(a.city), a.state, a.zip), loop, f"{box} city, state, ZIP"),
    ]


def claim_segments(
    claim: ClaimForm, *, control: int = 1, created: dt.datetime | None = None
) -> list[Segment]:
    """The whole interchange, ISA to IEA."""
    when = created or dt.datetime.now()
    ctl = f"{control:09d}"
    sender = "CODETRAINER"
    receiver = _clean(claim.payer.id)[:15]
    out: list[Segment] = [
        Segment(
            "ISA*00*" + " " * 10 + "*00*" + " " * 10 + f"*ZZ*{sender:<15}*ZZ*{receiver:<15}*"
            f"{when:%y%m%d}*{when:%H%M}*^*00501*{ctl}*0*T*:",
            "envelope",
            "interchange header (test data)",
        ),
        Segment(
            _seg(
                "GS",
                "HC",
                sender,
                receiver,
                f"{when:%Y%m%d}",
                f"{when:%H%M}",
                str(control),
                "X",
                "005010X222A1",
            ),
            "envelope",
            "functional group: health care claims",
        ),
    ]
    body: list[Segment] = [
        Segment(_seg("ST", "837", "0001", "005010X222A1"), "header", "transaction set start"),
        Segment(
            _seg(
                "BHT",
                "0019",
                "00",
                _clean(claim.patient.account)[:30] or "CLAIM",
                f"{when:%Y%m%d}",
                f"{when:%H%M}",
                "CH",
            ),
            "header",
            "original claim, chargeable",
        ),
        Segment(
            _seg("NM1", "41", "2", "CODETRAINER SCHOOL", "", "", "", "", "46", sender),
            "1000A submitter",
            "who sends the file (not on the paper form)",
        ),
        Segment(
            _seg("PER", "IC", "BILLING OFFICE", "EM", "BILLING@EXAMPLE.ORG"),
            "1000A submitter",
            "submitter contact",
        ),
        Segment(
            _seg("NM1", "40", "2", _clean(claim.payer.name), "", "", "", "", "46", receiver),
            "1000B receiver",
            "who receives the file",
        ),
        Segment(_seg("HL", "1", "", "20", "1"), "2000A billing provider", "hierarchy: provider"),
    ]
    b = claim.billing
    body.append(
        Segment(
            _seg(
                "NM1",
                "85",
                "2" if b.organization else "1",
                _clean(b.name),
                "",
                "",
                "",
                "",
                "XX",
                b.npi,
            ),
            "2010AA billing provider",
            "box 33 name, box 33a NPI",
        )
    )
    body.extend(_addr(b.address, "2010AA billing provider", "box 33"))
    body.append(Segment(_seg("REF", "EI", b.tax_id), "2010AA billing provider", "box 25 tax id"))
    ins, pat = claim.insured, claim.patient
    is_self = ins.relationship == "self"
    body.append(
        Segment(
            _seg("HL", "2", "1", "22", "0" if is_self else "1"),
            "2000B subscriber",
            "hierarchy: subscriber",
        )
    )
    body.append(
        Segment(
            _seg(
                "SBR",
                "P",
                "18" if is_self else "",
                _clean(ins.group),
                "",
                "",
                "",
                "",
                "",
                _FILING[claim.payer.plan],
            ),
            "2000B subscriber",
            "box 11 group number, box 6 (self), primary payer",
        )
    )
    if is_self:
        sub_last, sub_first, sub_mid = pat.last, pat.first, pat.middle
    else:
        sub_last, sub_first, sub_mid = ins.last, ins.first, ins.middle
    body.append(
        Segment(
            _seg(
                "NM1",
                "IL",
                "1",
                _clean(sub_last),
                _clean(sub_first),
                _clean(sub_mid),
                "",
                "",
                "MI",
                ins.id,
            ),
            "2010BA subscriber",
            "box 4 insured name, box 1a insured id",
        )
    )
    if is_self:
        body.extend(_addr(pat.address, "2010BA subscriber", "box 7 (= box 5)"))
        body.append(
            Segment(
                _seg("DMG", "D8", f"{pat.birth_date:%Y%m%d}", pat.sex),
                "2010BA subscriber",
                "box 3 birth date and sex (the patient is the insured)",
            )
        )
    else:
        if ins.address is not None:
            body.extend(_addr(ins.address, "2010BA subscriber", "box 7"))
        if ins.birth_date is not None and ins.sex is not None:
            body.append(
                Segment(
                    _seg("DMG", "D8", f"{ins.birth_date:%Y%m%d}", ins.sex),
                    "2010BA subscriber",
                    "box 11a insured birth date and sex",
                )
            )
    body.append(
        Segment(
            _seg(
                "NM1",
                "PR",
                "2",
                _clean(claim.payer.name),
                "",
                "",
                "",
                "",
                "PI",
                _clean(claim.payer.id),
            ),
            "2010BB payer",
            "payer name (top of the form), box 11c plan",
        )
    )
    if not is_self:
        body.append(Segment(_seg("HL", "3", "2", "23", "0"), "2000C patient", "hierarchy: patient"))
        body.append(
            Segment(_seg("PAT", _PAT[ins.relationship]), "2000C patient", "box 6 relationship")
        )
        body.append(
            Segment(
                _seg("NM1", "QC", "1", _clean(pat.last), _clean(pat.first), _clean(pat.middle)),
                "2010CA patient",
                "box 2 patient name",
            )
        )
        body.extend(_addr(pat.address, "2010CA patient", "box 5"))
        body.append(
            Segment(
                _seg("DMG", "D8", f"{pat.birth_date:%Y%m%d}", pat.sex),
                "2010CA patient",
                "box 3 birth date and sex",
            )
        )
    body.append(
        Segment(
            _seg(
                "CLM",
                _clean(pat.account)[:38],
                x12_amount(claim.total),
                "",
                "",
                f"{claim.pos}:B:1",
                "Y",
                "A",
                "Y",
                "Y",
            ),
            "2300 claim",
            "box 26 account, box 28 total, box 24B place of service, box 31 signature, "
            "box 27 assignment, box 12/13 release and benefits",
        )
    )
    hi = [
        f"{'ABK' if i == 0 else 'ABF'}:{code.replace('.', '')}"
        for i, code in enumerate(claim.diagnoses)
    ]
    body.append(Segment(_seg("HI", *hi), "2300 claim", "box 21 A-L diagnoses"))
    if claim.rendering is not None and claim.rendering.npi != b.npi:
        r = claim.rendering
        body.append(
            Segment(
                _seg("NM1", "82", "1", _clean(r.last), _clean(r.first), "", "", "", "XX", r.npi),
                "2310B rendering provider",
                "box 24J rendering NPI",
            )
        )
    for n, line in enumerate(claim.lines, start=1):
        body.append(Segment(_seg("LX", str(n)), "2400 service line", f"box 24 line {n}"))
        proc = ":".join(["HC", line.code, *line.modifiers])
        ptrs = ":".join(str(p) for p in line.pointers)
        body.append(
            Segment(
                _seg("SV1", proc, x12_amount(line.charge), "UN", str(line.units), "", "", ptrs),
                "2400 service line",
                f"line {n}: 24D code and modifiers, 24F charge, 24G units, 24E pointers",
            )
        )
        body.append(
            Segment(
                _seg("DTP", "472", "D8", f"{line.date:%Y%m%d}"),
                "2400 service line",
                f"line {n}: 24A date of service",
            )
        )
    count = len(body) + 1
    body.append(Segment(_seg("SE", str(count), "0001"), "trailer", "transaction set end"))
    out.extend(body)
    out.append(Segment(_seg("GE", "1", str(control)), "envelope", "functional group end"))
    out.append(Segment(_seg("IEA", "1", ctl), "envelope", "interchange end"))
    return out


def render_837(claim: ClaimForm, *, control: int = 1, created: dt.datetime | None = None) -> str:
    """The 837P file: one segment per line, each ending in ``~``."""
    return "".join(s.text + "~\n" for s in claim_segments(claim, control=control, created=created))
