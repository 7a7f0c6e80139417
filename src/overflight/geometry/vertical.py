"""Floor and ceiling against a track's altitudes: which altitude, crossing times, status.

Flight levels compare with pressure (barometric) altitude; AMSL limits with geometric altitude
when the track has it, else barometric (and the result says so); AGL limits need terrain, and
without it their status is unknown, never assumed. Altitude is linear in time between fixes.

>>> import numpy as np
>>> from overflight.model import VerticalLimit
>>> alt = np.array([1800.0, 2200.0])
>>> lim = LimitSeries.build(VerticalLimit.parse("FL65"), alt, np.full(2, np.nan))
>>> lim.source, round(float(lim.value), 1)
('alt_baro', 1981.2)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import Reference, VerticalLimit

__all__ = ["Availability", "LimitSeries", "VerticalProfile", "availability", "fill_altitude"]

F64 = NDArray[np.float64]


def fill_altitude(time: F64, alt: F64) -> tuple[F64, int]:
    """Interpolate missing (NaN) altitudes linearly in time between known ones; returns the
    series and how many values were filled (all NaN stays all NaN)."""
    ok = np.isfinite(alt)
    if ok.all() or not ok.any():
        return alt, 0
    return np.interp(time, time[ok], alt[ok]), int((~ok).sum())


@dataclass(slots=True, eq=False)
class LimitSeries:
    """One simple limit as margins ``alt(t) - value`` at the fixes (NaN where unknown).

    Not frozen, though never changed once built: the scan's check builds ~10,000 per chunk,
    and a frozen dataclass's ``__init__`` cost a fifth of that (as :class:`VerticalProfile`)."""

    limit: VerticalLimit
    value: float  # metres in the altitude frame of ``source``; +-inf for SFC/UNL
    source: str  # "alt_baro" | "alt_geo" | "none"
    margin: F64  # altitude minus value at each fix, NaN when unknown
    reason: str | None  # why unknown, if it is
    state: int = 0
    """1 if the margin is known at every fix, -1 if it is one infinite constant (SFC, UNL),
    0 otherwise (unknown somewhere)."""

    @classmethod
    def build(
        cls,
        limit: VerticalLimit,
        alt_baro: F64,
        alt_geo: F64,
        known: Availability | None = None,
    ) -> LimitSeries:
        """``known``: :func:`availability` of the altitudes, when already known."""
        n = alt_baro.shape[0]
        if limit.reference is Reference.SFC:
            return cls(limit, -math.inf, "none", np.full(n, math.inf), None, -1)
        if limit.reference is Reference.UNL:
            return cls(limit, math.inf, "none", np.full(n, -math.inf), None, -1)
        if limit.reference is Reference.AGL:
            reason = f"{limit} is above ground level and no terrain source was given"
            return cls(limit, math.nan, "none", np.full(n, np.nan), reason)
        baro_ok, geo_ok, baro_all, geo_all = (
            availability(alt_baro, alt_geo) if known is None else known
        )
        if limit.reference is Reference.FL:
            order = [
                ("alt_baro", alt_baro, baro_ok, baro_all),
                ("alt_geo", alt_geo, geo_ok, geo_all),
            ]
        else:
            order = [
                ("alt_geo", alt_geo, geo_ok, geo_all),
                ("alt_baro", alt_baro, baro_ok, baro_all),
            ]
        for name, alt, ok, every in order:
            if ok:
                v = limit.metres()
                return cls(limit, v, name, alt - v, None, 1 if every else 0)
        return cls(limit, limit.metres(), "none", np.full(n, np.nan), "the track has no altitude")


Availability = tuple[bool, bool, bool, bool]
"""Whether the barometric and geometric altitudes have any finite value, and whether every
value is finite: (baro any, geo any, baro all, geo all)."""


def availability(alt_baro: F64, alt_geo: F64) -> Availability:
    """:data:`Availability` of a track's altitudes."""
    fb, fg = np.isfinite(alt_baro), np.isfinite(alt_geo)
    n = alt_baro.shape[0]
    return (bool(fb.any()), bool(fg.any()), bool(fb.all()) and n > 0, bool(fg.all()) and n > 0)


def _combine(states: list[NDArray[np.int8]], rule: str | None, floor: bool) -> NDArray[np.int8]:
    """Combine per-part states (+1 on the airspace side of the limit, -1 outside, 0 unknown).

    A floor "whichever is higher" is passed only when every part is; a ceiling "whichever is
    higher" is respected when any part is. "lower" is the dual.
    """
    st = np.stack(states)
    need_all = (rule in (None, "higher")) if floor else (rule == "lower")
    if need_all:
        out = np.where((st == 1).all(axis=0), 1, np.where((st == -1).any(axis=0), -1, 0))
    else:
        out = np.where((st == 1).any(axis=0), 1, np.where((st == -1).all(axis=0), -1, 0))
    return out.astype(np.int8)


@dataclass(slots=True, eq=False)
class VerticalProfile:
    """Floor and ceiling of one airspace evaluated along a track."""

    floor: tuple[LimitSeries, ...]
    ceiling: tuple[LimitSeries, ...]
    floor_rule: str | None
    ceiling_rule: str | None

    @classmethod
    def build(
        cls,
        floor: VerticalLimit,
        ceiling: VerticalLimit,
        alt_baro: F64,
        alt_geo: F64,
        known: Availability | None = None,
        series: dict[Hashable, LimitSeries] | None = None,
        keys: tuple[Sequence[Hashable], Sequence[Hashable]] | None = None,
    ) -> VerticalProfile:
        """``known``: :func:`availability` of the altitudes, when already known. ``series``:
        the limit series already built for these altitudes (read and extended: airspaces
        that share a limit share its series; their margins are never written), by limit, or
        by ``keys``: one per part of the floor and of the ceiling (equal for equal parts)."""
        if known is None:
            known = availability(alt_baro, alt_geo)
        if series is None:
            series = {}
        fp, cp = floor.parts(), ceiling.parts()
        fk, ck = keys if keys is not None else (fp, cp)
        sides: list[tuple[LimitSeries, ...]] = []
        for parts, ks in ((fp, fk), (cp, ck)):
            got = []
            for p, key in zip(parts, ks, strict=True):
                s = series.get(key)
                if s is None:
                    s = series[key] = LimitSeries.build(p, alt_baro, alt_geo, known)
                got.append(s)
            sides.append(tuple(got))
        return cls(sides[0], sides[1], floor.rule, ceiling.rule)

    def sources(self) -> dict[str, str]:
        """Which altitude each limit was compared with."""
        out = {}
        for name, parts in (("floor", self.floor), ("ceiling", self.ceiling)):
            for k, p in enumerate(parts):
                key = name if k == 0 else f"{name}.{k}"
                out[key] = p.source if p.reason is None else f"unknown: {p.reason}"
        return out

    def reasons(self) -> list[str]:
        return [p.reason for p in (*self.floor, *self.ceiling) if p.reason]

    def crossing_times(self, time: F64, lo: float, hi: float) -> tuple[F64, list[str]]:
        """Times in (lo, hi) where the interpolated altitude crosses any limit part, with
        which limit ("floor"/"ceiling") each is."""
        ts: list[float] = []
        kinds: list[str] = []
        i0 = max(0, int(np.searchsorted(time, lo, side="right")) - 1)
        i1 = min(len(time) - 1, int(np.searchsorted(time, hi, side="left")))
        for kind, parts in (("floor", self.floor), ("ceiling", self.ceiling)):
            for p in parts:
                m = p.margin[i0 : i1 + 1]
                t = time[i0 : i1 + 1]
                if m.size < 2 or not np.isfinite(m).any():
                    continue
                m0, m1 = m[:-1], m[1:]
                with np.errstate(invalid="ignore", divide="ignore"):
                    cross = np.isfinite(m0) & np.isfinite(m1) & ((m0 < 0) != (m1 < 0))
                    f = m0[cross] / (m0[cross] - m1[cross])
                tc = t[:-1][cross] + f * (t[1:][cross] - t[:-1][cross])
                sel = (tc > lo) & (tc < hi)
                ts.extend(tc[sel].tolist())
                kinds.extend([kind] * int(sel.sum()))
        order = np.argsort(ts, kind="stable")
        return np.asarray(ts, dtype=float)[order], [kinds[i] for i in order]

    def margins_at(self, time: F64, t: F64) -> tuple[F64, F64]:
        """Vertical margins at times ``t``: altitude above the floor and below the ceiling
        (metres; +inf for SFC/UNL; NaN when unknown), combining compound parts by their rule."""

        def parts_margin(parts: tuple[LimitSeries, ...], rule: str | None, floor: bool) -> F64:
            vals = []
            for p in parts:
                mm, st = p.margin, p.state
                if st == -1:
                    vals.append(np.full(t.shape, mm[0] if floor else -mm[0]))
                    continue
                v = np.interp(t, time, mm) if st == 1 else np.full(t.shape, np.nan)
                vals.append(v if floor else -v)
            if len(vals) == 1:
                return vals[0]
            arr = np.stack(vals)
            need_all = (rule in (None, "higher")) if floor else (rule == "lower")
            return arr.min(axis=0) if need_all else arr.max(axis=0)

        return (
            parts_margin(self.floor, self.floor_rule, True),
            parts_margin(self.ceiling, self.ceiling_rule, False),
        )

    def status_at(self, time: F64, t: F64) -> NDArray[np.str_]:
        """'inside' | 'above' | 'below' | 'unknown' at times ``t`` (altitude interpolated)."""

        def states(parts: tuple[LimitSeries, ...], floor: bool) -> list[NDArray[np.int8]]:
            out = []
            for p in parts:
                mm = p.margin
                if p.state != 0:
                    v = np.interp(t, time, mm) if p.state == 1 else np.full(t.shape, mm[0])
                    s = np.where(v >= 0, 1, -1) if floor else np.where(v <= 0, 1, -1)
                else:
                    s = np.zeros(t.shape)
                out.append(s.astype(np.int8))
            return out

        fl = _combine(states(self.floor, True), self.floor_rule, True)
        ce = _combine(states(self.ceiling, False), self.ceiling_rule, False)
        res = np.full(t.shape, "unknown", dtype="<U7")
        res[(fl == 1) & (ce == 1)] = "inside"
        res[ce == -1] = "above"
        res[fl == -1] = "below"
        return res
