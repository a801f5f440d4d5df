"""Spaced review: missed cases and recurring error kinds come back when they are due.

Scheduling is FSRS (the ``fsrs`` package, the algorithm Anki uses). There are two kinds
of card:

* a **case card** per (pack, case), created the first time a case is missed (scored
  below :data:`~codetrainer.core.store.SOLVED_SCORE` or needed a hint); every later attempt
  at that case, in any mode, reviews it;
* a **kind card** per error kind (``laterality``, ``modifier_missing`` ...), created the
  first time the kind shows up; an attempt that shows the kind again rates it *Again*, an
  attempt at one of the cases where it showed up, without it, rates it by the grade.

The rating comes from the grade and the hints (:func:`rating_for`). Cards live in the
progress store (JSON per card); :meth:`Reviewer.sync` applies every attempt the cards have
not seen yet, in one transaction, so a crash between saving an attempt and updating the
cards loses nothing: the next ``sync`` catches up. Fuzzing is off, so replaying the same
history always gives the same schedule.

Typical use from the UI::

    reviewer = Reviewer(store)
    store.record_attempt(attempt)
    reviewer.sync()
    counts = reviewer.counts()                    # "Review (3)" on the home screen
    for item in reviewer.due(available=cases):    # what to practise now
        ...
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from codetrainer.core.store import (
    SOLVED_SCORE,
    Attempt,
    CardRow,
    Store,
    format_utc,
    parse_utc,
    utc_now,
)

__all__ = [
    "CASE_CARD",
    "KIND_CARD",
    "NOT_ERRORS",
    "CaseKey",
    "Rating",
    "ReviewCounts",
    "ReviewItem",
    "Reviewer",
    "apply_attempts",
    "case_key",
    "default_scheduler",
    "kind_key",
    "rating_for",
]

CASE_CARD = "case"
KIND_CARD = "kind"

NOT_ERRORS = frozenset({"exact", "alternate", "format"})
"""Kinds that are not mistakes worth a review card (right code, maybe typed loosely)."""

_MAX_TRACKED_CASES = 20

CaseKey = tuple[str, str]
"""(pack id, case id)."""


def default_scheduler() -> Scheduler:
    """FSRS with learning steps suited to whole cases (10 min, then 1 h) and no fuzz."""
    return Scheduler(
        learning_steps=(timedelta(minutes=10), timedelta(hours=1)),
        relearning_steps=(timedelta(minutes=10),),
        maximum_interval=365,
        enable_fuzzing=False,
    )


def rating_for(score: float, hints_used: int = 0) -> Rating:
    """The FSRS rating for one attempt.

    From the score: 100 is *Easy*, at least :data:`SOLVED_SCORE` *Good*, at least 50
    *Hard*, below 50 *Again*. Each hint used lowers the rating one step (never below
    *Again*): a full score reached with one hint is *Good*, with two *Hard*.
    """
    if score >= 99.95:
        level = int(Rating.Easy)
    elif score >= SOLVED_SCORE:
        level = int(Rating.Good)
    elif score >= 50:
        level = int(Rating.Hard)
    else:
        level = int(Rating.Again)
    level = max(int(Rating.Again), level - max(0, int(hints_used)))
    return Rating(level)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One review card, as the UI shows it."""

    key: str
    kind: str
    """:data:`CASE_CARD` or :data:`KIND_CARD`."""
    due: datetime
    """Aware UTC."""
    pack_id: str | None
    case_id: str | None
    error_kind: str | None
    cases: tuple[CaseKey, ...]
    """Cases to practise for this card: the case itself, or (kind card) where it showed up,
    most recent first."""
    reviews: int
    lapses: int
    """How many times it was rated *Again* after the first review."""
    last_score: float | None
    state: str
    """``learning``, ``review`` or ``relearning``."""

    def is_due(self, now: datetime | None = None) -> bool:
        """True when the card should be practised at ``now``."""
        return self.due <= (now or utc_now())


@dataclass(frozen=True, slots=True)
class ReviewCounts:
    """Numbers for the home screen."""

    due_cases: int
    due_kinds: int
    total_cards: int
    next_due: datetime | None
    """When the next not-yet-due card comes due (``None`` when none is waiting)."""

    @property
    def due(self) -> int:
        """Everything due now."""
        return self.due_cases + self.due_kinds


def _card_id(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], 16)


def _load(row: CardRow) -> tuple[Card, dict[str, Any]]:
    data = dict(row.data)
    try:
        card = Card.from_dict(data["fsrs"])
    except (KeyError, TypeError, ValueError):
        card = Card(card_id=_card_id(row.key), due=parse_utc(row.due))
    return card, data


class _Working:
    """A card being reviewed during :func:`apply_attempts` (live FSRS card, no JSON)."""

    __slots__ = ("card", "case_id", "cases", "data", "error_kind", "key", "kind", "pack_id")

    def __init__(
        self,
        key: str,
        kind: str,
        row: CardRow | None,
        moment: datetime,
        *,
        pack_id: str | None = None,
        case_id: str | None = None,
        error_kind: str | None = None,
    ) -> None:
        self.key = key
        self.kind = kind
        if row is None:
            self.card = Card(card_id=_card_id(key), due=moment)
            self.data: dict[str, Any] = {"reviews": 0, "lapses": 0}
            self.cases: list[CaseKey] = []
            self.pack_id, self.case_id, self.error_kind = pack_id, case_id, error_kind
        else:
            self.card, self.data = _load(row)
            self.cases = [(str(c[0]), str(c[1])) for c in self.data.get("cases", []) if len(c) == 2]
            self.pack_id, self.case_id, self.error_kind = row.pack_id, row.case_id, row.error_kind

    def review(
        self, scheduler: Scheduler, rating: Rating, attempt: Attempt, moment: datetime
    ) -> None:
        card = self.card
        if card.last_review is not None and moment < card.last_review:
            moment = card.last_review  # two processes wrote out of clock order
        data = self.data
        reviews = int(data.get("reviews", 0))
        self.card, _log = scheduler.review_card(card, rating, review_datetime=moment)
        if rating == Rating.Again and reviews > 0:
            data["lapses"] = int(data.get("lapses", 0)) + 1
        data["reviews"] = reviews + 1
        data["last_score"] = attempt.score
        data["last_attempt"] = attempt.id

    def track(self, case: CaseKey) -> None:
        cases = self.cases
        if cases and cases[0] == case:
            return
        if case in cases:
            cases.remove(case)
        cases.insert(0, case)
        del cases[_MAX_TRACKED_CASES:]

    def row(self) -> CardRow:
        data = dict(self.data)
        data["fsrs"] = self.card.to_dict()
        data["cases"] = [list(c) for c in self.cases]
        return CardRow(
            key=self.key,
            kind=self.kind,
            due=format_utc(self.card.due),
            data=data,
            pack_id=self.pack_id,
            case_id=self.case_id,
            error_kind=self.error_kind,
        )


def case_key(pack_id: str, case_id: str) -> str:
    """The card key of a case."""
    return f"{CASE_CARD}:{pack_id}/{case_id}"


def kind_key(kind: str) -> str:
    """The card key of an error kind."""
    return f"{KIND_CARD}:{kind}"


def apply_attempts(
    cards: dict[str, CardRow],
    attempts: Iterable[Attempt],
    scheduler: Scheduler | None = None,
) -> list[CardRow]:
    """Review cards with attempts in order; returns the cards that changed.

    ``cards`` is updated in place as well. Pure apart from that: no clock, no randomness
    (fuzzing off), so replaying a history always gives the same cards.
    """
    scheduler = scheduler or default_scheduler()
    working: dict[str, _Working] = {}
    # which kind cards track a case (to review them when the case comes back clean)
    tracking: dict[CaseKey, set[str]] = {}
    for row in cards.values():
        if row.kind == KIND_CARD:
            for c in row.data.get("cases", []):
                if len(c) == 2:
                    tracking.setdefault((str(c[0]), str(c[1])), set()).add(row.key)

    def get(key: str, kind: str, moment: datetime, **meta: str | None) -> _Working:
        found = working.get(key)
        if found is None:
            found = working[key] = _Working(key, kind, cards.get(key), moment, **meta)
        return found

    for attempt in attempts:
        rating = rating_for(attempt.score, attempt.hints_used)
        moment = attempt.moment
        where: CaseKey = (attempt.pack_id, attempt.case_id)
        # the case card: made when a case is missed, reviewed by every later attempt
        key = case_key(*where)
        missed = rating in (Rating.Again, Rating.Hard) or attempt.hints_used > 0
        if key in working or key in cards or missed:
            card = get(key, CASE_CARD, moment, pack_id=where[0], case_id=where[1])
            card.review(scheduler, rating, attempt, moment)
            card.track(where)
        # kind cards: a kind seen again is a lapse ...
        seen = sorted({k for k in attempt.kinds if k not in NOT_ERRORS})
        seen_keys: set[str] = set()
        for kind in seen:
            key = kind_key(kind)
            seen_keys.add(key)
            card = get(key, KIND_CARD, moment, error_kind=kind)
            card.review(scheduler, Rating.Again, attempt, moment)
            card.track(where)
        # ... and a tracked case answered without it is a review graded like the attempt
        for key in sorted(tracking.get(where, set()) - seen_keys):
            get(key, KIND_CARD, moment).review(scheduler, rating, attempt, moment)
        for key in seen_keys:
            tracking.setdefault(where, set()).add(key)
    out = []
    for key, card in working.items():
        row = card.row()
        cards[key] = row
        out.append(row)
    return out


_STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}


def _item(row: CardRow) -> ReviewItem:
    card, data = _load(row)
    cases = tuple((str(c[0]), str(c[1])) for c in data.get("cases", []) if len(c) == 2)
    last = data.get("last_score")
    return ReviewItem(
        key=row.key,
        kind=row.kind,
        due=card.due.astimezone(UTC),
        pack_id=row.pack_id,
        case_id=row.case_id,
        error_kind=row.error_kind,
        cases=cases,
        reviews=int(data.get("reviews", 0)),
        lapses=int(data.get("lapses", 0)),
        last_score=float(last) if last is not None else None,
        state=_STATE_NAMES.get(card.state, "learning"),
    )


class Reviewer:
    """Spaced review on top of a :class:`~codetrainer.core.store.Store`."""

    def __init__(self, store: Store, *, scheduler: Scheduler | None = None) -> None:
        self.store = store
        self.scheduler = scheduler or default_scheduler()

    def sync(self) -> int:
        """Apply every attempt the cards have not seen; returns how many.

        Call it after :meth:`Store.record_attempt` (and once at start-up). Raises
        :class:`~codetrainer.core.store.StoreError` when the store cannot be written;
        nothing is lost then: the next successful ``sync`` applies the attempts.
        """
        if self.store.read_only:
            return 0
        return self.store.update_review(
            lambda cards, attempts: apply_attempts(cards, attempts, self.scheduler)
        )

    def items(self, *, available: Collection[CaseKey] | None = None) -> list[ReviewItem]:
        """Every card, soonest due first.

        With ``available`` (the (pack, case) pairs loaded now), case cards of removed
        cases are left out and kind cards list only cases that still exist (a kind card
        with none left is left out too).
        """
        out: list[ReviewItem] = []
        for row in self.store.review_cards():
            item = _item(row)
            if available is not None:
                if item.kind == CASE_CARD:
                    if (item.pack_id, item.case_id) not in available:
                        continue
                else:
                    kept = tuple(c for c in item.cases if c in available)
                    if not kept:
                        continue
                    item = ReviewItem(
                        key=item.key,
                        kind=item.kind,
                        due=item.due,
                        pack_id=item.pack_id,
                        case_id=item.case_id,
                        error_kind=item.error_kind,
                        cases=kept,
                        reviews=item.reviews,
                        lapses=item.lapses,
                        last_score=item.last_score,
                        state=item.state,
                    )
            out.append(item)
        out.sort(key=lambda i: (i.due, i.key))
        return out

    def due(
        self,
        now: datetime | None = None,
        *,
        available: Collection[CaseKey] | None = None,
        limit: int | None = None,
    ) -> list[ReviewItem]:
        """Cards due at ``now`` (default: the current time), most overdue first."""
        moment = now or utc_now()
        found = [i for i in self.items(available=available) if i.due <= moment]
        return found if limit is None else found[:limit]

    def due_cases(
        self,
        now: datetime | None = None,
        *,
        available: Collection[CaseKey] | None = None,
        limit: int | None = None,
    ) -> list[CaseKey]:
        """The cases to practise now, without repeats: due case cards first, then the
        most recent case of each due kind card."""
        seen: list[CaseKey] = []
        items = self.due(now, available=available)
        for item in items:
            if item.kind == CASE_CARD and item.pack_id and item.case_id:
                pair = (item.pack_id, item.case_id)
                if pair not in seen:
                    seen.append(pair)
        for item in items:
            if item.kind == KIND_CARD:
                for pair in item.cases:
                    if pair not in seen:
                        seen.append(pair)
                        break
        return seen if limit is None else seen[:limit]

    def counts(
        self, now: datetime | None = None, *, available: Collection[CaseKey] | None = None
    ) -> ReviewCounts:
        """How many cards are due now, how many exist and when the next one comes due."""
        moment = now or utc_now()
        items = self.items(available=available)
        due_cases = sum(1 for i in items if i.due <= moment and i.kind == CASE_CARD)
        due_kinds = sum(1 for i in items if i.due <= moment and i.kind == KIND_CARD)
        later = [i.due for i in items if i.due > moment]
        return ReviewCounts(
            due_cases=due_cases,
            due_kinds=due_kinds,
            total_cards=len(items),
            next_due=min(later) if later else None,
        )
