"""matplotlib helpers shared by the figures: label placement, graticule and time axes.

Imported only from inside the figure functions' module (:mod:`.png`), never by
``import overflight``; matplotlib itself is imported inside the functions.

>>> deg(24.5, "E", "W"), deg(-3.25, "N", "S")
('24.5°E', '3.25°S')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import Track
from ._shapes import hhmmss

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Placer", "deg", "halo", "spacing_pt", "time_ticks"]

# candidate label offsets (points): near first, then farther with a leader line
_OFFSETS = [(7, 7), (7, -7), (-7, 7), (-7, -7), (0, 10), (0, -10), (10, 0), (-10, 0)]
_OFFSETS += [(a * 3, b * 3) for a, b in _OFFSETS]


def halo() -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.2, foreground="white")]


class Placer:
    """Greedy label placement: the first candidate offset whose box overlaps no placed label,
    no obstacle point and stays in the axes; else the least bad one."""

    def __init__(self, fig: Figure, ax: Axes, obstacles: Any) -> None:
        self.fig, self.ax = fig, ax
        self.renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        self.boxes: list[Any] = []
        self.pts = np.asarray(obstacles, dtype=float).reshape(-1, 2)
        self.frame = ax.get_window_extent(self.renderer)

    def _score(self, bb: Any) -> float:
        s = 0.0
        for b in self.boxes:
            w = min(bb.x1, b.x1) - max(bb.x0, b.x0)
            h = min(bb.y1, b.y1) - max(bb.y0, b.y0)
            if w > 0 and h > 0:
                s += 10.0 + w * h
        if self.pts.size:
            p = self.pts
            inside = (p[:, 0] > bb.x0) & (p[:, 0] < bb.x1) & (p[:, 1] > bb.y0) & (p[:, 1] < bb.y1)
            s += float(inside.sum())
        f = self.frame
        if bb.x0 < f.x0 or bb.x1 > f.x1 or bb.y0 < f.y0 or bb.y1 > f.y1:
            s += 1000.0
        return s

    def place(
        self,
        xy: tuple[float, float] | Sequence[tuple[float, float]],
        text: str,
        *,
        leader: bool = True,
        **kw: Any,
    ) -> None:
        """Place ``text`` at the best offset around ``xy`` (or around the best of several
        anchor points, tried in order)."""
        anchors = [xy] if isinstance(xy[0], float | int) else list(xy)  # type: ignore[list-item]
        offsets = _OFFSETS if leader else _OFFSETS[: len(_OFFSETS) // 2]
        best: tuple[float, Any] | None = None
        for anchor in anchors:
            for k, (dx, dy) in enumerate(offsets):
                ha = "left" if dx > 0 else "right" if dx < 0 else "center"
                va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
                far = k >= len(_OFFSETS) // 2
                ann = self.ax.annotate(
                    text,
                    anchor,
                    xytext=(dx, dy),
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    fontsize=kw.get("fontsize", 8.0),
                    color=kw.get("color", "black"),
                    path_effects=halo(),
                    arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "#555555"} if far else None,
                    zorder=6,
                )
                bb = ann.get_window_extent(self.renderer)
                score = self._score(bb) + (0.5 if far else 0.0)
                if best is None or score < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (score, ann)
                else:
                    ann.remove()
                if score == 0.0:
                    break
            if best is not None and best[0] == 0.0:
                break
        assert best is not None
        self.boxes.append(best[1].get_window_extent(self.renderer))


def spacing_pt(ax: Axes, track: Track) -> float:
    """Median distance between consecutive fixes on the page, in points."""
    xy = ax.transData.transform(np.column_stack([track.lon, track.lat]))
    px = float(np.median(np.hypot(*np.diff(xy, axis=0).T)))
    return px * 72.0 / ax.figure.dpi


def deg(v: float, pos: str, neg: str) -> str:
    h = pos if v >= 0 else neg
    return f"{abs(v):.6g}°{h}"


def time_ticks(ax: Axes, t0: float, t1: float) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    span = max(t1 - t0, 1.0)
    steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
    step = next((s for s in steps if span / s <= 7), 86400)
    ax.xaxis.set_major_locator(MultipleLocator(step))

    def fmt(v: float, _: object) -> str:
        s = hhmmss(v)[:-1]
        return s if step < 60 else s[:5]

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))
