"""The Drills screens driven by keys (Textual Pilot): pick a deck, answer, see the verdict
only once it is saved; slips from a graded case show up as due code-fact cards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_fixtures import make_app, screen_text, settle

from codetrainer.core.drills.schedule import Drills
from codetrainer.core.store import Attempt, Store
from codetrainer.tui.progress_clock import CLOCK
from codetrainer.tui.screens.drills import DrillSessionScreen, DrillsScreen

NOW = datetime(2031, 5, 4, 15, 0, tzinfo=UTC)
"""Frozen "now" for the screens; after the real clock, which the services' slip hook uses
when it queues cards (so they are due at NOW)."""


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CLOCK, "now", lambda: NOW)
    monkeypatch.setattr(CLOCK, "tz", UTC)


async def open_deck(pilot: Pilot[None], option: str) -> None:
    """From home: d, wait for the decks, move to ``option`` and press enter (keys only)."""
    await pilot.press("d")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DrillsScreen)
    menu = pilot.app.screen.query_one(OptionList)
    for _ in range(menu.option_count + 1):
        current = menu.get_option_at_index(menu.highlighted or 0).id
        if current == option:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{option} is not in the drill menu")
    await pilot.press("enter")
    await settle(pilot)


async def type_answer(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_a_drill_session_by_keyboard(isolated_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_deck(pilot, "deck:confusables")
        screen = pilot.app.screen
        assert isinstance(screen, DrillSessionScreen)
        assert screen.session.card is not None and screen.session.card.id == "hypertension"
        assert "hypertension" in screen_text(pilot.app)
        # a look-alike is never accepted, and the verdict names it
        await type_answer(pilot, "low blood pressure")
        shown = screen_text(pilot.app)
        assert "✗ wrong: a look-alike" in shown
        assert "hypotension" in shown
        store = pilot.app.services.store()
        assert store is not None
        drills = Drills(store)
        assert drills.verdict_kinds() == {"confusable": 1}  # saved before it was shown
        # enter moves on; a typo in a long word is forgiven and corrected
        await pilot.press("enter")
        await settle(pilot)
        assert screen.session.card is not None and screen.session.card.id == "hypotension"
        await type_answer(pilot, "low blood presure")
        shown = screen_text(pilot.app)
        assert "✓ correct, with a spelling slip" in shown
        assert "'low blood pressure'" in shown
        assert drills.verdict_kinds() == {"confusable": 1, "typo": 1}
        assert drills.today("2031-05-04").done == 2
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DrillsScreen)
        assert "Today 2/20 cards" in screen_text(pilot.app)


async def test_multiple_choice_by_number(isolated_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, DrillsScreen) and picker.library is not None
        card = picker.library.card("abbreviations", "r-o-never")
        assert card is not None and card.choices == ("yes", "no")
        await pilot.app.push_screen(DrillSessionScreen("Never code", [card, card]))
        await settle(pilot)
        assert "1 yes" in screen_text(pilot.app) and "2 no" in screen_text(pilot.app)
        await type_answer(pilot, "1")
        shown = screen_text(pilot.app)
        assert "✗ wrong" in shown
        assert "ruled out" in shown  # the card's note says why
        assert "Rule: Official Guidelines Section IV.H" in shown  # and where the rule is
        await pilot.press("enter")
        await settle(pilot)
        await type_answer(pilot, "2")
        assert "✓ correct" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert "Session done" in screen_text(pilot.app)
        assert "1 of 2 right" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is picker


async def test_slips_from_a_case_come_due_as_code_facts(isolated_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        attempt = Attempt(
            pack_id="mini",
            case_id="x",
            case_hash="h",
            answer={},
            score=60.0,
            kinds=("seventh_character",),
            wrong_codes=("S52.521D",),
            hints_used=0,
            seconds=3.0,
        )
        assert pilot.app.services.record_attempt(attempt) is None  # the hook queues cards
        pilot.app.screen.refresh_all()  # type: ignore[attr-defined]
        await settle(pilot)
        assert "Drills (4 due)" in screen_text(pilot.app)
        await open_deck(pilot, "due")
        screen = pilot.app.screen
        assert isinstance(screen, DrillSessionScreen)
        ids = [c.id for c in screen.session.cards]
        assert "seventh-s52521-d" in ids
        assert all(c.deck == "code-facts" for c in screen.session.cards)
        card = screen.session.card
        assert card is not None
        await type_answer(pilot, card.answer)
        assert "✓ correct" in screen_text(pilot.app)


async def test_stats_show_drill_accuracy_by_deck_and_kind(isolated_home: Path) -> None:
    from codetrainer.core.drills.cards import DrillCard
    from codetrainer.core.drills.check import check_answer

    itis = DrillCard(deck="terms", id="itis", prompt="-itis", answer="inflammation")
    ileum = DrillCard(deck="confusables", id="ileum", prompt="ileum", answer="small intestine")
    with Store() as store:
        drills = Drills(store)
        for card, text in ((itis, "inflammation"), (ileum, "hip bone"), (ileum, "small intestine")):
            drills.record(card, check_answer(card, text), now=NOW, day="2031-05-04")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        shown = screen_text(pilot.app)
        assert "Drills by deck" in shown and "Drills by card kind" in shown
        assert "confusables" in shown and "50%" in shown and "1/2 right" in shown
        assert "terms" in shown and "100%" in shown
        assert "term → meaning" in shown and "2/3 right" in shown


async def test_a_leech_is_flagged_on_its_card(isolated_home: Path) -> None:
    from dataclasses import replace

    from codetrainer.core.drills.cards import DrillCard
    from codetrainer.core.drills.check import check_answer

    card = DrillCard(deck="terms", id="itis", prompt="-itis", answer="inflammation")
    with Store() as store:
        drills = Drills(store)
        drills.record(card, check_answer(card, "inflammation"), now=NOW)
        state = drills.states()["terms/itis"]
        assert not state.leech

        def bump(conn):  # type: ignore[no-untyped-def]
            import json

            data = json.loads(conn.execute("SELECT data_json FROM drill_cards").fetchone()[0])
            data["lapses"] = 8
            conn.execute("UPDATE drill_cards SET data_json = ?", (json.dumps(data),))

        store.write_transaction(bump)
        assert drills.states()["terms/itis"].leech
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(DrillSessionScreen("t", [card, replace(card, id="other")]))
        await settle(pilot)
        assert "⚑ leech (missed 8 times)" in screen_text(pilot.app)
        await type_answer(pilot, "inflammation")
        await pilot.press("enter")
        await settle(pilot)
        assert "leech" not in screen_text(pilot.app)  # the other card is not one


def test_store_file_is_the_home_one(isolated_home: Path) -> None:
    # the TUI tests above write to the isolated home, never the user's folders
    with Store() as s:
        assert str(s.path).startswith(str(isolated_home))
