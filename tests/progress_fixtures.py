"""Helpers shared by the progress tests (store, review, stats, exam, report)."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from codetrainer.core.store import MIGRATIONS, Attempt, format_utc, parse_utc

T0 = parse_utc("2026-03-02T09:00:00Z")
KINDS = ("missing", "laterality", "seventh_character", "modifier_missing", "extra", "units")
CODES = ("J02.0", "E11.65", "99214", "S52.521D", "M17.1", "G0439")


def make_attempt(
    case_id: str = "sore-throat",
    score: float = 100.0,
    *,
    pack_id: str = "outpatient-basics",
    at: datetime | None = None,
    minutes: float = 0.0,
    kinds: tuple[str, ...] = (),
    wrong: tuple[str, ...] = (),
    hints: int = 0,
    seconds: float = 60.0,
    mode: str = "practice",
    case_hash: str = "hash-1",
    tags: tuple[str, ...] = (),
    systems: dict[str, tuple[float, float]] | None = None,
    exam_id: str | None = None,
) -> Attempt:
    """An attempt with sensible defaults; ``minutes`` after ``at`` (default T0)."""
    moment = (at or T0) + timedelta(minutes=minutes)
    return Attempt(
        pack_id=pack_id,
        case_id=case_id,
        case_hash=case_hash,
        answer={"diagnoses": ["J02.9"], "lines": [], "query": ""},
        score=score,
        kinds=kinds,
        wrong_codes=wrong,
        hints_used=hints,
        seconds=seconds,
        mode=mode,
        created_at=format_utc(moment),
        exam_id=exam_id,
        systems=systems if systems is not None else {},
        tags=tags,
    )


def random_attempts(n: int, seed: int = 1, *, cases: int = 12) -> list[Attempt]:
    """``n`` plausible attempts spread over a few weeks."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        score = rng.choice([0.0, 35.0, 50.0, 62.5, 75.0, 87.5, 100.0])
        out.append(
            make_attempt(
                f"case-{rng.randrange(cases):02d}",
                score,
                pack_id=rng.choice(["outpatient-basics", "emergency-injuries"]),
                minutes=i * 37.0,
                kinds=tuple(rng.sample(KINDS, rng.randrange(0, 3))) if score < 100 else (),
                wrong=tuple(rng.sample(CODES, rng.randrange(0, 2))) if score < 100 else (),
                hints=rng.choice([0, 0, 0, 1, 2]),
                seconds=rng.uniform(20, 400),
                tags=tuple(rng.sample(["ENT", "E/M", "fracture", "diabetes"], 2)),
                systems={"ICD-10-CM": (score / 50, 2.0), "CPT": (1.0, 1.0)},
            )
        )
    return out


def create_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A progress file at an earlier schema ``version`` (the real historical steps)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        for statement in step:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    return conn


def run_python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (the installed package)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
    )


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders unwritable, even for root (``chattr +i``); skip if impossible."""
    import os

    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    done: list[Path] = []
    try:
        for p in paths:
            proc = subprocess.run(["chattr", "+i", str(p)], capture_output=True, text=True)
            if proc.returncode != 0:
                pytest.skip(f"cannot make {p} read-only as root here: {proc.stderr.strip()}")
            done.append(p)
        yield
    finally:
        for p in done:
            subprocess.run(["chattr", "-i", str(p)], capture_output=True)


def attempt_key(a: Attempt) -> dict[str, Any]:
    """An attempt without its row id, for comparisons."""
    d = a.to_dict()
    d.pop("id")
    return d
