"""Start-up: the first frame needs no pydantic, no YAML, no store; the rest follows in workers."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from progress_fixtures import make_attempt
from startup_fixtures import home_progress_loaded, wait_until
from tui_fixtures import MINI, make_app, screen_text

from codetrainer.core.store import Store, default_store_path
from codetrainer.tui import startup_gc

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


async def test_the_collector_paused_for_start_up_is_back_on_after_the_first_frame() -> None:
    gc.unfreeze()
    startup_gc.pause()  # what the codetrainer command does before it imports the TUI
    try:
        assert not gc.isenabled()
        app = make_app([MINI])
        async with app.run_test(size=WIDE) as pilot:
            await wait_until(pilot, lambda: app.first_frame_shown)
            assert gc.isenabled()
            assert not startup_gc.paused()
            assert gc.get_freeze_count() > 0  # start-up's objects were set aside
    finally:
        startup_gc.resume()
        gc.unfreeze()
        gc.enable()


async def test_an_app_that_did_not_pause_the_collector_leaves_it_alone() -> None:
    gc.unfreeze()
    app = make_app([MINI])
    async with app.run_test(size=WIDE) as pilot:
        await wait_until(pilot, lambda: app.first_frame_shown)
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0


def test_the_trainer_command_pauses_the_collector_until_the_first_frame(tmp_path: Path) -> None:
    """Through ``codetrainer`` itself, in a terminal: the collector is off while the TUI is
    imported and drawn, and on (with start-up frozen) once the home screen is painted."""
    out = tmp_path / "seen.json"
    probe = (
        "import gc, json, sys\n"
        "import codetrainer.tui.app as appmod\n"
        "original = appmod.CodetrainerApp._after_first_frame\n"
        "def after(self):\n"
        "    seen = {'before': gc.isenabled()}\n"
        "    original(self)\n"
        "    seen['after'] = gc.isenabled()\n"
        "    seen['frozen'] = gc.get_freeze_count() > 0\n"
        f"    open({str(out)!r}, 'w').write(json.dumps(seen))\n"
        "    self.exit()\n"
        "appmod.CodetrainerApp._after_first_frame = after\n"
        "from codetrainer.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-c", probe, str(MINI)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 180
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    os.read(master, 65536)  # keep the terminal drained
                except OSError:
                    break
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert json.loads(out.read_text()) == {"before": False, "after": True, "frozen": True}
