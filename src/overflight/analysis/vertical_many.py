"""The vertical split of many lateral intervals at once (the archive scan's batches).

:func:`vertical_pieces_many` gives every (track, airspace, interval) exactly what
:func:`~overflight.analysis.check.vertical_pieces` gives it alone: the altitude's crossings
of floor and ceiling are found for all tracks in one vectorised pass and each interval takes
its own by a binary search; the status between them is read from the margins interpolated
as ``np.interp`` does, for all tracks at once. Profiles with compound limits or partly
unknown altitudes go through ``vertical_pieces`` itself.

>>> from overflight.geometry.path import TrackPath
>>> from overflight.geometry.vertical import VerticalProfile
>>> from overflight.model import VerticalLimit
>>> t = np.array([0.0, 100.0])
>>> path = TrackPath(t, np.zeros(2), np.zeros(2), np.array([500.0, 1500.0]),
...                  np.full(2, np.nan), np.ones(2, bool))
>>> prof = VerticalProfile.build(VerticalLimit.surface(), VerticalLimit.parse("3000ft AMSL"),
...                              path.alt_baro, path.alt_geo)
>>> [piece] = vertical_pieces_many([path], [prof], np.array([0]), np.array([0.0]),
...                               np.array([100.0]), np.array([0.0]), np.array([100.0]))
>>> [(round(a, 2), round(b, 2), status, via0, via1) for a, b, status, via0, via1 in piece]
[(0.0, 41.44, 'inside', 'start', 'ceiling'), (41.44, 100.0, 'above', 'ceiling', 'end')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..geometry.path import TrackPath, interp_many, search_sorted
from ..geometry.vertical import LimitSeries, VerticalProfile
from .check import vertical_pieces

__all__ = ["PieceTable", "piece_table", "vertical_pieces_many"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
VPiece = tuple[float, float, str, str, str]


def _simple(p: VerticalProfile) -> bool:
    """One part each for floor and ceiling, each known at every fix or a constant bound."""

    def known(s: LimitSeries) -> bool:
        return s.state != 0

    return len(p.floor) == 1 and len(p.ceiling) == 1 and known(p.floor[0]) and known(p.ceiling[0])


def vertical_pieces_many(
    paths: Sequence[TrackPath],
    profiles: Sequence[VerticalProfile],
    owner: I64,
    ta: F64,
    tb: F64,
    t_first: F64,
    t_last: F64,
) -> list[list[VPiece]]:
    """For each interval ``i``: ``vertical_pieces(paths[owner[i]], profiles[owner[i]], ta[i],
    tb[i], t_first[i], t_last[i])``."""
    out: list[list[VPiece]] = [[] for _ in range(owner.size)]
    simple = np.array([_simple(p) for p in profiles], bool)
    for i in np.flatnonzero(~simple[owner]).tolist():
        k = int(owner[i])
        out[i] = vertical_pieces(
            paths[k], profiles[k], float(ta[i]), float(tb[i]), float(t_first[i]), float(t_last[i])
        )
    items = np.flatnonzero(simple[owner])
    if items.size == 0:
        return out
    used = np.unique(owner[items])
    slot = np.full(len(profiles), -1, np.int64)
    slot[used] = np.arange(used.size)
    n = np.array([len(paths[k].time) for k in used.tolist()], np.int64)
    off = np.r_[0, np.cumsum(n)]
    time = np.concatenate([paths[k].time for k in used.tolist()])
    margins = [
        np.concatenate(
            [(profiles[k].floor if kind == 0 else profiles[k].ceiling)[0].margin for k in used]
        )
        for kind in (0, 1)
    ]
    found = piece_table(
        time, off, margins[0], margins[1], slot[owner[items]], ta[items], tb[items],
        t_first[items], t_last[items],
    ).lists(items.size)  # fmt: skip
    for i, pieces in zip(items.tolist(), found, strict=True):
        out[i] = pieces
    return out


class PieceTable(NamedTuple):
    """Vertical pieces of many intervals as columns, interval by interval in time order:
    each piece's interval, bounds, status and the vias at its ends."""

    item: I64
    t0: F64
    t1: F64
    status: NDArray[np.str_]
    via0: NDArray[np.str_]
    via1: NDArray[np.str_]

    def lists(self, n: int) -> list[list[VPiece]]:
        """The pieces of intervals ``0..n-1`` as :func:`vertical_pieces_many` gives them."""
        out: list[list[VPiece]] = [[] for _ in range(n)]
        cols = (self.t0, self.t1, self.status, self.via0, self.via1)
        for i, *piece in zip(self.item.tolist(), *(c.tolist() for c in cols), strict=True):
            out[i].append(tuple(piece))  # type: ignore[arg-type]
        return out


def piece_table(
    time: F64,
    off: I64,
    floor: F64,
    ceiling: F64,
    s_of: I64,
    a: F64,
    b: F64,
    t_first: F64,
    t_last: F64,
) -> PieceTable:
    """:func:`vertical_pieces_many` of intervals ``[a[i], b[i]]`` on tracks given by their
    simple profiles' margins, as columns: track ``s`` has the points ``off[s]:off[s + 1]``
    of ``time``, ``floor`` and ``ceiling`` (each limit part's ``margin``), interval ``i`` is
    on track ``s_of[i]`` whose first and last times are ``t_first[i]`` and ``t_last[i]``."""
    n_s = off.size - 1
    margins = [floor, ceiling]
    # every crossing of floor (kind 0) or ceiling (kind 1): owner slot, kind, segment, time
    cs, ck, cg, ct = [], [], [], []
    inner = np.ones(time.size - 1, bool)
    inner[off[1:-1] - 1] = False  # no segment from one track's last fix to the next's first
    seg_slot = np.repeat(np.arange(n_s), np.diff(off))[:-1]
    for kind in (0, 1):
        m = margins[kind]
        m0, m1 = m[:-1], m[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            cross = inner & np.isfinite(m0) & np.isfinite(m1) & ((m0 < 0) != (m1 < 0))
            g = np.flatnonzero(cross)
            f = m0[g] / (m0[g] - m1[g])
        cs.append(seg_slot[g])
        ck.append(np.full(g.size, kind))
        cg.append(g)
        ct.append(time[g] + f * (time[g + 1] - time[g]))
    c_slot, c_kind, c_seg, c_t = (np.concatenate(v) for v in (cs, ck, cg, ct))
    order = np.lexsort((c_seg, c_kind, c_t, c_slot))
    c_slot, c_kind, c_t = c_slot[order], c_kind[order], c_t[order]
    bound = np.searchsorted(c_slot, np.arange(n_s + 1))
    lo = search_sorted(c_t, bound[s_of], bound[s_of + 1], a, "right")  # first crossing > ta
    hi = search_sorted(c_t, bound[s_of], bound[s_of + 1], b, "left")  # first crossing >= tb
    cnt = np.maximum(hi - lo, 0)
    # sub-intervals: bounds [ta, crossings..., tb] of each item, their midpoints
    per = cnt + 1
    start = np.cumsum(per) - per
    item_of = np.repeat(np.arange(a.size), per)
    j = np.arange(item_of.size) - start[item_of]
    idx = lo[item_of] + j
    last_idx = max(c_t.size - 1, 0)
    left = np.where(j == 0, a[item_of], c_t[np.minimum(idx - 1, last_idx)] if c_t.size else 0.0)
    right = np.where(
        j == cnt[item_of], b[item_of], c_t[np.minimum(idx, last_idx)] if c_t.size else 0.0
    )
    mid = 0.5 * (left + right)
    mid = np.where(a[item_of] == b[item_of], a[item_of], mid)
    # floor and ceiling states at the midpoints (+1 on the airspace side, -1 not): the
    # margins interpolated as np.interp does on each track (a constant limit's margin is
    # constant: interpolated, that constant)
    m_slot = s_of[item_of]
    v_lo, v_hi = off[m_slot], off[m_slot + 1]
    fv = interp_many(mid, v_lo, v_hi, time, margins[0])
    cv = interp_many(mid, v_lo, v_hi, time, margins[1])
    fl = np.where(fv >= 0, 1, -1).astype(np.int8)
    ce = np.where(cv <= 0, 1, -1).astype(np.int8)
    status = np.full(mid.size, "unknown", dtype="<U7")
    status[(fl == 1) & (ce == 1)] = "inside"
    status[ce == -1] = "above"
    status[fl == -1] = "below"
    kinds = np.array(["floor", "ceiling"])[c_kind] if c_kind.size else np.array(["floor"])
    # each sub-interval's bounds, and the vias at its ends: the interval's own (start or end
    # of the track, else lateral) or the crossing's limit
    same = a[item_of] == b[item_of]
    x0 = np.where(same, a[item_of], left)
    x1 = np.where(same, b[item_of], right)
    k_last = kinds.size - 1
    before = np.where(
        j == 0,
        np.where(a == t_first, "start", "lateral")[item_of],
        kinds[np.clip(idx - 1, 0, k_last)],
    )
    after = np.where(
        j == cnt[item_of],
        np.where(b == t_last, "end", "lateral")[item_of],
        kinds[np.clip(idx, 0, k_last)],
    )
    # runs of one status within an interval make one piece
    new = np.ones(item_of.size, bool)
    new[1:] = (item_of[1:] != item_of[:-1]) | (status[1:] != status[:-1])
    heads = np.flatnonzero(new)
    tails = np.r_[heads[1:], item_of.size] - 1
    return PieceTable(
        item_of[heads], x0[heads], x1[tails], status[heads], before[heads], after[tails]
    )
