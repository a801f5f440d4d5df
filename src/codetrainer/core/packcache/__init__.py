"""The compiled pack cache: start the trainer without parsing and validating every pack.

Owns :func:`load_cached` and the light records it returns (:class:`PackBrief`,
:class:`CaseBrief`): what the home screen draws (titles, case list, diagnostics) comes
from a small JSON record per pack file, and the full validated :class:`~codetrainer.core.
models.Pack` from a pickle, read only when a screen needs it. Neither YAML nor pydantic is
imported on a cache hit until the full pack is asked for.

Both records live in ``paths.cache_dir()/"packs"`` and are keyed by the file's *content*
(SHA-256 of its bytes), the path it is shown as, and the version of the code that loads
packs (the sizes and modification times of the loader modules): an edited pack, or an
upgraded codetrainer, never gets a stale record. Anything odd about a record (missing,
truncated, another key, a checksum that does not match) means "load the file again".

May import: the standard library, :mod:`codetrainer.paths`, :mod:`codetrainer.fileio`
(the checksum framing of its files), :mod:`codetrainer.core.diagnostics`;
:mod:`codetrainer.core.packs` and :mod:`codetrainer.core.models` only inside
functions (on a cache miss or for the full pack).
"""

from __future__ import annotations

from codetrainer.core.packcache.cache import (
    CachedFile,
    CaseBrief,
    PackBrief,
    load_cached,
)

__all__ = ["CachedFile", "CaseBrief", "PackBrief", "load_cached"]
