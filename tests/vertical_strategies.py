"""Hypothesis strategies for the vertical tests: floor and ceiling limits of every kind the
check compares differently (SFC, UNL, flight levels, AMSL, AGL, a compound "whichever is
higher"), and tracks of altitudes only (repeated fix times, missing values, values at the
limits, series filled in time as the scan gives them)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from overflight.geometry.path import TrackPath
from overflight.model import VerticalLimit

__all__ = ["LIMITS", "altitude_tracks"]

LIMITS = [
    VerticalLimit.surface(),
    VerticalLimit.unlimited(),
    VerticalLimit.flight_level(30),
    VerticalLimit.flight_level(45),
    VerticalLimit.parse("2500ft AMSL"),
    VerticalLimit.parse("4000ft AMSL"),
    VerticalLimit.parse("900m AMSL"),
    VerticalLimit.parse("1000ft AGL"),
    VerticalLimit(
        30,
        "FL",
        VerticalLimit.flight_level(30).reference,
        "FL30",
        VerticalLimit.parse("1000ft AGL"),
        "higher",
    ),
]


@st.composite
def altitude_tracks(draw: st.DrawFn, max_fixes: int = 10) -> TrackPath:
    """A track at one place whose pressure and geometric altitudes are drawn, each filled in
    time or not."""
    n = draw(st.integers(1, max_fixes))
    steps = draw(st.lists(st.sampled_from([0.0, 1.0, 5.0, 20.0]), min_size=n, max_size=n))
    t = 1000.0 + np.cumsum(steps)
    alt = st.one_of(st.floats(0.0, 2000.0), st.just(float("nan")), st.sampled_from([914.4, 762.0]))
    series = []
    for _ in range(2):
        a = np.array(draw(st.lists(alt, min_size=n, max_size=n)))
        if draw(st.booleans()):  # as the scan gives them: gaps filled in time
            ok = np.isfinite(a)
            a = np.interp(t, t[ok], a[ok]) if ok.any() else a
        series.append(a)
    return TrackPath(t, np.zeros(n), np.zeros(n), series[0], series[1], np.ones(n, bool))
