"""What the core check computes for one incursion at a time, for all of a batch's incursions at
once: the vertical margin's ``top`` (:func:`~overflight.analysis.check.margin_top`) and the
flags of the fixes around each incursion (:func:`~.pool.row_of`).

Element-wise the same arithmetic, so the same bits: the margins at the fixes inside are the
fixes' own, at the ends ``np.interp``'s formula
(:func:`~overflight.geometry.path.interp_many`); maxima and bitwise ORs do not depend on the
order they are taken in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..geometry.path import interp_many, search_sorted
from ..geometry.vertical import VerticalProfile

__all__ = ["flag_masks", "margin_tops", "tops_from_margins"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def _simple(p: VerticalProfile) -> bool:
    """One part each for floor and ceiling, each known at every fix or a constant bound."""
    return len(p.floor) == 1 and len(p.ceiling) == 1 and p.floor[0].state != 0 != p.ceiling[0].state


def _ranges(lo: I64, hi: I64) -> tuple[I64, I64]:
    """The indices ``lo[i]:hi[i]`` of every ``i`` end to end, and the start of each in it."""
    n = np.maximum(hi - lo, 0)
    start = np.cumsum(n) - n
    idx = np.repeat(lo - start, n) + np.arange(int(n.sum()))
    return idx, start


def margin_tops(
    time: F64,
    lo: I64,
    hi: I64,
    profiles: Sequence[VerticalProfile],
    which: I64,
    t0: F64,
    t1: F64,
) -> tuple[F64, NDArray[np.bool_]]:
    """For each incursion ``i`` over [t0[i], t1[i]] of the path whose fixes' times are
    ``time[lo[i]:hi[i]]``, with profile ``profiles[which[i]]``: ``margin_top`` of it, and
    whether it was computed (not where a profile has compound limits or altitudes partly
    unknown: compute those one by one)."""
    out = np.full(t0.shape, np.nan)
    simple = np.array([_simple(p) for p in profiles], bool)
    done = simple[which] if which.size else np.zeros(0, bool)
    sel = np.flatnonzero(done)
    if sel.size == 0:
        return out, done
    used, slot = np.unique(which[sel], return_inverse=True)
    # each used profile's floor and ceiling margins (the way margins_at takes them) laid
    # along its path's fixes, end to end, in the order of the used profiles
    n = hi[sel] - lo[sel]
    first_of = np.zeros(used.size, np.int64)
    first_of[slot[::-1]] = sel[::-1]  # one incursion of each profile: its path's range
    p_lo, p_hi = lo[first_of], hi[first_of]
    p_n = p_hi - p_lo
    p_off = np.cumsum(p_n) - p_n
    fm_parts, cm_parts = [], []
    for s, k in enumerate(used.tolist()):
        prof = profiles[k]
        f, c = prof.floor[0], prof.ceiling[0]
        m = int(p_n[s])
        fm_parts.append(f.margin if f.state == 1 else np.full(m, f.margin[0]))
        cm_parts.append(c.margin if c.state == 1 else np.full(m, c.margin[0]))
    fm_all = np.concatenate(fm_parts)
    cm_all = np.concatenate(cm_parts)  # the ceiling's margin is minus this
    xp = np.concatenate([time[a:b] for a, b in zip(p_lo.tolist(), p_hi.tolist(), strict=True)])
    base = p_off[slot]
    out[sel] = tops_from_margins(xp, fm_all, cm_all, base, base + n, t0[sel], t1[sel])
    return out, done


def tops_from_margins(
    xp: F64, fm_all: F64, cm_all: F64, s_lo: I64, s_hi: I64, t0: F64, t1: F64
) -> F64:
    """:func:`margin_tops` of incursions over [t0[i], t1[i]] on tracks given by their simple
    profiles' margins: incursion ``i``'s track has the points ``s_lo[i]:s_hi[i]`` of the
    times ``xp``, the floor's margins ``fm_all`` and the ceiling's ``cm_all`` (each limit
    part's ``margin``: the ceiling's margin is minus it)."""
    # every incursion's fixes strictly inside (t0, t1), on its profile's stretch
    a = search_sorted(xp, s_lo, s_hi, t0, "right")
    b = search_sorted(xp, s_lo, s_hi, t1, "left")
    inner, start = _ranges(a, b)
    f_in = fm_all[inner]
    c_in = -cm_all[inner]
    # the ends: interpolated as np.interp does (constants: the constant)
    ends = np.concatenate([t0, t1])
    e_lo, e_hi = np.tile(s_lo, 2), np.tile(s_hi, 2)
    f_end = interp_many(ends, e_lo, e_hi, xp, fm_all)
    c_end = -interp_many(ends, e_lo, e_hi, xp, cm_all)
    end_m = np.fmin(f_end, c_end).reshape(2, t0.size)
    top = np.fmax(end_m[0], end_m[1])
    inner_m = np.fmin(f_in, c_in)
    has = b > a
    if has.any():
        part = np.fmax.reduceat(inner_m, start[has]) if inner_m.size else np.empty(0)
        top[has] = np.fmax(top[has], part)
    return top


def flag_masks(time: F64, flags: NDArray[np.uint8], lo: I64, hi: I64, t0: F64, t1: F64) -> I64:
    """For each incursion over [t0[i], t1[i]] of the path whose fixes are ``lo[i]:hi[i]``: the
    OR of the flags of its fixes from the one before the entry to the one after the exit."""
    i0 = np.maximum(search_sorted(time, lo, hi, t0, "right") - 1, lo)
    i1 = np.minimum(search_sorted(time, lo, hi, t1, "left"), hi - 1)
    idx, start = _ranges(i0, i1 + 1)
    if idx.size == 0:
        return np.zeros(t0.shape, np.int64)
    return np.bitwise_or.reduceat(flags[idx], start).astype(np.int64)
