"""A CMS-1500-shaped form: the header boxes, box 21 A-L and the six box 24 lines.

Every box is a compact :class:`~textual.widgets.Input` whose id names the box; the form
reads back as a :class:`~codetrainer.core.billing.models.GivenClaim` (kept as typed) and can
be filled from one. Code boxes carry the ``code-box`` class and a ``systems`` attribute so
the screen can open the lookup on them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Input, Static

from codetrainer.core.billing.models import GivenClaim, GivenLine
from codetrainer.core.codes import System

__all__ = ["HEADER_BOXES", "ClaimForm", "CodeBox"]

HEADER_BOXES: list[tuple[str, str, str]] = [
    ("insured_id", "1a Insured ID", "member id"),
    ("relationship", "6 Relation", "self/spouse/child"),
    ("patient_last", "2 Pat. last", "last name"),
    ("patient_first", "2 Pat. first", "first name"),
    ("patient_birth_date", "3 Birth date", "MM/DD/YYYY"),
    ("patient_sex", "3 Sex", "F/M"),
    ("insured_last", "4 Ins. last", "if not self"),
    ("insured_first", "4 Ins. first", "if not self"),
    ("group", "11 Group", "group no."),
    ("payer_id", "Payer ID", "payer id"),
    ("pos", "24B POS", "11"),
    ("account", "26 Account", "account"),
    ("tax_id", "25 Tax ID", "12-3456789"),
    ("billing_npi", "33a Bill NPI", "10 digits"),
    ("rendering_npi", "24J Rend NPI", "10 digits"),
    ("total", "28 Total", "0.00"),
]
"""(GivenClaim field, label with its box number, placeholder), in form order."""

_LETTERS = "ABCDEFGHIJKL"
_LINE_COLS: list[tuple[str, str, str]] = [
    ("date", "24A date", "MM/DD/YY"),
    ("code", "24D", "code"),
    ("modifiers", "mods", "mods"),
    ("units", "24G", "1"),
    ("pointers", "24E", "A B"),
    ("charge", "24F $", "0.00"),
]
"""(GivenLine field, column heading with its box, placeholder)."""


class CodeBox(Input):
    """An input that takes a code: the lookup (ctrl+l) searches ``systems``."""

    def __init__(self, systems: frozenset[System], **kwargs: object) -> None:
        super().__init__(compact=True, **kwargs)  # type: ignore[arg-type]
        self.systems = systems
        """The code systems this box takes."""
        self.add_class("code-box")


def _split(text: str) -> list[str]:
    return [p for p in text.replace(",", " ").replace("-", " ").split() if p]


class ClaimForm(Vertical):
    """The claim boxes; :meth:`given` reads them, :meth:`fill` writes them."""

    def compose(self) -> ComposeResult:
        with Grid(id="claim-header", classes="claim-grid"):
            for field, label, hint in HEADER_BOXES:
                with Horizontal(classes="box-cell"):
                    yield Static(label, classes="box-label", markup=False)
                    yield Input(
                        placeholder=hint, id=f"box-{field}", compact=True, classes="box-input"
                    )
        yield Static("21 Diagnoses (A first-listed)", classes="claim-section", markup=False)
        with Grid(id="claim-dx", classes="dx-grid"):
            for n, letter in enumerate(_LETTERS):
                with Horizontal(classes="dx-cell"):
                    yield Static(letter, classes="dx-label", markup=False)
                    yield CodeBox(
                        frozenset({System.ICD10CM}),
                        id=f"dx-{n}",
                        placeholder="ICD-10",
                        classes="dx-input",
                    )
        yield Static("24 Service lines", classes="claim-section", markup=False)
        with Grid(id="claim-lines", classes="lines-grid"):
            yield Static("#", classes="line-head", markup=False)
            for _, label, _ in _LINE_COLS:
                yield Static(label, classes="line-head", markup=False)
            for row in range(6):
                yield Static(str(row + 1), classes="line-no", markup=False)
                for col, _, hint in _LINE_COLS:
                    ident = f"line-{row}-{col}"
                    if col == "code":
                        yield CodeBox(
                            frozenset({System.CPT, System.HCPCS}),
                            id=ident,
                            placeholder=hint,
                            classes="line-input",
                        )
                    elif col == "modifiers":
                        yield CodeBox(
                            frozenset({System.MODIFIER}),
                            id=ident,
                            placeholder=hint,
                            classes="line-input",
                        )
                    else:
                        yield Input(id=ident, placeholder=hint, compact=True, classes="line-input")

    def _value(self, ident: str) -> str:
        return self.query_one(f"#{ident}", Input).value

    def given(self) -> GivenClaim:
        """The boxes as typed."""
        header = {field: self._value(f"box-{field}") for field, _, _ in HEADER_BOXES}
        dx = [self._value(f"dx-{n}").strip() for n in range(12)]
        while dx and not dx[-1]:
            dx.pop()
        lines = []
        for row in range(6):
            values = {col: self._value(f"line-{row}-{col}") for col, _, _ in _LINE_COLS}
            if not any(v.strip() for v in values.values()):
                continue
            lines.append(
                GivenLine(
                    date=values["date"].strip(),
                    code=values["code"].strip(),
                    modifiers=_split(values["modifiers"])[:4],
                    units=values["units"].strip() or "1",
                    pointers=_split(values["pointers"])[:4],
                    charge=values["charge"].strip(),
                )
            )
        return GivenClaim(**header, diagnoses=dx, lines=lines)

    def fill(self, claim: GivenClaim) -> None:
        """Put a claim into the boxes (a draft, or a demonstration)."""
        for field, _, _ in HEADER_BOXES:
            self.query_one(f"#box-{field}", Input).value = str(getattr(claim, field))
        for n in range(12):
            value = claim.diagnoses[n] if n < len(claim.diagnoses) else ""
            self.query_one(f"#dx-{n}", Input).value = value
        for row in range(6):
            line = claim.lines[row] if row < len(claim.lines) else None
            for col, _, _ in _LINE_COLS:
                box = self.query_one(f"#line-{row}-{col}", Input)
                if line is None:
                    box.value = ""
                elif col in ("modifiers", "pointers"):
                    box.value = " ".join(getattr(line, col))
                else:
                    box.value = str(getattr(line, col))
