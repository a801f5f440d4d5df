"""Spaced review: ratings, which cards exist, when they are due, sync across stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from progress_fixtures import T0, make_attempt, random_attempts

from codetrainer.core.review import (
    CASE_CARD,
    KIND_CARD,
    Rating,
    Reviewer,
    apply_attempts,
    case_key,
    kind_key,
    rating_for,
)
from codetrainer.core.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "progress.sqlite3")
    yield s
    s.close()


@pytest.mark.parametrize(
    ("score", "hints", "rating"),
    [
        (100.0, 0, Rating.Easy),
        (96.0, 0, Rating.Good),
        (95.0, 0, Rating.Good),
        (94.9, 0, Rating.Hard),
        (50.0, 0, Rating.Hard),
        (49.9, 0, Rating.Again),
        (0.0, 0, Rating.Again),
        (100.0, 1, Rating.Good),
        (100.0, 2, Rating.Hard),
        (100.0, 9, Rating.Again),
        (70.0, 1, Rating.Again),
    ],
)
def test_rating_for(score: float, hints: int, rating: Rating) -> None:
    assert rating_for(score, hints) == rating


@given(
    a=st.floats(0, 100),
    b=st.floats(0, 100),
    hints=st.integers(0, 5),
    more=st.integers(0, 5),
)
def test_rating_rises_with_score_and_falls_with_hints(
    a: float, b: float, hints: int, more: int
) -> None:
    low, high = sorted((a, b))
    assert rating_for(low, hints) <= rating_for(high, hints)
    assert rating_for(high, hints + more) <= rating_for(high, hints)


def test_a_case_solved_first_time_gets_no_card(store: Store) -> None:
    store.record_attempt(make_attempt("easy", 100.0))
    reviewer = Reviewer(store)
    assert reviewer.sync() == 1
    assert reviewer.items() == []
    assert reviewer.counts(T0 + timedelta(days=30)).total_cards == 0


def test_a_missed_case_comes_back_after_the_learning_step(store: Store) -> None:
    store.record_attempt(make_attempt("hard", 30.0, kinds=("laterality", "missing")))
    reviewer = Reviewer(store)
    reviewer.sync()
    items = {i.key: i for i in reviewer.items()}
    assert set(items) == {
        case_key("outpatient-basics", "hard"),
        kind_key("laterality"),
        kind_key("missing"),
    }
    case = items[case_key("outpatient-basics", "hard")]
    assert case.kind == CASE_CARD and case.state == "learning"
    assert case.due == T0 + timedelta(minutes=10)
    assert case.cases == (("outpatient-basics", "hard"),)
    assert reviewer.due(T0 + timedelta(minutes=9)) == []
    counts = reviewer.counts(T0 + timedelta(minutes=11))
    assert (counts.due_cases, counts.due_kinds, counts.due, counts.total_cards) == (1, 2, 3, 3)
    assert reviewer.due_cases(T0 + timedelta(minutes=11)) == [("outpatient-basics", "hard")]


def test_hints_alone_make_a_case_reviewable(store: Store) -> None:
    store.record_attempt(make_attempt("hinted", 100.0, hints=1))
    reviewer = Reviewer(store)
    reviewer.sync()
    [item] = reviewer.items()
    assert item.key == case_key("outpatient-basics", "hinted")


def test_good_answers_push_a_case_further_out_and_a_lapse_is_counted(store: Store) -> None:
    reviewer = Reviewer(store)
    store.record_attempt(make_attempt("c", 20.0))
    reviewer.sync()
    dues = []
    for step, minutes in enumerate((15, 90, 60 * 30, 60 * 24 * 8)):
        store.record_attempt(make_attempt("c", 100.0, minutes=minutes))
        reviewer.sync()
        [item] = reviewer.items()
        dues.append(item.due)
        assert item.reviews == step + 2
    assert dues == sorted(dues)
    assert dues[-1] - dues[-2] > timedelta(days=2)
    assert item.state == "review" and item.lapses == 0
    store.record_attempt(make_attempt("c", 10.0, minutes=60 * 24 * 30))
    reviewer.sync()
    [item] = reviewer.items()
    assert item.lapses == 1 and item.state == "relearning"
    assert item.due == T0 + timedelta(days=30, minutes=10)


def test_kind_card_lapses_when_the_kind_returns_and_improves_on_a_clean_tracked_case(
    store: Store,
) -> None:
    reviewer = Reviewer(store)
    store.record_attempt(make_attempt("a", 60.0, kinds=("laterality",)))
    store.record_attempt(make_attempt("a", 100.0, minutes=20))  # tracked case, clean
    store.record_attempt(make_attempt("other", 100.0, minutes=25))  # not tracked: no review
    reviewer.sync()
    kind = next(i for i in reviewer.items() if i.kind == KIND_CARD)
    assert kind.error_kind == "laterality" and kind.reviews == 2 and kind.lapses == 0
    store.record_attempt(make_attempt("b", 60.0, minutes=30, kinds=("laterality",)))
    reviewer.sync()
    kind = next(i for i in reviewer.items() if i.kind == KIND_CARD)
    assert kind.reviews == 3 and kind.lapses == 1
    assert kind.cases == (("outpatient-basics", "b"), ("outpatient-basics", "a"))


def test_format_and_exact_do_not_make_kind_cards(store: Store) -> None:
    store.record_attempt(make_attempt("a", 100.0, kinds=("format",)))
    reviewer = Reviewer(store)
    reviewer.sync()
    assert reviewer.items() == []


def test_removed_cases_are_left_out_when_available_is_given(store: Store) -> None:
    store.record_attempt(make_attempt("gone", 10.0, kinds=("missing",)))
    store.record_attempt(make_attempt("kept", 10.0, kinds=("missing",)))
    reviewer = Reviewer(store)
    reviewer.sync()
    later = T0 + timedelta(hours=1)
    available = {("outpatient-basics", "kept")}
    due = reviewer.due(later, available=available)
    assert {i.key for i in due} == {case_key("outpatient-basics", "kept"), kind_key("missing")}
    kind = next(i for i in due if i.kind == KIND_CARD)
    assert kind.cases == (("outpatient-basics", "kept"),)
    assert reviewer.due(later, available=set()) == []
    assert reviewer.counts(later, available=available).due == 2
    assert len(reviewer.due(later, limit=1)) == 1


def test_sync_is_exactly_once_across_two_stores_and_catches_up_after_a_crash(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.sqlite3"
    with Store(path) as one, Store(path) as two:
        r1, r2 = Reviewer(one), Reviewer(two)
        one.record_attempt(make_attempt("a", 10.0))
        two.record_attempt(make_attempt("b", 10.0, minutes=1))
        # "crash" before syncing: nothing is lost, the next sync applies both
        assert r2.sync() == 2
        assert r1.sync() == 0
        one.record_attempt(make_attempt("a", 100.0, minutes=20))
        assert r1.sync() == 1
        assert r2.sync() == 0
        [a] = [i for i in r2.items() if i.case_id == "a"]
        assert a.reviews == 2


def test_incremental_sync_equals_replaying_everything(store: Store) -> None:
    history = random_attempts(120, seed=5)
    reviewer = Reviewer(store)
    for n, attempt in enumerate(history):
        store.record_attempt(attempt)
        if n % 7 == 0:
            reviewer.sync()
    reviewer.sync()
    incremental = {row.key: (row.due, row.data) for row in store.review_cards()}
    replay = {row.key: (row.due, row.data) for row in apply_attempts({}, store.attempts())}
    assert incremental == replay
    assert len(replay) > 5


def test_attempts_out_of_clock_order_do_not_break_scheduling(store: Store) -> None:
    store.record_attempt(make_attempt("a", 10.0, minutes=30))
    store.record_attempt(make_attempt("a", 100.0, minutes=0))  # older clock, later row
    reviewer = Reviewer(store)
    assert reviewer.sync() == 2
    [item] = reviewer.items()
    assert item.reviews == 2 and item.due > T0 + timedelta(minutes=30)


def test_read_only_store_does_not_sync(store: Store) -> None:
    store.read_only = True
    assert Reviewer(store).sync() == 0
