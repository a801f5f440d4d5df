"""Shared test set-up: every test runs with its own CODETRAINER_HOME.

The compiled ICD-10-CM cache is shared by the whole session (CODETRAINER_CACHE) so that
it is built once, not once per test or per CLI subprocess.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    override = os.environ.get("CODETRAINER_TEST_CACHE")
    if override:
        return Path(override)
    return tmp_path_factory.mktemp("codetrainer-cache")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path / "ct-home"
    monkeypatch.setenv("CODETRAINER_HOME", str(home))
    monkeypatch.setenv("CODETRAINER_CACHE", str(shared_cache))
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield home


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def repo_root() -> Path:
    return REPO
