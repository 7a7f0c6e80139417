"""The vectorised (numpy) cleaning rules that :mod:`overflight.archive.clean_compiled`
replaced, kept as the reference the compiled pass is tested against: each step over whole
columns (previous values by shifting, runs by cumulative sums, time order by repeated
removal), as the scan ran them until 2026-12.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

import numpy as np
from numpy.typing import NDArray

from overflight.archive.clean import Fixes, Rows, ScanParameters, canonical_order
from overflight.archive.index import haversine
from overflight.archive.state import FROZEN, JUMP, SPEED, AircraftState

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]


def _count(counts: MutableMapping[str, int], reason: str, mask: B) -> None:
    n = int(np.count_nonzero(mask))
    if n:
        counts[reason] = counts.get(reason, 0) + n


def _prev(values: np.ndarray, first: B, carried: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    if values.shape[0]:
        out[1:] = values[:-1]
        out[first] = carried
    return out


def _firsts(code: I64) -> B:
    first = np.ones(code.shape[0], bool)
    first[1:] = code[1:] != code[:-1]
    return first


def clean_reference(
    rows: Rows,
    state: AircraftState,
    params: ScanParameters,
    counts: MutableMapping[str, int],
    cs_names: Sequence[str] = (),
) -> Fixes:
    """Drop bad rows (counted in ``counts``), keep fixes, flag and break; updates ``state``.
    Rows are taken in :func:`canonical_order` (``cs_names``: callsigns by code)."""
    # -- per-row validity ------------------------------------------------------------------
    bad_id = rows.code < 0
    bad_t = ~np.isfinite(rows.time) & ~bad_id
    bad_pos = ~(np.isfinite(rows.lat) & np.isfinite(rows.lon)) & ~bad_id & ~bad_t
    ok = ~(bad_id | bad_t | bad_pos)
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
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return _empty()
    r = rows.take(canonical_order(rows, idx, cs_names))
    n = len(r)
    state.ensure(int(r.code.max()))
    code = r.code
    first = _firsts(code)
    seen = state.seen[code]
    # -- duplicates and clashes, against the previous row ----------------------------------
    has_prow = ~first | seen
    pt = _prev(r.time, first, state.row_t[code[first]])
    plat = _prev(r.lat, first, state.row_lat[code[first]])
    plon = _prev(r.lon, first, state.row_lon[code[first]])
    same_t = has_prow & (r.time == pt)
    same_pos = (r.lat == plat) & (r.lon == plon)
    dup = same_t & same_pos
    clash = same_t & ~same_pos
    back = has_prow & (r.time < pt)  # only against the carried row: rows are sorted
    _count(counts, "duplicate", dup)
    _count(counts, "conflicting_position", clash)
    _count(counts, "time_order", back)
    last = np.r_[code[1:] != code[:-1], True]
    lc = code[last]
    # the carried row is the latest row: never move it back in time
    upd = ~(state.seen[lc] & (state.row_t[lc] > r.time[last]))
    state.row_t[lc[upd]], state.row_lat[lc[upd]], state.row_lon[lc[upd]] = (
        r.time[last][upd],
        r.lat[last][upd],
        r.lon[last][upd],
    )
    state.seen[lc] = True
    keep_a = ~(dup | clash | back)
    # -- stale rows: same lastposupdate as the previous kept row ---------------------------
    ia = np.flatnonzero(keep_a)
    ca = code[ia]
    fa = _firsts(ca)
    lpa = r.lastpos[ia]
    plp = _prev(lpa, fa, state.lp[ca[fa]])
    stale = lpa == plp  # NaN never equals: unknown is never stale
    _count(counts, "stale", stale)
    if ia.size:
        la = np.r_[ca[1:] != ca[:-1], True]
        state.lp[ca[la]] = lpa[la]
    ib = ia[~stale]
    # -- fix times, strictly increasing -----------------------------------------------------
    lp = r.lastpos[ib]
    t = r.time[ib]
    with np.errstate(invalid="ignore"):
        lp_ok = np.isfinite(lp) & (lp <= t) & (lp > t - 60.0)
    ft = np.where(lp_ok, lp, t)
    cb = code[ib]
    while ib.size:
        fb = _firsts(cb)
        pft = _prev(ft, fb, state.fix_t[cb[fb]])
        has = ~fb | state.has_fix[cb]
        bad = has & ~(ft > pft)
        if not bad.any():
            break
        _count(counts, "time_order", bad)
        ib, ft, cb = ib[~bad], ft[~bad], cb[~bad]
    # -- hold: the last row time assigned to each kept fix (rows after it until the next) ---
    kept = np.zeros(n, bool)
    kept[ib] = True
    seq = np.cumsum(kept) - 1  # index in ib of the kept fix each row follows (-1: none)
    own_code = np.where(seq >= 0, code[ib[np.maximum(seq, 0)]] if ib.size else -2, -2)
    follows_own = (seq >= 0) & (own_code == code)
    hold_end = np.full(ib.size, np.nan)
    if ib.size:
        np.fmax.at(hold_end, seq[follows_own], r.time[follows_own])
    carried_rows = ~follows_own
    if carried_rows.any():
        cc = code[carried_rows]
        tt = r.time[carried_rows]
        has = state.has_fix[cc]
        np.fmax.at(state.hold_t, cc[has], tt[has])
    retro: dict[int, tuple[float, float]] = {}
    _retro_runs(np.unique(code), state, params, retro)
    return _fixes(r, ib, ft, cb, hold_end, state, params, retro)


def _fixes(
    r: Rows,
    ib: I64,
    ft: F64,
    code: I64,
    hold_end: F64,
    state: AircraftState,
    params: ScanParameters,
    retro: dict[int, tuple[float, float]],
) -> Fixes:
    m = ib.size
    if m == 0:
        return _empty(retro)
    first = _firsts(code)
    c1 = code[first]
    has_prev = ~first | state.has_fix[code]
    lat, lon = r.lat[ib], r.lon[ib]
    baro, geo, vel = r.baro[ib], r.geo[ib], r.vel[ib]
    ground = r.ground[ib]
    cs = r.cs[ib]
    row_time = r.time[ib]
    pft = _prev(ft, first, state.fix_t[c1])
    plat = _prev(lat, first, state.fix_lat[c1])
    plon = _prev(lon, first, state.fix_lon[c1])
    pbaro = _prev(baro, first, state.fix_baro[c1])
    pgeo = _prev(geo, first, state.fix_geo[c1])
    pvel = _prev(vel, first, state.fix_vel[c1])
    pcs = _prev(cs, first, state.fix_cs[c1])
    dt = np.where(has_prev, ft - pft, np.nan)
    dist = np.where(has_prev, haversine(plon, plat, lon, lat), np.nan)
    with np.errstate(invalid="ignore"):
        gap = dt > params.gap_s
        jump = dist > params.max_speed_ms * dt + 1_000.0
        v = np.fmax(vel, pvel)
        speed = (dist > 1_000.0) & (dist > (params.speed_factor * v + params.speed_slack_ms) * dt)
    brk = ~has_prev | gap | jump
    flags = np.zeros(m, np.uint8)
    flags[jump] |= JUMP
    flags[speed] |= SPEED
    # the fix before a jump or a speed contradiction is flagged too
    back = (jump.astype(np.uint8) * JUMP) | (speed.astype(np.uint8) * SPEED)
    flags[:-1] |= np.where(first[1:], 0, back[1:]).astype(np.uint8)
    carried_or = np.where(first, back, 0).astype(np.uint8)
    # -- runs of identical positions -------------------------------------------------------
    same = has_prev & (lat == plat) & (lon == plon)
    hold = np.fmax(hold_end, row_time)
    new_run = ~same | first
    run_id = np.cumsum(new_run) - 1
    starts = np.flatnonzero(new_run)
    cont = same[starts] & first[starts]  # the run goes on from the carried fix
    t0 = np.where(cont, state.run_t0[code[starts]], row_time[starts])
    ends = np.r_[starts[1:], m] - 1
    airborne = ~np.logical_and.reduceat(ground, starts)
    frozen_run = ((hold[ends] - t0) > params.frozen_s) & airborne
    frozen_run |= cont & state.run_frozen[code[starts]]
    frozen_fix = frozen_run[run_id]
    flags[frozen_fix] |= FROZEN
    # the fix right after a frozen run is flagged too (its segment starts from a stale place)
    after = np.zeros(m, bool)
    after[1:] = frozen_fix[:-1] & ~first[1:]
    after |= first & ~same & has_prev & state.run_frozen[code]
    flags[after] |= FROZEN
    for k in np.flatnonzero(cont & frozen_run):
        c = int(code[starts[k]])
        if not state.run_frozen[c]:
            retro[c] = (float(state.fix_lat[c]), float(state.fix_lon[c]))
            carried_or[starts[k]] |= FROZEN
    pflags = _prev(flags, first, state.fix_flags[c1]) | carried_or
    # -- carry ---------------------------------------------------------------------------
    last = np.r_[code[1:] != code[:-1], True]
    lc = code[last]
    state.has_fix[lc] = True
    for name, vals in (
        ("fix_t", ft),
        ("fix_lat", lat),
        ("fix_lon", lon),
        ("fix_baro", baro),
        ("fix_geo", geo),
        ("fix_vel", vel),
        ("hold_t", hold),
    ):
        getattr(state, name)[lc] = vals[last]
    state.fix_flags[lc] = flags[last]
    state.fix_ground[lc] = ground[last]
    state.fix_cs[lc] = cs[last]
    last_run = run_id[last]
    state.run_t0[lc] = t0[last_run]
    state.run_frozen[lc] = frozen_run[last_run]
    # track start: the latest break of the aircraft in this batch, else the carried one
    latest = np.maximum.accumulate(np.where(brk, np.arange(m), -1))
    group_start = np.flatnonzero(first)[np.cumsum(first) - 1]
    ts = np.where(latest >= group_start, ft[np.maximum(latest, 0)], state.track_t0[code])
    state.track_t0[lc] = ts[last]
    return Fixes(
        code,
        ft,
        lat,
        lon,
        baro,
        geo,
        cs,
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
        ts,
        retro,
    )


def _retro_runs(
    codes: I64, state: AircraftState, params: ScanParameters, retro: dict[int, tuple[float, float]]
) -> None:
    """Carried runs of ``codes`` whose hold (extended by rows of this batch) now passes
    ``frozen_s``: flag the carried fix, record the run for the kernel's buffers."""
    c = codes[state.has_fix[codes] & ~state.run_frozen[codes] & ~state.fix_ground[codes]]
    hit = c[(state.hold_t[c] - state.run_t0[c]) > params.frozen_s]
    for k in hit.tolist():
        state.run_frozen[k] = True
        state.fix_flags[k] |= FROZEN
        retro[k] = (float(state.fix_lat[k]), float(state.fix_lon[k]))


def _empty(retro: dict[int, tuple[float, float]] | None = None) -> Fixes:
    e = np.empty(0)
    i = np.empty(0, np.int64)
    b = np.empty(0, bool)
    u = np.empty(0, np.uint8)
    return Fixes(i, e, e, e, e, e, i, u, b, b, e, e, e, e, e, e, u, i, b, e, retro or {})
