"""The floor and ceiling margins of many (path, airspace) pairs as arrays, without a
:class:`~overflight.geometry.vertical.VerticalProfile` per pair (the batched check's vertical
steps, :mod:`.batch`).

A pair is *simple* when its airspace's floor and ceiling are one limit each (no "whichever is
higher"), neither above ground level, and the altitude each is compared with is known at every
point of the path (or the limit is SFC or UNL). Its margins are then exactly those of the
profile the core check builds (:meth:`~overflight.geometry.vertical.LimitSeries.build`): the
same altitude series chosen the same way (pressure altitude first for a flight level,
geometric first otherwise), minus the same value, element by element; SFC and UNL are the
constants +inf and -inf. The other pairs keep their profiles.

>>> from overflight.model import VerticalLimit
>>> plan = limit_plan(VerticalLimit.surface(), VerticalLimit.parse("FL95"))
>>> plan[0] == SFC, plan[2] == FL, round(plan[3], 1)
(True, True, 2895.6)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import Reference, VerticalLimit

__all__ = ["FL", "SFC", "PairMargins", "limit_plan", "pair_margins"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

SFC, UNL, FL, AMSL = range(4)
"""How a limit's margin is taken: the constants +inf (SFC) and -inf (UNL), or the altitude
minus the limit's value, pressure altitude first (FL) or geometric first (AMSL)."""

_KIND = {Reference.SFC: SFC, Reference.UNL: UNL, Reference.FL: FL, Reference.AMSL: AMSL}

Plan = tuple[int, float, int, float]
"""A floor's and a ceiling's kind and value (metres)."""


def limit_plan(floor: VerticalLimit, ceiling: VerticalLimit) -> Plan | None:
    """How the margins of a floor and a ceiling are taken, or None if either is compound
    or above ground level (those pairs keep their profiles)."""
    if floor.is_compound or ceiling.is_compound:
        return None
    kf, kc = _KIND.get(floor.reference), _KIND.get(ceiling.reference)
    if kf is None or kc is None:
        return None
    return kf, floor.metres(), kc, ceiling.metres()


@dataclass
class PairMargins:
    """The simple pairs' margins end to end: pair ``i`` (if ``slot[i] >= 0``) has the points
    ``off[s]:off[s + 1]`` of ``time``, ``floor`` and ``ceiling``, ``s = slot[i]`` (its
    path's points, altitude minus the limit: the ceiling's margin is minus its value)."""

    slot: I64
    off: I64
    time: F64
    floor: F64
    ceiling: F64


def _source(kind: I64, avail: NDArray[np.bool_]) -> tuple[I64, NDArray[np.bool_]]:
    """For each part: 0 pressure altitude, 1 geometric, -1 none (SFC, UNL, or no altitude);
    and whether its margin is known at every point (or constant)."""
    bo, go, ba, ga = avail.T
    fl, amsl = kind == FL, kind == AMSL
    src = np.full(kind.size, -1, np.int64)
    src[fl & bo] = 0
    src[fl & ~bo & go] = 1
    src[amsl & go] = 1
    src[amsl & ~go & bo] = 0
    every = np.where(src == 0, ba, ga)
    ok = np.where((kind == SFC) | (kind == UNL), True, (src >= 0) & every)
    return src, ok


def pair_margins(
    time: F64,
    baro: F64,
    geo: F64,
    lo: I64,
    hi: I64,
    known: NDArray[np.bool_],
    plans: Sequence[Plan | None],
) -> PairMargins:
    """The margins of each pair ``i`` that is simple: on the points ``lo[i]:hi[i]`` of the
    paths' ``time``, ``baro`` and ``geo`` (end to end), whose path's
    :func:`~overflight.geometry.vertical.availability` is ``known[i]``, with limits
    ``plans[i]``. The others get slot -1."""
    n = lo.size
    has = np.array([p is not None for p in plans], bool)
    pl = np.array([p if p is not None else (0, 0.0, 0, 0.0) for p in plans], float)
    pl = pl.reshape(n, 4)
    kf, vf, kc, vc = pl[:, 0].astype(np.int64), pl[:, 1], pl[:, 2].astype(np.int64), pl[:, 3]
    avail = np.asarray(known, bool).reshape(n, 4)
    sf, okf = _source(kf, avail)
    sc, okc = _source(kc, avail)
    sel = np.flatnonzero(has & okf & okc)
    slot = np.full(n, -1, np.int64)
    slot[sel] = np.arange(sel.size)
    cnt = hi[sel] - lo[sel]
    p_off = np.r_[0, np.cumsum(cnt)].astype(np.int64)
    idx = np.repeat(lo[sel] - p_off[:-1], cnt) + np.arange(int(p_off[-1]))
    rep = np.repeat(sel, cnt)
    margins = []
    for kind, src, value in ((kf, sf, vf), (kc, sc, vc)):
        k, s = kind[rep], src[rep]
        m = np.where(s == 0, baro[idx], geo[idx]) - value[rep]
        m[k == SFC] = np.inf
        m[k == UNL] = -np.inf
        margins.append(m)
    return PairMargins(slot, p_off, time[idx], margins[0], margins[1])
