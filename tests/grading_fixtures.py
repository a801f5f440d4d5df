"""Helpers for the grading tests: build cases and answers in one line, find bundled cases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.core.models import Case, Pack
from codetrainer.core.packs import load_pack

REPO = Path(__file__).resolve().parent.parent
PACKS_DIR = REPO / "content" / "packs"

LineSpec = str | Mapping[str, Any]


def make_case(
    dx: Iterable[str | Mapping[str, Any]] = (),
    lines: Iterable[LineSpec] = (),
    *,
    query: Mapping[str, Any] | None = None,
    mistakes: Mapping[str, str] | None = None,
    case_id: str = "case",
) -> Case:
    """A case with just a key (note and title are filler)."""
    answer: dict[str, Any] = {
        "diagnoses": [{"code": d} if isinstance(d, str) else dict(d) for d in dx],
        "lines": [{"code": ln} if isinstance(ln, str) else dict(ln) for ln in lines],
    }
    if query is not None:
        answer["query"] = dict(query)
    data: dict[str, Any] = {
        "id": case_id,
        "title": "Test case",
        "note": "A note.",
        "answer": answer,
    }
    if mistakes:
        data["mistakes"] = [{"code": c, "feedback": f} for c, f in mistakes.items()]
    return Case.model_validate(data)


def answer(dx: Sequence[str] = (), lines: Sequence[LineSpec] = (), query: str = "") -> GivenAnswer:
    """A learner's answer; a line is a bare code or a dict (code, modifiers, units, pointers)."""
    return GivenAnswer(
        diagnoses=tuple(dx),
        lines=tuple(
            GivenLine.from_dict(dict(ln) if not isinstance(ln, str) else ln) for ln in lines
        ),
        query=query,
    )


def key_answer(case: Case) -> GivenAnswer:
    """The case's own key, typed as a learner would hand it in."""
    key = case.answer
    return GivenAnswer(
        diagnoses=tuple(d.code for d in key.diagnoses),
        lines=tuple(
            GivenLine(
                code=ln.code,
                modifiers=tuple(ln.modifiers),
                units=str(ln.units),
                pointers=tuple(str(p) for p in ln.pointers),
            )
            for ln in key.lines
        ),
        query=" ".join(key.query.keywords) if key.query else "",
    )


def bundled_packs() -> list[tuple[Path, Pack]]:
    """Every bundled pack that loads (the loader's own tests cover broken ones)."""
    out = []
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        loaded = load_pack(path)
        if loaded.value is not None:
            out.append((path, loaded.value))
    return out


def bundled_cases() -> list[tuple[str, Case]]:
    return [
        (f"{pack.pack.id}/{case.id}", case) for _, pack in bundled_packs() for case in pack.cases
    ]


@dataclass(frozen=True)
class TinyEntry:
    """Just the IcdEntry fields the grader reads."""

    code: str
    description: str
    billable: bool
    seventh_characters: tuple[tuple[str, str], ...] = ()


@dataclass
class TinyReference:
    """A stand-in reference with a handful of codes (proves the grader only needs the protocol)."""

    entries: dict[str, TinyEntry] = field(default_factory=dict)
    release: str = "Tiny test reference"

    @classmethod
    def with_codes(cls, rows: Iterable[tuple[str, str, bool]]) -> TinyReference:
        return cls({code: TinyEntry(code, desc, billable) for code, desc, billable in rows})

    def get(self, code: str) -> TinyEntry | None:
        return self.entries.get(code)

    def excludes1_conflict(self, a: str, b: str) -> str | None:
        return None

    def billable_descendants(self, code: str, limit: int | None = None) -> list[str]:
        found = sorted(c for c, e in self.entries.items() if c.startswith(code) and e.billable)
        return found[:limit] if limit is not None else found
