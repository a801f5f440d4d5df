"""Unit tests of the TUI's plain helpers: safe text, evidence spans, pack discovery."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from tui_fixtures import BROKEN, MARKUP, MINI

from codetrainer.tui.library import discover_packs, next_unsolved
from codetrainer.tui.text import (
    data_text,
    find_phrase_spans,
    highlight_phrases,
    one_line,
    strip_controls,
)
from codetrainer.tui.widgets.line_row import split_list

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_strip_controls_removes_escape_sequences_and_keeps_lines() -> None:
    raw = "A\x1b[31mred\x1b[0m\x1b]0;title\x07 B\r\nC\tD\x00\x9b2J\u202eE"
    assert strip_controls(raw) == "Ared B\nC\tDE"
    assert one_line("  a \n b\t c ") == "a b c"
    assert one_line("abcdefgh", 5) == "abcd…"


@given(st.text())
def test_strip_controls_never_leaves_a_control_character(raw: str) -> None:
    clean = strip_controls(raw)
    assert not _CONTROL.search(clean)
    assert "\x1b" not in clean
    assert not _CONTROL.search(one_line(raw)) and "\n" not in one_line(raw)


@given(st.text())
def test_data_text_is_never_markup(raw: str) -> None:
    text = data_text(raw)
    assert isinstance(text, Text)
    assert text.plain == strip_controls(raw)
    assert not text.spans  # nothing was parsed into styles


def test_markup_strings_stay_literal() -> None:
    for raw in ("[/bold]", "[@click=app.quit]x[/]", "[redacted]", "[b]x[/b]"):
        assert data_text(raw).plain == raw


def test_phrase_spans_ignore_case_and_line_breaks() -> None:
    note = "ASSESSMENT: Acute\n  pharyngitis. acute pharyngitis again."
    spans = find_phrase_spans(note, "acute pharyngitis")
    assert [note[a:b] for a, b in spans] == ["Acute\n  pharyngitis", "acute pharyngitis"]
    assert find_phrase_spans(note, "   ") == []
    assert find_phrase_spans(note, "a.b") == []  # regex characters are literal
    text = Text(note)
    assert highlight_phrases(text, ["acute pharyngitis", "absent"], "underline") == 2
    assert len(text.spans) == 2


@given(st.text(), st.text())
def test_phrase_spans_never_raise_and_point_inside(note: str, phrase: str) -> None:
    for a, b in find_phrase_spans(note, phrase):
        assert 0 <= a < b <= len(note)


def test_split_list_accepts_spaces_commas_and_slashes() -> None:
    assert split_list("25, LT") == ("25", "LT")
    assert split_list(" a/b;c  d ") == ("a", "b", "c", "d")
    assert split_list("") == ()


def test_discover_lists_good_and_broken_packs_in_order(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    (bundled / "notes.txt").write_text("not yaml", encoding="utf-8")
    user = tmp_path / "user"
    user.mkdir()
    (user / "codes.yaml").write_text(
        'codeset:\n  id: x\n  system: CPT\n  year: "2026"\ncodes: []\n', encoding="utf-8"
    )
    entries = discover_packs(
        bundled_dir=bundled,
        user_dir=user,
        extra=[MARKUP, BROKEN, tmp_path / "missing.yaml", bundled / "mini.yaml"],
    )
    # the code set in a folder is skipped; the same file named twice is listed once
    assert [(e.source, e.ok) for e in entries] == [
        ("bundled", True),
        ("command line", True),
        ("command line", False),
        ("command line", False),
    ]
    assert entries[0].id == "tui-mini"
    assert any("difficulty" in d.message for d in entries[2].errors)
    assert entries[3].errors[0].message == "no such file or folder"


def test_a_second_pack_with_the_same_id_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    entries = discover_packs(bundled_dir=None, user_dir=None, extra=[MINI, copy])
    assert [e.ok for e in entries] == [True, False]
    assert "already used by" in entries[1].errors[0].message


def test_a_code_set_named_on_the_command_line_is_an_error(tmp_path: Path) -> None:
    codes = tmp_path / "codes.yaml"
    codes.write_text(
        'codeset:\n  id: x\n  system: CPT\n  year: "2026"\ncodes: []\n', encoding="utf-8"
    )
    [entry] = discover_packs(bundled_dir=None, user_dir=None, extra=[codes])
    assert not entry.ok
    assert "not a case pack" in entry.errors[0].message


def test_next_unsolved_wraps_around() -> None:
    [entry] = discover_packs(bundled_dir=None, user_dir=None, extra=[MINI])
    pack = entry.pack
    assert pack is not None
    ids = [c.id for c in pack.cases]
    first = next_unsolved(pack, set())
    assert first is not None and first.id == ids[0]
    after = next_unsolved(pack, {ids[1]}, after=ids[0])
    assert after is not None and after.id == ids[2]
    wrapped = next_unsolved(pack, {ids[1]}, after=ids[2])
    assert wrapped is not None and wrapped.id == ids[0]
    assert next_unsolved(pack, set(ids)) is None
