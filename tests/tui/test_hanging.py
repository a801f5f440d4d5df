"""The hanging-indent rows the home screen's packs and cases are drawn with."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from codetrainer.tui.widgets.hanging import hanging_rows


def test_a_wrapped_title_lines_up_under_its_first_word() -> None:
    rows = hanging_rows(
        [(Text("⚠ "), Text("A pack title long enough to wrap twice here")), ("", "5 cases")], 2
    )
    assert [line.plain for line in rows.lines(20)] == [
        "⚠ A pack title long",
        "  enough to wrap",
        "  twice here",
        "  5 cases",
    ]
    assert rows.get_height({}, 20) == 4  # type: ignore[arg-type]


def test_a_gutter_wider_than_the_indent_is_cut_and_a_short_one_padded() -> None:
    rows = hanging_rows([("12345678", "title"), ("1", "meta")], 6)
    assert [line.plain for line in rows.lines(30)] == ["123456title", "1     meta"]


def test_pack_text_is_shown_as_typed_never_as_markup() -> None:
    rows = hanging_rows([("", "[bold]not bold[/bold] [link=x]y[/link]")], 2)
    assert rows.lines(60)[0].plain == "  [bold]not bold[/bold] [link=x]y[/link]"
    assert not rows.lines(60)[0].spans


def test_styles_of_the_rich_text_are_kept() -> None:
    title = Text("Bold title", style="bold")
    line = hanging_rows([("", title)], 2).lines(40)[0]
    assert line.plain == "  Bold title"
    assert line.spans  # the bold span came along


words = st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=12)


@given(words, st.integers(min_value=8, max_value=60), st.integers(min_value=0, max_value=6))
def test_every_line_fits_and_no_word_is_lost(parts: list[str], width: int, indent: int) -> None:
    body = " ".join(parts)
    lines = hanging_rows([("", body)], indent).lines(width)
    assert all(line.cell_length <= width for line in lines)
    assert all(line.plain[:indent] == " " * indent for line in lines)
    assert "".join(line.plain[indent:].replace(" ", "") for line in lines) == body.replace(" ", "")
