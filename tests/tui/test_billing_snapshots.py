"""Snapshots of the claim form and the scrubber at 100x30 and 40x12 (reviewed by eye).

The app loads no case packs (the billing packs are the bundled ones, which are fixed
content); CODETRAINER_HOME is a fresh folder, cursors do not blink, nothing drawn
depends on the clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_fixtures import freeze_cursors, settle

from codetrainer.tui.app import CodetrainerApp

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((40, 12), id="40x12")]


def _open(exercise_id: str, *keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        listing = pilot.app.screen.query_one(OptionList)
        for _ in range(listing.option_count):
            option = listing.get_option_at_index(listing.highlighted or 0)
            if (option.id or "").endswith(f"/{exercise_id}"):
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        freeze_cursors(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    return run


@pytest.fixture
def app() -> CodetrainerApp:
    return CodetrainerApp([], bundled_dir=None, user_dir=None)


@pytest.mark.parametrize("size", SIZES)
def test_claim_form(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    keys = [*"ZQX48213907", "tab", *"self", "tab", *"QUILL", "tab", *"MIRA"]
    assert snap_compare(app, terminal_size=size, run_before=_open("claim-sore-throat", *keys))


@pytest.mark.parametrize("size", SIZES)
def test_scrubber(snap_compare: Any, app: CodetrainerApp, size: tuple[int, int]) -> None:
    keys = ["tab", "3", "tab", *"remove 93010"]
    assert snap_compare(
        app, terminal_size=size, run_before=_open("scrub-ecg-pair-and-duplicate", *keys)
    )


def test_remittance(snap_compare: Any, app: CodetrainerApp) -> None:
    assert snap_compare(app, terminal_size=(100, 30), run_before=_open("denial-ncci-mi0"))


def test_ledger(snap_compare: Any, app: CodetrainerApp) -> None:
    keys = [*"120.00", "tab", *"184.00"]
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=_open("post-secondary-partial", *keys)
    )
