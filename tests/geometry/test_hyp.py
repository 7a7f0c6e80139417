"""Plane lengths as ``sqrt(x * x + y * y)`` (:func:`overflight.geometry.frame.hyp`): within
two ulps of ``hypot`` at the magnitudes the geometry meets, and the same bits in the numpy
and the compiled passes (which must agree to the bit). Below ~1e-154 (a length no
geometry here can tell from 0) the squares underflow: off by less than 1e-150."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from overflight.geometry.frame import hyp
from overflight.geometry.frame_compiled import hyp as hyp_compiled

# metres in a local plane (up to ~20,000 km) and unit-vector components, with their signs
_COORD = st.one_of(
    st.floats(-2e7, 2e7, allow_nan=False),
    st.floats(-1.0, 1.0, allow_nan=False),
    st.floats(-1e-3, 1e-3, allow_nan=False),
)


@given(st.lists(st.tuples(_COORD, _COORD), min_size=1, max_size=20))
def test_hyp_is_hypot_within_two_ulps_and_the_compiled_one_equals_it(pairs) -> None:
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    got = hyp(x, y)
    want = np.hypot(x, y)
    assert np.all(np.abs(got - want) <= 2 * np.spacing(want) + 1e-150)
    for xi, yi, g in zip(x.tolist(), y.tolist(), got.tolist(), strict=True):
        assert hyp_compiled(xi, yi) == g  # the same operations: the same bits
        assert math.isclose(g, math.hypot(xi, yi), rel_tol=5e-16, abs_tol=1e-150)
