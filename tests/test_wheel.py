"""A non-editable install carries the bundled content and validates it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    (found,) = out.glob("codetrainer-*.whl")
    return found


def test_wheel_contains_content(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    bundled = sorted(
        p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*.yaml")
    )
    assert bundled, "no bundled content in the repository"
    for rel in bundled:
        assert f"codetrainer/content/{rel}" in names
    assert "codetrainer/py.typed" in names
    assert any(n.endswith(".tcss") for n in names) or not (REPO / "src/codetrainer/tui").exists()


def test_installed_wheel_validates_its_own_content(
    wheel: Path, tmp_path: Path, shared_cache: Path
) -> None:
    target = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    env = {**os.environ, "PYTHONPATH": str(target), "CODETRAINER_CACHE": str(shared_cache)}
    where = subprocess.run(
        [sys.executable, "-c", "import codetrainer.paths as p; print(p.bundled_content_dir())"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert where.stdout.strip() == str(target / "codetrainer" / "content")
    proc = subprocess.run(
        [sys.executable, "-m", "codetrainer", "validate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors" in proc.stderr
