"""Score the lookup on learner queries: is the right code first, is it in the top 5?

The query file (``tests/data/queries.yaml``) lists ``q`` (what is typed), ``field``
(``diagnosis``, ``line`` or ``modifiers``: the systems the answer form searches),
``kind`` and ``expect`` (codes that count as right). Used by a test (thresholds) and
by ``benchmarks/bench_reference.py`` (figures for docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codetrainer.core.codes import System

if TYPE_CHECKING:
    from codetrainer.core.search import SearchIndex

__all__ = ["FIELD_SYSTEMS", "Outcome", "Query", "evaluate", "load_queries", "summarize"]

FIELD_SYSTEMS: dict[str, frozenset[System]] = {
    "diagnosis": frozenset({System.ICD10CM}),
    "line": frozenset({System.CPT, System.HCPCS}),
    "modifiers": frozenset({System.MODIFIER}),
}
"""The systems each answer-form field searches (as tui/screens/case.py does)."""


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    field: str
    kind: str
    expect: tuple[str, ...]

    @property
    def system(self) -> str:
        """The system of the expected code (for per-system figures)."""
        code = self.expect[0]
        if self.field == "diagnosis":
            return System.ICD10CM.value
        if self.field == "modifiers":
            return System.MODIFIER.value
        return System.CPT.value if code[:1].isdigit() else System.HCPCS.value


@dataclass(frozen=True, slots=True)
class Outcome:
    query: Query
    rank: int | None
    """1-based position of the first right code, None when not in the top 20."""
    top: tuple[str, ...] = field(default=())


def load_queries(path: Path) -> list[Query]:
    """Read the query file with the project's strict YAML loader."""
    from codetrainer.core.yamlio import load_yaml_file

    data = load_yaml_file(path).data
    out: list[Query] = []
    for row in data["queries"]:
        expect = row["expect"]
        out.append(
            Query(str(row["q"]), str(row["field"]), str(row["kind"]), tuple(map(str, expect)))
        )
    return out


def evaluate(index: SearchIndex, queries: Iterable[Query], limit: int = 20) -> list[Outcome]:
    """Run every query within its field's systems; where the right code landed."""
    out: list[Outcome] = []
    for q in queries:
        hits = index.search(q.text, systems=FIELD_SYSTEMS[q.field], limit=limit)
        codes = tuple(h.code for h in hits)
        rank = next((k + 1 for k, c in enumerate(codes) if c in q.expect), None)
        out.append(Outcome(q, rank, codes[:5]))
    return out


def summarize(outcomes: list[Outcome], by: str = "system") -> dict[str, tuple[int, int, int]]:
    """``{group: (n, top-1 count, top-5 count)}`` plus an ``all`` row."""
    groups: dict[str, list[Outcome]] = {"all": list(outcomes)}
    for o in outcomes:
        key = o.query.system if by == "system" else o.query.kind
        groups.setdefault(key, []).append(o)
    return {
        k: (
            len(v),
            sum(1 for o in v if o.rank == 1),
            sum(1 for o in v if o.rank is not None and o.rank <= 5),
        )
        for k, v in groups.items()
    }
