"""JSON Schema fragments and the editor-schema transform (see the package docstring)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ANY_CODE",
    "ICD_CODE",
    "MODIFIER_CODE",
    "OPT_TEXT",
    "POINTER",
    "PROCEDURE_CODE",
    "SLUG",
    "SYSTEM",
    "TEXT",
    "editor_schema",
]


def _ci(word: str) -> str:
    """A case-insensitive regex for ``word`` (JSON Schema regexes have no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else _escape(c) for c in word)


def _escape(c: str) -> str:
    return c if c.isalnum() else "\\" + c


_NUMBER_OR_BOOL: list[dict[str, Any]] = [{"type": "number"}, {"type": "boolean"}]
"""An unquoted number or true/false is still text to the loader (``version: 1.0``)."""

TEXT: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": r"\S"}, *_NUMBER_OR_BOOL],
    "description": "Text; must not be empty or blank.",
}
OPT_TEXT: dict[str, Any] = {"anyOf": [{"type": "string"}, *_NUMBER_OR_BOOL]}

SLUG: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
        {"type": "integer", "minimum": 0, "maximum": 10**64 - 1},
    ],
    "description": "An id: lowercase letters, digits and hyphens, e.g. sore-throat.",
}

_SP = r"\s*"
_ICD = r"([A-Za-z][0-9]|[Qq][Aa])[0-9A-Za-z]\.?[0-9A-Za-z]{0,4}"
_CPT = r"([0-9]{5}|[0-9]{4}[FfTt])"
_HCPCS = r"[A-Za-z][0-9]{4}"
_MOD = r"-*[0-9A-Za-z]{2}"


def _shape(*patterns: str) -> str:
    return f"^{_SP}({'|'.join(patterns)}){_SP}$"


ICD_CODE: dict[str, Any] = {
    "type": "string",
    "pattern": _shape(_ICD),
    "description": "An ICD-10-CM code: a letter, a digit, 1-5 letters or digits (J02.9).",
}
_CPT_NUMBER = {"type": "integer", "minimum": 10000, "maximum": 99999}
"""Unquoted five-digit CPT codes. One with a leading zero (00100) loses it to an editor:
quote those."""
PROCEDURE_CODE: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": _shape(_CPT, _HCPCS)}, _CPT_NUMBER],
    "description": "A CPT (99213) or HCPCS Level II (A4253) code.",
}
MODIFIER_CODE: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": _shape(_MOD)},
        {"type": "integer", "minimum": 10, "maximum": 99},
    ],
    "description": "A modifier: two letters or digits (25, LT). Quote 0-leading ones.",
}
ANY_CODE: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": _shape(_ICD, _CPT, _HCPCS, _MOD)},
        _CPT_NUMBER,
        {"type": "integer", "minimum": 10, "maximum": 99},
    ],
    "description": "An ICD-10-CM, CPT or HCPCS code, or a modifier.",
}
POINTER: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": 12},
        # "+1" too: validate reads it as 1 (as YAML reads a bare +1)
        {"type": "string", "pattern": r"^\s*(\+?0*([1-9]|1[0-2])|[A-La-l])\s*$"},
    ],
    "description": "A diagnosis pointer: 1-12, or the claim letters A-L.",
}


def _system_pattern() -> str:
    from codetrainer.core.codes import _SYSTEM_ALIASES

    gap = "[^A-Za-z0-9]*"
    words = sorted(_SYSTEM_ALIASES, key=lambda w: (-len(w), w))
    return f"^{gap}({'|'.join(gap.join(_ci(c) for c in w) for w in words)}){gap}$"


SYSTEM: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "enum": ["ICD-10-CM", "CPT", "HCPCS", "MODIFIER"]},
        {"type": "string", "pattern": _system_pattern()},
    ],
    "description": "ICD-10-CM, CPT, HCPCS or MODIFIER (usual spellings such as icd10cm too).",
}

# pydantic's lax bool parsing of text, case-insensitive, no surrounding blanks
_BOOL_WORDS = ("true", "false", "yes", "no", "on", "off", "t", "f", "y", "n", "1", "0")


_BOOL: dict[str, Any] = {
    "anyOf": [
        {"type": "boolean"},
        {"type": "integer", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": f"^({'|'.join(_ci(w) for w in _BOOL_WORDS)})$"},
    ]
}


def _range_pattern(low: int, high: int) -> str:
    """A regex for the whole numbers low..high as text, as pydantic reads them: blanks
    around, an optional +, leading zeros, a zero fraction (``" 03.0 "`` is 3)."""
    if low == 1 and high < 10:
        body = f"[1-{high}]"
    elif low == 1 and str(high + 1).strip("0") == "1":  # 9, 99, 9999 ...
        body = f"[1-9][0-9]{{0,{len(str(high)) - 1}}}"
    elif low == 0 and high < 10:
        body = f"[0-{high}]"
    else:
        body = "|".join(str(n) for n in range(low, high + 1))
    return rf"^\s*\+?0*({body})(\.0+)?\s*$"


def editor_schema(node: Any) -> Any:
    """pydantic's validation schema, with every scalar in each form the loader accepts.

    Integers accept text within their bounds, booleans pydantic's words, string enums
    any letter case with blanks around (``Outpatient``). Fragments above are already
    exact (they use ``anyOf``) and are left as they are.
    """
    if isinstance(node, list):
        return [editor_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "anyOf" in node and not any(k in node for k in ("properties", "items", "$defs")):
        options = node["anyOf"]
        if any(isinstance(o, dict) and "pattern" in o for o in options):
            return node  # one of ours: exact already
        return {**node, "anyOf": [editor_schema(o) for o in options]}
    out = {k: editor_schema(v) for k, v in node.items()}
    kind = out.get("type")
    if kind == "integer":
        rest = {k: v for k, v in out.items() if k not in ("type", "minimum", "maximum")}
        low, high = out.get("minimum"), out.get("maximum")
        number: dict[str, Any] = {"type": "integer"}
        if low is not None:
            number["minimum"] = low
        if high is not None:
            number["maximum"] = high
        if isinstance(low, int) and isinstance(high, int):
            pattern = _range_pattern(low, high)
        else:
            pattern = r"^\s*\+?[0-9]+(\.0+)?\s*$"
        return {**rest, "anyOf": [number, {"type": "string", "pattern": pattern}]}
    if kind == "boolean":
        rest = {k: v for k, v in out.items() if k != "type"}
        return {**rest, **_BOOL}
    if kind == "string" and isinstance(out.get("enum"), list):
        words = [w for w in out["enum"] if isinstance(w, str)]
        rest = {k: v for k, v in out.items() if k not in ("type", "enum")}
        loose = rf"^\s*({'|'.join(_ci(w) for w in words)})\s*$"
        return {
            **rest,
            "anyOf": [{"type": "string", "enum": words}, {"type": "string", "pattern": loose}],
        }
    return out
