"""The strict YAML loader: strings only, refusals with locations, never a stray exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codetrainer.core.diagnostics import CodetrainerError
from codetrainer.core.yamlio import load_yaml_bytes, load_yaml_file, load_yaml_text


def test_every_scalar_stays_text() -> None:
    doc = load_yaml_text(
        "a: 99213\nb: 00100\nc: NO\nd: 1:30\ne: 2024-01-05\nf: 1.10\ng: true\nh: ~\ni: 0x1A\n"
    )
    assert doc.data == {
        "a": "99213",
        "b": "00100",
        "c": "NO",
        "d": "1:30",
        "e": "2024-01-05",
        "f": "1.10",
        "g": "true",
        "h": "~",
        "i": "0x1A",
    }


def test_empty_plain_value_is_none_but_quoted_empty_is_text() -> None:
    assert load_yaml_text('a:\nb: ""\n').data == {"a": None, "b": ""}


def test_marks_point_at_keys_and_values() -> None:
    doc = load_yaml_text("pack:\n  id: x\ncases:\n  - id: one\n    note: |\n      hi\n")
    assert doc.locate(("pack", "id")) == (2, 7)
    assert doc.locate(("pack", "id"), at_key=True) == (2, 3)
    assert doc.locate(("cases", 0, "note")) == (5, 11)
    # a missing path falls back to its nearest ancestor's key
    assert doc.locate(("cases", 0, "answer", "diagnoses")) == (4, 5)


def test_crlf_and_bom_are_accepted() -> None:
    doc = load_yaml_bytes(b"\xef\xbb\xbfa: 1\r\nb: two\r\n")
    assert doc.data == {"a": "1", "b": "two"}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("a: &x 1\n", "yaml-anchor"),
        ("a: [1]\nb: *x\n", "yaml-alias"),  # even an alias to no anchor is refused as such
        ("a: !!binary aGk=\n", "yaml-tag"),
        ("a: !custom 1\n", "yaml-tag"),
        ("a: 1\na: 2\n", "yaml-duplicate-key"),
        ("a: 1\n---\nb: 2\n", "yaml-multiple-documents"),
        ("? {a: 1}\n: 2\n", "yaml-complex-key"),
        ("", "yaml-empty"),
        ("a: 'unclosed\n", "yaml-syntax"),
        ("a:\tb\n\t- c\n", "yaml-syntax"),
        ("a: b\x07\n", "yaml-control-char"),
        ("a: b\u2028c\n", "yaml-control-char"),
        ("a: b\x85\n", "yaml-control-char"),
    ],
)
def test_refusals_carry_rules_and_locations(text: str, rule: str) -> None:
    with pytest.raises(CodetrainerError) as info:
        load_yaml_text(text, path="f.yaml")
    rules = {d.rule for d in info.value.diagnostics}
    assert rule in rules
    for d in info.value.diagnostics:
        assert d.path == "f.yaml"
        assert d.line >= 1 and d.col >= 1


def test_all_duplicate_keys_are_reported_at_once() -> None:
    with pytest.raises(CodetrainerError) as info:
        load_yaml_text("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert [(d.line, d.col) for d in info.value.diagnostics] == [(2, 1), (5, 3)]


def test_non_utf8_is_located() -> None:
    with pytest.raises(CodetrainerError) as info:
        load_yaml_bytes(b"a: ok\nb: caf\xe9\n", path="x.yaml")
    (d,) = info.value.diagnostics
    assert (d.line, d.col, d.rule) == (2, 7, "utf8")


def test_utf16_is_refused() -> None:
    with pytest.raises(CodetrainerError) as info:
        load_yaml_bytes("a: 1\n".encode("utf-16"))
    assert info.value.diagnostics[0].rule == "utf8"


def test_size_cap_and_flag(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(CodetrainerError) as info:
        load_yaml_file(big, max_bytes=1000)
    assert info.value.diagnostics[0].rule == "yaml-too-large"
    assert "--max-bytes" in info.value.diagnostics[0].message
    assert load_yaml_file(big, max_bytes=5000).data["a"].startswith("xxx")


def test_nesting_cap() -> None:
    deep = "a: " + "[" * 40 + "]" * 40 + "\n"
    with pytest.raises(CodetrainerError) as info:
        load_yaml_text(deep)
    assert info.value.diagnostics[0].rule == "yaml-too-deep"
    assert load_yaml_text("a: " + "[" * 10 + "]" * 10 + "\n").data is not None


def test_unreadable_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(CodetrainerError) as info:
        load_yaml_file(tmp_path / "missing.yaml")
    assert info.value.diagnostics[0].rule == "io"


def _check_only_own_errors(data: bytes) -> None:
    try:
        doc = load_yaml_bytes(data, path="fuzz.yaml")
    except CodetrainerError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.path == "fuzz.yaml"
            assert d.severity == "error"
        return
    _assert_only_strings(doc.data)


def _assert_only_strings(value: object) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str)
            _assert_only_strings(v)
    elif isinstance(value, list):
        for v in value:
            _assert_only_strings(v)
    else:
        assert value is None or isinstance(value, str)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_our_error(data: bytes) -> None:
    _check_only_own_errors(data)


YAML_ALPHABET = st.sampled_from(
    [*"abc019 :-[]{}&*!|>'\"#?,.%@`\n\t\\", "---", "...", "\u00e9", "\ufeff", "\x00"]
)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(YAML_ALPHABET, max_size=80).map("".join))
def test_random_yamlish_text_raises_only_our_error(text: str) -> None:
    _check_only_own_errors(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
            max_size=8,
        ),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.text(alphabet="abcxyz", min_size=1, max_size=4), children, max_size=4
            )
        ),
        max_leaves=15,
    )
)
def test_dumped_yaml_round_trips_as_strings(value: object) -> None:
    import yaml

    text = yaml.safe_dump({"root": value}, allow_unicode=True)
    try:
        doc = load_yaml_text(text)
    except CodetrainerError as exc:
        # dumped strings may legitimately hold characters we refuse (e.g. U+0085)
        assert all(d.rule in {"yaml-control-char", "yaml-too-deep"} for d in exc.diagnostics)
        return
    _assert_only_strings(doc.data)
