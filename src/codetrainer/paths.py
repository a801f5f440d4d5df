"""Where codetrainer keeps user data, cache and configuration.

``CODETRAINER_HOME`` overrides everything (tests and portable installs use it):
``$CODETRAINER_HOME/data``, ``/cache`` and ``/config``. Otherwise the per-OS
folders from platformdirs are used. ``CODETRAINER_CACHE`` moves just the cache.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "bundled_content_dir",
    "cache_dir",
    "config_dir",
    "data_dir",
    "user_codesets_dir",
    "user_packs_dir",
]

APP_NAME = "codetrainer"


def _home() -> Path | None:
    value = os.environ.get("CODETRAINER_HOME", "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Folder for progress, imported code sets and user packs (not created here)."""
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Folder for compiled caches that can always be rebuilt.

    ``CODETRAINER_CACHE`` overrides it on its own (the test suite shares one compiled
    reference across isolated homes).
    """
    override = os.environ.get("CODETRAINER_CACHE", "").strip()
    if override:
        return Path(override).expanduser()
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Folder for user settings."""
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_packs_dir() -> Path:
    """Packs a student has added; loaded next to the bundled ones."""
    return data_dir() / "packs"


def user_codesets_dir() -> Path:
    """Code sets imported by ``codetrainer codesets import-*``."""
    return data_dir() / "codesets"


def bundled_content_dir() -> Path:
    """The ``content`` folder shipped with the package.

    A wheel carries it as ``codetrainer/content``; an editable install or a source
    checkout finds it at the repository root.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "content"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "content"
