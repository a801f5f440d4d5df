"""Strict YAML loading for packs, code sets and answers files.

The rules (see ``pack-format.md``):

* every scalar is a string (``99213``, ``00100``, ``NO`` and ``2024-01-05`` stay exactly
  as typed); a plain empty value (``key:``) is ``None``;
* no anchors or aliases, no tags beyond the plain core ones, no duplicate keys, no
  complex keys, one document per file;
* UTF-8 only, no control characters other than newline and tab (CRLF line ends are
  accepted), a size cap (1 MiB unless raised) and a nesting cap;
* every problem becomes a :class:`~codetrainer.core.diagnostics.CodetrainerError` with
  ``PATH:LINE:COL``; no PyYAML exception escapes.

The document is read as an event stream (libyaml's C parser when present) and built
into plain ``dict``/``list``/``str`` values, recording where every key and value starts
so that schema errors can point at the exact spot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codetrainer.core.diagnostics import CodetrainerError, Diagnostic, Severity
from codetrainer.core.untrusted import UNSAFE, escape_unsafe, unsafe_name
from codetrainer.fileio import InputError, read_bounded

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "Mark",
    "YamlDocument",
    "YamlPath",
    "load_yaml_file",
    "load_yaml_text",
]

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_DEPTH = 32
MAX_RAW_CONTROLS = 20
"""More raw control characters than this and a file is not text: the load stops (and
only these many are reported)."""

YamlPath = tuple[str | int, ...]
"""Where a value sits: mapping keys and sequence indexes from the root."""

try:  # libyaml's parser is several times faster; PyYAML's pure parser is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}
# C0 controls except TAB and LF, DEL, C1 controls, U+2028/2029 (YAML line breaks that
# editors do not show) and the bidi overrides: the rule of codetrainer.core.untrusted.
_BAD_CONTROL = UNSAFE


@dataclass(frozen=True, slots=True)
class Mark:
    """1-based position of a key (or item) and of its value."""

    line: int
    col: int
    value_line: int
    value_col: int


@dataclass(slots=True)
class YamlDocument:
    """A loaded document: plain data plus the position of everything in it."""

    path: str
    data: Any
    marks: dict[YamlPath, Mark] = field(default_factory=dict)
    text: str = ""
    """The decoded source (for pointing inside a long value, see :meth:`locate_text`)."""
    findings: list[Diagnostic] = field(default_factory=list)
    """Errors found while loading that did not stop it (only with ``collect_controls``):
    control characters and bidi overrides, each at its own ``PATH:LINE:COL``. The values
    that held them were replaced by their escaped form (``\\x1b``), so nothing raw is in
    :attr:`data`; the file still fails, and whoever loads it must report these."""

    def locate_text(self, path: YamlPath, needle: str) -> tuple[int, int]:
        """Line and column where ``needle`` appears in the value at ``path``.

        Searches the source from the value's first line on, so a phrase inside a block
        scalar (``note: |``) is found on its own line; falls back to the value itself.
        """
        line, col = self.locate(path)
        if not needle or not self.text:
            return line, col
        lines = self.text.split("\n")
        for n in range(line - 1, len(lines)):
            start = lines[n].find(needle, col - 1 if n == line - 1 else 0)
            if start >= 0:
                return n + 1, start + 1
        return line, col

    def locate(self, path: YamlPath, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column for ``path``, or for its nearest existing ancestor."""
        probe = tuple(path)
        while probe:
            mark = self.marks.get(probe)
            if mark is not None:
                if at_key:
                    return mark.line, mark.col
                return mark.value_line, mark.value_col
            probe = probe[:-1]
            at_key = True
        root = self.marks.get(())
        return (root.value_line, root.value_col) if root else (1, 1)

    def diagnostic(
        self,
        path: YamlPath,
        message: str,
        *,
        severity: str = "error",
        rule: str = "",
        at_key: bool = False,
    ) -> Diagnostic:
        line, col = self.locate(path, at_key=at_key)
        sev: Severity = "warning" if severity == "warning" else "error"
        return Diagnostic(self.path, line, col, sev, message, rule)


def load_yaml_file(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    display_path: str | None = None,
    collect_controls: bool = False,
) -> YamlDocument:
    """Read and strictly parse one YAML file; raise CodetrainerError on any problem.

    With ``collect_controls`` control characters do not stop the load: they come back as
    :attr:`YamlDocument.findings` (see :func:`load_yaml_bytes`).
    """
    shown = display_path if display_path is not None else str(path)
    try:
        raw = read_bounded(path, max_bytes, shown=shown)
    except InputError as exc:
        if exc.too_large:
            message = (
                f"{exc.reason}; split it into smaller packs or raise the limit with --max-bytes"
            )
            rule = "yaml-too-large"
        else:
            message = f"cannot read the file: {exc.reason}"
            rule = "io"
        raise CodetrainerError([Diagnostic(shown, 1, 1, "error", message, rule)]) from None
    return load_yaml_bytes(
        raw, path=shown, max_bytes=max_bytes, max_depth=max_depth, collect_controls=collect_controls
    )


def load_yaml_text(
    text: str,
    *,
    path: str = "<text>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    collect_controls: bool = False,
) -> YamlDocument:
    """Parse YAML given as a string (already decoded)."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise CodetrainerError(
            [Diagnostic(path, 1, 1, "error", f"text is not valid Unicode: {exc.reason}", "utf8")]
        ) from None
    return load_yaml_bytes(
        raw, path=path, max_bytes=max_bytes, max_depth=max_depth, collect_controls=collect_controls
    )


def load_yaml_bytes(
    raw: bytes,
    *,
    path: str = "<bytes>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    collect_controls: bool = False,
) -> YamlDocument:
    """Decode and parse; every failure is a CodetrainerError with a location.

    By default a control character or bidi override anywhere (raw in the file, or made by
    an escape in double quotes) is an error like any other and stops the load. With
    ``collect_controls`` the load goes on so that the file's other problems are found in
    the same run: each such character becomes an error in :attr:`YamlDocument.findings`
    and never reaches :attr:`YamlDocument.data` raw. A raw one is replaced, before
    parsing, by U+FFFD (one character for one, so every later line and column stays
    true); a value holding one made by an escape is replaced by its escaped form
    (``"\\e[5m"`` is loaded as the text ``\\x1b[5m``). A file with more than
    :data:`MAX_RAW_CONTROLS` raw ones is not text: its load still stops there.
    """
    if len(raw) > max_bytes:
        raise CodetrainerError(
            [
                Diagnostic(
                    path,
                    1,
                    1,
                    "error",
                    f"file is {len(raw):,} bytes, over the {max_bytes:,}-byte limit; split it "
                    "into smaller packs or raise the limit with --max-bytes",
                    "yaml-too-large",
                )
            ]
        )
    text = _decode(raw, path)
    text, findings, restore = _check_controls(text, path, collect=collect_controls)
    builder = _Builder(path, max_depth, findings if collect_controls else None, restore)
    try:
        return _build(builder, text, path)
    except CodetrainerError as exc:
        if not findings:  # the builder adds to the same list while it collects
            raise
        # a problem that stops the load still comes with the control characters found
        found = [*findings, *exc.diagnostics]
        raise CodetrainerError(sorted(found, key=lambda d: (d.line, d.col))) from None


def _build(builder: _Builder, text: str, path: str) -> YamlDocument:
    try:
        return builder.build(text)
    except CodetrainerError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise CodetrainerError(
            [
                Diagnostic(
                    path,
                    line,
                    col,
                    "error",
                    f"YAML syntax error: {problem}; check indentation, colons and quotes here",
                    "yaml-syntax",
                )
            ]
        ) from None
    except (RecursionError, MemoryError):
        raise CodetrainerError(
            [
                Diagnostic(
                    path,
                    builder.line,
                    builder.col,
                    "error",
                    "the YAML is nested or repeated too deeply to read; simplify the file "
                    "around here",
                    "yaml-syntax",
                )
            ]
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        detail = _short(escape_unsafe(str(exc)))
        raise CodetrainerError(
            [
                Diagnostic(
                    path,
                    builder.line,
                    builder.col,
                    "error",
                    f"cannot parse the YAML{': ' + detail if detail else ''}; simplify the "
                    "file around here",
                    "yaml-syntax",
                )
            ]
        ) from None


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and b"\x00" in raw[:4]):
        raise CodetrainerError(
            [Diagnostic(path, 1, 1, "error", "file is UTF-16/32; save it as UTF-8", "utf8")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise CodetrainerError(
            [
                Diagnostic(
                    path,
                    line,
                    col,
                    "error",
                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
                    "utf8",
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


_SENTINELS = re.compile("[\U00100000-\U0010ffff]")
"""Plane-16 private-use characters: the stand-ins for raw control characters while the
text is parsed (one character for one, printable to YAML)."""


def _check_controls(
    text: str, path: str, *, collect: bool
) -> tuple[str, list[Diagnostic], dict[int, str]]:
    """Find raw control characters; raise, or (``collect``) return the text with each one
    replaced by a stand-in, the findings, and how to turn a stand-in into the escaped
    form of its character (``\\x1b``) once the text is parsed."""
    problems: list[Diagnostic] = []
    for match in _BAD_CONTROL.finditer(text):
        if len(problems) >= MAX_RAW_CONTROLS:
            collect = False  # not a text file: stop here, as without collecting
            break
        start = match.start()
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        problems.append(
            Diagnostic(
                path,
                line,
                col,
                "error",
                f"{unsafe_name(match.group())} is not allowed; delete it "
                "(only newline and tab may appear)",
                "yaml-control-char",
            )
        )
    if not problems:
        return text, [], {}
    if not collect:
        raise CodetrainerError(problems)
    # One character for one, so the parser's lines and columns stay those of the file
    # (a raw U+2028 or NEL would otherwise be a line break to YAML). The stand-ins are
    # private-use characters, unless the file uses those itself: then U+FFFD, kept.
    if _SENTINELS.search(text) is not None:
        return _BAD_CONTROL.sub("\ufffd", text), problems, {}
    chars = set(_BAD_CONTROL.findall(text))
    to_sentinel = {ord(c): chr(0x100000 + ord(c)) for c in chars}
    restore = {0x100000 + ord(c): escape_unsafe(c) for c in chars}
    return text.translate(to_sentinel), problems, restore


class _Builder:
    """Turns the parser's events into plain data with marks, enforcing the rules."""

    def __init__(
        self,
        path: str,
        max_depth: int,
        findings: list[Diagnostic] | None,
        restore: dict[int, str] | None = None,
    ) -> None:
        self.path = path
        self.max_depth = max_depth
        self.marks: dict[YamlPath, Mark] = {}
        self.problems: list[Diagnostic] = []
        self.findings = findings
        """Where control-character findings go when the load continues past them."""
        self.restore = restore or {}
        """Stand-in of a raw control character -> its escaped form (see _check_controls)."""
        self.line = 1
        self.col = 1
        self.text = ""

    def _err(self, mark: Any, message: str, rule: str) -> None:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.problems.append(Diagnostic(self.path, line, col, "error", message, rule))

    def build(self, text: str) -> YamlDocument:
        self.text = text
        loader = _Loader(text)
        try:
            return self._run(loader)
        finally:
            loader.dispose()

    def _next(self, loader: Any) -> Any:
        event = loader.get_event()
        mark = getattr(event, "start_mark", None)
        if mark is not None:
            self.line, self.col = mark.line + 1, mark.column + 1
        return event

    def _run(self, loader: Any) -> YamlDocument:
        event = self._next(loader)  # StreamStart
        event = self._next(loader)
        if isinstance(event, yaml.StreamEndEvent):
            raise CodetrainerError(
                [
                    Diagnostic(
                        self.path,
                        1,
                        1,
                        "error",
                        "file is empty; a pack starts with 'pack:' and 'cases:'",
                        "yaml-empty",
                    )
                ]
            )
        # DocumentStart
        data = self._node(loader, (), 0, None)
        self._next(loader)  # DocumentEnd
        event = self._next(loader)
        if not isinstance(event, yaml.StreamEndEvent):
            self._err(
                event.start_mark,
                "a second YAML document ('---') is not allowed; keep one pack per file",
                "yaml-multiple-documents",
            )
        if self.problems:
            raise CodetrainerError(self.problems)
        found = sorted(self.findings or [], key=lambda d: (d.line, d.col))
        return YamlDocument(self.path, data, self.marks, self.text, found)

    def _check_node(self, event: Any) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._err(
                event.start_mark,
                f"anchor '&{anchor}' is not allowed; write the value out in full",
                "yaml-anchor",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            self._err(
                event.start_mark,
                f"tag '{tag}' is not allowed; remove it (every value is read as text)",
                "yaml-tag",
            )

    def _check_value(self, event: Any, value: str) -> str:
        """Escapes in double quotes (``"\\e[5m"``, ``"\\x07"``) make characters the raw
        text check never sees: refuse them in the loaded value, at the value.

        Returns the value to keep: itself, or (when findings are collected) its escaped
        form, so that nothing downstream can echo the raw characters.
        """
        if self.restore:  # raw ones, already reported where they stand in the file
            value = value.translate(self.restore)
        match = UNSAFE.search(value)
        if match is None:
            return value
        shown = escape_unsafe(value)
        mark = event.start_mark
        finding = Diagnostic(
            self.path,
            mark.line + 1,
            mark.column + 1,
            "error",
            f"{unsafe_name(match.group())} in this value (written as an escape: "
            f"'{_short(shown, 60)}') is not allowed; terminal control "
            "characters and bidi overrides may not appear in any value, remove the escape",
            "yaml-control-char",
        )
        if self.findings is None:
            self.problems.append(finding)
            return value
        self.findings.append(finding)
        return shown

    def _node(self, loader: Any, path: YamlPath, depth: int, key_mark: Any) -> Any:
        event = self._next(loader)
        if key_mark is None:
            key_mark = event.start_mark
        self.marks[path] = Mark(
            key_mark.line + 1,
            key_mark.column + 1,
            event.start_mark.line + 1,
            event.start_mark.column + 1,
        )
        if isinstance(event, yaml.AliasEvent):
            self._err(
                event.start_mark,
                f"alias '*{event.anchor}' is not allowed; write the value out in full",
                "yaml-alias",
            )
            return None
        self._check_node(event)
        if isinstance(event, yaml.ScalarEvent):
            value: str = self._check_value(event, event.value)
            if value == "" and not event.style and event.tag is None:
                return None
            return value
        if depth >= self.max_depth:
            raise CodetrainerError(
                [
                    Diagnostic(
                        self.path,
                        event.start_mark.line + 1,
                        event.start_mark.column + 1,
                        "error",
                        f"nesting is deeper than {self.max_depth} levels; flatten the structure",
                        "yaml-too-deep",
                    )
                ]
            )
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not loader.check_event(yaml.SequenceEndEvent):
                items.append(self._node(loader, (*path, len(items)), depth + 1, None))
            self._next(loader)
            return items
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, Any] = {}
            first_seen: dict[str, Any] = {}
            while not loader.check_event(yaml.MappingEndEvent):
                key_event = self._next(loader)
                if not isinstance(key_event, yaml.ScalarEvent):
                    self._err(
                        key_event.start_mark,
                        "a key must be plain text; complex keys ('? ...', lists or mappings "
                        "as keys) are not allowed",
                        "yaml-complex-key",
                    )
                    self._skip(loader, key_event)
                    self._skip(loader, self._next(loader))
                    continue
                self._check_node(key_event)
                key = self._check_value(key_event, key_event.value)
                if key in first_seen:
                    first = first_seen[key]
                    self._err(
                        key_event.start_mark,
                        f"duplicate key '{key}' (first defined at line {first.line + 1}); "
                        "remove or rename one of them",
                        "yaml-duplicate-key",
                    )
                    self._node(loader, (*path, f"\0dup{len(self.problems)}"), depth + 1, None)
                    continue
                first_seen[key] = key_event.start_mark
                mapping[key] = self._node(loader, (*path, key), depth + 1, key_event.start_mark)
            self._next(loader)
            return mapping
        raise CodetrainerError(  # pragma: no cover - the parser never yields this
            [
                Diagnostic(
                    self.path, self.line, self.col, "error", "unexpected YAML structure", "yaml"
                )
            ]
        )

    def _skip(self, loader: Any, event: Any) -> None:
        """Consume the rest of a node whose start event was already read."""
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            level = 1
            while level:
                inner = self._next(loader)
                if isinstance(inner, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                    level += 1
                elif isinstance(inner, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                    level -= 1
