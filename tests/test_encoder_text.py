"""Middle truncation keeps the distinguishing tail of a code title."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codetrainer.core.encoder.text import truncate_middle

RIGHT = "Sprain of unspecified ligament of right ankle, initial encounter"
LEFT = "Sprain of unspecified ligament of left ankle, initial encounter"


def test_siblings_stay_distinguishable() -> None:
    a, b = truncate_middle(RIGHT, 40), truncate_middle(LEFT, 40)
    assert a != b
    assert a.endswith("right ankle, initial encounter") or "right" in a
    assert "…" in a and len(a) <= 40
    assert a.startswith("Sprain")


def test_short_text_is_unchanged() -> None:
    assert truncate_middle("Acute pharyngitis", 40) == "Acute pharyngitis"


def test_tiny_widths() -> None:
    assert truncate_middle(RIGHT, 0) == ""
    assert truncate_middle(RIGHT, 1) == "…"
    assert len(truncate_middle(RIGHT, 2)) == 2


@given(st.text(min_size=0, max_size=200), st.integers(min_value=-5, max_value=120))
def test_never_longer_than_the_width(text: str, width: int) -> None:
    out = truncate_middle(text, width)
    assert len(out) <= max(0, width)
    if 0 < len(text) <= width:
        assert out == text
    if len(text) > width >= 3:
        assert "…" in out
