"""The NPI check digit: Luhn over the 9 digits prefixed with 80840 (CMS's rule)."""

from __future__ import annotations

__all__ = ["npi_check_digit", "npi_problem", "npi_valid"]

_PREFIX = "80840"


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, counting the check digit's place
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def npi_check_digit(first_nine: str) -> str:
    """The 10th digit for a 9-digit NPI stem."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("an NPI stem is 9 digits")
    return str((10 - _luhn_sum(_PREFIX + first_nine) % 10) % 10)


def npi_valid(npi: str) -> bool:
    """True when ``npi`` is 10 digits, starts with 1 or 2 and its check digit is right."""
    return npi_problem(npi) is None


def npi_problem(npi: str) -> str | None:
    """What is wrong with an NPI in plain words, or None when it passes."""
    text = npi.strip()
    if len(text) != 10 or not text.isdigit():
        return f"'{text}' is not an NPI: an NPI is exactly 10 digits"
    if text[0] not in "12":
        return f"{text} is not an NPI: every NPI starts with 1 (a person) or 2 (an organisation)"
    want = npi_check_digit(text[:9])
    if text[9] != want:
        return (
            f"{text} fails the NPI check digit (Luhn with prefix 80840): the last digit "
            f"should be {want}; a digit was probably mistyped"
        )
    return None
