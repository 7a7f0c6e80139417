"""Rows held back from the last batch and cleaned with the next one without copying the two
together (:func:`overflight.archive.clean.clean`'s ``before``): the same fixes, flags,
carried state and drops as the two batches concatenated, ties between them included."""

from __future__ import annotations

import numpy as np
from archive_helpers import assert_same_fixes
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.clean import Rows, ScanParameters, clean
from overflight.archive.state import AircraftState

_ROW = st.tuples(
    st.integers(-1, 3),  # aircraft (-1: none)
    st.sampled_from([0.0, 1.0, 2.0, 3.0, float("nan")]),  # few times: many ties
    st.sampled_from([59.0, 59.001, 59.002, float("nan"), 95.0]),
    st.sampled_from([24.0, 24.001]),
    st.sampled_from([1000.0, 1000.5, -9000.0, float("nan")]),
    st.sampled_from([-1, 0, 1]),  # callsign
    st.booleans(),  # on the ground
)


def _rows(rows: list) -> Rows:
    if not rows:
        return Rows.of(code=[], time=[], lat=[], lon=[])
    code, time, lat, lon, baro, cs, ground = zip(*rows, strict=True)
    return Rows.of(
        code=code, time=time, lat=lat, lon=lon, baro=baro, geo=baro, cs=cs, ground=ground
    )


def _cleaned(runs: list[tuple[Rows, Rows | None]], bbox) -> tuple[list[dict], dict]:
    state, counts, out = AircraftState(), {}, []
    for rows, before in runs:
        out.append(vars(clean(rows, state, ScanParameters(), counts, ["A", "B"], bbox, before)))
    return out, counts


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.lists(_ROW, max_size=12), st.lists(_ROW, max_size=40)), max_size=3),
    st.booleans(),
)
def test_rows_cleaned_with_the_ones_before_them_as_if_concatenated(batches, boxed) -> None:
    bbox = (24.0005, 58.0, 30.0, 60.0) if boxed else None
    joined = [(_rows(b), _rows(a)) for a, b in batches]
    copied = [(Rows.concat([_rows(a), _rows(b)]), None) for a, b in batches]
    got, got_counts = _cleaned(joined, bbox)
    want, want_counts = _cleaned(copied, bbox)
    assert got_counts == want_counts
    assert_same_fixes(got, want)


def test_a_large_batch_takes_its_rows_from_both_parts() -> None:
    """Past a few rows the columns are taken from both parts by the compiled take."""
    rng = np.random.default_rng(5)
    n = 5000
    code = rng.integers(0, 50, n)
    time = np.sort(rng.integers(0, 200, n)).astype(float)
    rows = Rows.of(
        code=code,
        time=time,
        lat=59.0 + rng.random(n) * 0.01,
        lon=24.0 + rng.random(n) * 0.01,
        baro=np.full(n, 1000.0),
        cs=code % 2,
    )
    cut = int(np.searchsorted(time, 100.0))
    a, b = rows.slice(0, cut), rows.slice(cut, n)
    got, _ = _cleaned([(b, a)], None)
    want, _ = _cleaned([(rows, None)], None)
    assert got[0]["code"].size > 1000
    assert_same_fixes(got, want)
