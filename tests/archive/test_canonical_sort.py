"""The batch's sort by aircraft then time: a counting sort of the codes when the rows come in
time order (a radix sort of dense codes where the codes span too wide a range to count), the
two-key sort otherwise; the same permutation either way."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.clean import _by_code_then_time


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(0, 300),
    st.sampled_from([3, 50, 100_000, 3_000_000]),  # (the last: too wide to count)
    st.sampled_from([1, 4, 1000]),
    st.booleans(),
)
def test_same_permutation_as_the_two_key_sort(
    seed: int, n: int, codes: int, times: int, ordered: bool
) -> None:
    rng = np.random.default_rng(seed)
    code = rng.integers(0, codes, n)
    time = 1.7e9 + rng.integers(0, times, n).astype(float)  # few times: many ties
    if ordered:
        time = np.sort(time)
    got = _by_code_then_time(code, time)
    assert np.array_equal(got, np.lexsort((time, code)))


def test_more_aircraft_than_the_radix_key_holds() -> None:
    code = np.arange(70_000)[::-1].copy()
    time = np.arange(70_000, dtype=float)
    assert np.array_equal(_by_code_then_time(code, time), np.lexsort((time, code)))


def test_codes_too_far_apart_to_count_are_sorted_by_radix() -> None:
    code = np.array([2_000_000, 5, 2_000_000, 0, 5])
    time = np.array([1.0, 1.0, 2.0, 3.0, 3.0])
    assert np.array_equal(_by_code_then_time(code, time), [3, 1, 4, 0, 2])
