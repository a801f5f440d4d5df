"""``codetrainer serve`` in a real headless browser (Debian's chromium, driven by Playwright).

The page is textual-serve's: xterm.js draws the terminal on a canvas, so the test reads what
the browser was sent to draw (the WebSocket frames the page receives, escape sequences
removed) and types with the browser's own keyboard events. That is the whole path a student
uses: browser -> textual-serve -> a codetrainer process of that session -> back.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]"
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("the browser test needs Debian's chromium: apt-get install chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    root = tmp_path / "serve"
    log = (tmp_path / "serve.log").open("wb")  # a file: a full pipe would stall the server
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codetrainer",
            "serve",
            "--port",
            str(port),
            "--data-root",
            str(root),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = (tmp_path / "serve.log").read_text(errors="replace")
                    pytest.fail(f"codetrainer serve did not start:\n{out}")
                time.sleep(0.2)
        told = (tmp_path / "serve.log").read_text(errors="replace")
        assert f"open http://127.0.0.1:{port}" in told  # loopback unless told otherwise
        yield url, root
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
        log.close()


class _Screen:
    """Text the page was sent to draw, escape sequences removed."""

    def __init__(self) -> None:
        self.raw = bytearray()

    def add(self, payload: bytes | str) -> None:
        self.raw.extend(payload.encode() if isinstance(payload, str) else payload)

    def text(self) -> str:
        return _ESCAPES.sub(b"", bytes(self.raw)).decode("utf-8", "replace")

    def wait_for(self, page: object, words: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{words!r} never reached the browser:\n{self.text()[-2000:]}")
            page.wait_for_timeout(200)  # type: ignore[attr-defined]


def _open(browser: object, url: str, requests: list[str]) -> tuple[object, _Screen]:
    page = browser.new_page(viewport={"width": 1200, "height": 800})  # type: ignore[attr-defined]
    screen = _Screen()
    page.on("websocket", lambda ws: ws.on("framereceived", screen.add))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return page, screen


def test_the_served_trainer_works_in_a_real_browser(served: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, root = served
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(), headless=True, args=["--no-sandbox"]
        )
        try:
            requests: list[str] = []
            page, screen = _open(browser, url, requests)
            screen.wait_for(page, "medical coding practice")  # the home screen's title
            screen.wait_for(page, "Outpatient basics")  # a bundled pack on the menu
            page.click(".textual-terminal")
            page.keyboard.press("F1")
            screen.wait_for(page, "esc closes")  # the help window opened
            # A second browser session: its own process and its own user data.
            other, other_screen = _open(browser, url, requests)
            other_screen.wait_for(other, "medical coding practice")
            sessions = sorted((root / "sessions").iterdir())
            assert len(sessions) == 2
            assert all(s.is_dir() and (s.stat().st_mode & 0o077) == 0 for s in sessions)
            # The page loads nothing from anywhere but the trainer's own server.
            assert requests and all(
                r.startswith((url, url.replace("http", "ws", 1))) for r in requests
            ), requests
        finally:
            browser.close()


def test_serve_binds_to_loopback_and_explains_the_proxy() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codetrainer", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "127.0.0.1" in done.stdout and "proxy" in done.stdout
