"""Rebuild a case that failed the schema from its valid parts (see the package docstring).

Every field that failed is replaced: by its default, or, for a required field, by a
placeholder that no check can mistake for data (an empty code or note). What a
replacement would make a check say falsely is listed with it in :data:`_PARTS` and hidden
(a :class:`Block`): a case without a valid note hides the evidence and uncertainty checks,
a diagnosis without a valid ``why`` hides "no 'why'", a diagnosis whose code failed is
kept only as a place in the list (so pointers and positions stay true) and every finding
on it is hidden. A replacement that can only hide problems (no modifiers, no pointers,
``optional: false``) hides nothing. A new check that reads a field must say here what a
stand-in for that field hides.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from codetrainer.core.diagnostics import Diagnostic
from codetrainer.core.models import AnswerKey, Case, DiagnosisKey, LineKey, Mistake
from codetrainer.core.yamlio import YamlDocument, YamlPath

__all__ = ["Block", "Salvaged", "TrackingDocument", "keep_findings", "salvage_case"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """Findings at or below ``path`` that a stand-in makes meaningless: those of
    ``rules``, or all of them when ``rules`` is None."""

    path: YamlPath
    rules: frozenset[str] | None = None

    def covers(self, path: YamlPath, rule: str) -> bool:
        return path[: len(self.path)] == self.path and (self.rules is None or rule in self.rules)


@dataclass(frozen=True, slots=True)
class Salvaged:
    """A case that failed the schema, rebuilt for checking only (never for a pack)."""

    index: int
    """Its position in ``cases:``."""
    case: Case
    blocks: tuple[Block, ...]

    def keeps(self, path: YamlPath, rule: str) -> bool:
        """Whether a finding of ``rule`` at ``path`` is about data that did validate."""
        return not any(b.covers(path, rule) for b in self.blocks)


@dataclass(slots=True)
class TrackingDocument(YamlDocument):
    """A document that remembers the YAML path of every diagnostic made through it."""

    made: dict[int, tuple[Diagnostic, YamlPath]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: YamlDocument) -> TrackingDocument:
        return cls(doc.path, doc.data, doc.marks, doc.text, doc.findings)

    def diagnostic(
        self,
        path: YamlPath,
        message: str,
        *,
        severity: str = "error",
        rule: str = "",
        at_key: bool = False,
    ) -> Diagnostic:
        made = YamlDocument.diagnostic(
            self, path, message, severity=severity, rule=rule, at_key=at_key
        )
        self.made[id(made)] = (made, tuple(path))  # the object is kept: its id stays its own
        return made

    def path_of(self, diagnostic: Diagnostic) -> YamlPath | None:
        entry = self.made.get(id(diagnostic))
        return entry[1] if entry is not None and entry[0] is diagnostic else None


def keep_findings(
    doc: TrackingDocument,
    found: Iterable[Diagnostic],
    salvaged: Iterable[Salvaged],
    default: YamlPath | None = None,
) -> list[Diagnostic]:
    """``found`` without what the salvaged cases' stand-ins made checks say.

    A finding is placed by the path it was made for; one made without the document (the
    personal-data warnings) is placed at ``default``, and kept when that is None too.
    """
    by_case: dict[YamlPath, Salvaged] = {("cases", s.index): s for s in salvaged}
    out: list[Diagnostic] = []
    for d in found:
        path = doc.path_of(d) or default
        case = by_case.get(path[:2]) if path is not None else None
        if path is None or case is None or case.keeps(path, d.rule):
            out.append(d)
    return out


# ---------------------------------------------------------------------------------------
# what stands in for a part that failed, and what that hides

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class _Part:
    stand_in: Any = _UNSET
    """For a required field: a valid value, so that the rest of the model validates."""
    placeholder: Any = _UNSET
    """For a required field: what the rebuilt model holds instead of the stand-in."""
    fatal: bool = False
    """The model means nothing without this field: the whole item becomes a placeholder."""
    whole: bool = False
    """Hide every finding at or below the field's own path."""
    item: frozenset[str] = frozenset()
    """Hide these rules at or below the model's path."""
    case: frozenset[str] = frozenset()
    """Hide these rules anywhere in the case."""


_SETTING_RULES = frozenset(
    {"claim-missing", "claim-facility-setting", "uncertain-diagnosis", "uncertain-assessment"}
)
_PARTS: dict[tuple[type[BaseModel], str], _Part] = {
    (Case, "id"): _Part("x", ""),
    (Case, "title"): _Part("x", ""),
    (Case, "setting"): _Part(case=_SETTING_RULES),
    (Case, "claim"): _Part(case=_SETTING_RULES | {"claim-facility-lines"}),
    (Case, "note"): _Part(
        "x",
        "",
        case=frozenset(
            {"evidence-not-found", "phi", "uncertain-diagnosis", "uncertain-assessment"}
        ),
    ),
    (Case, "answer"): _Part({}, whole=True),
    (Case, "mistakes"): _Part(whole=True),
    (AnswerKey, "diagnoses"): _Part(
        whole=True,
        case=frozenset({"empty-answer", "optional-only", "pointer-range", "optional-pointer"}),
    ),
    (AnswerKey, "lines"): _Part(
        whole=True, case=frozenset({"empty-answer", "optional-only", "claim-facility-lines"})
    ),
    (AnswerKey, "query"): _Part(case=frozenset({"empty-answer", "optional-only"})),
    (DiagnosisKey, "code"): _Part(fatal=True),
    (DiagnosisKey, "why"): _Part(item=frozenset({"missing-why"})),
    # the assessment check reads diagnoses keyed without evidence
    (DiagnosisKey, "evidence"): _Part(item=frozenset({"uncertain-assessment"})),
    (LineKey, "code"): _Part(fatal=True),
    (LineKey, "why"): _Part(item=frozenset({"missing-why"})),
    (Mistake, "code"): _Part(fatal=True),
    (Mistake, "feedback"): _Part("x", ""),
}
"""Parts not listed fall back to their default and hide nothing; a required part not
listed makes its model unsalvageable."""

_NESTED: dict[tuple[type[BaseModel], str], tuple[type[BaseModel], bool]] = {
    (Case, "answer"): (AnswerKey, False),
    (Case, "mistakes"): (Mistake, True),
    (AnswerKey, "diagnoses"): (DiagnosisKey, True),
    (AnswerKey, "lines"): (LineKey, True),
}
"""Fields salvaged part by part: the model, and whether the field is a list of them."""

_LOST_ITEM: dict[type[BaseModel], tuple[dict[str, Any], frozenset[str]]] = {
    # a diagnosis that is only a place: another diagnosis may lack the companion it was
    DiagnosisKey: ({"code": ""}, frozenset({"icd-use-additional"})),
    LineKey: ({"code": ""}, frozenset()),
    Mistake: ({"code": "", "feedback": ""}, frozenset()),
}
"""What a list item that cannot be salvaged becomes, and what it hides in the case."""


_UNKNOWN_KEY: dict[type[BaseModel], frozenset[str]] = {
    # an answer that holds only unknown keys is not "empty": its content is misnamed
    AnswerKey: frozenset({"empty-answer", "optional-only"}),
}
"""What any unknown key in the model hides in the case."""


class _Lost(Exception):
    """The model cannot be rebuilt (not a mapping, or a fatal part failed)."""


def salvage_case(index: int, raw: Any, exc: ValidationError) -> Salvaged | None:
    """The checkable parts of case ``index`` (``raw``, which failed with ``exc``), or None
    when nothing can be checked (the case is not a mapping)."""
    errors = [_clean(tuple(e["loc"])) for e in exc.errors(include_url=False)]
    base: YamlPath = ("cases", index)
    blocks: list[Block] = []
    try:
        case = _salvage(Case, raw, errors, base, base, blocks)
    except _Lost:
        return None
    if not isinstance(case, Case):  # pragma: no cover - _salvage returns the model asked for
        return None
    return Salvaged(index, case, tuple(blocks))


def _clean(loc: Loc) -> Loc:
    """pydantic adds validator names (``function-after[...]``) into locs; drop them."""
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith("function-"))


def _salvage(
    model: type[BaseModel],
    raw: Any,
    errors: list[Loc],
    path: YamlPath,
    case_path: YamlPath,
    blocks: list[Block],
) -> BaseModel:
    if not isinstance(raw, dict) or any(not loc for loc in errors):
        raise _Lost
    failed: dict[str, list[Loc]] = {}
    for loc in errors:
        failed.setdefault(str(loc[0]), []).append(loc[1:])
    fields = model.model_fields
    data = {k: v for k, v in raw.items() if k in fields and k not in failed}
    update: dict[str, Any] = {}
    for name, inner in failed.items():
        if name not in fields:  # an unknown key: reported, and left out
            _unknown_key(model, name, raw, path, case_path, blocks)
            continue
        part = _PARTS.get((model, name), _Part())
        here: YamlPath = (*path, name)
        nested = _NESTED.get((model, name))
        if nested is not None and name in raw:
            hidden: list[Block] = []  # kept only if the part can be rebuilt
            try:
                update[name] = _nested(nested, raw[name], inner, here, case_path, hidden)
            except _Lost:
                pass
            else:
                blocks.extend(hidden)
                if part.stand_in is not _UNSET:
                    data[name] = part.stand_in
                continue
        if part.fatal:
            raise _Lost
        if part.whole:
            blocks.append(Block(here))
        if part.item:
            blocks.append(Block(path, part.item))
        if part.case:
            blocks.append(Block(case_path, part.case))
        if part.stand_in is not _UNSET:
            data[name] = part.stand_in
            if part.placeholder is not _UNSET:
                update[name] = part.placeholder
    try:
        value = model.model_validate(data)
    except ValidationError:  # a required part with no stand-in: nothing to rebuild
        raise _Lost from None
    return value.model_copy(update=update) if update else value


def _unknown_key(
    model: type[BaseModel],
    key: str,
    raw: dict[str, Any],
    path: YamlPath,
    case_path: YamlPath,
    blocks: list[Block],
) -> None:
    """An unknown key is left out; when it looks like a field the model lacks (the
    schema error says "did you mean ..."), what that field's absence makes checks say is
    hidden too: 'clam: facility' on an inpatient case does not also warn that the case
    names no claim."""
    missing = [f for f in model.model_fields if f not in raw]
    guess = difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
    part = _PARTS.get((model, guess[0]), _Part()) if guess else _Part()
    if part.item:
        blocks.append(Block(path, part.item))
    hides = part.case | _UNKNOWN_KEY.get(model, frozenset())
    if hides:
        blocks.append(Block(case_path, hides))


def _nested(
    nested: tuple[type[BaseModel], bool],
    raw: Any,
    errors: list[Loc],
    path: YamlPath,
    case_path: YamlPath,
    blocks: list[Block],
) -> Any:
    model, many = nested
    if not many:
        return _salvage(model, raw, errors, path, case_path, blocks)
    if not isinstance(raw, list) or any(not loc or not isinstance(loc[0], int) for loc in errors):
        raise _Lost  # the list itself failed (not a list, too long)
    items: list[BaseModel] = []
    for k, item in enumerate(raw):
        mine = [loc[1:] for loc in errors if loc[0] == k]
        where: YamlPath = (*path, k)
        try:
            if mine:
                hidden: list[Block] = []
                items.append(_salvage(model, item, mine, where, case_path, hidden))
                blocks.extend(hidden)
            else:
                items.append(model.model_validate(item))
            continue
        except (_Lost, ValidationError):
            pass
        values, hides = _LOST_ITEM[model]
        items.append(model.model_construct(**values))  # only a place in the list
        blocks.append(Block(where))
        if hides:
            blocks.append(Block(case_path, hides))
    return items
