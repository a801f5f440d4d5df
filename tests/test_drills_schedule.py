"""Drill scheduling in the store: FSRS per card, crash-safe answers, goal, streak, leeches,
and slips from graded cases queueing code-fact cards."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from codetrainer.core.drills.cards import Deck, DrillCard
from codetrainer.core.drills.check import check_answer
from codetrainer.core.drills.schedule import DEFAULT_GOAL, LEECH_LAPSES, Drills
from codetrainer.core.drills.slips import slip_cards, sync_slips
from codetrainer.core.reference import Reference
from codetrainer.core.store import Attempt, Store, StoreError

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
CARD = DrillCard(deck="d", id="itis", prompt="-itis", answer="inflammation")
OTHER = DrillCard(deck="d", id="algia", prompt="-algia", answer="pain")
DECK = Deck(id="d", kind="terms", title="D", cards=(CARD, OTHER))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "progress.sqlite3")
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Drill scheduling works on both store backends (PostgreSQL as a student login)."""
    if request.param == "sqlite":
        s: Store = Store(tmp_path / "progress.sqlite3")
    else:
        from codetrainer.core.stores.postgres import PgStore

        s = PgStore(request.getfixturevalue("pg_class").student("driller"))
    yield s  # type: ignore[misc]
    s.close()


def answer(drills: Drills, card: DrillCard, text: str, when: datetime, day: str = "2026-05-01"):  # type: ignore[no-untyped-def]
    return drills.record(card, check_answer(card, text), now=when, day=day)


def test_an_answer_is_committed_with_the_schedule(sqlite_store: Store, tmp_path: Path) -> None:
    store = sqlite_store
    drills = Drills(store)
    state = answer(drills, CARD, "inflammation", T0)
    assert state.reviews == 1 and state.due > T0
    # a second connection (another process) sees both the log row and the card at once
    conn = sqlite3.connect(tmp_path / "progress.sqlite3")
    assert conn.execute("SELECT verdict, kinds_json FROM drill_answers").fetchall() == [
        ("correct", '["correct"]')
    ]
    assert conn.execute("SELECT deck, card FROM drill_cards").fetchall() == [("d", "itis")]
    conn.close()


def test_a_failed_write_changes_nothing(sqlite_store: Store) -> None:
    """The card's schedule and the answer log are one transaction: all or nothing."""
    store = sqlite_store
    drills = Drills(store)
    answer(drills, OTHER, "pain", T0)
    conn = store._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is now full
    huge = check_answer(CARD, "x" * 200_000)  # the log row cannot fit; the card row could
    with pytest.raises(StoreError, match=r"^not saved: the disk is full"):
        drills.record(CARD, huge, now=T0)
    assert set(drills.states()) == {"d/algia"}
    assert sum(drills.answers_by_day().values()) == 1
    conn.execute("PRAGMA max_page_count = 1073741823")
    drills.record(CARD, huge, now=T0)
    assert set(drills.states()) == {"d/algia", "d/itis"}


def test_wrong_answers_come_back_sooner_than_right_ones(store: Store) -> None:
    drills = Drills(store)
    right = answer(drills, CARD, "inflammation", T0)
    wrong = answer(drills, OTHER, "swelling", T0)
    assert wrong.due < right.due
    assert [c.id for c in drills.due_cards([DECK], T0 + timedelta(minutes=2))] == ["algia"]


def test_a_session_asks_due_cards_then_new_ones(store: Store) -> None:
    drills = Drills(store)
    answer(drills, OTHER, "wrong", T0)
    later = T0 + timedelta(hours=1)
    assert [c.id for c in drills.session(DECK, later)] == ["algia", "itis"]
    assert [c.id for c in drills.session(DECK, later, new_cards=0)] == ["algia"]


def test_goal_and_streak(store: Store) -> None:
    drills = Drills(store)
    assert drills.goal() == DEFAULT_GOAL == 20
    drills.set_goal(2)
    with pytest.raises(ValueError):
        drills.set_goal(0)
    for day in ("2026-04-28", "2026-04-29", "2026-04-30"):
        for _ in range(2):
            answer(drills, CARD, "inflammation", T0, day=day)
    status = drills.today("2026-05-01")
    assert (status.goal, status.done, status.streak, status.met) == (2, 0, 3, False)
    answer(drills, CARD, "inflammation", T0, day="2026-05-01")
    answer(drills, CARD, "inflammation", T0, day="2026-05-01")
    assert drills.today("2026-05-01").streak == 4
    assert drills.today("2026-05-03").streak == 0  # a day missed breaks it


def test_eight_lapses_make_a_leech(store: Store) -> None:
    drills = Drills(store)
    when = T0
    lapses = 0
    for _ in range(200):
        state = drills.states().get("d/itis")
        if state is not None and state.state == "review":
            state = answer(drills, CARD, "no idea", state.due)
            lapses += 1
            if lapses == LEECH_LAPSES:
                break
        else:
            due = state.due if state is not None else when
            answer(drills, CARD, "inflammation", due)
    final = drills.states()["d/itis"]
    assert final.lapses == LEECH_LAPSES
    assert final.leech
    assert [s.key for s in drills.leeches()] == ["d/itis"]


def test_accuracy_by_deck_and_kind(store: Store) -> None:
    drills = Drills(store)
    answer(drills, CARD, "inflammation", T0)
    answer(drills, CARD, "inflamation", T0)  # typo: right, but not 'correct'
    answer(drills, OTHER, "ache", T0)
    rows = drills.accuracy()
    assert [(r.deck, r.kind, r.answered, r.correct) for r in rows] == [("d", "meaning", 3, 2)]
    assert drills.verdict_kinds() == {"correct": 1, "typo": 1, "wrong": 1}


def test_queued_cards_are_due_now(store: Store) -> None:
    drills = Drills(store)
    answer(drills, CARD, "inflammation", T0)
    later = T0 + timedelta(minutes=1)
    assert drills.due_keys(later) == []
    assert drills.queue([("d", "itis", "test"), ("d", "algia", "test")], now=later) == 2
    assert drills.due_keys(later) == ["d/algia", "d/itis"]
    assert drills.states()["d/itis"].queued == "test"
    assert drills.queue([("d", "itis", "again")], now=later) == 0  # already due


def _attempt(kinds: tuple[str, ...], wrong: tuple[str, ...]) -> Attempt:
    return Attempt(
        pack_id="p",
        case_id="c",
        case_hash="h",
        answer={},
        score=50.0,
        kinds=kinds,
        wrong_codes=wrong,
        hints_used=0,
        seconds=1.0,
    )


def test_slips_queue_code_fact_cards_once(store: Store, ref: Reference) -> None:
    store.record_attempt(_attempt(("seventh_character",), ("S52.521D",)))
    store.record_attempt(_attempt(("wrong_code",), ("J20.9",)))  # not a slip kind
    store.record_attempt(_attempt(("non_billable",), ("E11",)))
    queued = sync_slips(store, ref, now=T0)
    keys = Drills(store).due_keys(T0)
    assert "code-facts/seventh-s52521-d" in keys
    assert "code-facts/billable-e11" in keys
    assert all(k.startswith("code-facts/") for k in keys)
    assert queued == len(keys)
    assert not any("j20" in k for k in keys)
    assert sync_slips(store, ref, now=T0) == 0  # the watermark moved
    state = Drills(store).states()["code-facts/billable-e11"]
    assert state.queued == "non_billable slip on E11"


def test_slip_cards_skip_unknown_codes(ref: Reference) -> None:
    assert slip_cards(ref, ["laterality"], ["ZZZ.9"]) == []
    out = slip_cards(ref, ["laterality", "excludes1"], ["S52.522A"])
    assert ("code-facts", "laterality-s5252-left", "laterality slip on S52.522A") in out
