"""The exact check of many finished pieces at once: one batch of a scan in few vectorised calls.

:func:`overflight.archive.pool.check_piece` runs the core check piece by piece; its cost is
mostly Python and per-call overhead of small geodesic computations. :func:`check_jobs` gives
the same rows for a whole batch of pieces (*jobs*) by doing the expensive steps of the core
check for every (piece, airspace) pair together:

- the segments' geodesic lengths and azimuths, once;
- the exact crossings of the segments with the polygons' geodesic edges (candidate pairs
  from the local planes, then the exact side predicates and the crossing root search of
  :mod:`overflight.geometry.crossing` over all of them at once) and where each piece starts
  (:mod:`.batch_crossings`; the pieces laid end to end by :mod:`.batch_paths`);
- the deepest point: inside circles the exact search of
  :mod:`overflight.geometry.extremum`, elsewhere its sampled search
  (:func:`~overflight.geometry.extremum.distance_extrema`), for all incursions together.

Every computation is element-wise the one of the core check, so times and positions are the
same to the last bit where the steps are shared: the vertical split is
:func:`~overflight.analysis.vertical_many.vertical_pieces_many` (the core check's split for
many intervals at once, element-wise the same), activation is the core check's own function,
and the incursions' fields are laid out as columns with the core check's operations
(:mod:`.batch_columns`). A piece with segments longer than the check's densification step
is taken on the path the core check builds for it (the points it inserts, to the bit).
Pieces the batched path does not take (airspaces of several polygons) go through
:func:`check_piece` unchanged; a piece of one fix is a stretch of no length here (its one
point: the same rows as the core check's, and 0.66 ms less each).

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> from overflight.archive.index import AirspaceIndex
>>> from overflight.archive.pool import Job
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> job = Job("abc123", None, 0.0, [0], np.array([0.0, 100.0]), np.array([0.0, 0.0]),
...           np.array([-0.2, 0.2]), np.full(2, 1000.0), np.full(2, np.nan), np.zeros(2, np.uint8))
>>> [round(r["entry_time"] / 1e6, 2) for r in check_jobs(AirspaceIndex([zone]), [job])]
[27.54]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from ..analysis.activation import split_by_activation
from ..analysis.check import PreparedAirspace, margin_top, vertical_margin
from ..analysis.lateral import union_intervals
from ..analysis.vertical_many import VPiece, pieces_from_margins, vertical_pieces_many
from ..geometry.extremum import deepest_in_circles, distance_extrema
from ..geometry.jit import compiled_for_all
from ..geometry.path import search_sorted
from ..geometry.vertical import LimitSeries, VerticalProfile
from .batch_columns import AirspaceMeta, Columns, columns_batch, columns_rows, incursion_columns
from .batch_crossings import crossings, starts_inside
from .batch_limits import PairMargins, Plan, limit_plan, pair_margins
from .batch_paths import Paths, plain_paths
from .batch_records import flag_masks, tops_from_margins
from .index import AirspaceIndex
from .pool import Job, check_piece
from .rows import to_batch
from .state import flag_names

__all__ = ["check_jobs", "check_jobs_batches"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Rows = list[dict[str, Any]]


@dataclass
class _Stub:
    """One incursion found, before its depth and end points are computed."""

    pair: int
    t0: float
    t1: float
    status: str
    via0: str
    via1: str
    activation: str


@dataclass
class _Vertical:
    """The floor and ceiling along the pairs that have a lateral interval: the simple pairs'
    margins (:mod:`.batch_limits`; ``slot``: each pair's, -1 if none) and the others'
    profiles (by pair)."""

    profiles: dict[int, VerticalProfile]
    margins: PairMargins | None
    slot: I64


def _vertical(
    P: Paths,
    pairs: list[tuple[int, int]],
    preps: dict[int, PreparedAirspace],
    index: Any,
    used: list[int],
    span: tuple[F64, F64],
) -> _Vertical:
    """The margins of the simple pairs among ``used``, each over its points from the last
    before ``span[0][i]`` to the first after ``span[1][i]`` (around all its intervals: the
    same crossings and interpolations there as over its whole path, fixes of equal times
    included), and the profiles of the others (those shared by a path's pairs of equal
    limits built once)."""
    plans: dict[int, Plan | None] = {}
    for k in {pairs[p][1] for p in used}:
        a = preps[k].airspace
        plans[k] = limit_plan(a.floor, a.ceiling)
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
    return _Vertical(profiles, pm, slot)


def _stubs(
    P: Paths,
    pairs: list[tuple[int, int]],
    preps: dict[int, PreparedAirspace],
    index: Any,
) -> tuple[list[_Stub], _Vertical]:
    """Every incursion of the pairs (before depth and end points), and the floor and
    ceiling along each pair that has a lateral interval (computed only for those)."""
    cpair, cseg, cfrac = crossings(P, pairs, preps)
    inside0 = starts_inside(P, pairs, preps, index)
    ctime = P.time[cseg] + cfrac * (P.time[cseg + 1] - P.time[cseg]) if cseg.size else cfrac
    bounds = np.searchsorted(cpair, np.arange(len(pairs) + 1))
    iv_pair: list[int] = []
    iv_a: list[float] = []
    iv_b: list[float] = []
    for p, (j, _) in enumerate(pairs):
        times = ctime[bounds[p] : bounds[p + 1]].tolist()
        inside = bool(inside0[p])
        if not times and not inside:
            continue
        t_first, t_last = float(P.time[P.off[j]]), float(P.time[P.off[j + 1] - 1])
        lateral: list[tuple[float, float]] = []
        start = t_first if inside else None
        for tc in times:
            if inside:
                lateral.append((start, tc))  # type: ignore[arg-type]
            start = None if inside else tc
            inside = not inside
        if inside:
            lateral.append((start, t_last))  # type: ignore[arg-type]
        for ta, tb in union_intervals(lateral):
            iv_pair.append(p)
            iv_a.append(ta)
            iv_b.append(tb)
    if not iv_pair:
        return [], _Vertical({}, None, np.full(len(pairs), -1, np.int64))
    iv = np.array(iv_pair, np.int64)
    ta, tb = np.array(iv_a), np.array(iv_b)
    used, first = np.unique(iv, return_index=True)  # iv is sorted: each pair's intervals
    last = np.r_[first[1:], iv.size] - 1  # are together, in time order
    vert = _vertical(P, pairs, preps, index, used.tolist(), (ta[first], tb[last]))
    jobs_of = np.array([pairs[p][0] for p in iv_pair], np.int64)
    t_first, t_last = P.time[P.off[jobs_of]], P.time[P.off[jobs_of + 1] - 1]
    split: list[list[VPiece]] = [[] for _ in iv_pair]
    s_of = vert.slot[iv]
    fast = np.flatnonzero(s_of >= 0)
    if fast.size:
        pm = vert.margins
        assert pm is not None
        found = pieces_from_margins(
            pm.time, pm.off, pm.floor, pm.ceiling, s_of[fast], ta[fast], tb[fast],
            t_first[fast], t_last[fast],
        )  # fmt: skip
        for i, pieces in zip(fast.tolist(), found, strict=True):
            split[i] = pieces
    slow = np.flatnonzero(s_of < 0)
    if slow.size:
        used = list(dict.fromkeys(iv[slow].tolist()))
        slot = {p: n for n, p in enumerate(used)}
        found = vertical_pieces_many(
            [P.paths[pairs[p][0]] for p in used],
            [vert.profiles[p] for p in used],
            np.array([slot[p] for p in iv[slow].tolist()], np.int64),
            ta[slow], tb[slow], t_first[slow], t_last[slow],
        )  # fmt: skip
        for i, pieces in zip(slow.tolist(), found, strict=True):
            split[i] = pieces
    out: list[_Stub] = []
    for p, pieces in zip(iv_pair, split, strict=True):
        windows = preps[pairs[p][1]].windows
        for p0, p1, status, v0, v1 in pieces:
            if status not in ("inside", "unknown"):
                continue
            for a0, a1, act in split_by_activation(p0, p1, windows):
                out.append(
                    _Stub(
                        p,
                        a0,
                        a1,
                        status,
                        v0 if a0 == p0 else "activation",
                        v1 if a1 == p1 else "activation",
                        act,
                    )
                )
    return out, vert


def check_jobs(index: AirspaceIndex, jobs: Sequence[Job]) -> Rows:
    """Incursion rows of every job: those of :func:`check_piece` on each, computed together
    (with the compiled passes for every call, as :func:`check_piece`: the rows do not depend
    on how the scan chunks its pieces)."""
    with compiled_for_all():
        rows, cols = _check_jobs(index, jobs)
    return rows + columns_rows(cols) if cols is not None else rows


def check_jobs_batches(index: AirspaceIndex, jobs: Sequence[Job]) -> list[pa.RecordBatch]:
    """:func:`check_jobs`'s rows as Arrow record batches of :data:`~.rows.SCHEMA` (none if
    there are no rows; rows in no particular order), built column by column."""
    with compiled_for_all():
        rows, cols = _check_jobs(index, jobs)
    out = [to_batch(rows)] if rows else []
    return [*out, columns_batch(cols)] if cols is not None else out


def _check_jobs(index: AirspaceIndex, jobs: Sequence[Job]) -> tuple[Rows, Columns | None]:
    """The rows of the jobs :func:`check_piece` checks alone, and the columns of the rest."""
    if not jobs:
        return [], None
    P, taken = plain_paths(jobs)
    pos = {j: i for i, j in enumerate(P.jobs)}
    rows: Rows = []
    pairs: list[tuple[int, int]] = []
    preps: dict[int, PreparedAirspace] = {}
    for ji, job in enumerate(jobs):
        slow: list[int] = []
        for k in job.near:
            prep = index.prepared(k)
            if prep is None:
                continue
            if taken[ji] and len(prep.polygons) == 1:
                preps[k] = prep
                pairs.append((pos[ji], k))
            else:
                slow.append(k)
        if slow:
            rows += check_piece(index, replace(job, near=slow))
    if not pairs:
        return rows, None
    stubs, vert = _stubs(P, pairs, preps, index)
    if not stubs:
        return rows, None
    jobs_of = np.array([pairs[s.pair][0] for s in stubs], np.int64)
    ends_lon, ends_lat = P.point_at(
        np.repeat(jobs_of, 2), np.array([v for s in stubs for v in (s.t0, s.t1)])
    )
    circ = [i for i, s in enumerate(stubs) if preps[pairs[s.pair][1]].outline.circle is not None]
    deep: list[tuple[float, float, float, float] | None] = [None] * len(stubs)
    found = deepest_in_circles(
        [
            (
                P.paths[int(jobs_of[i])],
                preps[pairs[stubs[i].pair][1]].outline.circle,
                stubs[i].t0,
                stubs[i].t1,
            )
            for i in circ
        ]  # type: ignore[misc]
    )
    for i, f in zip(circ, found, strict=True):
        deep[i] = f
    rest = [i for i, d in enumerate(deep) if d is None]
    stretches = []
    for i in rest:
        j, k = pairs[stubs[i].pair]
        stretches.append((P.paths[j], preps[k].outline, stubs[i].t0, stubs[i].t1))
    searched = distance_extrema(stretches, maximize=True)
    for i, f in zip(rest, searched, strict=True):
        deep[i] = f
    # the vertical margins and the fixes' flags of every incursion at once
    t0 = np.array([s.t0 for s in stubs])
    t1 = np.array([s.t1 for s in stubs])
    tops = np.full(len(stubs), np.nan)
    s_slot = vert.slot[np.array([s.pair for s in stubs], np.int64)]
    fast = np.flatnonzero(s_slot >= 0)
    if fast.size:
        pm = vert.margins
        assert pm is not None
        lo, hi = pm.off[s_slot[fast]], pm.off[s_slot[fast] + 1]
        tops[fast] = tops_from_margins(pm.time, pm.floor, pm.ceiling, lo, hi, t0[fast], t1[fast])
    flags = np.concatenate([jobs[i].flags for i in P.jobs])
    fo = P.fix_off
    masks = flag_masks(P.fix_time, flags, fo[jobs_of], fo[jobs_of + 1], t0, t1).tolist()
    margins: list[float | None] = []
    reasons: list[str | None] = []
    for s, top, sl in zip(stubs, tops.tolist(), s_slot.tolist(), strict=True):
        if sl >= 0:  # a simple pair: its limits' reasons are none
            margins.append(vertical_margin(top, s.status))
            reasons.append(None)
            continue
        profile = vert.profiles[s.pair]
        top = margin_top(profile, P.paths[pairs[s.pair][0]], s.t0, s.t1)
        margins.append(vertical_margin(top, s.status))
        why = profile.reasons() if s.status == "unknown" else None
        reasons.append("; ".join(why) if why else None)
    names: dict[int, list[str]] = {}
    space_at: dict[int, int] = {}
    spaces: list[AirspaceMeta] = []
    for k in (pairs[s.pair][1] for s in stubs):
        if k not in space_at:
            space_at[k] = len(spaces)
            a = preps[k].airspace
            spaces.append((k, a.name, a.kind, a.id, a.source, str(a.floor), str(a.ceiling)))
    cols = incursion_columns(
        [(jobs[i].icao24, jobs[i].callsign, jobs[i].track_start) for i in P.jobs],
        spaces,
        jobs_of,
        np.array([space_at[pairs[s.pair][1]] for s in stubs], np.int64),
        (t0, t1),
        (ends_lon, ends_lat),
        deep,  # type: ignore[arg-type]
        (
            [s.status for s in stubs],
            [s.via0 for s in stubs],
            [s.via1 for s in stubs],
            [s.activation for s in stubs],
        ),
        margins,
        reasons,
        [names[m] if m in names else names.setdefault(m, flag_names(m)) for m in masks],
    )
    return rows, cols
