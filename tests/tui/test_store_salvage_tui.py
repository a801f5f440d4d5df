"""The trainer started on a damaged progress file tells the student what was saved."""

from __future__ import annotations

from damage_fixtures import leaf_of, page_info, scribble
from progress_fixtures import random_attempts
from startup_fixtures import home_progress_loaded, wait_until
from textual.widgets import Static
from tui_fixtures import MINI, make_app, screen_text

from codetrainer.core.store import Store, default_store_path
from codetrainer.tui.screens.home import HomeScreen

WIDE = (110, 34)


async def test_home_says_how_many_attempts_were_saved_from_a_damaged_file() -> None:
    path = default_store_path()
    path.parent.mkdir(parents=True)
    with Store(path) as s:
        s.record_attempts(random_attempts(1200, seed=9))
    size, _ = page_info(path, "attempts")
    scribble(path, leaf_of(path, "attempts"), size)
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await wait_until(pilot, home_progress_loaded(app))  # the store opens in that worker
        assert isinstance(app.screen, HomeScreen)
        notice = app.screen.query_one("#home-notice", Static)
        assert notice.display
        store = app.services.store()
        assert store is not None
        saved = store.count_attempts()
        assert 1150 < saved < 1200
        assert f"{saved} attempts could be read and were saved" in str(notice.render())
        assert "Your progress file was damaged" in screen_text(app)  # and it is on screen
    assert list(path.parent.glob("progress.sqlite3.corrupt-*"))
