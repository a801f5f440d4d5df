"""``codetrainer serve``: the trainer in a web browser, through textual-serve.

Each browser tab that connects gets its own ``codetrainer`` process and its own user data
folder (a fresh ``CODETRAINER_HOME`` under ``--data-root``; the compiled caches are shared so a
session starts quickly). With a class database in ``--store`` / ``CODETRAINER_STORE`` the
sessions record their attempts there. It binds to the loopback interface by default: put it
behind a reverse proxy that does TLS and logins before opening it to a network (see
docs/running-a-class.md). Needs the serve extra: ``pip install 'codetrainer[serve]'``.
Never imports Textual itself (the sessions do).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "session_command"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    p = subparsers.add_parser(
        "serve",
        help="serve the trainer to web browsers (textual-serve)",
        description=(
            "Serve the trainer to web browsers: every browser session runs its own "
            "codetrainer process with its own user data. Binds to 127.0.0.1 by default; "
            "to reach it from other machines, put it behind a reverse proxy (TLS and "
            "logins) and pass --public-url with the address people type."
        ),
    )
    p.add_argument("packs", nargs="*", metavar="PACK", help="extra pack files or folders")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the address browsers use when served behind a proxy (e.g. https://coding.school.edu)",
    )
    p.add_argument(
        "--data-root",
        default=None,
        metavar="DIR",
        help="folder that holds one user-data folder per browser session "
        "(default: serve-sessions in your data folder)",
    )
    p.set_defaults(handler=_run)


def session_command(data_root: Path, packs: list[str]) -> str:
    """The shell command textual-serve runs for each browser session."""
    parts = [sys.executable, "-m", "codetrainer.serve_session", str(data_root), *packs]
    return " ".join(shlex.quote(p) for p in parts)


def _run(args: argparse.Namespace) -> int:
    from codetrainer import paths

    if not 0 < args.port < 65536:
        print("codetrainer serve: error: --port must be 1-65535", file=sys.stderr)
        return 2
    try:
        from textual_serve.server import Server
    except ImportError:
        print(
            "codetrainer serve: error: serving needs the serve extra: "
            "pip install 'codetrainer[serve]'",
            file=sys.stderr,
        )
        return 1
    root = Path(args.data_root).expanduser() if args.data_root else paths.data_dir() / "serve"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"codetrainer serve: error: cannot create {root}: {exc}", file=sys.stderr)
        return 1
    packs = [str(Path(p).resolve()) for p in args.packs]
    if args.host not in _LOOPBACK:
        print(
            f"codetrainer serve: warning: listening on {args.host}: anyone who can reach it can "
            "use the trainer. Serve on 127.0.0.1 behind a reverse proxy with logins instead.",
            file=sys.stderr,
        )
    where = args.public_url or f"http://{args.host}:{args.port}"
    print(f"codetrainer serve: open {where} in a browser (ctrl+c stops)", file=sys.stderr)
    print(
        "codetrainer serve: behind a proxy, forward HTTP and WebSocket upgrades to "
        f"{args.host}:{args.port} and pass --public-url with the outside address",
        file=sys.stderr,
    )
    server = Server(
        session_command(root, packs),
        host=args.host,
        port=args.port,
        title="codetrainer",
        public_url=args.public_url,
        # Our own page: nothing loaded from outside the server (textual-serve's own page
        # fetches a web font from a third party).
        templates_path=Path(__file__).resolve().parent.parent / "serve_page",
    )
    server.serve()
    return 0
