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
same to the last bit where the steps are shared: the lateral intervals, their vertical
split and activation are :mod:`.batch_stubs`' columns (the split on the simple pairs'
margins of :mod:`.batch_limits`, else
:func:`~overflight.analysis.vertical_many.vertical_pieces_many`: the core check's split for
many intervals at once, element-wise the same; activation the core check's own function),
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

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from ..analysis.check import PreparedAirspace, margin_top, vertical_margin
from ..geometry.extremum import deepest_in_circles, distance_extrema
from ..geometry.jit import compiled_for_all
from .batch_columns import AirspaceMeta, Columns, columns_batch, columns_rows, incursion_columns
from .batch_paths import plain_paths
from .batch_records import flag_masks, tops_from_margins
from .batch_stubs import stubs
from .index import AirspaceIndex
from .pool import Job, check_piece
from .rows import to_batch
from .state import flag_names

__all__ = ["check_jobs", "check_jobs_batches"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Rows = list[dict[str, Any]]


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
    st, vert = stubs(P, pairs, preps, index)
    if len(st) == 0:
        return rows, None
    pj = np.array([p[0] for p in pairs], np.int64)
    pk = np.array([p[1] for p in pairs], np.int64)
    jobs_of, space_k = pj[st.pair], pk[st.pair]
    t0, t1 = st.t0, st.t1
    ends_lon, ends_lat = P.point_at(np.repeat(jobs_of, 2), np.column_stack([t0, t1]).ravel())
    uk = np.unique(space_k)
    is_circle = np.array([preps[k].outline.circle is not None for k in uk.tolist()], bool)
    circ = np.flatnonzero(is_circle[np.searchsorted(uk, space_k)])
    t0_l, t1_l, j_l, k_l = t0.tolist(), t1.tolist(), jobs_of.tolist(), space_k.tolist()
    deep: list[tuple[float, float, float, float] | None] = [None] * len(st)
    found = deepest_in_circles(
        [(P.paths[j_l[i]], preps[k_l[i]].outline.circle, t0_l[i], t1_l[i]) for i in circ.tolist()]  # type: ignore[misc]
    )
    for i, f in zip(circ.tolist(), found, strict=True):
        deep[i] = f
    rest = [i for i, d in enumerate(deep) if d is None]
    stretches = [(P.paths[j_l[i]], preps[k_l[i]].outline, t0_l[i], t1_l[i]) for i in rest]
    searched = distance_extrema(stretches, maximize=True)
    for i, f in zip(rest, searched, strict=True):
        deep[i] = f
    # the vertical margins and the fixes' flags of every incursion at once
    s_slot = vert.slot[st.pair]
    fast = np.flatnonzero(s_slot >= 0)
    top = np.full(len(st), np.nan)
    if fast.size:
        pm = vert.margins
        assert pm is not None
        lo, hi = pm.off[s_slot[fast]], pm.off[s_slot[fast] + 1]
        top[fast] = tops_from_margins(pm.time, pm.floor, pm.ceiling, lo, hi, t0[fast], t1[fast])
    flags = np.concatenate([jobs[i].flags for i in P.jobs])
    fo = P.fix_off
    masks = flag_masks(P.fix_time, flags, fo[jobs_of], fo[jobs_of + 1], t0, t1).tolist()
    # vertical_margin of each (the simple pairs' limits have no reasons)
    vm = np.where(st.status == "inside", top, -top)
    vm = np.where(vm < 0.0, 0.0, vm)
    margins: list[float | None] = [
        v if ok else None for v, ok in zip(vm.tolist(), np.isfinite(top).tolist(), strict=True)
    ]
    reasons: list[str | None] = [None] * len(st)
    for i in np.flatnonzero(s_slot < 0).tolist():
        p = int(st.pair[i])
        profile, status = vert.profiles[p], str(st.status[i])
        margins[i] = vertical_margin(margin_top(profile, P.paths[j_l[i]], t0_l[i], t1_l[i]), status)
        why = profile.reasons() if status == "unknown" else None
        reasons[i] = "; ".join(why) if why else None
    names: dict[int, list[str]] = {}
    # the airspaces in order of first appearance
    _, first = np.unique(space_k, return_index=True)
    seen = space_k[np.sort(first)].tolist()
    space_at = {k: n for n, k in enumerate(seen)}
    spaces: list[AirspaceMeta] = []
    for k in seen:
        a = preps[k].airspace
        spaces.append((k, a.name, a.kind, a.id, a.source, str(a.floor), str(a.ceiling)))
    cols = incursion_columns(
        [(jobs[i].icao24, jobs[i].callsign, jobs[i].track_start) for i in P.jobs],
        spaces,
        jobs_of,
        np.array([space_at[k] for k in k_l], np.int64),
        (t0, t1),
        (ends_lon, ends_lat),
        deep,  # type: ignore[arg-type]
        (st.status.tolist(), st.via0.tolist(), st.via1.tolist(), st.activation.tolist()),
        margins,
        reasons,
        [names[m] if m in names else names.setdefault(m, flag_names(m)) for m in masks],
    )
    return rows, cols
