"""Vertical bands for the sampler: where interpolated altitudes lie between floor and ceiling
within a segment, as intervals of the segment's fraction (helpers of ``uncertainty``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..geometry.vertical import LimitSeries, VerticalProfile

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B2 = NDArray[np.bool_]


def _interval(g0: F64, g1: F64) -> tuple[F64, F64]:
    """Where a linear ``g`` (g0 at 0, g1 at 1) is >= 0, as [lo, hi] in [0, 1] (lo > hi: never;
    NaN: never)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = g0 / (g0 - g1)
        lo = np.where(g0 >= 0, 0.0, np.where(g1 >= 0, r, 1.0))
        hi = np.where(g1 >= 0, 1.0, np.where(g0 >= 0, r, 0.0))
    return lo, hi


def _combine_intervals(ivs: list[tuple[F64, F64]], need_all: bool) -> tuple[F64, F64]:
    lo, hi = ivs[0]
    for lo2, hi2 in ivs[1:]:
        if need_all:
            lo, hi = np.maximum(lo, lo2), np.minimum(hi, hi2)
        else:  # union, approximated by the hull when both are non-empty
            e1, e2 = lo > hi, lo2 > hi2
            lo = np.where(e1, lo2, np.where(e2, lo, np.minimum(lo, lo2)))
            hi = np.where(e1, hi2, np.where(e2, hi, np.maximum(hi, hi2)))
    return lo, hi


@dataclass(frozen=True)
class _Vertical:
    floor: tuple[F64, ...]  # g >= 0 means satisfied (nominal, per path point)
    ceiling: tuple[F64, ...]
    floor_all: bool
    ceiling_all: bool

    @classmethod
    def build(cls, profile: VerticalProfile) -> _Vertical:
        def g(parts: tuple[LimitSeries, ...], sign: float, need_all: bool) -> tuple[F64, ...]:
            gs = [sign * p.margin for p in parts]
            always = [bool(np.all(v == np.inf)) for v in gs]
            if not need_all and any(always):
                return ()  # one part always satisfied: the union is everything
            # parts always satisfied change nothing in an intersection
            return tuple(v for v, a in zip(gs, always, strict=True) if not a)

        fa, ca = profile.floor_rule in (None, "higher"), profile.ceiling_rule == "lower"
        return cls(g(profile.floor, 1.0, fa), g(profile.ceiling, -1.0, ca), fa, ca)

    def _parts(self, pts: I64, dz: F64) -> list[tuple[list[F64], bool]]:
        return [
            ([p[pts][:, None] + dz for p in self.floor], self.floor_all),
            ([p[pts][:, None] - dz for p in self.ceiling], self.ceiling_all),
        ]

    def at_points(self, pts: I64, dz: F64) -> B2:
        ok = np.ones(dz.shape, bool)
        for parts, need_all in self._parts(pts, dz):
            if not parts:
                continue
            st = np.stack([g >= 0 for g in parts])
            ok &= st.all(axis=0) if need_all else st.any(axis=0)
        return ok

    def on_segments(self, pts: I64, dz: F64, seg: I64) -> tuple[F64, F64]:
        """[lo, hi] fractions of segments (start point indices ``seg`` into ``pts``) inside."""
        lo = np.zeros((seg.size, dz.shape[1]))
        hi = np.ones_like(lo)
        for parts, need_all in self._parts(pts, dz):
            if not parts:
                continue
            l2, h2 = _combine_intervals([_interval(g[seg], g[seg + 1]) for g in parts], need_all)
            lo, hi = np.maximum(lo, l2), np.minimum(hi, h2)
        return lo, hi


# -- lateral --------------------------------------------------------------------------------------
