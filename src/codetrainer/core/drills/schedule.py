"""Drill scheduling: FSRS state per card, the answer log, daily goal, streaks and leeches.

Each card has its own FSRS card (the ``fsrs`` package, as in :mod:`codetrainer.core.review`)
in the store's ``drill_cards`` table; every answer is a row of ``drill_answers``. Both are
written in **one** transaction (``BEGIN IMMEDIATE`` ... ``COMMIT`` with
``synchronous=FULL``) before :meth:`Drills.record` returns, so the UI shows the feedback
only once the answer is safe, as with case attempts.

* Rating: ``correct`` -> Good, ``typo`` or ``partial`` -> Hard, ``confusable`` or
  ``wrong`` -> Again. Fuzzing is off: the same answers give the same schedule.
* A **lapse** is an Again on a card in the review state (as Anki counts them); at
  :data:`LEECH_LAPSES` lapses the card is flagged a **leech** (it stays in rotation,
  flagged, so the learner can rewrite or look it up).
* The **daily goal** (default :data:`DEFAULT_GOAL` cards) counts answers on the
  learner's local day; the **streak** is the run of days, up to today, on which the goal
  was met (today not yet met does not break it).
* Cards can be **queued** due now from outside (graded case slips, :mod:`.slips`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from codetrainer.core.drills.cards import Deck, DrillCard
from codetrainer.core.drills.check import CheckResult
from codetrainer.core.store import Store, format_utc, parse_utc, utc_now

__all__ = [
    "DEFAULT_GOAL",
    "LEECH_LAPSES",
    "AccuracyRow",
    "CardState",
    "Drills",
    "GoalStatus",
    "drill_scheduler",
    "rating_for_result",
]

DEFAULT_GOAL = 20
"""Cards a day, unless the learner sets another goal."""
LEECH_LAPSES = 8
"""Lapses after which a card is flagged a leech (Anki's default threshold)."""
_GOAL_KEY = "drill_goal"

_RATINGS = {
    "correct": Rating.Good,
    "typo": Rating.Hard,
    "partial": Rating.Hard,
    "confusable": Rating.Again,
    "wrong": Rating.Again,
}
_STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}


def drill_scheduler() -> Scheduler:
    """FSRS for one-fact cards: 1 and 10 minute learning steps, no fuzz."""
    return Scheduler(
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps=(timedelta(minutes=10),),
        maximum_interval=365,
        enable_fuzzing=False,
    )


def rating_for_result(result: CheckResult) -> Rating:
    """The FSRS rating of one answer (its first kind decides)."""
    kind = result.kinds[0] if result.kinds else result.verdict
    return _RATINGS.get(kind, Rating.Again if result.verdict != "correct" else Rating.Good)


@dataclass(frozen=True, slots=True)
class CardState:
    """What the store knows about one card."""

    deck: str
    card: str
    due: datetime
    reviews: int
    lapses: int
    state: str
    """``new`` (queued, never answered), ``learning``, ``review`` or ``relearning``."""
    queued: str = ""
    """Why the card was queued from outside (a case slip), "" otherwise."""
    last_verdict: str = ""

    @property
    def key(self) -> str:
        return f"{self.deck}/{self.card}"

    @property
    def leech(self) -> bool:
        """Lapsed :data:`LEECH_LAPSES` times or more."""
        return self.lapses >= LEECH_LAPSES

    def is_due(self, now: datetime) -> bool:
        return self.due <= now


@dataclass(frozen=True, slots=True)
class GoalStatus:
    """Today's progress towards the daily goal."""

    goal: int
    done: int
    streak: int
    """Days in a row, ending today or yesterday, with the goal met."""

    @property
    def met(self) -> bool:
        return self.done >= self.goal


@dataclass(frozen=True, slots=True)
class AccuracyRow:
    """Answers and correct answers for one deck and card kind."""

    deck: str
    kind: str
    answered: int
    correct: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.answered if self.answered else 0.0


def _card_id(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], 16)


def _state_of(deck: str, card: str, due: str, data: dict[str, Any]) -> CardState:
    fsrs_data = data.get("fsrs")
    state = "new"
    moment = parse_utc(due)
    if isinstance(fsrs_data, dict):
        try:
            fcard = Card.from_dict(data["fsrs"])
            state = _STATE_NAMES.get(fcard.state, "learning")
            moment = fcard.due.astimezone(UTC)
        except (KeyError, TypeError, ValueError):
            pass
    return CardState(
        deck=deck,
        card=card,
        due=moment,
        reviews=int(data.get("reviews", 0)),
        lapses=int(data.get("lapses", 0)),
        state=state,
        queued=str(data.get("queued", "")),
        last_verdict=str(data.get("last_verdict", "")),
    )


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def local_day(moment: datetime | None = None) -> str:
    """The learner's local calendar day (``YYYY-MM-DD``)."""
    return (moment or datetime.now().astimezone()).astimezone().date().isoformat()


class Drills:
    """Drill progress on top of a :class:`~codetrainer.core.store.Store`."""

    def __init__(self, store: Store, *, scheduler: Scheduler | None = None) -> None:
        self.store = store
        self.scheduler = scheduler or drill_scheduler()

    # -- reading -----------------------------------------------------------------------

    def states(self) -> dict[str, CardState]:
        """Every card the store has seen or queued, by ``deck/card``."""

        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute("SELECT deck, card, due, data_json FROM drill_cards").fetchall()

        rows = self.store.read_transaction(work)
        out = {}
        for deck, card, due, data in rows:
            st = _state_of(deck, card, due, _loads(data))
            out[st.key] = st
        return out

    def due_keys(self, now: datetime | None = None) -> list[str]:
        """``deck/card`` of every card due at ``now``, most overdue first."""
        moment = now or utc_now()
        found = [s for s in self.states().values() if s.is_due(moment)]
        found.sort(key=lambda s: (s.due, s.key))
        return [s.key for s in found]

    def due_count(self, decks: Sequence[Deck], now: datetime | None = None) -> int:
        """How many loaded cards are due (cards of decks not loaded are not counted)."""
        ids = {d.id for d in decks}
        return sum(1 for k in self.due_keys(now) if k.split("/", 1)[0] in ids)

    def due_cards(
        self,
        decks: Sequence[Deck],
        now: datetime | None = None,
        *,
        resolve: Callable[[str, str], DrillCard | None] | None = None,
        deck: str | None = None,
    ) -> list[DrillCard]:
        """The due cards that can be asked, most overdue first.

        A queued code-fact card that the sampled deck does not hold is rebuilt with
        ``resolve(deck_id, card_id)`` (see :func:`.codefacts.card_from_id`).
        """
        by_id = {d.id: d for d in decks}
        out: list[DrillCard] = []
        for key in self.due_keys(now):
            deck_id, card_id = key.split("/", 1)
            if deck is not None and deck_id != deck:
                continue
            d = by_id.get(deck_id)
            if d is None:
                continue
            card = d.card(card_id)
            if card is None and resolve is not None:
                card = resolve(deck_id, card_id)
            if card is not None:
                out.append(card)
        return out

    def session(
        self,
        deck: Deck,
        now: datetime | None = None,
        *,
        new_cards: int = DEFAULT_GOAL,
        resolve: Callable[[str, str], DrillCard | None] | None = None,
    ) -> list[DrillCard]:
        """What to ask from one deck: the due cards first, then up to ``new_cards`` cards
        never seen (in deck order)."""
        moment = now or utc_now()
        due = self.due_cards([deck], moment, resolve=resolve, deck=deck.id)
        seen = {k.split("/", 1)[1] for k in self.states() if k.startswith(deck.id + "/")}
        fresh = [c for c in deck.cards if c.id not in seen][: max(0, new_cards)]
        return [*due, *fresh]

    def leeches(self) -> list[CardState]:
        """Cards lapsed :data:`LEECH_LAPSES` times or more."""
        return sorted((s for s in self.states().values() if s.leech), key=lambda s: s.key)

    # -- goal and streak ---------------------------------------------------------------

    def goal(self) -> int:
        """The daily goal in cards."""
        raw = self.store.get_meta(_GOAL_KEY)
        try:
            value = int(raw) if raw is not None else DEFAULT_GOAL
        except ValueError:
            value = DEFAULT_GOAL
        return value if value > 0 else DEFAULT_GOAL

    def set_goal(self, cards: int) -> None:
        """Set the daily goal (at least 1)."""
        if cards < 1:
            raise ValueError("the daily goal must be at least one card")
        self.store.set_meta(_GOAL_KEY, str(int(cards)))

    def answers_by_day(self) -> dict[str, int]:
        """Local day -> answers that day."""

        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT day, COUNT(*) FROM drill_answers GROUP BY day ORDER BY day"
            ).fetchall()

        return {str(d): int(n) for d, n in self.store.read_transaction(work)}

    def today(self, day: str | None = None) -> GoalStatus:
        """Progress towards the goal on ``day`` (default: today, local time)."""
        today = date.fromisoformat(day or local_day())
        goal = self.goal()
        counts = self.answers_by_day()
        done = counts.get(today.isoformat(), 0)
        streak = 0
        cursor = today if done >= goal else today - timedelta(days=1)
        while counts.get(cursor.isoformat(), 0) >= goal:
            streak += 1
            cursor -= timedelta(days=1)
        return GoalStatus(goal=goal, done=done, streak=streak)

    # -- accuracy ----------------------------------------------------------------------

    def accuracy(self) -> list[AccuracyRow]:
        """Answers and correct answers by deck and card kind (deck, then kind order)."""

        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT deck, card_kind, COUNT(*), "
                "SUM(CASE WHEN verdict = 'correct' THEN 1 ELSE 0 END) FROM drill_answers "
                "GROUP BY deck, card_kind ORDER BY deck, card_kind"
            ).fetchall()

        return [
            AccuracyRow(deck=str(d), kind=str(k), answered=int(n), correct=int(c or 0))
            for d, k, n, c in self.store.read_transaction(work)
        ]

    def verdict_kinds(self) -> dict[str, int]:
        """How often each verdict kind (``correct``, ``typo`` ...) was given."""

        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute("SELECT kinds_json FROM drill_answers").fetchall()

        out: dict[str, int] = {}
        for (raw,) in self.store.read_transaction(work):
            try:
                kinds = json.loads(raw)
            except ValueError:
                continue
            for k in kinds if isinstance(kinds, list) else []:
                out[str(k)] = out.get(str(k), 0) + 1
        return out

    # -- writing -----------------------------------------------------------------------

    def record(
        self,
        card: DrillCard,
        result: CheckResult,
        *,
        now: datetime | None = None,
        day: str | None = None,
    ) -> CardState:
        """Log the answer and move the card's schedule, in one committed transaction.

        Raises :class:`~codetrainer.core.store.StoreError` (``"not saved: ..."``) when
        the store cannot be written; then neither the answer nor the schedule changed.
        """
        moment = now or utc_now()
        the_day = day or local_day(moment)
        rating = rating_for_result(result)
        scheduler = self.scheduler

        def work(conn: sqlite3.Connection) -> CardState:
            row = conn.execute(
                "SELECT data_json FROM drill_cards WHERE deck = ? AND card = ?",
                (card.deck, card.id),
            ).fetchone()
            data = _loads(row[0]) if row else {}
            fcard: Card | None = None
            if isinstance(data.get("fsrs"), dict):
                try:
                    fcard = Card.from_dict(data["fsrs"])
                except (KeyError, TypeError, ValueError):
                    fcard = None
            if fcard is None:
                fcard = Card(card_id=_card_id(card.key), due=moment)
            when = moment
            if fcard.last_review is not None and when < fcard.last_review:
                when = fcard.last_review  # two processes wrote out of clock order
            lapsed = fcard.state == State.Review and rating == Rating.Again
            fcard, _log = scheduler.review_card(fcard, rating, review_datetime=when)
            data["fsrs"] = fcard.to_dict()
            data["reviews"] = int(data.get("reviews", 0)) + 1
            data["lapses"] = int(data.get("lapses", 0)) + (1 if lapsed else 0)
            data["last_verdict"] = result.verdict
            data.pop("queued", None)
            due = format_utc(fcard.due)
            conn.execute(
                "INSERT INTO drill_cards (deck, card, due, data_json) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (deck, card) DO UPDATE SET due = excluded.due, "
                "data_json = excluded.data_json",
                (card.deck, card.id, due, json.dumps(data, sort_keys=True)),
            )
            conn.execute(
                "INSERT INTO drill_answers (deck, card, card_kind, given, verdict, kinds_json, "
                "rating, day, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card.deck,
                    card.id,
                    card.kind,
                    result.given,
                    result.verdict,
                    json.dumps(list(result.kinds)),
                    int(rating),
                    the_day,
                    format_utc(moment),
                ),
            )
            return _state_of(card.deck, card.id, due, data)

        return self.store.write_transaction(work)

    def queue(self, items: Iterable[tuple[str, str, str]], *, now: datetime | None = None) -> int:
        """Make cards due now: ``(deck, card, reason)``; returns how many were added or
        brought forward."""
        moment = format_utc(now or utc_now())
        wanted = list(items)

        def work(conn: sqlite3.Connection) -> int:
            return queue_in(conn, wanted, moment)

        return self.store.write_transaction(work) if wanted else 0


def queue_in(conn: sqlite3.Connection, items: Iterable[tuple[str, str, str]], due: str) -> int:
    """Inside a write transaction: queue cards due at ``due`` (see :meth:`Drills.queue`)."""
    changed = 0
    for deck, card, reason in items:
        row = conn.execute(
            "SELECT due, data_json FROM drill_cards WHERE deck = ? AND card = ?", (deck, card)
        ).fetchone()
        if row is None:
            data = {"queued": reason, "reviews": 0, "lapses": 0}
            conn.execute(
                "INSERT INTO drill_cards (deck, card, due, data_json) VALUES (?, ?, ?, ?)",
                (deck, card, due, json.dumps(data, sort_keys=True)),
            )
            changed += 1
            continue
        if row[0] <= due:
            continue  # already due
        data = _loads(row[1])
        data["queued"] = reason
        fsrs_data = data.get("fsrs")
        if isinstance(fsrs_data, dict):
            fsrs_data["due"] = parse_utc(due).isoformat()
        conn.execute(
            "UPDATE drill_cards SET due = ?, data_json = ? WHERE deck = ? AND card = ?",
            (due, json.dumps(data, sort_keys=True), deck, card),
        )
        changed += 1
    return changed
