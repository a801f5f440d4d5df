"""``codetrainer [run] [PACK ...]``: start the trainer TUI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

__all__ = ["register", "start"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "run",
        help="start the trainer (the default when no command is given)",
        description="Start the trainer. Extra pack files or folders are loaded next to the "
        "bundled packs and your own packs.",
    )
    p.add_argument("packs", nargs="*", metavar="PACK", help="extra pack files or folders")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    return start(list(args.packs))


def start(packs: list[str]) -> int:
    """Start the trainer on ``packs`` (the exit status); refuses a non-interactive terminal."""
    import os
    import sys

    # `codetrainer serve` runs the trainer through textual-serve's web driver, which talks
    # to the browser over pipes: no terminal there, and none needed.
    served = os.environ.get("TEXTUAL_DRIVER", "").startswith("textual.drivers.web_driver")
    if not served and (not sys.stdin.isatty() or not sys.stdout.isatty()):
        print(
            "codetrainer: the trainer needs an interactive terminal; "
            "see 'codetrainer --help' for the non-interactive commands",
            file=sys.stderr,
        )
        return 2
    from codetrainer.tui import startup_gc

    startup_gc.pause()  # resumed by the app after its first frame (see startup_gc)
    try:
        from codetrainer.tui.app import run_app

        return run_app(packs)
    finally:
        startup_gc.resume()
