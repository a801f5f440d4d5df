"""Shared test set-up: every test runs with its own CODETRAINER_HOME.

The compiled ICD-10-CM cache is shared by the whole session (CODETRAINER_CACHE) so that
it is built once, not once per test or per CLI subprocess.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_fixtures import pg_class, pg_cluster  # noqa: F401  (fixtures for the class store)

from codetrainer.core import codesets
from codetrainer.core.codesets import Catalog, load_catalog
from codetrainer.core.reference import Reference, load_reference

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


_SAVED = pytest.StashKey[dict[str, str | None]]()
_BASE = pytest.StashKey[Path]()
_CACHE = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Before collection (some modules load the reference at import): point the app's
    home and cache at a folder of this run, so no test touches the user's folders."""
    base = Path(tempfile.mkdtemp(prefix="codetrainer-tests-"))
    override = os.environ.get("CODETRAINER_TEST_CACHE")
    cache = Path(override) if override else base / "cache"
    config.stash[_SAVED] = {k: os.environ.get(k) for k in ("CODETRAINER_HOME", "CODETRAINER_CACHE")}
    config.stash[_BASE] = base
    config.stash[_CACHE] = cache
    os.environ["CODETRAINER_HOME"] = str(base / "home")
    os.environ["CODETRAINER_CACHE"] = str(cache)


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in config.stash.get(_SAVED, {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    base = config.stash.get(_BASE, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_cache(pytestconfig: pytest.Config) -> Path:
    """The compiled caches of this run (``CODETRAINER_TEST_CACHE`` keeps them between runs)."""
    return pytestconfig.stash[_CACHE]


@pytest.fixture(scope="session")
def ref() -> Reference:
    """The FY2026 reference, compiled once into the shared test cache."""
    return load_reference()


@pytest.fixture(scope="module")
def fixture_catalog(ref: Reference) -> Iterator[Catalog]:
    """The small code sets in tests/fixtures/codesets merged with the reference."""
    codesets.clear_memo()
    sets = FIXTURES / "codesets"
    yield load_catalog(bundled_dir=sets / "bundled", user_dir=sets / "user", reference=ref)
    codesets.clear_memo()


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path / "ct-home"
    monkeypatch.setenv("CODETRAINER_HOME", str(home))
    monkeypatch.setenv("CODETRAINER_CACHE", str(shared_cache))
    monkeypatch.delenv("NO_COLOR", raising=False)
    # Not a developer's class database; "" (no store chosen) is restored after each test,
    # since `codetrainer --store URL` sets the variable for the rest of its process.
    monkeypatch.setenv("CODETRAINER_STORE", "")
    yield home


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def repo_root() -> Path:
    return REPO
