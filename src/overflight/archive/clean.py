"""Cleaning of one batch of state vectors, carrying state across batches: the per-row
validity tests on whole columns, then the rows in canonical order through one compiled pass
(:mod:`.clean_compiled`).

Rows are dropped (and counted per reason) when they have no icao24, no time or no position,
a position or altitude out of range, repeat the previous row exactly (``duplicate``), repeat
its ``lastposupdate`` (``stale``: OpenSky re-sends the last position every second), put the
aircraft at two places at one time (``conflicting_position``) or go back in time
(``time_order``). Kept rows are *fixes*, timed by ``lastposupdate`` where it is plausible (as
:mod:`overflight.formats.tracks.opensky` does), else by ``time``.

Fixes are flagged, never dropped, for :data:`~.state.FROZEN`, :data:`~.state.JUMP` and
:data:`~.state.SPEED`; a track *breaks* before a fix after a gap longer than ``gap_s`` or a
jump faster than ``max_speed_ms``.

>>> import numpy as np
>>> from overflight.archive.state import AircraftState
>>> rows = Rows.of(code=[0, 0, 0], time=[0.0, 1.0, 1.0], lat=[60, 60.001, 60.001],
...                lon=[25, 25, 25])
>>> counts = {}
>>> f = clean(rows, AircraftState(), ScanParameters(), counts)
>>> f.time.tolist(), counts
([0.0, 1.0], {'duplicate': 1})
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .state import AircraftState

__all__ = ["Fixes", "Rows", "ScanParameters", "canonical_order", "clean", "not_outside"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]


@dataclass(frozen=True)
class ScanParameters:
    """Cleaning and track-breaking rules of a scan.

    ``gap_s``: a longer silence breaks the track (no interpolation across it).
    ``max_speed_ms``: a jump implying a faster ground speed breaks it and flags both ends.
    ``frozen_s``: a position unchanged for longer while the aircraft (airborne) goes on
    transmitting is frozen. ``speed_factor``/``speed_slack_ms``: fixes farther apart than
    ``(speed_factor * reported speed + speed_slack_ms) * dt`` (and > 1 km) contradict the
    reported speed. ``alt_min_m``/``alt_max_m``: altitudes outside are impossible.
    ``evict_s``: an open piece of track (near an airspace) whose aircraft has sent nothing
    for longer (at least ``gap_s`` + 60 s) is finalised at the next file boundary instead of
    being held until the aircraft reappears, and the aircraft is forgotten (its next row
    starts it afresh, as a new aircraft's), so memory does not grow with the aircraft that
    landed or left coverage.

    >>> ScanParameters().gap_s
    600.0
    """

    gap_s: float = 600.0
    max_speed_ms: float = 1_200.0
    frozen_s: float = 60.0
    speed_factor: float = 1.5
    speed_slack_ms: float = 50.0
    alt_min_m: float = -1_500.0
    alt_max_m: float = 30_000.0
    evict_s: float = 3_600.0

    def __post_init__(self) -> None:
        if not self.gap_s > 0 or not self.max_speed_ms > 0 or not self.frozen_s > 0:
            raise ValueError("gap_s, max_speed_ms and frozen_s must be > 0")


@dataclass(frozen=True)
class Rows:
    """One batch: ``code`` (aircraft, -1 if none), ``time`` and ``lastpos`` (epoch s),
    ``lat``/``lon`` (deg), ``baro``/``geo`` (m), ``vel`` (m/s), ``ground``, ``cs`` (callsign
    code, -1 if none)."""

    code: I64
    time: F64
    lastpos: F64
    lat: F64
    lon: F64
    baro: F64
    geo: F64
    vel: F64
    ground: B
    cs: I64

    @classmethod
    def of(
        cls, *, code: ArrayLike, time: ArrayLike, lat: ArrayLike, lon: ArrayLike, **more: ArrayLike
    ) -> Rows:
        """Build from lists (missing columns: NaN / False / -1)."""
        c = np.asarray(code, np.int64)
        n = c.shape[0]
        cols: dict[str, np.ndarray] = {"code": c}
        for f in fields(cls):
            if f.name == "code":
                continue
            v = {"time": time, "lat": lat, "lon": lon}.get(f.name, more.get(f.name))
            if f.name == "ground":
                cols[f.name] = np.zeros(n, bool) if v is None else np.asarray(v, bool)
            elif f.name == "cs":
                cols[f.name] = np.full(n, -1, np.int64) if v is None else np.asarray(v, np.int64)
            else:
                cols[f.name] = np.full(n, np.nan) if v is None else np.asarray(v, np.float64)
        return cls(**cols)

    def __len__(self) -> int:
        return int(self.code.shape[0])

    def take(self, idx: NDArray[np.intp] | B) -> Rows:
        """The rows ``idx`` (row numbers in range, or a mask)."""
        if idx.dtype == np.bool_:
            idx = np.flatnonzero(idx)
        # mode "clip": no bounds check per element (the numbers are in range): a batch's ten
        # columns in its canonical order, 49 -> 38 ns per row against indexing
        return Rows(**{f.name: np.take(getattr(self, f.name), idx, mode="clip") for f in _FIELDS})

    @classmethod
    def concat(cls, parts: Sequence[Rows]) -> Rows:
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        )

    def split_last(self) -> tuple[Rows, Rows | None]:
        """(rows to process now, rows to hold for the next batch), so that rows of one
        aircraft at one time, which :func:`clean` compares with each other, always meet in
        one batch, whatever order they come in and wherever the reader cut its batches.

        Held back: the rows at the time ``T`` of the last row that has an aircraft and a time,
        of every aircraft whose latest row in the batch is at ``T``. A file streamed in time
        order may go on at ``T`` with any aircraft (all of them at ``T`` are held); a file
        sorted by aircraft then time, only with the last row's aircraft (another one held,
        its rows all read, is only checked a batch later, still after its earlier rows). What
        is held is rows at one time: memory stays bounded by the rows of one time step.

        >>> by_time = Rows.of(code=[0, 1, 0, 1, 2, -1], time=[5.0, 5.0, 6.0, 6.0, 6.0, 6.0],
        ...                   lat=[0] * 6, lon=[0] * 6)
        >>> now, held = by_time.split_last()  # any aircraft at t=6 may go on
        >>> now.code.tolist(), held.code.tolist()
        ([0, 1, -1], [0, 1, 2])
        >>> by_aircraft = Rows.of(code=[0, 0, 0, 1, 1], time=[5.0, 6.0, 7.0, 5.0, 6.0],
        ...                       lat=[0] * 5, lon=[0] * 5)
        >>> now, held = by_aircraft.split_last()  # aircraft 0 went on to t=7: done
        >>> now.code.tolist(), held.code.tolist()
        ([0, 0, 0, 1], [1])
        """
        ok = np.flatnonzero((self.code >= 0) & np.isfinite(self.time))
        if ok.size == 0:
            return self, None
        j = int(ok[-1])
        t_last = self.time[j]
        hold = (self.time == t_last) & (self.code >= 0)
        later = self.time > t_last
        if later.any():  # not in time order: aircraft with rows after t_last go on now
            go_on = np.unique(self.code[later & (self.code >= 0)])
            hold &= ~np.isin(self.code, go_on)
        k = j + 1 - int(np.count_nonzero(hold))
        if j + 1 == len(self) and hold[k:].all():  # the usual case, held rows last: views
            return self.slice(0, k), self.slice(k, j + 1)
        return self.take(~hold), self.take(hold)

    def slice(self, a: int, b: int) -> Rows:
        """Rows ``a:b`` (views of the columns)."""
        return Rows(**{f.name: getattr(self, f.name)[a:b] for f in fields(self)})


_FIELDS = fields(Rows)
_OTHER = [f.name for f in _FIELDS if f.name not in ("code", "time")]


def canonical_order(
    rows: Rows, idx: NDArray[np.intp], cs_names: Sequence[str] = ()
) -> NDArray[np.intp]:
    """``idx`` (increasing row numbers) sorted by aircraft and time, and rows of one aircraft
    at one time (duplicates, or two aircraft sharing an address) by latitude, longitude,
    altitudes, callsign (by name, ``cs_names``), last position time, speed and ground flag:
    one order whatever order the rows came in, so a scan gives one result.

    >>> r = Rows.of(code=[0, 0, 0], time=[2.0, 1.0, 1.0], lat=[60.3, 60.2, 60.1], lon=[0] * 3)
    >>> canonical_order(r, np.arange(3)).tolist()
    [2, 1, 0]
    """
    return _canonical(rows, idx, cs_names)[0]


def canonical_rows(rows: Rows, idx: NDArray[np.intp], cs_names: Sequence[str] = ()) -> Rows:
    """The rows ``idx`` in :func:`canonical_order` (their aircraft and times taken once: the
    order's ties, rows of one aircraft at one time, leave those columns as they are)."""
    o, c, t = _canonical(rows, idx, cs_names)
    taken = {n: _take(rows, n, o) for n in _OTHER}
    return Rows(code=c, time=t, **taken)


class _Joined:
    """Two batches' rows end to end (:func:`clean`'s ``before`` and ``rows``) without a copy
    of every column: a column asked for whole (the sort's keys) is concatenated and kept,
    the others' rows are taken from both parts (:func:`_take`)."""

    def __init__(self, a: Rows, b: Rows) -> None:
        self.parts = (a, b)

    def __len__(self) -> int:
        return len(self.parts[0]) + len(self.parts[1])

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name == "parts":
            raise AttributeError(name)
        a, b = self.parts
        col = np.concatenate([getattr(a, name), getattr(b, name)])
        self.__dict__[name] = col
        return col


def _take(rows: Rows | _Joined, name: str, o: NDArray[np.intp]) -> np.ndarray:
    """Column ``name`` of ``rows`` at rows ``o`` (in range)."""
    if isinstance(rows, _Joined) and name not in rows.__dict__:
        from .clean_compiled import take2

        a, b = rows.parts
        return take2(getattr(a, name), getattr(b, name), o)  # type: ignore[no-any-return]
    return np.take(getattr(rows, name), o, mode="clip")


def _canonical(
    rows: Rows, idx: NDArray[np.intp], cs_names: Sequence[str]
) -> tuple[NDArray[np.intp], I64, F64]:
    """:func:`canonical_order`, and the aircraft codes and times in that order."""
    if idx.size == len(rows):  # every row (nearly always): no copies of the keys first
        o = _by_code_then_time(rows.code, rows.time)
    else:
        o = idx[_by_code_then_time(rows.code[idx], rows.time[idx])]
    c, t = np.take(rows.code, o, mode="clip"), np.take(rows.time, o, mode="clip")
    tie = (c[1:] == c[:-1]) & (t[1:] == t[:-1])
    if not tie.any():
        return o, c, t
    member = np.zeros(o.size, bool)
    member[1:] |= tie
    member[:-1] |= tie
    pos = np.flatnonzero(member)
    group = np.cumsum((pos == 0) | ~tie[np.maximum(pos - 1, 0)])
    sub = o[pos]
    cs = _take(rows, "cs", sub)
    names = np.array([cs_names[k] if 0 <= k < len(cs_names) else "\uffff" for k in cs.tolist()])
    cs_rank = np.unique(names, return_inverse=True)[1]
    keys = (
        _take(rows, "ground", sub),
        _take(rows, "vel", sub),
        _take(rows, "lastpos", sub),
        cs_rank,
        _take(rows, "geo", sub),
        _take(rows, "baro", sub),
        _take(rows, "lon", sub),
        _take(rows, "lat", sub),
        group,
    )
    o[pos] = sub[np.lexsort(keys)]
    return o, c, t


def _by_code_then_time(code: I64, time: F64) -> NDArray[np.intp]:
    """``np.lexsort((time, code))`` (``code >= 0``, ``time`` finite). Rows of a time-ordered
    file come in time order: a stable sort by code alone is then the same permutation, which
    a counting sort of the codes gives in two passes
    (:func:`~.order_compiled.by_code_if_timed`), ~10x faster than numpy's radix sort of
    dense codes and ~200x than the two-key sort."""
    if code.size > 1:
        from .order_compiled import by_code_if_timed

        status, o = by_code_if_timed(code, time)
        if status == 1:
            return o
        if status == 2:  # in time order, codes too far apart to count: numbered densely
            seen = np.zeros(int(code.max()) + 1, bool)
            seen[code] = True
            if int(seen.sum()) <= 1 << 16:  # numpy sorts them by radix
                dense = (np.cumsum(seen) - 1).astype(np.uint16)[code]  # the codes' order
                return np.argsort(dense, kind="stable")
    return np.lexsort((time, code))


@dataclass(frozen=True)
class Fixes:
    """Kept fixes of a batch, sorted by (code, time), with the fix before each.

    ``has_prev``: a previous fix exists (in the batch or carried); ``brk``: a track starts
    here; ``flags``: per fix; ``p*``: the previous fix (for the first fix of each aircraft in
    the batch: the carried one, its flags including what this batch found); ``retro``: codes
    whose carried run of identical positions became frozen here, with that position."""

    code: I64
    time: F64
    lat: F64
    lon: F64
    baro: F64
    geo: F64
    cs: I64
    flags: NDArray[np.uint8]
    has_prev: B
    brk: B
    dist: F64
    ptime: F64
    plat: F64
    plon: F64
    pbaro: F64
    pgeo: F64
    pflags: NDArray[np.uint8]
    pcs: I64
    first: B
    tstart: F64
    retro: dict[int, tuple[float, float]]

    def __len__(self) -> int:
        return int(self.code.shape[0])


def not_outside(lat: F64, lon: F64, bbox: tuple[float, float, float, float] | None) -> B | None:
    """False for the rows whose position is inside the world but outside ``bbox`` (those a
    reader's filter drops, DuckDB's query as the kernel; rows without a usable position
    stay, to be counted), None if there are none."""
    if bbox is None:
        return None
    with np.errstate(invalid="ignore"):
        keep = (lat >= bbox[1]) & (lat <= bbox[3]) & (lon >= bbox[0]) & (lon <= bbox[2])
        keep |= ~(np.abs(lat) <= 90.0) | ~(np.abs(lon) <= 180.0)
    return None if keep.all() else keep


def _count(counts: MutableMapping[str, int], reason: str, mask: B) -> None:
    n = int(np.count_nonzero(mask))
    if n:
        counts[reason] = counts.get(reason, 0) + n


def _valid(
    rows: Rows,
    params: ScanParameters,
    counts: MutableMapping[str, int],
    bbox: tuple[float, float, float, float] | None,
) -> B:
    """The rows that pass the per-row validity tests (the others counted per reason); a
    mask, not a take of the rows: the canonical order takes the rows kept anyway."""
    inside = not_outside(rows.lat, rows.lon, bbox)
    bad_id = rows.code < 0
    bad_t = ~np.isfinite(rows.time) & ~bad_id
    bad_pos = ~(np.isfinite(rows.lat) & np.isfinite(rows.lon)) & ~bad_id & ~bad_t
    if inside is not None:
        _count(counts, "outside_bbox", ~inside)
        bad_id &= inside
        bad_t &= inside
    ok = ~(bad_id | bad_t | bad_pos)
    if inside is not None:
        ok &= inside
    with np.errstate(invalid="ignore"):
        bad_range = ok & ((np.abs(rows.lat) > 90.0) | (np.abs(rows.lon) > 180.0))
        ok &= ~bad_range
        alt_bad = np.zeros(len(rows), bool)
        for a in (rows.baro, rows.geo):
            alt_bad |= (a < params.alt_min_m) | (a > params.alt_max_m)
        bad_alt = ok & alt_bad
    ok &= ~bad_alt
    for reason, m in (
        ("no_icao24", bad_id),
        ("no_time", bad_t),
        ("no_position", bad_pos),
        ("position_out_of_range", bad_range),
        ("altitude_out_of_range", bad_alt),
    ):
        _count(counts, reason, m)
    return ok


def clean(
    rows: Rows,
    state: AircraftState,
    params: ScanParameters,
    counts: MutableMapping[str, int],
    cs_names: Sequence[str] = (),
    bbox: tuple[float, float, float, float] | None = None,
    before: Rows | None = None,
) -> Fixes:
    """Drop bad rows (counted in ``counts``), keep fixes, flag and break; updates ``state``.
    Rows are taken in :func:`canonical_order` (``cs_names``: callsigns by code), the rules
    after the validity tests by :func:`~.clean_compiled.clean_sorted`. Rows with a position
    outside ``bbox`` (lon_min, lat_min, lon_max, lat_max; edges inside) are dropped before
    any test, as a reader's filter would have dropped them (``outside_bbox``). ``before``:
    rows to clean with ``rows`` as one batch (the rows a reader's last batch held back),
    as ``Rows.concat([before, rows])`` would be, without that copy of every column."""
    # -- per-row validity ------------------------------------------------------------------
    if before is not None and len(before):  # two batches' rows end to end, not copied
        ok = np.concatenate([_valid(part, params, counts, bbox) for part in (before, rows)])
        rows = _Joined(before, rows)  # type: ignore[assignment]
    else:
        ok = _valid(rows, params, counts, bbox)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return _empty()
    # compiled on first use (numba): imported here, so that processes that never clean a
    # batch (the check workers) do not load the compiler
    from .clean_compiled import CLASH, DUP, LATE, ORDER, STALE, clean_sorted

    # the columns in canonical order first: the pass then reads them in sequence
    r = canonical_rows(rows, idx, cs_names)
    state.ensure(int(r.code.max()))
    st = state
    (
        f_code, ft, f_lat, f_lon, f_baro, f_geo, f_cs, flags, has_prev, brk, dist, pft, plat,
        plon, pbaro, pgeo, pflags, pcs, first, tstart, drops, r_code, r_kind, r_pos,
    ) = clean_sorted(
        r.code, r.time, r.lastpos, r.lat, r.lon, r.baro, r.geo, r.vel, r.ground, r.cs,
        st.seen, st.has_fix, st.fix_flags, st.fix_cs, st.fix_ground, st.run_frozen, st.row_t,
        st.row_lat, st.row_lon, st.lp, st.fix_t, st.fix_lat, st.fix_lon, st.fix_baro,
        st.fix_geo, st.fix_vel, st.hold_t, st.run_t0, st.track_t0,
        params.gap_s, params.max_speed_ms, params.frozen_s, params.speed_factor,
        params.speed_slack_ms,
    )  # fmt: skip
    for reason, k in (
        ("duplicate", DUP),
        ("conflicting_position", CLASH),
        ("time_order", ORDER),
        ("stale", STALE),
        ("time_order", LATE),
    ):
        if drops[k]:
            counts[reason] = counts.get(reason, 0) + int(drops[k])
    # carried runs found frozen from their hold first, then those a batch's run continued
    retro = {
        int(c): (float(la), float(lo))
        for kind in (0, 1)
        for c, (la, lo) in zip(r_code[r_kind == kind], r_pos[r_kind == kind], strict=True)
    }
    if f_code.size == 0:
        return _empty(retro)
    return Fixes(
        f_code,
        ft,
        f_lat,
        f_lon,
        f_baro,
        f_geo,
        f_cs,
        flags,
        has_prev,
        brk,
        dist,
        pft,
        plat,
        plon,
        pbaro,
        pgeo,
        pflags,
        pcs,
        first,
        tstart,
        retro,
    )


def _empty(retro: dict[int, tuple[float, float]] | None = None) -> Fixes:
    e = np.empty(0)
    i = np.empty(0, np.int64)
    b = np.empty(0, bool)
    u = np.empty(0, np.uint8)
    return Fixes(i, e, e, e, e, e, i, u, b, b, e, e, e, e, e, e, u, i, b, e, retro or {})
