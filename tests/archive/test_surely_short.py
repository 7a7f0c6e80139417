"""The batch's test for segments surely within the densification step bounds the geodesic:
no segment it calls short is longer (near the poles, across the antimeridian, at the step)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.analysis.check import MAX_SEGMENT_M
from overflight.archive.batch_paths import _M_PER_DEG
from overflight.geometry.geodesic import inverse


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), lat=st.floats(-89.9, 89.9), lon=st.floats(-180.0, 180.0))
def test_a_segment_called_short_is_short(seed: int, lat: float, lon: float) -> None:
    rng = np.random.default_rng(seed)
    n = 2_000
    dlat = rng.uniform(-0.25, 0.25, n)
    lat2 = np.clip(lat + dlat, -90.0, 90.0)
    lon2 = (lon + rng.uniform(-0.4, 0.4, n) + 180.0) % 360.0 - 180.0
    lon1, lat1 = np.full(n, lon), np.full(n, lat)
    dlon = np.abs(lon2 - lon1)
    step = (np.abs(lat2 - lat1) + np.minimum(dlon, 360.0 - dlon)) * _M_PER_DEG
    short = step <= MAX_SEGMENT_M
    _, _, d = inverse(lon1, lat1, lon2, lat2)
    assert np.all(d[short] <= MAX_SEGMENT_M)
    assert np.all(d[short] <= step[short])
    assert short.any()
