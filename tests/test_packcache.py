"""The compiled pack cache: unchanged packs are not parsed again; a changed one always is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codetrainer.core import packs as packs_module
from codetrainer.core.packcache import cache as cache_module
from codetrainer.core.packcache import load_cached
from codetrainer.core.packs import load_file
from codetrainer.tui.library import discover_packs

MINI = Path(__file__).resolve().parent / "tui" / "fixtures" / "mini-pack.yaml"
BROKEN = Path(__file__).resolve().parent / "tui" / "fixtures" / "broken-pack.yaml"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test only (packs need no reference, so none is built)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CODETRAINER_CACHE", str(folder))
    return folder


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the pack was parsed again")

    monkeypatch.setattr(packs_module, "load_file", refuse)


def _copy(tmp_path: Path, source: Path = MINI) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir(exist_ok=True)
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    return target


def test_second_load_comes_from_the_cache_and_equals_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(tmp_path)
    first = load_cached(path)
    assert not first.from_cache and first.kind == "pack" and first.brief is not None
    _no_parsing(monkeypatch)
    again = load_cached(path)
    assert again.from_cache
    assert again.brief == first.brief
    assert again.diagnostics == first.diagnostics
    monkeypatch.undo()
    _, fresh = load_file(path, display_path=str(path))
    assert again.full_pack() == fresh.value  # the pickle holds the same validated pack
    assert [c.id for c in again.brief.cases] == [c.id for c in fresh.value.cases]


def test_an_edited_pack_is_reloaded_even_with_the_same_size_and_time(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    [entry] = discover_packs(bundled_dir=None, user_dir=path.parent)
    assert entry.title == "TUI test pack"
    stat = path.stat()
    text = path.read_text()
    edited = text.replace("title: TUI test pack", "title: TUI test pick")  # same length
    assert len(edited) == len(text) and edited != text
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the stat looks unchanged
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    [entry] = discover_packs(bundled_dir=None, user_dir=path.parent)
    assert entry.title == "TUI test pick"
    assert entry.pack is not None and entry.pack.pack.title == "TUI test pick"


def test_a_pack_broken_by_an_edit_shows_its_errors_and_fixed_again_loads(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    good = path.read_bytes()
    [entry] = discover_packs(bundled_dir=None, user_dir=path.parent)
    assert entry.ok
    path.write_bytes(BROKEN.read_bytes())
    [entry] = discover_packs(bundled_dir=None, user_dir=path.parent)
    assert not entry.ok and entry.pack is None and entry.errors
    path.write_bytes(good)
    [entry] = discover_packs(bundled_dir=None, user_dir=path.parent)
    assert entry.ok and entry.pack is not None


def test_broken_packs_are_cached_with_their_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(tmp_path, BROKEN)
    first = load_cached(path)
    assert first.brief is None and any(d.is_error for d in first.diagnostics)
    _no_parsing(monkeypatch)
    again = load_cached(path)
    assert again.from_cache and again.diagnostics == first.diagnostics


def test_new_loader_code_means_a_new_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(tmp_path)
    load_cached(path)
    monkeypatch.setattr(cache_module, "FORMAT", cache_module.FORMAT + 1)
    assert not load_cached(path).from_cache


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_a_damaged_record_or_pickle_is_never_used(tmp_path: Path, damage: str) -> None:
    path = _copy(tmp_path)
    original = load_cached(path).brief
    folder = cache_module._folder()
    files = sorted(folder.glob("*.json")) + sorted(folder.glob("*.pack"))
    assert files
    for target in files:
        data = bytearray(target.read_bytes())
        if damage == "truncate":
            data = data[: len(data) // 2]
        elif damage == "garbage":
            data = bytearray(b"\x00garbage" * 10)
        else:
            data[len(data) // 2] ^= 0x40
        target.write_bytes(bytes(data))
    again = load_cached(path)
    assert not again.from_cache  # parsed again, not read from the damaged record
    assert again.brief == original
    pack = again.full_pack()
    assert pack is not None and pack.pack.id == "tui-mini"


def test_a_damaged_pickle_alone_means_loading_the_file(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    load_cached(path)
    [pickled] = cache_module._folder().glob("*.pack")
    data = bytearray(pickled.read_bytes())
    data[-10] ^= 0x01
    pickled.write_bytes(bytes(data))
    again = load_cached(path)
    assert again.from_cache
    assert cache_module._read_pickle(again) is None  # the checksum refuses it
    pack = again.full_pack()
    assert pack is not None and pack.pack.title == "TUI test pack"


def test_a_fifo_is_not_read_by_the_cache(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert cache_module._read_bounded(fifo) is None  # returns at once, never blocks


def test_a_warm_start_imports_neither_pydantic_nor_yaml(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    discover_packs(bundled_dir=None, user_dir=path.parent)  # warms the cache
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from codetrainer.tui.library import discover_packs\n"
        f"[e] = discover_packs(bundled_dir=None, user_dir=Path({str(path.parent)!r}))\n"
        "assert e.ok and e.brief.cases, e\n"
        "print(','.join(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules)))\n"
        "e.pack\n"
        "print(','.join(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    before, after = proc.stdout.splitlines()
    assert before == ""
    assert "pydantic" in after  # the full pack is a pydantic model: imported on demand
