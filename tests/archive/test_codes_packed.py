"""Codes of a string column from its bytes (:mod:`overflight.archive.codes_compiled`): the
same codes, names and order of first appearance as Arrow's dictionary encoding of the
trimmed (and lowered) values, batch after batch, whatever the text."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.columns import BatchDecoder, _dictionary_codes
from overflight.archive.state import Codes

# whitespace Arrow trims (ASCII and not), letters that lower, NUL, non-ASCII letters
_SPACES = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\u00a0", "\u3000"]
_CHARS = st.sampled_from([*"aAbBzZ09 ~", *_SPACES, "\x01", "\x00", "Ä", "ß", "İ", "é"])
_VALUE = st.one_of(st.none(), st.text(_CHARS, max_size=11))


def _column(values: list[str | None], kind: pa.DataType, cut: int) -> pa.Array:
    """``values`` as an array of ``kind``, a slice of a longer one when ``cut`` (so that
    its offsets and validity start inside their buffers)."""
    pad = ["pad-value", None, "x"][: cut % 4]
    return pa.array(pad + values, kind).slice(len(pad))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_VALUE, max_size=14), max_size=5),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.booleans(),
    st.integers(0, 3),
)
def test_packed_codes_equal_the_dictionary_encodings(batches, kind, lower, cut) -> None:
    want_codes, got_codes = Codes(), Codes()
    for values in batches:
        col = _column(values, kind, cut)
        want = _dictionary_codes(col, want_codes, lower)
        got = BatchDecoder._codes(col, got_codes, lower)
        assert got.tolist() == want.tolist(), values
    assert got_codes.names == want_codes.names


def test_names_of_all_kinds_in_one_batch_keep_the_order_of_first_appearance() -> None:
    """A name that does not pack (long, non-ASCII) between two that do gets its code
    between theirs, and a non-ASCII space trimmed by Arrow meets its packed twin."""
    codes = Codes()
    col = pa.array(["ABC123", "a-very-long-name", "\u00a0def456", "DEF456", "Äbc", None, "  "])
    got = BatchDecoder._codes(col, codes, lower=True).tolist()
    assert got == [0, 1, 2, 2, 3, -1, -1]
    assert codes.names == ["abc123", "a-very-long-name", "def456", "äbc"]


def test_the_table_grows_and_survives_copies_and_pickles() -> None:
    """Over 10,000 names in 10 batches (the table grows from 4,096 slots): each
    batch's codes equal the dictionary encoding's; a copy and an unpickled checkpoint (its
    table dropped, rebuilt on use) go on with the same codes and new names after the old."""
    rng = np.random.default_rng(7)
    pool = [f"{v:06x}" for v in rng.choice(1 << 24, 20_000, replace=False)]
    want_codes, got_codes = Codes(), Codes()
    for b in range(10):
        values = [pool[i] for i in rng.integers(0, 2_000 * (b + 1), 5_000)]
        col = pa.array([v.upper() if i % 3 else v for i, v in enumerate(values)])
        want = _dictionary_codes(col, want_codes, True)
        assert BatchDecoder._codes(col, got_codes, True).tolist() == want.tolist()
    n, size = len(got_codes.names), got_codes.packed_table()[0].size
    assert n > 10_000 and size // 2 < 2 * n <= size  # grown, at most half full
    assert np.count_nonzero(got_codes.packed_table()[0]) == n
    col = pa.array([*pool[::-1][:3_000], "new001"])
    want = _dictionary_codes(col, want_codes.copy(), True).tolist()
    for other in (got_codes.copy(), pickle.loads(pickle.dumps(got_codes))):
        assert BatchDecoder._codes(col, other, True).tolist() == want
        assert other.names[-1] == "new001"
    assert "new001" not in got_codes.names  # the copies' names are their own


def test_a_real_opensky_export_gets_the_dictionary_encodings_codes(shared_data: Path) -> None:
    path = shared_data / "adsb" / "opensky_impala" / "state_vectors_EDW24_zurich_2024-04-06.parquet"
    if not path.exists():
        pytest.skip(f"{path} not here")
    table = pq.read_table(path, columns=["icao24", "callsign"])
    for name, lower in (("icao24", True), ("callsign", False)):
        col = table.column(name).combine_chunks()
        want_codes, got_codes = Codes(), Codes()
        for a in range(0, len(col), 1_000):
            part = col.slice(a, 1_000)
            want = _dictionary_codes(part, want_codes, lower)
            assert BatchDecoder._codes(part, got_codes, lower).tolist() == want.tolist()
        assert got_codes.names == want_codes.names and len(got_codes.names) >= 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_VALUE, min_size=1, max_size=8), min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 2), st.lists(st.integers(-1, 7), max_size=12)), max_size=6),
    st.booleans(),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_dictionary_columns_get_the_codes_of_their_values(dicts, batches, lower, kind) -> None:
    """A dictionary-encoded column (a Parquet file's text read as its dictionary; batches
    of one row group share it) gets the codes and names its values would get as plain text,
    in order of first appearance, whichever dictionary values a batch uses (-1: null)."""
    want_codes, got_codes = Codes(), Codes()
    luts: dict = {}
    for which, picks in batches:
        d = pa.array(dicts[which % len(dicts)], kind)
        idx = pa.array([p % len(d) if p >= 0 else None for p in picks], pa.int32())
        col = pa.DictionaryArray.from_arrays(idx, d)
        want = _dictionary_codes(col.cast(kind), want_codes, lower)
        got = BatchDecoder._codes(col, got_codes, lower, luts=luts)
        assert got.tolist() == want.tolist(), (d, idx)
    assert got_codes.names == want_codes.names
