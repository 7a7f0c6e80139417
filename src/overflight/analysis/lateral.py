"""Lateral intervals: when the continuous track is inside an airspace's footprint."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..geometry.boundary import PolygonEdges
from ..geometry.crossing import crossings, is_inside
from ..geometry.distance import approx_boundary_distance
from ..geometry.path import TrackPath

__all__ = ["inside_intervals", "near_runs", "union_intervals"]

F64 = NDArray[np.float64]
Interval = tuple[float, float]


def near_runs(idx: NDArray[np.int64], n: int) -> list[tuple[int, int]]:
    """Contiguous index runs, widened by one fix each side and merged."""
    if idx.size == 0:
        return []
    idx = np.unique(idx)
    breaks = np.nonzero(np.diff(idx) > 1)[0]
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    runs: list[tuple[int, int]] = []
    for s, e in zip(starts, ends, strict=True):
        s, e = max(0, int(s) - 1), min(n - 1, int(e) + 1)
        if runs and s <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], e))
        else:
            runs.append((s, e))
    return runs


_ANCHOR_PROBES = 64


def _anchor_probes(n: int) -> NDArray[np.int64]:
    """The points of a run of ``n`` ranked for its anchor: every one, or for a long run
    (~an hour inside a national airspace) ``_ANCHOR_PROBES`` spread evenly and the last: the
    anchor need only be clear of the boundary, not the farthest point."""
    if n <= _ANCHOR_PROBES:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.r_[np.linspace(0, n - 1, _ANCHOR_PROBES).astype(np.int64), n - 1])


def inside_intervals(
    path: TrackPath, pe: PolygonEdges, near: NDArray[np.int64]
) -> tuple[list[Interval], list[str]]:
    """Time intervals during which the path is inside polygon ``pe``.

    ``near`` are indices of path points that may be close to the polygon (any point farther
    than the polygon's radius plus the longest segment from its centre is certainly outside).
    Each run of nearby points is anchored by the inside test (``crossing.is_inside``) at its
    point farthest from the boundary (of at most ``_ANCHOR_PROBES`` spread along it) and
    followed by the parity of exact crossings; the same test at the run's last point checks
    the result.
    """
    warnings: list[str] = []
    out: list[Interval] = []
    n = len(path)
    for i0, i1 in near_runs(near, n):
        lon, lat = path.lon[i0 : i1 + 1], path.lat[i0 : i1 + 1]
        seg, frac = crossings(lon, lat, pe)
        probe = _anchor_probes(lon.size)
        approx = approx_boundary_distance(lon[probe], lat[probe], pe)
        anchor = int(probe[np.argmax(approx)])
        state = bool(is_inside(lon[anchor : anchor + 1], lat[anchor : anchor + 1], pe)[0])
        before = int(np.count_nonzero(seg < anchor))
        state0 = state ^ (before % 2 == 1)
        times = path.time_at(seg + i0, frac) if seg.size else np.empty(0)
        inside = state0
        start = float(path.time[i0]) if inside else None
        for tc in times:
            if inside:
                out.append((start, float(tc)))  # type: ignore[arg-type]
                start = None
            else:
                start = float(tc)
            inside = not inside
        if inside:
            out.append((start, float(path.time[i1])))  # type: ignore[arg-type]
        if i1 > i0:
            end_state = bool(is_inside(lon[-1:], lat[-1:], pe)[0])
            if end_state != inside and approx[-1] > 1e-3:
                warnings.append(
                    "inside/outside check disagreed at the end of a stretch of track "
                    f"(t={path.time[i1]:.3f}); crossings near a vertex may be miscounted"
                )
    return out, warnings


def union_intervals(intervals: list[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals.

    >>> union_intervals([(0, 2), (1, 3), (5, 6)])
    [(0, 3), (5, 6)]
    """
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
