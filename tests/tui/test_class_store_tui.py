"""The trainer on a class database: the same screens, progress read from and written to
PostgreSQL (a real server, tests/pg_fixtures.py), chosen by CODETRAINER_STORE."""

from __future__ import annotations

import pytest
from pg_fixtures import PgClass
from progress_fixtures import make_attempt
from tui_fixtures import MINI, highlight_pack, make_app, screen_text, settle

from codetrainer.core.stores.postgres import PgStore
from codetrainer.tui.screens.case import CaseScreen
from codetrainer.tui.screens.feedback import FeedbackScreen


async def test_a_case_done_in_the_trainer_lands_in_the_class_database(
    pg_class: PgClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_class.student("ana")
    with PgStore(url) as store:
        store.record_attempt(make_attempt("sore-throat", 100.0, pack_id="tui-mini"))
    monkeypatch.setenv("CODETRAINER_STORE", url)
    app = make_app([MINI])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "1/3 solved" in screen_text(app)  # read from PostgreSQL
        await highlight_pack(pilot, 0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")  # next unsolved: the first case is solved already
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        case_id = app.screen.case.id
        assert case_id != "sore-throat"
        await pilot.press(*"R69")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(app)
        assert "saved" in text and "not saved" not in text
        # committed before the feedback was shown, under ana's login
        with PgStore(url) as store:
            cases = [a.case_id for a in store.attempts(pack_id="tui-mini")]
        assert cases == ["sore-throat", case_id]
    with PgStore(pg_class.student("ben")) as other:
        assert other.attempts() == []
