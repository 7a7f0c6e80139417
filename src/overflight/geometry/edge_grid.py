"""Which boxes of a polygon's local plane may meet one of its padded edge boxes, by a grid of
cells that the edge boxes cover and its summed-area table: one lookup per box, before the
edge tree's query (:func:`~.crossing.edge_tree`).

A box that meets an edge box shares a point with it, and that point's cell is covered by the
edge box and lies in the box's range of cells (cells are numbered by ``floor((v - v0) / c)``,
which never decreases as ``v`` grows): every box the tree would pair with an edge touches a
covered cell. Boxes that touch none (most of a track's segments over a wide country, far from
its boundary) need no query; the rest are queried as before, so the pairs are the same.

>>> import numpy as np
>>> from overflight.model import Polygon, Vertex
>>> from overflight.geometry.boundary import polygon_edges
>>> pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 4), Vertex(4, 4), Vertex(4, 0))))
>>> grid = edge_grid(pe)
>>> grid.touches(np.array([-1e4, 2.15e5]), np.array([-1e4, -1e4]),
...              np.array([1e4, 2.25e5]), np.array([1e4, 1e4])).tolist()  # centre; east side
[False, True]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges

__all__ = ["EdgeGrid", "edge_grid"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

CELLS = 1024
"""Cells along the longer side of the edges' extent (at least :data:`MIN_CELL_M` each)."""
MIN_CELL_M = 1000.0


@dataclass(frozen=True)
class EdgeGrid:
    """Cells of side ``cell`` from (``x0``, ``y0``), ``nx`` x ``ny`` of them; ``table``: the
    summed-area table of the covered cells ((ny + 1) x (nx + 1), row 0 and column 0 zero)."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    table: NDArray[np.int64]

    def _cells(self, lo: F64, hi: F64, v0: float, n: int) -> tuple[I64, I64, NDArray[np.bool_]]:
        a = np.floor((lo - v0) / self.cell)
        b = np.floor((hi - v0) / self.cell)
        ok = (b >= 0) & (a <= n - 1)  # NaN: not ok (and not queried: no pair either)
        a = np.clip(np.nan_to_num(a), 0, n - 1).astype(np.int64)
        b = np.clip(np.nan_to_num(b), 0, n - 1).astype(np.int64)
        return a, b, ok

    def touches(self, xmin: F64, ymin: F64, xmax: F64, ymax: F64) -> NDArray[np.bool_]:
        """Whether each box touches a covered cell (every box that meets an edge box does)."""
        ix0, ix1, okx = self._cells(xmin, xmax, self.x0, self.nx)
        iy0, iy1, oky = self._cells(ymin, ymax, self.y0, self.ny)
        s = self.table
        n = s[iy1 + 1, ix1 + 1] - s[iy0, ix1 + 1] - s[iy1 + 1, ix0] + s[iy0, ix0]
        return okx & oky & (n > 0)


def _grid(xmin: F64, ymin: F64, xmax: F64, ymax: F64) -> EdgeGrid:
    """The grid of cells covered by the boxes."""
    x0, y0 = float(xmin.min()), float(ymin.min())
    extent = max(float(xmax.max()) - x0, float(ymax.max()) - y0)
    cell = max(extent / CELLS, MIN_CELL_M)
    nx = int(np.floor((float(xmax.max()) - x0) / cell)) + 1
    ny = int(np.floor((float(ymax.max()) - y0) / cell)) + 1
    grid = EdgeGrid(x0, y0, cell, nx, ny, np.zeros((1, 1), np.int64))
    ix0, ix1, _ = grid._cells(xmin, xmax, x0, nx)
    iy0, iy1, _ = grid._cells(ymin, ymax, y0, ny)
    # each box's rectangle of cells, by a difference table summed along both axes
    diff = np.zeros((ny + 1, nx + 1), np.int64)
    np.add.at(diff, (iy0, ix0), 1)
    np.add.at(diff, (iy0, ix1 + 1), -1)
    np.add.at(diff, (iy1 + 1, ix0), -1)
    np.add.at(diff, (iy1 + 1, ix1 + 1), 1)
    covered = (diff.cumsum(axis=0).cumsum(axis=1)[:ny, :nx] > 0).astype(np.int64)
    table = np.zeros((ny + 1, nx + 1), np.int64)
    table[1:, 1:] = covered.cumsum(axis=0).cumsum(axis=1)
    return EdgeGrid(x0, y0, cell, nx, ny, table)


def edge_grid(pe: PolygonEdges) -> EdgeGrid:
    """The grid of ``pe``'s padded edge boxes (:func:`~.crossing.edge_bounds`), cached on
    ``pe``."""
    cached = pe.__dict__.get("_edge_grid")
    if cached is None:
        from .crossing import edge_bounds

        cached = _grid(*edge_bounds(pe))
        object.__setattr__(pe, "_edge_grid", cached)
    return cached
