"""Start-up: the first frame needs no pydantic, no YAML, no store; the rest follows in workers."""

from __future__ import annotations

import json
import subprocess
import sys

from progress_fixtures import make_attempt
from startup_fixtures import home_progress_loaded, wait_until
from tui_fixtures import MINI, make_app, screen_text

from codetrainer.core.store import Store, default_store_path

WIDE = (110, 34)

PROBE = """
import json, sys, threading
from codetrainer.tui.app import CodetrainerApp

app = CodetrainerApp([{mini!r}], bundled_dir=None, user_dir=None)
seen = {{}}

def first_frame() -> None:
    seen["modules"] = sorted(
        m for m in ("pydantic", "yaml", "codetrainer.core.models", "codetrainer.core.packs",
                    "codetrainer.tui.screens.case", "codetrainer.core.review")
        if m in sys.modules
    )
    seen["threads"] = sorted(t.name for t in threading.enumerate())
    seen["workers"] = [w.name or w.group for w in app.workers]
    seen["store_open"] = app.services._store is not None
    seen["text"] = "\\n".join(
        "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
    )
    app.exit()

app._after_first_frame = first_frame
app.run(headless=True, size=(110, 34))
print(json.dumps(seen))
"""


def _first_frame() -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(mini=str(MINI))],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_the_first_frame_needs_no_pydantic_yaml_store_or_worker() -> None:
    _first_frame()  # the first start fills the pack cache (and may import everything)
    seen = _first_frame()
    assert seen["modules"] == []
    assert seen["store_open"] is False
    assert seen["workers"] == []  # no worker started before the first frame
    # only the event loop's own threads (its default executor) run next to it
    threads = [str(t) for t in seen["threads"]]  # type: ignore[attr-defined]
    assert [t for t in threads if t != "MainThread" and not t.startswith("asyncio_")] == []
    assert "Next unsolved case" in str(seen["text"])
    assert "TUI test pack" in str(seen["text"])


async def test_progress_arrives_from_the_worker_after_the_first_frame() -> None:
    with Store(default_store_path()) as s:
        s.record_attempt(make_attempt("sore-throat", 100.0, pack_id="tui-mini"))
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await wait_until(pilot, home_progress_loaded(app))
        text = screen_text(app)
        assert "1/3 solved" in text
        assert "✓" in text  # the solved case is marked in the case list
        entry = app.packs[0]
        assert entry.pack_loaded  # the warm-up loaded the full pack after the first frame
