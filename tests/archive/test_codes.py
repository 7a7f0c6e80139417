"""Aircraft and callsign codes from a batch's text columns: trimmed (icao24 also lowered), one
code per name in order of first appearance, -1 for none or empty, stable across batches."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from overflight.archive.columns import BatchDecoder, _dictionary_codes
from overflight.archive.state import Codes


def test_variants_of_one_name_share_its_code_in_order_of_first_appearance() -> None:
    codes = Codes()
    raw = pa.array(["  DEF456", "ABC123", None, " abc123 ", "", "def456", "  "])
    got = BatchDecoder._codes(raw, codes, lower=True).tolist()
    assert got == [0, 1, -1, 1, -1, 0, -1]
    assert codes.names == ["def456", "abc123"]
    # the next batch keeps the codes and adds new names after them
    more = BatchDecoder._codes(pa.array(["ABC123", "4CA1F2"]), codes, lower=True).tolist()
    assert more == [1, 2]


def test_callsigns_are_trimmed_not_lowered() -> None:
    codes = Codes()
    got = BatchDecoder._codes(pa.array(["FIN7LA ", "fin7la", "FIN7LA"]), codes, lower=False)
    assert got.tolist() == [0, 1, 0]
    assert codes.names == ["FIN7LA", "fin7la"]


def test_a_column_of_nulls_has_no_codes() -> None:
    got = BatchDecoder._codes(pa.nulls(3), Codes(), lower=True)
    assert got.tolist() == [-1, -1, -1]


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "", None]), max_size=12), max_size=5))
def test_encode_unique_numbers_names_in_order_of_first_appearance(batches) -> None:
    """Across batches, against a plain dictionary filled one value at a time."""
    codes, ref = Codes(), {}
    for values in batches:
        got = codes.encode_unique(values).tolist()
        want = [ref.setdefault(v, len(ref)) if v else -1 for v in values]
        assert got == want
    assert codes.names == list(ref)


_NAMES = st.sampled_from(["ABC123", " abc123", "abc123 ", "DEF456", "def456", "", "  ", None])


@given(
    st.lists(st.tuples(st.lists(_NAMES, max_size=10), st.lists(_NAMES, max_size=10)), max_size=6)
)
def test_batches_reusing_the_last_batch_codes_give_the_same_codes(batches) -> None:
    """Codes taken from the previous batch's names (one hash join) are those looked up
    afresh, batch after batch, and new names are numbered in the same order; the two columns
    of a decoder (icao24 lowered, callsigns not) keep their own last names."""
    fresh = (Codes(), Codes())
    cached, last = (Codes(), Codes()), {}
    for icao, calls in batches:
        for values, k, lower in ((icao, 0, True), (calls, 1, False)):
            raw = pa.array(values, pa.string())
            want = _dictionary_codes(raw, fresh[k], lower=lower).tolist()
            got = _dictionary_codes(raw, cached[k], lower=lower, last=last).tolist()
            assert got == want
    assert [c.names for c in cached] == [c.names for c in fresh]


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "", None]), max_size=8),
    st.lists(st.sampled_from(["a", "c", "e", "f", "g", None]), max_size=8),
    st.lists(st.sampled_from(["b", "f", "h", "i", ""]), max_size=8),
    st.booleans(),
)
def test_a_copy_is_the_codes_as_they_were(before, after, later, pickled) -> None:
    """A copy (taken when first used) holds the names of its moment, whatever the original
    adds after, pickles as codes given those names alone do, and numbers its own new names
    from there, as the original did at that moment."""
    import pickle

    codes, twin = Codes(), Codes()
    codes.encode_unique(before)
    twin.encode_unique(before)
    at_copy = list(twin.names)
    copy = codes.copy()
    codes.encode_unique(after)  # the original goes on
    if pickled:
        copy = pickle.loads(pickle.dumps(copy))
    assert pickle.dumps(copy) == pickle.dumps(twin)
    assert copy.names == twin.names and copy.ids == twin.ids
    assert copy.encode_unique(later).tolist() == twin.encode_unique(later).tolist()
    assert copy.names == twin.names
    assert codes.names[: len(at_copy)] == at_copy  # the original's own names go on
