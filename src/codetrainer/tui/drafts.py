"""Unsubmitted answers kept across quitting: a small JSON file in the user data folder.

The app keeps drafts in memory while it runs (leaving a case keeps its answer); on quit
they are written here atomically, and read back at the next start, so an answer typed
but not submitted is never lost. A damaged or foreign file is ignored (never raised):
losing a draft is better than refusing to start. No Textual here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codetrainer.core.answer import GivenAnswer

if TYPE_CHECKING:
    from codetrainer.tui.screens.case import CaseDraft

__all__ = ["DRAFTS_VERSION", "drafts_path", "load_drafts", "save_drafts"]

DRAFTS_VERSION = 1
_MAX_BYTES = 2_000_000


def drafts_path() -> Path:
    """``drafts.json`` in the user data folder."""
    from codetrainer import paths

    return paths.data_dir() / "drafts.json"


def save_drafts(drafts: dict[tuple[str, str], CaseDraft], path: Path | None = None) -> None:
    """Write every draft (an empty dict removes the file)."""
    target = path or drafts_path()
    if not drafts:
        target.unlink(missing_ok=True)
        return
    rows: list[dict[str, Any]] = [
        {
            "pack": pack_id,
            "case": case_id,
            "hints_shown": draft.hints_shown,
            "answer": draft.answer.to_dict(),
        }
        for (pack_id, case_id), draft in sorted(drafts.items())
    ]
    from codetrainer.fileio import write_text_atomic

    text = json.dumps({"version": DRAFTS_VERSION, "drafts": rows}, ensure_ascii=False, indent=1)
    write_text_atomic(target, text + "\n")


def load_drafts(path: Path | None = None) -> dict[tuple[str, str], CaseDraft]:
    """The drafts saved at the last quit ({} when there are none or the file is bad)."""
    from codetrainer.tui.screens.case import CaseDraft

    source = path or drafts_path()
    try:
        if source.stat().st_size > _MAX_BYTES:
            return {}
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != DRAFTS_VERSION:
        return {}
    out: dict[tuple[str, str], CaseDraft] = {}
    for row in data.get("drafts") or []:
        try:
            key = (str(row["pack"]), str(row["case"]))
            answer = GivenAnswer.from_dict(row["answer"])
            hints = max(0, int(row.get("hints_shown", 0)))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if not answer.is_empty or hints:
            out[key] = CaseDraft(answer, hints)
    return out
