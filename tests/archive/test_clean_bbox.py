"""The kernel's bounding box (:func:`overflight.archive.clean.clean` with ``bbox``): a batch
cleaned with the box gives what the batch gives once a reader's filter (DuckDB's query, as
SQL states it) has dropped the rows outside it: the same fixes, flags and carried state, the
same drops per reason, and the filtered rows counted as ``outside_bbox`` and nothing else."""

from __future__ import annotations

import itertools

import numpy as np
from archive_helpers import assert_same_fixes
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.clean import Rows, ScanParameters, clean
from overflight.archive.state import AircraftState

_COORD = st.one_of(
    st.floats(-3.0, 3.0),  # NaN too
    st.sampled_from([-1.0, 0.0, 1.0, 91.0, -181.0, float("inf")]),  # the box's edges
)
_ROW = st.tuples(
    st.integers(-1, 2),  # aircraft (-1: none)
    st.one_of(st.integers(0, 40).map(float), st.just(float("nan"))),
    _COORD,
    _COORD,
    st.sampled_from([1000.0, 3000.0, -5000.0, float("nan")]),  # an impossible altitude too
)


def _query_keeps(lat: np.ndarray, lon: np.ndarray, bbox) -> np.ndarray:
    """``(lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) OR lat IS NULL OR lon IS NULL OR
    isnan(lat) OR isnan(lon) OR abs(lat) > 90 OR abs(lon) > 180``"""
    with np.errstate(invalid="ignore"):
        inside = (bbox[1] <= lat) & (lat <= bbox[3]) & (bbox[0] <= lon) & (lon <= bbox[2])
        return inside | np.isnan(lat) | np.isnan(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)


def _cleaned(batches: list[Rows], bbox) -> tuple[list[dict], dict[str, int]]:
    """The fixes of each batch cleaned in turn (one state), and the drops per reason."""
    state, counts, out = AircraftState(), {}, []
    for rows in batches:
        f = clean(rows, state, ScanParameters(), counts, (), bbox)
        out.append(vars(f))
    return out, {k: v for k, v in counts.items() if v}


@settings(max_examples=200, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=40), st.integers(1, 3))
def test_the_box_drops_what_the_query_would_have_dropped(rows, batches) -> None:
    bbox = (-1.0, -1.0, 1.0, 1.0)
    code, time, lat, lon, baro = zip(*rows, strict=True)
    every = Rows.of(code=code, time=time, lat=lat, lon=lon, baro=baro)
    keep = _query_keeps(every.lat, every.lon, bbox)
    cut = list(itertools.pairwise(np.linspace(0, len(every), batches + 1).astype(int)))
    got, got_counts = _cleaned([every.slice(a, z) for a, z in cut], bbox)
    # the query's reader: the same batches, without the rows outside
    want, want_counts = _cleaned([every.take(a + np.flatnonzero(keep[a:z])) for a, z in cut], None)
    assert got_counts.pop("outside_bbox", 0) == int((~keep).sum())
    assert got_counts == want_counts
    assert_same_fixes(got, want)


def test_rows_outside_the_box_are_counted_as_outside_only() -> None:
    """A row outside the box without an address or a time, or with an impossible altitude,
    is one the query never returns: counted as outside the box, not as a bad row."""
    rows = Rows.of(
        code=[-1, 0, 0, 1],
        time=[1.0, float("nan"), 2.0, 3.0],
        lat=[10.0, 10.0, 10.0, 0.5],
        lon=[0.0, 0.0, 0.0, 0.5],
        baro=[1000.0, 1000.0, -9000.0, 1000.0],
    )
    counts: dict[str, int] = {}
    f = clean(rows, AircraftState(), ScanParameters(), counts, (), (-1.0, -1.0, 1.0, 1.0))
    assert {k: v for k, v in counts.items() if v} == {"outside_bbox": 3}
    assert f.code.tolist() == [1]
