"""Grade a claim-shaped answer against a case key: match, score, explain.

How it works, per field:

1. **Diagnoses.** Every given code is read (loose typing allowed) and related to every
   expected code by structure (:mod:`.relations`). An optimal assignment pairs each
   expected code with at most one given code, maximising the learner's points; a pair is
   only possible when the two codes are structurally related (or the given code is an
   authored mistake). Unpaired expected codes are *missing*, unpaired given codes *extra*.
   The first expected diagnosis carries extra points for being listed first.
2. **Service lines.** The same, with each pair's modifiers (a set), units and diagnosis
   pointers (their *targets*) scored on top of the line code.
3. **Query.** The learner's query text is fuzzy-matched against the authored keywords.

Extras cost points, but a case never scores below 0: the cost is taken from what the
answer earned, in item order. ``score = earned / possible * 100`` rounded half up to one
decimal, where ``possible`` depends on the key only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.core.codes import CodeFormatError, System, detect_system, normalize
from codetrainer.core.grading import explain
from codetrainer.core.grading.assign import max_weight_assignment
from codetrainer.core.grading.lookup import CatalogLike, Lookup, ReferenceLike, lookup_for
from codetrainer.core.grading.relations import (
    NONE,
    Relation,
    icd_relation,
    procedure_relation,
)
from codetrainer.core.grading.results import CaseResult, Field, ItemResult, PackResult, Verdict
from codetrainer.core.grading.rubric import (
    DX_POINTS,
    EXTRA_CODE_PENALTY,
    EXTRA_MODIFIER_PENALTY,
    FIRST_LISTED_POINTS,
    LINE_POINTS,
    MODIFIER_POINTS,
    POINTER_PRIMARY_POINTS,
    POINTER_SET_POINTS,
    QUERY_KEYWORD_THRESHOLD,
    QUERY_KEYWORDS_FOR_FULL,
    QUERY_POINTS,
    UNITS_POINTS,
)
from codetrainer.core.models import AnswerEntry, AnswersFile, Case, DiagnosisKey, LineKey, Pack

__all__ = ["grade_case", "grade_pack_answers", "score_of"]

_POINTER_LETTERS = "ABCDEFGHIJKL"
_EPS_PREFIX = 1e-4
_EPS_POS = 1e-6


# ---------------------------------------------------------------------------------------
# reading what the learner typed


@dataclass(frozen=True, slots=True)
class _Read:
    code: str | None
    """Canonical code in the field's system; None when unreadable or another system."""
    system: System | None
    loose: bool
    problem: str | None
    """Why it cannot be read (None for a readable code of another system)."""


@dataclass(frozen=True, slots=True)
class _Given:
    pos: int
    raw: str
    read: _Read

    @property
    def code(self) -> str | None:
        return self.read.code


@functools.lru_cache(maxsize=65536)
def _read_dx(raw: str) -> _Read:
    try:
        n = normalize(raw, System.ICD10CM)
    except CodeFormatError as exc:
        detected = detect_system(raw)
        if detected in (System.CPT, System.HCPCS):
            return _Read(None, detected, False, None)
        return _Read(None, None, False, str(exc))
    return _Read(n.code, System.ICD10CM, n.raw != n.code, None)


@functools.lru_cache(maxsize=65536)
def _read_line(raw: str) -> _Read:
    detected = detect_system(raw)
    if detected in (System.CPT, System.HCPCS):
        n = normalize(raw, detected)
        return _Read(n.code, detected, n.raw != n.code, None)
    if detected is System.ICD10CM:
        return _Read(None, detected, False, None)
    text = raw.strip()
    try:
        normalize(raw, System.HCPCS if text[:1].isalpha() else System.CPT)
    except CodeFormatError as exc:
        return _Read(None, None, False, str(exc))
    return _Read(None, None, False, "is not a CPT or HCPCS Level II code")  # pragma: no cover


@functools.lru_cache(maxsize=4096)
def _read_modifier(raw: str) -> str | None:
    try:
        return normalize(raw, System.MODIFIER).code
    except CodeFormatError:
        return None


@functools.lru_cache(maxsize=256)
def _read_pointer(raw: str) -> int | None:
    """0-based position in the learner's diagnosis list, or None."""
    text = raw.strip().upper()
    if len(text) == 1 and text in _POINTER_LETTERS:
        return _POINTER_LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text) - 1
    return None


def _read_units(raw: str) -> int | None:
    text = raw.strip()
    if text.isdigit() and int(text) >= 1:
        return int(text)
    return None


# ---------------------------------------------------------------------------------------
# the key, prepared once per case


@dataclass(slots=True, eq=False)
class _Key:
    dx: tuple[DiagnosisKey, ...]
    dx_targets: tuple[tuple[str, ...], ...]
    lines: tuple[LineKey, ...]
    line_targets: tuple[tuple[str, ...], ...]
    mistakes: dict[str, str]


_KEYS: dict[int, tuple[Case, _Key]] = {}


def _key_of(case: Case) -> _Key:
    found = _KEYS.get(id(case))
    if found is not None and found[0] is case:
        return found[1]
    answer = case.answer
    key = _Key(
        dx=tuple(answer.diagnoses),
        dx_targets=tuple((d.code, *d.also_accept) for d in answer.diagnoses),
        lines=tuple(answer.lines),
        line_targets=tuple((ln.code, *ln.also_accept) for ln in answer.lines),
        mistakes={m.code: m.feedback for m in case.mistakes},
    )
    if len(_KEYS) > 4096:
        _KEYS.clear()
    _KEYS[id(case)] = (case, key)
    return key


# ---------------------------------------------------------------------------------------
# items under construction


def _verdict(points: float, max_points: float) -> Verdict:
    if points >= max_points:
        return "correct"
    return "partial" if points > 0 else "wrong"


@dataclass(frozen=True, slots=True)
class _Pair:
    rel: Relation
    target: int
    """Index in the expected item's targets (0 = the key code, >0 = also_accept)."""
    mistake: bool = False
    pairable: bool = field(init=False)
    """The two may be graded against each other (copied from the relation, for speed)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "pairable", self.rel.rule != "none")


_NO_PAIR = _Pair(NONE, 0)
_MISTAKE_PAIR = _Pair(Relation("wrong_code", ("wrong_code",), 0.0), 0, True)

_RelateFn = Callable[[str, str, Lookup], Relation]


def _best_pair(
    targets: tuple[str, ...], code: str, mistake: bool, relate: _RelateFn, lk: Lookup
) -> _Pair:
    """The best relation of a given code to any of an expected item's codes."""
    best = _NO_PAIR
    for t, target in enumerate(targets):
        rel = relate(target, code, lk)
        if rel.pairable and (not best.pairable or rel.credit > best.rel.credit):
            best = _Pair(rel, t)
            if rel.credit >= 1.0:
                break
    if mistake:
        best = _Pair(best.rel, best.target, True) if best.pairable else _MISTAKE_PAIR
    return best


def _pair_matrix(
    key: _Key,
    tag: str,
    targets_list: Sequence[tuple[str, ...]],
    codes: Sequence[str | None],
    relate: _RelateFn,
    lk: Lookup,
) -> list[list[_Pair]]:
    """``[e][g]``: how given code g relates to expected item e (memoized per key)."""
    cache = lk.pair_cache()
    mistakes = key.mistakes
    out: list[list[_Pair]] = []
    for e, targets in enumerate(targets_list):
        row: list[_Pair] = []
        for code in codes:
            if code is None:
                row.append(_NO_PAIR)
                continue
            memo_key = (key, tag, e, code)
            hit = cache.get(memo_key)
            if hit is None:
                hit = _best_pair(targets, code, code in mistakes, relate, lk)
                cache[memo_key] = hit
            row.append(hit)  # type: ignore[arg-type]
        out.append(row)
    return out


def _assign(
    pairs: list[list[_Pair]],
    base: Callable[[int, int, _Pair], float],
    tiebreak: Callable[[int, int], float],
) -> list[int | None]:
    """Optimal pairing; ``tiebreak`` (tiny) only matters when several pairings tie."""
    n_e = len(pairs)
    n_g = len(pairs[0]) if n_e else 0
    if not n_e or not n_g:
        return [None] * n_e
    weights: list[list[float]] = []
    direct: list[int | None] = [None] * n_e
    taken = [False] * n_g
    trivial = True
    for e, row in enumerate(pairs):
        wrow = [0.0] * n_g
        for g, pair in enumerate(row):
            if pair.pairable:
                w = base(e, g, pair)
                if w > 0:
                    wrow[g] = w
                    if direct[e] is not None or taken[g]:
                        trivial = False
                    direct[e] = g
                    taken[g] = True
        weights.append(wrow)
    if trivial:  # no row or column has two candidates: nothing to choose
        return direct
    for e in range(n_e):
        wrow = weights[e]
        for g in range(n_g):
            if wrow[g] > 0:
                wrow[g] += tiebreak(e, g)
    return max_weight_assignment(weights)


def _prefix_len(a: str, b: str | None) -> int:
    if b is None:
        return 0
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _pair_kinds(pair: _Pair, loose: bool) -> tuple[str, ...]:
    rel = pair.rel
    if rel.rule == "exact":
        base: tuple[str, ...] = ("alternate",) if pair.target > 0 else ("exact",)
        if loose:
            base = ("format",) if pair.target == 0 else (*base, "format")
    else:
        base = rel.kinds
    if pair.mistake and "mistake" not in base:
        base = (*base, "mistake")
    return base


# ---------------------------------------------------------------------------------------
# grading


def grade_case(
    case: Case,
    answer: GivenAnswer,
    *,
    reference: ReferenceLike | None = None,
    catalog: CatalogLike | None = None,
) -> CaseResult:
    """Grade one answer against the case's key.

    Works without a reference (shape checks only) and with one (codes must exist; headers,
    laterality and less specific siblings are recognised from the official data).
    """
    return _grade(case, answer, lookup_for(reference, catalog), unanswered=False)


def _grade(case: Case, answer: GivenAnswer, lk: Lookup, *, unanswered: bool) -> CaseResult:
    key = _key_of(case)
    items: list[ItemResult] = []
    dx_state = _grade_diagnoses(key, answer.diagnoses, lk, items)
    _grade_lines(key, answer.lines, dx_state, lk, items)
    q = case.answer.query
    if q is not None or answer.query.strip():
        items.append(
            lk.memo_item(
                ("query", key, answer.query),
                _grade_query,
                q.keywords if q else None,
                q.why if q else "",
                answer.query,
            )
        )
    if unanswered:
        items = [replace(i, explanation=explain.join(_UNANSWERED, i.explanation)) for i in items]
    items = _charge_extras(items)
    earned = 0.0
    possible = 0.0
    for i in items:
        earned += i.points
        possible += i.max_points
    return CaseResult(
        case_id=case.id,
        score=score_of(earned, possible),
        items=tuple(items),
        earned=earned,
        possible=possible,
        unanswered=unanswered,
    )


_UNANSWERED = "No answer was handed in for this case."


def score_of(earned: float, possible: float) -> float:
    """``earned / possible * 100``, rounded half up to one decimal, exactly.

    Points are multiples of 0.5 (see :mod:`.rubric`), so the ratio is computed on whole
    numbers of half points.
    """
    if possible <= 0:
        return 100.0 if earned >= 0 else 0.0
    e2 = round(earned * 2)
    p2 = round(possible * 2)
    if e2 * 2 != earned * 4 or p2 * 2 != possible * 4:  # not half points: exact fractions
        ratio = Fraction(earned) / Fraction(possible) * 1000
        tenths = (ratio.numerator * 2 + ratio.denominator) // (ratio.denominator * 2)
    else:
        tenths = (e2 * 2000 + p2) // (2 * p2)
    return min(1000, max(0, tenths)) / 10


def _charge_extras(items: list[ItemResult]) -> list[ItemResult]:
    """Take the cost of extras from what was earned, so the total never goes below 0."""
    remaining = 0.0
    charged = False
    for item in items:
        if item.points > 0:
            remaining += item.points
        elif item.points < 0:
            charged = True
    if not charged:
        return items
    out: list[ItemResult] = []
    for item in items:
        if item.points < 0:
            cost = min(-item.points, remaining)
            remaining -= cost
            if cost < -item.points:
                note = (
                    "(Nothing was left to lose, so it costs no further points.)"
                    if cost == 0
                    else ""
                )
                item = replace(
                    item,
                    points=-cost if cost else 0.0,
                    explanation=explain.join(item.explanation, note),
                )
        out.append(item)
    return out


@dataclass(slots=True)
class _DxState:
    given: list[_Given]
    pairs: list[list[_Pair]]
    """pairs[e][g]: the relation of given g to expected e."""
    by_pos: dict[int, int] = field(default_factory=dict)
    """Position in the learner's list -> index in ``given``."""
    expected: tuple[str, ...] = ()
    """The key's diagnosis codes, in order."""


def _hcpcs_in_dx(raw: str, read: _Read, lk: Lookup) -> _Read:
    """``A4253`` in the diagnoses reads as ICD-10-CM A42.53, which does not exist: HCPCS."""
    assert read.code is not None
    if lk.facts(System.ICD10CM, read.code).exists is False and detect_system(raw) is System.HCPCS:
        return _Read(None, System.HCPCS, False, None)
    return read


def _grade_diagnoses(
    key: _Key, raw_dx: Sequence[str], lk: Lookup, items: list[ItemResult]
) -> _DxState:
    given: list[_Given] = []
    for pos, raw in enumerate(raw_dx):
        if raw.strip():
            read = _read_dx(raw)
            if read.code is not None and lk.has_reference:
                read = _hcpcs_in_dx(raw, read, lk)
            given.append(_Given(pos, raw, read))
    state = _DxState(
        given, [], {g.pos: i for i, g in enumerate(given)}, tuple(d.code for d in key.dx)
    )
    n_e, n_g = len(key.dx), len(given)
    first_pos = given[0].pos if given else -1
    pairs = _pair_matrix(key, "dx", key.dx_targets, [g.code for g in given], icd_relation, lk)
    state.pairs = pairs
    assignment = _assign(
        pairs,
        lambda e, g, pair: _dx_weight(
            pair, e == 0 and given[g].pos == first_pos, optional=key.dx[e].optional
        ),
        lambda e, g: (
            _EPS_PREFIX * _prefix_len(key.dx_targets[e][0], given[g].code) + _EPS_POS * (n_g - g)
        ),
    )
    used: set[int] = set()
    first_raw = given[0].raw if given else None
    for e in range(n_e):
        g = assignment[e]
        if g is None:
            shown_first = first_raw if e == 0 else None
            item = lk.memo_item(
                ("dx-missing", key, e, shown_first), _dx_missing, key, e, shown_first, lk
            )
            items.append(_optional_item(item, key.dx[e]) if key.dx[e].optional else item)
            continue
        used.add(g)
        gv = given[g]
        place = "" if e else ("first" if gv.pos == first_pos else (first_raw or ""))
        item = lk.memo_item(
            ("dx-paired", key, e, gv.raw, place),
            _dx_paired,
            key,
            e,
            gv,
            pairs[e][g],
            place,
            lk,
        )
        items.append(_optional_item(item, key.dx[e]) if key.dx[e].optional else item)
    items += _extras("dx-extra", _dx_extra, given, used, pairs, key, lk)
    return state


def _extras(
    tag: str,
    build: Callable[[_Key, _Given, bool, list[_Pair], Lookup], ItemResult],
    given: Sequence[_Given],
    used: set[int],
    pairs: list[list[_Pair]],
    key: _Key,
    lk: Lookup,
) -> list[ItemResult]:
    """Items for the given codes the assignment left unpaired (a repeat says so)."""
    out: list[ItemResult] = []
    seen: set[str] = set()
    for g, gv in enumerate(given):
        code = gv.code
        if g not in used:
            dup = code is not None and code in seen
            column = [row[g] for row in pairs]
            out.append(lk.memo_item((tag, key, gv.raw, dup), build, key, gv, dup, column, lk))
        if code is not None:
            seen.add(code)
    return out


def _dx_missing(key: _Key, e: int, first_raw: str | None, lk: Lookup) -> ItemResult:
    dkey = key.dx[e]
    extra_note = ""
    if e == 0 and first_raw is not None:
        extra_note = (
            f"It is the main reason for the visit and should be listed first "
            f"(you listed {first_raw.strip()} first)."
        )
    return ItemResult(
        "diagnosis",
        dkey.code,
        None,
        "missing",
        ("missing",),
        0.0,
        DX_POINTS + (FIRST_LISTED_POINTS if e == 0 else 0.0),
        explain.join(explain.code_missing(lk, System.ICD10CM, dkey.code), extra_note, dkey.why),
    )


def _dx_paired(key: _Key, e: int, gv: _Given, pair: _Pair, place: str, lk: Lookup) -> ItemResult:
    """``place``: "" for secondary items, "first" when listed first, else what was first."""
    dkey = key.dx[e]
    max_points = DX_POINTS + (FIRST_LISTED_POINTS if e == 0 else 0.0)
    assert gv.code is not None
    kinds = _pair_kinds(pair, gv.read.loose)
    points = DX_POINTS * pair.rel.credit
    seq_note = ""
    if e == 0:
        if place == "first":
            if pair.rel.credit > 0:
                points += FIRST_LISTED_POINTS
        else:
            kinds = (*kinds, "sequencing")
            seq_note = (
                f"It should be listed first: it is the main reason for the visit "
                f"(you listed {place.strip()} first)."
            )
    text = explain.code_paired(
        lk,
        System.ICD10CM,
        key.dx_targets[e][pair.target],
        dkey.code,
        gv.code,
        gv.raw,
        pair.rel,
        alternate=pair.target > 0,
        loose=gv.read.loose,
    )
    mistake = key.mistakes.get(gv.code, "") if pair.mistake else ""
    x1 = ""
    if pair.rel.credit == 0:
        note = _excludes1_notes(lk, gv.code, key.dx_targets)
        if note:
            kinds = (*kinds, "excludes1")
            x1 = explain.excludes1_sentence(*note[0])
    return ItemResult(
        "diagnosis",
        dkey.code,
        gv.raw,
        _verdict(points, max_points),
        kinds,
        points,
        max_points,
        explain.join(mistake, text, x1, seq_note, dkey.why),
    )


def _dx_extra(key: _Key, gv: _Given, dup: bool, column: list[_Pair], lk: Lookup) -> ItemResult:
    code = gv.code
    text, kinds = explain.code_extra(
        lk,
        System.ICD10CM,
        gv.raw,
        code,
        gv.read.system,
        gv.read.problem,
        duplicate=dup,
        excludes1=_excludes1_notes(lk, code, key.dx_targets) if code else [],
    )
    return _extra_item("diagnosis", key, gv, kinds, text, key.dx_targets, column)


def _slip_hint(
    column: Sequence[_Pair], targets: Sequence[tuple[str, ...]], code: str | None
) -> str:
    """For an extra code that is a typing slip of a key code: say which one."""
    if code is None:
        return ""
    for e, pair in enumerate(column):
        target = targets[e][pair.target]
        if pair.rel.rule == "transposition":
            return f"If you meant {target}: two neighbouring characters are swapped."
        if pair.rel.keystroke and pair.rel.credit == 0:
            return f"If you meant {target}: the two differ by one character."
    return ""


def _dx_weight(pair: _Pair, first: bool, *, optional: bool = False) -> float:
    if optional:  # worth nothing itself: pairing only saves the given code from being extra
        return EXTRA_CODE_PENALTY + _OPTIONAL_PREFERENCE * pair.rel.credit
    w = DX_POINTS * pair.rel.credit + EXTRA_CODE_PENALTY
    if first and pair.rel.credit > 0:
        w += FIRST_LISTED_POINTS
    return w


def _excludes1_notes(
    lk: Lookup, code: str | None, targets: Sequence[tuple[str, ...]]
) -> list[tuple[str, str]]:
    if code is None or not lk.has_reference:
        return []
    out = []
    for t in targets:
        if t[0] != code:
            note = lk.excludes1(code, t[0])
            if note:
                out.append((t[0], note))
    return out


_OPTIONAL_PREFERENCE = 0.5
"""Below every real weight difference: among pairings worth the same points, prefer the
one where an optional key item gets its best-matching given code."""

OPTIONAL_NOTE = "Optional: leaving it out costs nothing, and so does giving it."
"""The sentence every optional item's explanation starts with (docs/scoring.md)."""


def _optional_item(
    item: ItemResult, key_item: DiagnosisKey | LineKey, *, first: bool = True
) -> ItemResult:
    """An item of an optional key code: worth 0 of 0 points either way, and it says why.

    ``first`` is the diagnosis or line item itself (the modifier, units and pointer items of
    an optional line come after it). The verdict still tells the learner how their code
    compares (a wrong optional code is ``wrong``, one left out ``missing``); ``optional``
    is added to the kinds.
    """
    kinds = item.kinds if "optional" in item.kinds else (*item.kinds, "optional")
    text = item.explanation
    if first and item.given is None:
        missing = text.removeprefix("Missing: ")
        text = explain.join(OPTIONAL_NOTE, f"Left out: {missing}")  # ends with its why
    elif first:
        text = explain.join(OPTIONAL_NOTE, text)
    return replace(item, kinds=kinds, points=0.0, max_points=0.0, explanation=text)


# ---------------------------------------------------------------------------------------
# service lines


@dataclass(slots=True)
class _LineScore:
    """Modifiers, units and pointers of one given line against one expected line."""

    points: float
    items: list[ItemResult]


def _grade_lines(
    key: _Key,
    raw_lines: Sequence[GivenLine],
    dx: _DxState,
    lk: Lookup,
    items: list[ItemResult],
) -> None:
    given: list[tuple[_Given, GivenLine]] = []
    for pos, line in enumerate(raw_lines):
        if line.code.strip():
            given.append((_Given(pos, line.code, _read_line(line.code)), line))
    n_e, n_g = len(key.lines), len(given)
    pairs = _pair_matrix(
        key, "line", key.line_targets, [g.code for g, _ in given], procedure_relation, lk
    )
    subs: dict[tuple[int, int], _LineScore] = {}

    def line_weight(e: int, g: int, pair: _Pair) -> float:
        gline = given[g][1]
        signature = _pointer_signature(gline.pointers, dx)
        sub = lk.memo_item(
            ("line-details", key, e, gline.modifiers, gline.units, signature),
            _line_details,
            e,
            key.lines[e],
            gline,
            dx,
            lk,
        )
        subs[(e, g)] = sub
        if key.lines[e].optional:  # worth nothing itself (see _dx_weight)
            return EXTRA_CODE_PENALTY + _OPTIONAL_PREFERENCE * (
                pair.rel.credit + sub.points / _line_max(key.lines[e])
            )
        return LINE_POINTS * pair.rel.credit + EXTRA_CODE_PENALTY + sub.points

    assignment = _assign(
        pairs,
        line_weight,
        lambda e, g: (
            _EPS_PREFIX * _prefix_len(key.line_targets[e][0], given[g][0].code)
            + _EPS_POS * (n_g - g)
        ),
    )
    used: set[int] = set()
    for e in range(n_e):
        chosen = assignment[e]
        lkey = key.lines[e]
        if chosen is None:
            item = lk.memo_item(("line-missing", key, e), _missing_line, e, key, lk)
            items.append(_optional_item(item, lkey) if lkey.optional else item)
            continue
        used.add(chosen)
        gv = given[chosen][0]
        line_items = [
            lk.memo_item(
                ("line-paired", key, e, gv.raw),
                _line_paired,
                key,
                e,
                gv,
                pairs[e][chosen],
                lk,
            ),
            *subs[(e, chosen)].items,
        ]
        if lkey.optional:
            line_items = [_optional_item(i, lkey, first=n == 0) for n, i in enumerate(line_items)]
        items.extend(line_items)
    items += _extras("line-extra", _line_extra, [gv for gv, _line in given], used, pairs, key, lk)


def _pointer_signature(pointers: tuple[str, ...], dx: _DxState) -> tuple[object, ...]:
    """What pointer grading depends on: each pointer and the diagnosis it lands on."""
    out: list[object] = []
    for p in pointers:
        pos = _read_pointer(p)
        g = dx.by_pos.get(pos) if pos is not None else None
        out.append(p)
        out.append(dx.given[g].raw if g is not None else None)
    return tuple(out)


def _line_paired(key: _Key, e: int, gv: _Given, pair: _Pair, lk: Lookup) -> ItemResult:
    lkey = key.lines[e]
    assert gv.code is not None
    points = LINE_POINTS * pair.rel.credit
    text = explain.code_paired(
        lk,
        gv.read.system or System.CPT,
        key.line_targets[e][pair.target],
        lkey.code,
        gv.code,
        gv.raw,
        pair.rel,
        alternate=pair.target > 0,
        loose=gv.read.loose,
    )
    mistake = key.mistakes.get(gv.code, "") if pair.mistake else ""
    return ItemResult(
        "line",
        lkey.code,
        gv.raw,
        _verdict(points, LINE_POINTS),
        _pair_kinds(pair, gv.read.loose),
        points,
        LINE_POINTS,
        explain.join(mistake, text, lkey.why),
        e,
    )


def _line_extra(key: _Key, gv: _Given, dup: bool, column: list[_Pair], lk: Lookup) -> ItemResult:
    code = gv.code
    text, kinds = explain.code_extra(
        lk,
        gv.read.system if gv.read.system in (System.CPT, System.HCPCS) else System.CPT,
        gv.raw,
        code,
        gv.read.system,
        gv.read.problem,
        duplicate=dup,
    )
    return _extra_item("line", key, gv, kinds, text, key.line_targets, column)


def _extra_item(
    field: Field,
    key: _Key,
    gv: _Given,
    kinds: tuple[str, ...],
    text: str,
    targets: Sequence[tuple[str, ...]],
    column: list[_Pair],
) -> ItemResult:
    """An extra diagnosis or line: the penalty, a slip hint, the author's mistake note."""
    code = gv.code
    text = explain.join(text, _slip_hint(column, targets, code))
    mistake = key.mistakes.get(code, "") if code else ""
    if mistake:
        kinds = (*kinds, "mistake")
    return ItemResult(
        field, None, gv.raw, "extra", kinds, -EXTRA_CODE_PENALTY, 0.0, explain.join(mistake, text)
    )


def _line_max(lkey: LineKey) -> float:
    return (
        LINE_POINTS
        + MODIFIER_POINTS * len(lkey.modifiers)
        + UNITS_POINTS
        + ((POINTER_PRIMARY_POINTS + POINTER_SET_POINTS) if lkey.pointers else 0.0)
    )


def _missing_line(e: int, key: _Key, lk: Lookup) -> ItemResult:
    lkey = key.lines[e]
    what: list[str] = []
    if lkey.modifiers:
        what.append(
            ("modifiers " if len(lkey.modifiers) > 1 else "modifier ") + ", ".join(lkey.modifiers)
        )
    if lkey.units != 1:
        what.append(explain.plural(lkey.units, "unit"))
    targets = _pointer_codes(lkey.pointers, key)
    if targets:
        what.append("pointers to " + ", ".join(targets))
    extra = f" ({'; '.join(what)})" if what else ""
    system = System.HCPCS if lkey.code[:1].isalpha() else System.CPT
    return ItemResult(
        "line",
        lkey.code,
        None,
        "missing",
        ("missing",),
        0.0,
        _line_max(lkey),
        explain.join(explain.code_missing(lk, system, lkey.code, extra), lkey.why),
        e,
    )


def _pointer_codes(pointers: Iterable[int], key: _Key) -> list[str]:
    out = []
    for p in pointers:
        if 1 <= p <= len(key.dx):
            out.append(key.dx[p - 1].code)
    return out


def _line_details(e: int, lkey: LineKey, gline: GivenLine, dx: _DxState, lk: Lookup) -> _LineScore:
    items: list[ItemResult] = []
    total = 0.0
    label = f"line {e + 1} ({lkey.code})"
    label_cap = f"Line {e + 1} ({lkey.code})"
    # modifiers, as a set
    expected = list(lkey.modifiers)
    given_raw = [m for m in gline.modifiers if m.strip()]
    given_codes: list[tuple[str, str | None]] = []
    seen_mods: set[str] = set()
    for m in given_raw:
        code = _read_modifier(m)
        if code is not None and code in seen_mods:
            continue
        if code is not None:
            seen_mods.add(code)
        given_codes.append((m, code))
    left_given = [(raw, code) for raw, code in given_codes if code not in expected]
    for mod in expected:
        found = next((raw for raw, code in given_codes if code == mod), None)
        if found is not None:
            total += MODIFIER_POINTS
            items.append(
                ItemResult(
                    "modifier",
                    mod,
                    found,
                    "correct",
                    ("exact",),
                    MODIFIER_POINTS,
                    MODIFIER_POINTS,
                    f"Modifier {explain.modifier_text(lk, mod)} on {label}: right.",
                    e,
                )
            )
        elif left_given:
            raw, code = left_given.pop(0)
            shown = code or raw.strip()
            items.append(
                ItemResult(
                    "modifier",
                    mod,
                    raw,
                    "wrong",
                    ("modifier_wrong",),
                    0.0,
                    MODIFIER_POINTS,
                    f"{label_cap} needs modifier {explain.modifier_text(lk, mod)}, "
                    f"not {explain.modifier_text(lk, shown) if code else repr(shown)}.",
                    e,
                )
            )
        else:
            items.append(
                ItemResult(
                    "modifier",
                    mod,
                    None,
                    "missing",
                    ("modifier_missing",),
                    0.0,
                    MODIFIER_POINTS,
                    f"{label_cap} needs modifier {explain.modifier_text(lk, mod)}.",
                    e,
                )
            )
    for raw, code in left_given:
        total -= EXTRA_MODIFIER_PENALTY
        shown = code or raw.strip()
        what = explain.modifier_text(lk, shown) if code else f"'{shown}' (not a modifier)"
        items.append(
            ItemResult(
                "modifier",
                None,
                raw,
                "extra",
                ("modifier_extra",),
                -EXTRA_MODIFIER_PENALTY,
                0.0,
                f"Modifier {what} does not belong on {label}: an unneeded modifier can get the "
                "line denied or flagged.",
                e,
            )
        )
    # units
    units = _read_units(gline.units)
    if units == lkey.units:
        total += UNITS_POINTS
        items.append(
            ItemResult(
                "units",
                str(lkey.units),
                gline.units,
                "correct",
                ("exact",),
                UNITS_POINTS,
                UNITS_POINTS,
                f"{explain.plural(lkey.units, 'unit')} on {label}: right.",
                e,
            )
        )
    else:
        why = (
            f"'{gline.units.strip()}' is not a number of units (a whole number, 1 or more)"
            if units is None
            else f"you gave {units}"
        )
        items.append(
            ItemResult(
                "units",
                str(lkey.units),
                gline.units,
                "wrong",
                ("units",),
                0.0,
                UNITS_POINTS,
                f"{label_cap} should have {explain.plural(lkey.units, 'unit')}; {why}.",
                e,
            )
        )
    # pointers
    if lkey.pointers:
        item = _pointer_item(e, label, lkey, gline, dx)
        total += item.points
        items.append(item)
    return _LineScore(total, items)


def _targets_text(codes: Sequence[str]) -> str:
    if len(codes) <= 1:
        return codes[0] if codes else "its diagnoses"
    return f"{', '.join(codes)} ({codes[0]} first)"


def _pointer_item(e: int, label: str, lkey: LineKey, gline: GivenLine, dx: _DxState) -> ItemResult:
    exp_idx = [p - 1 for p in lkey.pointers if 1 <= p <= len(dx.pairs)]
    exp_codes = [dx.expected[i] for i in exp_idx]
    expected_text = ", ".join(f"{i + 1}={c}" for i, c in zip(exp_idx, exp_codes, strict=True))
    max_points = POINTER_PRIMARY_POINTS + POINTER_SET_POINTS
    raw = [p for p in gline.pointers if p.strip()]
    if not raw:
        return ItemResult(
            "pointer",
            expected_text,
            None,
            "missing",
            ("pointer",),
            0.0,
            max_points,
            f"{label[0].upper()}{label[1:]} has no diagnosis pointers; it should point at "
            f"{_targets_text(exp_codes)}.",
            e,
        )
    resolved: list[int | None] = []  # index into dx.given, None when it points at nothing
    shown: list[str] = []
    for p in raw:
        pos = _read_pointer(p)
        g = dx.by_pos.get(pos) if pos is not None else None
        resolved.append(g)
        shown.append(
            f"{p.strip()}={dx.given[g].raw.strip()}" if g is not None else f"{p.strip()}=?"
        )

    def stands(exp: int, g: int | None) -> bool:
        return g is not None and dx.pairs[exp][g].rel.credit > 0

    primary_ok = bool(exp_idx) and stands(exp_idx[0], resolved[0])
    covered = all(any(stands(x, g) for g in resolved) for x in exp_idx)
    clean = all(any(stands(x, g) for x in exp_idx) for g in resolved)
    set_ok = covered and clean
    points = (POINTER_PRIMARY_POINTS if primary_ok else 0.0) + (
        POINTER_SET_POINTS if set_ok else 0.0
    )
    notes: list[str] = []
    if not primary_ok and exp_codes:
        notes.append(
            f"The first pointer should be the diagnosis that best supports this line: "
            f"{exp_codes[0]}."
        )
    if not set_ok:
        bad = [shown[i] for i, g in enumerate(resolved) if g is None]
        if bad:
            notes.append(f"Pointer {', '.join(bad)} points at none of your diagnoses.")
        notes.append(
            f"The line should point at {', '.join(exp_codes)} and nothing else"
            f"{'' if covered else ' (one of them is not among your diagnoses or not pointed at)'}."
        )
    text = (
        f"The pointers of {label} are right."
        if points == max_points
        else f"Pointers of {label}: {' '.join(notes)}"
    )
    return ItemResult(
        "pointer",
        expected_text,
        ", ".join(shown),
        _verdict(points, max_points),
        ("exact",) if points == max_points else ("pointer",),
        points,
        max_points,
        text,
        e,
    )


# ---------------------------------------------------------------------------------------
# query


def _grade_query(keywords: Sequence[str] | None, why: str, text: str) -> ItemResult:
    given = text.strip()
    if keywords is None:
        return ItemResult(
            "query",
            None,
            given,
            "extra",
            ("query_unneeded",),
            0.0,
            0.0,
            "The note documents enough to code this case: a provider query was not needed "
            "(no points lost).",
        )
    expected_text = ", ".join(keywords)
    if not given:
        return ItemResult(
            "query",
            expected_text,
            None,
            "missing",
            ("query_missed",),
            0.0,
            QUERY_POINTS,
            explain.join(
                "This note calls for a provider query before coding.",
                why,
                f"Ask about: {expected_text}.",
            ),
        )
    processed = default_process(given)
    hits = [kw for kw in keywords if _keyword_hit(kw, processed)]
    needed = min(len(keywords), QUERY_KEYWORDS_FOR_FULL)
    points = _half_round(QUERY_POINTS * min(1.0, len(hits) / needed))
    if points >= QUERY_POINTS:
        return ItemResult(
            "query",
            expected_text,
            given,
            "correct",
            ("exact",),
            points,
            QUERY_POINTS,
            explain.join(f"Your query asks about {', '.join(hits)}.", why),
        )
    missed = [kw for kw in keywords if kw not in hits]
    verdict = _verdict(points, QUERY_POINTS)
    return ItemResult(
        "query",
        expected_text,
        given,
        verdict,
        ("query_missed",) if not hits else ("query_incomplete",),
        points,
        QUERY_POINTS,
        explain.join(
            f"Your query asks about {', '.join(hits)}." if hits else "",
            _query_advice(needed - len(hits), missed, bool(hits)),
            why,
        ),
    )


def _query_advice(remaining: int, missed: Sequence[str], some: bool) -> str:
    also = "also " if some else ""
    if remaining >= len(missed):
        return f"It should {also}ask about: {', '.join(missed)}."
    more = f"{remaining} more" if some else f"at least {remaining}"
    return f"It should {also}ask about {more} of: {', '.join(missed)}."


@functools.lru_cache(maxsize=8192)
def _processed_keyword(kw: str) -> str:
    return default_process(kw)


def _keyword_hit(keyword: str, processed_text: str) -> bool:
    kw = _processed_keyword(keyword)
    if not kw:
        return False
    if kw in processed_text:
        return True
    score = max(
        fuzz.partial_ratio(kw, processed_text),
        fuzz.token_set_ratio(kw, processed_text),
    )
    return score >= QUERY_KEYWORD_THRESHOLD


def _half_round(x: float) -> float:
    return int(x * 2 + 0.5) / 2


# ---------------------------------------------------------------------------------------
# packs


def grade_pack_answers(
    pack: Pack,
    answers: AnswersFile | Sequence[AnswerEntry],
    *,
    reference: ReferenceLike | None = None,
    catalog: CatalogLike | None = None,
) -> PackResult:
    """Grade an answers file against a pack: every case of the pack, in pack order.

    Cases without an answer are graded as empty answers (all missing) and listed in
    ``unanswered``; answers naming a case the pack does not have are listed in
    ``unknown_cases`` and not graded. The pack score is the mean of the case scores.
    """
    entries = answers.answers if isinstance(answers, AnswersFile) else list(answers)
    lk = lookup_for(reference, catalog)
    by_case: dict[str, AnswerEntry] = {}
    unknown: list[str] = []
    known = {case.id for case in pack.cases}
    for entry in entries:
        if entry.case not in known:
            unknown.append(entry.case)
        else:
            by_case.setdefault(entry.case, entry)
    results: list[CaseResult] = []
    unanswered: list[str] = []
    for case in pack.cases:
        found = by_case.get(case.id)
        if found is None:
            unanswered.append(case.id)
            results.append(_grade(case, GivenAnswer(), lk, unanswered=True))
        else:
            results.append(_grade(case, GivenAnswer.from_entry(found), lk, unanswered=False))
    tenths = [round(r.score * 10) for r in results]
    mean = Fraction(sum(tenths), len(tenths)) if tenths else Fraction(0)
    rounded = (mean.numerator * 2 + mean.denominator) // (mean.denominator * 2)
    return PackResult(
        pack_id=pack.pack.id,
        score=rounded / 10,
        cases=tuple(results),
        unanswered=tuple(unanswered),
        unknown_cases=tuple(unknown),
    )
