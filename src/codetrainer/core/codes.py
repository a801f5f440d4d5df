"""Code formats: normalize what a person typed, recognise the system, parse ICD-10-CM structure.

Everything here is about the *shape* of a code; whether a code exists (and is billable)
is the reference's job (:mod:`codetrainer.core.reference`).

* ICD-10-CM: letter, digit, then 1-5 alphanumerics; a dot after the third character
  (``J02.9``, ``E11.621``, ``S52.521A``, ``W61.62XD``); since April 2026 also ``QA0.-``.
* CPT: Category I five digits (``99213``, ``00100``), Category II four digits + ``F``,
  Category III four digits + ``T``.
* HCPCS Level II: one letter + four digits (``A4253``).
* Modifiers: two characters, digits or letters (``25``, ``LT``, ``QW``, ``F1``).

Loose typing is accepted and reported (``j029`` -> ``J02.9``, full-width characters,
spaces, a dash before a modifier). Look-alikes that a person cannot see are refused with
a message that says what was found: Cyrillic or Greek letters that look Latin,
zero-width characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CodeFormatError",
    "IcdParts",
    "Normalized",
    "System",
    "clean_code_text",
    "detect_system",
    "icd_parts",
    "is_canonical",
    "normalize",
    "normalize_icd10cm",
    "try_normalize",
]


class System(StrEnum):
    """The code systems a claim uses."""

    ICD10CM = "ICD-10-CM"
    CPT = "CPT"
    HCPCS = "HCPCS"
    MODIFIER = "MODIFIER"

    @classmethod
    def parse(cls, text: str) -> System | None:
        """Accept the usual spellings: ``icd10cm``, ``ICD-10-CM``, ``hcpcs``, ``mod``."""
        key = re.sub(r"[^a-z0-9]", "", text.lower())
        return _SYSTEM_ALIASES.get(key)

    @property
    def slug(self) -> str:
        return {"ICD-10-CM": "icd10cm", "CPT": "cpt", "HCPCS": "hcpcs", "MODIFIER": "modifier"}[
            self.value
        ]


_SYSTEM_ALIASES = {
    "icd10cm": System.ICD10CM,
    "icd10": System.ICD10CM,
    "icd": System.ICD10CM,
    "dx": System.ICD10CM,
    "cpt": System.CPT,
    "hcpcs": System.HCPCS,
    "hcpcs2": System.HCPCS,
    "hcpcsii": System.HCPCS,
    "hcpcslevel2": System.HCPCS,
    "hcpcslevelii": System.HCPCS,
    "modifier": System.MODIFIER,
    "modifiers": System.MODIFIER,
    "mod": System.MODIFIER,
}


class CodeFormatError(ValueError):
    """The text cannot be a code of the requested system; the message says why."""


@dataclass(frozen=True, slots=True)
class Normalized:
    """A code in canonical form, with what the person actually typed."""

    code: str
    system: System
    raw: str
    loose: bool
    """True when the input differed from the canonical form (case, dot, spaces, width)."""


_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"

# Letter, digit, then alphanumerics. April 2026 added the first categories with a letter
# in second place (QA0-, genetic disorders): that prefix is allowed explicitly so that
# words such as "DM2" or "HTN" are not mistaken for codes.
_ICD_RE = re.compile(r"^([A-Z][0-9]|QA)[0-9A-Z]([0-9A-Z]{1,4})?$")
_CPT_RE = re.compile(r"^(\d{5}|\d{4}[FT])$")
_HCPCS_RE = re.compile(r"^[A-Z]\d{4}$")
_MOD_RE = re.compile(r"^[0-9A-Z]{2}$")


def clean_code_text(raw: str) -> str:
    """Fold width and case, drop spaces; refuse invisible or look-alike characters.

    Raises CodeFormatError naming the offending character, so a learner who pasted
    ``Е11.9`` (Cyrillic Е) is told why it is not ``E11.9``.
    """
    for ch in raw:
        if ch in _ZERO_WIDTH:
            raise CodeFormatError(
                f"contains an invisible character (U+{ord(ch):04X}); retype the code by hand"
            )
    folded = unicodedata.normalize("NFKC", raw)
    for ch in _DASHES:
        folded = folded.replace(ch, "-")
    folded = "".join(folded.split())
    for ch in folded:
        if ord(ch) > 127:
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            raise CodeFormatError(
                f"contains '{ch}' ({name.title()}), which only looks like a Latin letter or "
                "digit; retype it with the ordinary keyboard letter"
            )
    return folded.upper()


def normalize_icd10cm(raw: str) -> str:
    """``j029`` / ``J02.9`` / ``ｊ０２．９`` -> ``J02.9``; raise CodeFormatError otherwise."""
    text = clean_code_text(raw)
    if not text:
        raise CodeFormatError("is empty")
    compact = text.replace(".", "")
    if "." in text and text.index(".") != 3:
        raise CodeFormatError(
            f"'{raw.strip()}' has its dot in the wrong place; ICD-10-CM puts it after the "
            "third character (E11.9)"
        )
    if not _ICD_RE.match(compact):
        raise CodeFormatError(
            f"'{raw.strip()}' is not shaped like an ICD-10-CM code: a letter, a digit, then "
            "1 to 5 letters or digits, with a dot after the third character (J02.9, S52.521A)"
        )
    return compact if len(compact) == 3 else f"{compact[:3]}.{compact[3:]}"


def _normalize_cpt(raw: str) -> str:
    text = clean_code_text(raw).replace(".", "")
    if not _CPT_RE.match(text):
        raise CodeFormatError(
            f"'{raw.strip()}' is not a CPT code: five digits (99213), or four digits and F "
            "(Category II) or T (Category III)"
        )
    return text


def _normalize_hcpcs(raw: str) -> str:
    text = clean_code_text(raw).replace(".", "")
    if not _HCPCS_RE.match(text):
        raise CodeFormatError(
            f"'{raw.strip()}' is not a HCPCS Level II code: one letter and four digits (A4253)"
        )
    return text


def _normalize_modifier(raw: str) -> str:
    text = clean_code_text(raw).lstrip("-")
    if not _MOD_RE.match(text):
        raise CodeFormatError(
            f"'{raw.strip()}' is not a modifier: two letters or digits (25, LT, QW)"
        )
    return text


_NORMALIZERS = {
    System.ICD10CM: normalize_icd10cm,
    System.CPT: _normalize_cpt,
    System.HCPCS: _normalize_hcpcs,
    System.MODIFIER: _normalize_modifier,
}


def detect_system(raw: str) -> System | None:
    """Guess the system from the shape; ``None`` when no system fits.

    Five digits or four digits + F/T is CPT; letter + four digits is HCPCS Level II;
    a dotted or 3-7 character letter-digit code is ICD-10-CM. ``A4253`` is both a
    possible ICD-10-CM shape (``A42.53``) and HCPCS: without a dot it is taken as HCPCS.
    """
    try:
        text = clean_code_text(raw)
    except CodeFormatError:
        return None
    compact = text.replace(".", "")
    if "." not in text:
        if _CPT_RE.match(compact):
            return System.CPT
        if _HCPCS_RE.match(compact):
            return System.HCPCS
    if _ICD_RE.match(compact) and ("." not in text or text.index(".") == 3):
        return System.ICD10CM
    return None


def normalize(raw: str, system: System | None = None) -> Normalized:
    """Canonical form of ``raw`` in ``system`` (detected when not given)."""
    if system is None:
        system = detect_system(raw)
        if system is None:
            clean_code_text(raw)  # raise the precise look-alike message if there is one
            raise CodeFormatError(
                f"'{raw.strip()}' does not look like an ICD-10-CM, CPT or HCPCS code"
            )
    code = _NORMALIZERS[system](raw)
    return Normalized(code=code, system=system, raw=raw, loose=raw != code)


def try_normalize(raw: str, system: System | None = None) -> Normalized | None:
    """Like :func:`normalize` but ``None`` instead of an error."""
    try:
        return normalize(raw, system)
    except CodeFormatError:
        return None


def is_canonical(raw: str, system: System) -> bool:
    """True when ``raw`` is already exactly the canonical spelling."""
    n = try_normalize(raw, system)
    return n is not None and not n.loose


@dataclass(frozen=True, slots=True)
class IcdParts:
    """The structure of an ICD-10-CM code (purely positional)."""

    code: str
    """Canonical, dotted."""
    chars: str
    """Without the dot: ``S52521A``."""
    category: str
    """First three characters: ``S52``."""

    @property
    def length(self) -> int:
        return len(self.chars)

    @property
    def seventh(self) -> str | None:
        """The 7th character, when the code has seven characters."""
        return self.chars[6] if len(self.chars) == 7 else None

    @property
    def without_seventh(self) -> str:
        """The first six characters, dotted (``S52.521``); the code itself when shorter."""
        return _dot(self.chars[:6]) if len(self.chars) == 7 else self.code

    @property
    def has_placeholder(self) -> bool:
        """An ``X`` standing in positions 5-6 before a 7th character (``W61.62XD``)."""
        return len(self.chars) == 7 and "X" in self.chars[4:6]

    def prefix(self, n: int) -> str:
        """The first ``n`` characters, dotted."""
        return _dot(self.chars[:n])


def _dot(chars: str) -> str:
    return chars if len(chars) <= 3 else f"{chars[:3]}.{chars[3:]}"


def icd_parts(code: str) -> IcdParts:
    """Parse an ICD-10-CM code (any loose spelling) into its parts."""
    canonical = normalize_icd10cm(code)
    chars = canonical.replace(".", "")
    return IcdParts(code=canonical, chars=chars, category=chars[:3])
