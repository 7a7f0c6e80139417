"""The incursions of a batch's (path, airspace) pairs before their depth and end points: the
lateral intervals from the crossings, their vertical split and activation, as columns (the
batched check, :mod:`.batch`).

Element-wise what the core check does for one pair at a time: the lateral intervals are
the stretches between consecutive boundary crossings (from the track's start if it starts
inside, to its end if it ends inside), merged where they touch
(:func:`~overflight.analysis.lateral.union_intervals`); the vertical split is
:func:`~overflight.analysis.vertical_many.piece_table` on the simple pairs' margins
(:mod:`.batch_limits`) and :func:`~overflight.analysis.vertical_many.vertical_pieces_many`
on the others' profiles; activation is the core check's own
:func:`~overflight.analysis.activation.split_by_activation`.

>>> owner, ta, tb = lateral_intervals(
...     np.array([0, 0, 1]), np.array([10.0, 20.0, 5.0]), np.array([False, True]),
...     np.array([0.0, 0.0]), np.array([30.0, 30.0]))
>>> owner.tolist(), ta.tolist(), tb.tolist()
([0, 1], [10.0, 0.0], [20.0, 5.0])
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analysis.activation import split_by_activation
from ..analysis.check import PreparedAirspace
from ..analysis.vertical_many import PieceTable, piece_table, vertical_pieces_many
from ..geometry.path import search_sorted
from ..geometry.vertical import LimitSeries, VerticalProfile
from .batch_crossings import crossings, starts_inside
from .batch_limits import PairMargins, Plan, limit_plan, pair_margins
from .batch_paths import Paths

__all__ = ["Stubs", "Vertical", "lateral_intervals", "stubs"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
S = NDArray[np.str_]


@dataclass
class Stubs:
    """The incursions found, before their depth and end points, as columns: each one's
    pair, times, vertical status, vias and activation."""

    pair: I64
    t0: F64
    t1: F64
    status: S
    via0: S
    via1: S
    activation: S

    def __len__(self) -> int:
        return int(self.pair.size)


@dataclass
class Vertical:
    """The floor and ceiling along the pairs that have a lateral interval: the simple pairs'
    margins (:mod:`.batch_limits`; ``slot``: each pair's, -1 if none) and the others'
    profiles (by pair)."""

    profiles: dict[int, VerticalProfile]
    margins: PairMargins | None
    slot: I64


def lateral_intervals(
    cpair: I64, ctime: F64, inside0: NDArray[np.bool_], t_first: F64, t_last: F64
) -> tuple[I64, F64, F64]:
    """Each pair's lateral intervals (pair, start, end; pair by pair, in time order) from its
    crossings' times (``cpair`` sorted, each pair's ``ctime`` in time order), whether it
    starts inside, and its track's first and last times: between consecutive boundaries
    (the start if inside, the crossings, the end if inside there), touching ones merged."""
    n = inside0.size
    nc = np.bincount(cpair, minlength=n)
    end_in = inside0 ^ (nc % 2 == 1)
    m = inside0.astype(np.int64) + nc + end_in  # boundaries: an even number per pair
    pos = np.cumsum(m) - m
    bnd = np.empty(int(m.sum()))
    bnd[pos[inside0]] = t_first[inside0]
    first_c = np.cumsum(nc) - nc
    at = pos[cpair] + inside0[cpair] + (np.arange(cpair.size) - first_c[cpair])
    bnd[at] = ctime
    bnd[(pos + m - 1)[end_in]] = t_last[end_in]
    a, b = bnd[0::2], bnd[1::2]
    owner = np.repeat(np.arange(n), m // 2)
    if a.size == 0:
        return owner, a, b
    new = np.ones(a.size, bool)
    new[1:] = (owner[1:] != owner[:-1]) | (a[1:] > b[:-1])
    heads = np.flatnonzero(new)
    tails = np.r_[heads[1:], a.size] - 1
    return owner[heads], a[heads], b[tails]


def _plan(prep: PreparedAirspace) -> Plan | None:
    """The airspace's :func:`~.batch_limits.limit_plan`, cached on ``prep`` (its limits are
    read for every chunk of jobs near it)."""
    if "_limit_plan" not in prep.__dict__:
        a = prep.airspace
        object.__setattr__(prep, "_limit_plan", limit_plan(a.floor, a.ceiling))
    return prep.__dict__["_limit_plan"]  # type: ignore[no-any-return]


def vertical(
    P: Paths,
    pairs: list[tuple[int, int]],
    preps: dict[int, PreparedAirspace],
    index: Any,
    used: list[int],
    span: tuple[F64, F64],
) -> Vertical:
    """The margins of the simple pairs among ``used``, each over its points from the last
    before ``span[0][i]`` to the first after ``span[1][i]`` (around all its intervals: the
    same crossings and interpolations there as over its whole path, fixes of equal times
    included), and the profiles of the others (those shared by a path's pairs of equal
    limits built once)."""
    plans = {k: _plan(preps[k]) for k in {pairs[p][1] for p in used}}
    jj = np.array([pairs[p][0] for p in used], np.int64)
    j_lo, j_hi = P.off[jj], P.off[jj + 1]
    lo = np.maximum(search_sorted(P.time, j_lo, j_hi, span[0], "left") - 1, j_lo)
    hi = np.minimum(search_sorted(P.time, j_lo, j_hi, span[1], "right") + 1, j_hi)
    pm = pair_margins(
        P.time,
        P.alt_baro,
        P.alt_geo,
        lo,
        hi,
        np.array(P.known, bool).reshape(-1, 4)[jj],
        [plans[pairs[p][1]] for p in used],
    )
    slot = np.full(len(pairs), -1, np.int64)
    slot[used] = pm.slot
    profiles: dict[int, VerticalProfile] = {}
    series: dict[int, dict[Hashable, LimitSeries]] = {}  # per job: limits shared
    shared: dict[tuple[int, int], VerticalProfile] = {}  # per job and pair of limits
    for p, s in zip(used, pm.slot.tolist(), strict=True):
        if s >= 0:
            continue
        j, k = pairs[p]
        lk, fk, ck = index.limits_key(k)
        prof = shared.get((j, lk))
        if prof is None:
            path = P.paths[j]
            prof = shared[j, lk] = VerticalProfile.build(
                preps[k].airspace.floor,
                preps[k].airspace.ceiling,
                path.alt_baro,
                path.alt_geo,
                P.known[j],
                series.setdefault(j, {}),
                (fk, ck),
            )
        profiles[p] = prof
    return Vertical(profiles, pm, slot)


def _columns(rows: list[tuple], dtypes: tuple[str, ...]) -> list[np.ndarray]:  # type: ignore[type-arg]
    """Rows of equal length as one array per column, of ``dtypes``."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(dtypes)
    return [np.array(c, d) for c, d in zip(cols, dtypes, strict=True)]


def _table(item: I64, pieces: list[list[tuple[float, float, str, str, str]]]) -> PieceTable:
    """Lists of vertical pieces (of intervals ``item``) as a :class:`PieceTable`."""
    flat = [(i, *pc) for i, ps in zip(item.tolist(), pieces, strict=True) for pc in ps]
    return PieceTable(*_columns(flat, ("int64", "float64", "float64", "<U7", "<U7", "<U7")))


def stubs(
    P: Paths,
    pairs: list[tuple[int, int]],
    preps: dict[int, PreparedAirspace],
    index: Any,
) -> tuple[Stubs, Vertical]:
    """Every incursion of the pairs (before depth and end points), and the floor and
    ceiling along each pair that has a lateral interval (computed only for those)."""
    cpair, cseg, cfrac = crossings(P, pairs, preps)
    inside0 = starts_inside(P, pairs, preps, index)
    ctime = P.time[cseg] + cfrac * (P.time[cseg + 1] - P.time[cseg]) if cseg.size else cfrac
    pj = np.array([p[0] for p in pairs], np.int64)
    pk = np.array([p[1] for p in pairs], np.int64)
    iv, ta, tb = lateral_intervals(
        cpair, ctime, inside0, P.time[P.off[pj]], P.time[P.off[pj + 1] - 1]
    )
    if iv.size == 0:
        none = np.empty(0, "<U7")
        empty = Stubs(np.empty(0, np.int64), np.empty(0), np.empty(0), *[none] * 4)
        return empty, Vertical({}, None, np.full(len(pairs), -1, np.int64))
    used, first = np.unique(iv, return_index=True)  # each pair's intervals are together,
    last = np.r_[first[1:], iv.size] - 1  # in time order
    vert = vertical(P, pairs, preps, index, used.tolist(), (ta[first], tb[last]))
    jobs_of = pj[iv]
    t_first, t_last = P.time[P.off[jobs_of]], P.time[P.off[jobs_of + 1] - 1]
    s_of = vert.slot[iv]
    parts: list[PieceTable] = []
    fast = np.flatnonzero(s_of >= 0)
    if fast.size:
        pm = vert.margins
        assert pm is not None
        t = piece_table(
            pm.time, pm.off, pm.floor, pm.ceiling, s_of[fast], ta[fast], tb[fast],
            t_first[fast], t_last[fast],
        )  # fmt: skip
        parts.append(t._replace(item=fast[t.item]))
    slow = np.flatnonzero(s_of < 0)
    if slow.size:
        us = list(dict.fromkeys(iv[slow].tolist()))
        at = {p: n for n, p in enumerate(us)}
        found = vertical_pieces_many(
            [P.paths[pairs[p][0]] for p in us],
            [vert.profiles[p] for p in us],
            np.array([at[p] for p in iv[slow].tolist()], np.int64),
            ta[slow], tb[slow], t_first[slow], t_last[slow],
        )  # fmt: skip
        parts.append(_table(slow, found))
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    order = np.argsort(cols[0], kind="stable")  # interval by interval, each in time order
    item, p0, p1, status, v0, v1 = (c[order] for c in cols)
    keep = (status == "inside") | (status == "unknown")
    item, p0, p1, status, v0, v1 = (c[keep] for c in (item, p0, p1, status, v0, v1))
    pair = iv[item]
    uk = np.unique(pk[pair])
    windows = [preps[k].windows for k in uk.tolist()]
    if all(not w for w in windows):
        # no activation windows: nothing to split ("unknown" without any, "always" if none given)
        label = np.array(["unknown" if w is None else "always" for w in windows], "<U8")
        act = label[np.searchsorted(uk, pk[pair])] if pair.size else np.empty(0, "<U8")
        return Stubs(pair, p0, p1, status, v0, v1, act), vert
    w_of = dict(zip(uk.tolist(), windows, strict=True))
    rows = []
    for p, a0_, a1_, st, w0, w1 in zip(
        pair.tolist(), p0.tolist(), p1.tolist(), status.tolist(), v0.tolist(), v1.tolist(),
        strict=True,
    ):  # fmt: skip
        for a0, a1, ac in split_by_activation(a0_, a1_, w_of[pairs[p][1]]):
            cut0 = w0 if a0 == a0_ else "activation"
            cut1 = w1 if a1 == a1_ else "activation"
            rows.append((p, a0, a1, st, cut0, cut1, ac))
    kinds = ("int64", "float64", "float64", "<U7", "<U10", "<U10", "<U8")
    return Stubs(*_columns(rows, kinds)), vert
