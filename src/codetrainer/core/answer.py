"""What a learner hands in for one case: claim-shaped, kept exactly as typed.

Nothing here judges the codes; :mod:`codetrainer.core.grading` does. The same shape is
used by the TUI form, answers files (``codetrainer grade``) and the progress store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the trainer builds answers before the models (pydantic) are loaded
    from codetrainer.core.models import AnswerEntry

__all__ = ["GivenAnswer", "GivenLine"]


@dataclass(frozen=True, slots=True)
class GivenLine:
    """One service line: code, up to 4 modifiers, units, up to 4 diagnosis pointers."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: str = "1"
    pointers: tuple[str, ...] = ()
    """As typed: ``"1"``, ``"A"``; grading resolves them."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "pointers": list(self.pointers),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | str) -> GivenLine:
        if isinstance(data, str):
            return cls(code=data)
        return cls(
            code=str(data.get("code", "")),
            modifiers=tuple(str(m) for m in data.get("modifiers", []) or []),
            units=str(data.get("units", "1") or "1"),
            pointers=tuple(str(p) for p in data.get("pointers", []) or []),
        )


@dataclass(frozen=True, slots=True)
class GivenAnswer:
    """A whole answer: diagnoses in order (first-listed first), lines, provider query."""

    diagnoses: tuple[str, ...] = ()
    lines: tuple[GivenLine, ...] = ()
    query: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Room for UI state that is not graded (never read by grading)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "diagnoses": list(self.diagnoses),
            "lines": [line.to_dict() for line in self.lines],
            "query": self.query,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GivenAnswer:
        return cls(
            diagnoses=tuple(str(d) for d in data.get("diagnoses", []) or []),
            lines=tuple(GivenLine.from_dict(x) for x in data.get("lines", []) or []),
            query=str(data.get("query", "") or ""),
        )

    @classmethod
    def from_entry(cls, entry: AnswerEntry) -> GivenAnswer:
        """From one entry of an answers file."""
        return cls(
            diagnoses=tuple(d for d in entry.diagnoses if d),
            lines=tuple(
                GivenLine(
                    code=line.code,
                    modifiers=tuple(m for m in line.modifiers if m),
                    units=line.units or "1",
                    pointers=tuple(p for p in line.pointers if p),
                )
                for line in entry.lines
            ),
            query=entry.query,
        )

    @property
    def is_empty(self) -> bool:
        return not (
            any(d.strip() for d in self.diagnoses)
            or any(line.code.strip() for line in self.lines)
            or self.query.strip()
        )
