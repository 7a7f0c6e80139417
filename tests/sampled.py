"""The best distance from a stretch of track to a boundary by sampling, for the depth search's
tests: the exact distance (:func:`~overflight.geometry.distance.boundary_distance`, itself tested
against every edge) at samples along the stretch, then finely around the best three local
optima of those."""

from __future__ import annotations

import numpy as np

from overflight.geometry.boundary import PolygonEdges
from overflight.geometry.distance import boundary_distance
from overflight.geometry.path import TrackPath

__all__ = ["least_edge_distance", "sampled_extremum"]


def least_edge_distance(lon: np.ndarray, lat: np.ndarray, pe: PolygonEdges) -> np.ndarray:
    """Each point's least exact distance over *every* edge of ``pe`` (no ranking, no search):
    the oracle of the nearest-edge searches."""
    from overflight.geometry.distance import edge_distance

    geo = pe.geodesics()
    n = len(pe)
    out = []
    for x, y in zip(lon, lat, strict=True):
        d, _, _ = edge_distance(
            np.full(n, x),
            np.full(n, y),
            pe.lon1,
            pe.lat1,
            pe.lon2,
            pe.lat2,
            np.full(n, 0.5),
            geo,
            np.zeros(n, bool),
        )
        out.append(d.min())
    return np.array(out)


def sampled_extremum(
    path: TrackPath,
    pe: PolygonEdges,
    a: float,
    b: float,
    sign: float,
    fine: int = 20_001,
    coarse: int = 20_000,
) -> float:
    """The best exact distance (largest for ``sign`` 1, least for -1) among samples every 5 m
    of the path's length over [a, b] (at most ``coarse`` of them), then ``fine`` samples
    between the neighbours of each of the best three local optima of those."""
    n = max(200, int(path.distances().sum() / 5.0))
    ts = np.linspace(a, b, min(n, coarse))
    v = sign * boundary_distance(*path.point_at(ts), pe)[0]
    peak = np.flatnonzero((v >= np.r_[-np.inf, v[:-1]]) & (v >= np.r_[v[1:], -np.inf]))
    best = v.max()
    for i in peak[np.argsort(-v[peak])][:3]:
        around = np.linspace(ts[max(i - 1, 0)], ts[min(i + 1, ts.size - 1)], fine)
        best = max(best, (sign * boundary_distance(*path.point_at(around), pe)[0]).max())
    return float(sign * best)
