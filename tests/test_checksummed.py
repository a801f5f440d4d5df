"""The checksum framing shared by the pack cache and the kept stats tally."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codetrainer.fileio import checksummed, checksummed_payload


@given(st.binary(max_size=200))
def test_a_framed_payload_comes_back_whole(payload: bytes) -> None:
    assert checksummed_payload(checksummed(payload)) == payload


@given(st.binary(min_size=1, max_size=200), st.data())
def test_a_cut_or_altered_file_is_refused(payload: bytes, data: st.DataObject) -> None:
    blob = checksummed(payload)
    cut = data.draw(st.integers(0, len(blob) - 1))
    assert checksummed_payload(blob[:cut]) is None
    at = data.draw(st.integers(0, len(blob) - 1))
    flipped = blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]
    assert checksummed_payload(flipped) is None
