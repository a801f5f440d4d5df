"""One browser session of ``codetrainer serve``: a private user-data folder, then the TUI.

Run by textual-serve as ``python -m codetrainer.serve_session ROOT [PACK ...]``. Each run
makes ``ROOT/sessions/<unique>`` (mode 0700) its ``CODETRAINER_HOME`` so that two browser
sessions never share progress or settings, and shares ``ROOT/cache`` for the compiled
reference so a new session does not compile it again. A class database in
``CODETRAINER_STORE`` is left in force.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def session_home(root: Path) -> Path:
    """A new, private folder for one session under ``root``."""
    sessions = root / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="session-", dir=sessions))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m codetrainer.serve_session ROOT [PACK ...]", file=sys.stderr)
        return 2
    root = Path(args[0])
    home = session_home(root)
    os.environ["CODETRAINER_HOME"] = str(home)
    os.environ.setdefault("CODETRAINER_CACHE", str(root / "cache"))
    from codetrainer.cli import main as cli_main

    return cli_main(["run", *args[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
