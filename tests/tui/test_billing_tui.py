"""Pilot: the billing desk from the home screen, one exercise of each kind by keyboard.

Each test types its answer key by key, submits with ctrl+s, and checks the feedback and
that the attempt was committed to the progress store before the feedback appeared.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Select
from tui_fixtures import make_app, screen_text, settle

from codetrainer.core.store import Store
from codetrainer.tui.app import CodetrainerApp
from codetrainer.tui.progress_clock import CLOCK
from codetrainer.tui.screens.billing_claim import ClaimFormScreen
from codetrainer.tui.screens.billing_desk import BillingDeskScreen
from codetrainer.tui.screens.billing_feedback import BillingFeedbackScreen
from codetrainer.tui.screens.billing_posting import PostingLedgerScreen
from codetrainer.tui.screens.billing_remit import RemittanceScreen
from codetrainer.tui.screens.billing_scrub import ScrubberScreen
from codetrainer.tui.screens.home import HomeScreen


async def open_exercise(pilot: Pilot[None], exercise_id: str) -> None:
    """From home: b opens the desk, down moves to the exercise, enter opens it."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("b")
    await settle(pilot)
    desk = pilot.app.screen
    assert isinstance(desk, BillingDeskScreen)
    listing = desk.query_one(OptionList)
    for _ in range(listing.option_count):
        option = listing.get_option_at_index(listing.highlighted or 0)
        if (option.id or "").endswith(f"/{exercise_id}"):
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{exercise_id} is not on the desk")
    await pilot.press("enter")
    await settle(pilot)


async def type_fields(pilot: Pilot[None], values: list[str]) -> None:
    """Type each value into the focused box, then tab to the next."""
    for value in values:
        if value:
            await pilot.press(*value)
        await pilot.press("tab")


async def submit(pilot: Pilot[None]) -> BillingFeedbackScreen:
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BillingFeedbackScreen)
    return screen


def attempts(app: CodetrainerApp, pack_id: str) -> dict[str, Any]:
    store = app.services.store()
    assert isinstance(store, Store)
    return dict(store.case_summary(pack_id))


async def test_claim_by_keyboard() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "claim-sore-throat")
        assert isinstance(app.screen, ClaimFormScreen)
        header = [
            "ZQX48213907",
            "self",
            "QUILL",
            "MIRA",
            "04/12/1990",
            "F",
            "",
            "",
            "GRP5521",
            "PMH01",
            "11",
            "QM-1001",
            "36-1234567",
            "2123456784",
            "1987654328",
            "160.00",
        ]
        await type_fields(pilot, header)
        # box 21 A: the lookup from the code box; enter puts the top match in
        await pilot.press(*"J02.9", "ctrl+l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#dx-0").value == "J02.9"  # type: ignore[attr-defined]
        await pilot.press(*(["tab"] * 12))
        await type_fields(pilot, ["03/02/2026", "99213", "", "1", "A", "125.00"])
        await type_fields(pilot, ["03/02/2026", "87880", "QW", "1", "A", "35.00"])
        feedback = await submit(pilot)
        assert feedback.result.score == 100.0, [
            i for i in feedback.result.items if i.verdict != "correct"
        ]
        text = screen_text(app)
        assert "Score 100/100" in text and "saved" in text
        assert attempts(app, "billing-claims")["claim-sore-throat"].best_score == 100.0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BillingDeskScreen)
        assert "1/41 solved" in screen_text(app)


async def test_claim_slips_show_in_the_feedback() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "claim-sore-throat")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen.hints_shown == 1  # type: ignore[attr-defined]
        await type_fields(pilot, ["ZQX48213970", "self", "MIRA", "QUILL"])
        feedback = await submit(pilot)
        kinds = {k for item in feedback.result.items for k in item.kinds}
        assert {"transposition", "name_order", "missing"} <= kinds
        assert feedback.result.score < 20
        store = app.services.store()
        assert store is not None
        last = store.attempts(pack_id="billing-claims")[-1]
        assert last.hints_used == 1 and last.score == feedback.result.score
        assert "name_order" in last.kinds and "billing" in last.tags
        await pilot.press("r")  # try again: back to the same form, boxes kept
        await settle(pilot)
        assert isinstance(app.screen, ClaimFormScreen)
        assert app.screen.form.given().insured_id == "ZQX48213970"


async def choose(pilot: Pilot[None], text: str) -> None:
    """Open the focused Select, type to search, enter picks."""
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_scrub_by_keyboard() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "scrub-ecg-pair-and-duplicate")
        screen = app.screen
        assert isinstance(screen, ScrubberScreen)
        assert "93010" in screen_text(app)
        await choose(pilot, "ncci")
        assert screen.query_one("#kind-0", Select).value == "ncci_pair"
        await pilot.press("tab", "3", "tab", *"remove the 93010 line")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await choose(pilot, "dupl")
        await pilot.press("tab", "4", "tab", *"delete line 4")
        feedback = await submit(pilot)
        assert feedback.result.score == 100.0
        assert attempts(app, "billing-scrubs")["scrub-ecg-pair-and-duplicate"].solved


async def test_denial_by_keyboard(monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "denial-ncci-mi0")
        assert isinstance(app.screen, RemittanceScreen)
        text = screen_text(app)
        assert "CO-236" in text and "NCCI" in text  # the CARC with our own summary
        await choose(pilot, "bund")
        await pilot.press("tab")
        await choose(pilot, "appeal")
        feedback = await submit(pilot)
        action = next(i for i in feedback.result.items if i.field == "action")
        assert "appeal_ncci_mi0" in action.kinds
        assert "Never appeal a CO-236" in screen_text(app)
        assert attempts(app, "billing-denials")["denial-ncci-mi0"].best_score == 50.0
        later = datetime.now(UTC) + timedelta(days=3)
        monkeypatch.setattr(CLOCK, "now", lambda: later)
        await pilot.press("escape")  # back on the desk: days later the missed one is due
        await settle(pilot)
        assert isinstance(app.screen, BillingDeskScreen)
        assert "1 due for review" in screen_text(app)


async def test_posting_by_keyboard() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "post-secondary-partial")
        screen = app.screen
        assert isinstance(screen, PostingLedgerScreen)
        await type_fields(pilot, ["120.00", "184.00", "150.00"])
        await settle(pilot)
        assert "unposted 46.00" in screen_text(app)
        await pilot.press(*"46.00")
        await settle(pilot)
        assert "unposted 0.00" in screen_text(app)
        feedback = await submit(pilot)
        assert feedback.result.score == 100.0


async def test_billing_attempts_feed_the_stats_screen() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "post-copay-only")
        await type_fields(pilot, ["75", "50", "25"])
        await submit(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        await settle(pilot)
        assert type(app.screen).__name__ == "StatsScreen"
        assert "1" in screen_text(app)


async def test_narrow_window_switches_panes() -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await open_exercise(pilot, "claim-sore-throat")
        screen = app.screen
        assert isinstance(screen, ClaimFormScreen)
        assert (
            not screen.query_one("#bill-docs").display
            or not screen.query_one("#bill-docs").region.width
        )
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "ENCOUNTER" in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "1a Insured" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        listing = app.screen.query_one(OptionList)
        for _ in range(listing.option_count):  # every kind can show its documents
            if (listing.get_option_at_index(listing.highlighted or 0).id or "").endswith(
                "/post-copay-only"
            ):
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostingLedgerScreen)
        assert "Office visit billed" not in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Office visit billed" in screen_text(app)


async def test_own_claim_as_837_segments() -> None:
    from codetrainer.core.billing.claim import claim_as_given
    from codetrainer.tui.screens.billing_x12 import X12ViewScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "claim-uti-spouse")
        screen = app.screen
        assert isinstance(screen, ClaimFormScreen)
        await pilot.press("ctrl+t")  # empty form: not a claim yet, says why
        await settle(pilot)
        assert isinstance(app.screen, ClaimFormScreen)
        screen.form.fill(claim_as_given(screen.exercise.key))
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, X12ViewScreen)
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["box 6 relationship", "PAT*01", "2000C patient"] in rows
        await pilot.pause()
        assert "interchange header" in screen_text(app)
        pat = next(i for i, r in enumerate(rows) if r[1] == "PAT*01")
        await pilot.press(*(["down"] * pat))  # the PAT row: its detail shows below the table
        await settle(pilot)
        assert "PAT*01~" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
        from codetrainer import paths

        written = paths.data_dir() / "exports" / "claim-uti-spouse.837"
        assert written.read_text().startswith("ISA*00*")


async def test_help_lists_the_billing_keys() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_exercise(pilot, "scrub-pointer-to-nothing")
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "ctrl+n" in text.lower() or "^n" in text
        assert "submit" in text.lower()
