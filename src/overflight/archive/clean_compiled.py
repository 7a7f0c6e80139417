"""The per-row rules of :func:`~.clean.clean` as one compiled pass (numba).

Rows come sorted by aircraft and time (:func:`~.clean.canonical_order`); each aircraft's
rows are walked once, in order, against what is carried for it
(:class:`~.state.AircraftState`, updated in place):

1. the previous *row* (carried or in the batch): ``duplicate`` (same time, same place),
   ``conflicting_position`` (same time, another place), ``time_order`` (earlier);
2. the previous row kept so far: ``stale`` (the same ``lastposupdate``);
3. fix times (``lastposupdate`` where plausible, else ``time``), strictly increasing: a fix
   not later than the last kept one is dropped (``time_order``);
4. the hold of each fix (the last row time until the next fix); rows before the aircraft's
   first fix here extend the carried fix's hold, and a carried run of identical positions
   held past ``frozen_s`` is flagged now (*retro*);
5. each fix against the fix before it: gap, jump, speed contradiction, runs of identical
   positions (frozen), flags on both ends, the track start; then the carry.

Element-wise the same comparisons and arithmetic as the vectorised rules it replaced (kept
as the reference in the tests); the sphere distance is computed here (its last bits may
differ from numpy's: it feeds only threshold tests with slack). Compiled on first use and
cached on disk.
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry.jit import jit as _jit
from .state import FROZEN, JUMP, SPEED

__all__ = ["clean_sorted", "take2"]

R_SPHERE = 6_371_008.8
_RAD = math.pi / 180.0


DUP, CLASH, ORDER, STALE, LATE = 0, 1, 2, 3, 4
"""Indices of the drop counts returned by :func:`clean_sorted`: duplicate, conflicting
position, time order (against the previous row), stale, time order (fix time not after the
last fix's)."""


@_jit(inline="always")
def _haversine(
    lon1: float, lat1: float, cos1: float, lon2: float, lat2: float, cos2: float
) -> float:
    """Great-circle distance on the mean sphere (:func:`~.index.haversine`'s formula), with
    the cosines of both latitudes given (each fix's is computed once)."""
    dp = lat2 * _RAD - lat1 * _RAD
    dl = (lon2 - lon1) * _RAD
    if abs(dp) < _SMALL and abs(dl) < _SMALL:
        # fixes a few km apart (nearly all): the sines' and the arc sine's series, whose
        # first omitted terms are below 1e-18 of the result (the libm calls cost a quarter
        # of the whole pass)
        sp, sl = _sin_small(dp / 2), _sin_small(dl / 2)
        y = math.sqrt(sp * sp + cos1 * cos2 * sl * sl)
        y2 = y * y
        return 2.0 * R_SPHERE * y * (1.0 + y2 * (1.0 / 6.0 + y2 * (3.0 / 40.0)))
    a = math.sin(dp / 2) ** 2 + cos1 * cos2 * math.sin(dl / 2) ** 2
    a = min(max(a, 0.0), 1.0)
    return 2.0 * R_SPHERE * math.asin(math.sqrt(a))


_SMALL = 2e-3
"""Latitude and longitude differences (rad, ~13 km) below which :func:`_haversine` takes the
series."""


@_jit(inline="always")
def _sin_small(x: float) -> float:
    """sin(x) for |x| <= 1e-3: x - x^3/6 + x^5/120 (the next term is below 2e-22 |x|)."""
    x2 = x * x
    return x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0)))


@_jit()
def clean_sorted(
    code,
    time,
    lastpos,
    lat,
    lon,
    baro,
    geo,
    vel,
    ground,
    cs,
    seen,
    has_fix,
    fix_flags,
    fix_cs,
    fix_ground,
    run_frozen,
    row_t,
    row_lat,
    row_lon,
    lp,
    fix_t,
    fix_lat,
    fix_lon,
    fix_baro,
    fix_geo,
    fix_vel,
    hold_t,
    run_t0,
    track_t0,
    gap_s,
    max_speed_ms,
    frozen_s,
    speed_factor,
    speed_slack_ms,
):
    """Returns (the fixes' codes, times, lat, lon, baro, geo and callsign codes, flags,
    has_prev, brk, dist, prev fix time/lat/lon/baro/geo, pflags, pcs, first, track start,
    drop counts, retro codes with the kind of each (0: found from the hold, 1: from a
    continued run) and the carried fix's (lat, lon))."""
    n = code.size
    counts = np.zeros(5, np.int64)
    f_row = np.empty(n, np.int64)
    f_t = np.empty(n)
    f_code = np.empty(n, np.int64)
    hold = np.empty(n)
    retro = np.empty(n, np.int64)
    retro_kind = np.empty(n, np.int64)
    retro_pos = np.empty((n, 2))
    n_retro = 0
    m = 0  # fixes so far
    i = 0
    while i < n:
        c = code[i]
        e = i
        while e < n and code[e] == c:
            e += 1
        # -- 1. against the previous row; 2. stale; 3. fix times; 4. holds --------------
        had_row = seen[c]
        p_t = row_t[c]
        p_lat = row_lat[c]
        p_lon = row_lon[c]
        has_lp = False  # a kept row before (in the batch) for the stale test
        p_lp = lp[c]
        have_fix = has_fix[c]
        last_ft = fix_t[c]
        g0 = m  # this aircraft's first fix
        for k in range(i, e):
            r = k
            t = time[r]
            lpr = math.nan
            has_prow = had_row or k > i
            same_t = has_prow and t == p_t
            same_pos = lat[r] == p_lat and lon[r] == p_lon
            drop = False
            if same_t and same_pos:
                counts[DUP] += 1
                drop = True
            elif same_t:
                counts[CLASH] += 1
                drop = True
            elif has_prow and t < p_t:
                counts[ORDER] += 1
                drop = True
            p_t, p_lat, p_lon = t, lat[r], lon[r]
            if not drop:
                lpr = lastpos[r]
                prev_lp = p_lp
                p_lp = lpr
                has_lp = True
                if lpr == prev_lp:
                    counts[STALE] += 1
                    drop = True
            if not drop:
                ft = t
                if math.isfinite(lpr) and lpr <= t and lpr > t - 60.0:
                    ft = lpr
                if (m > g0 or have_fix) and not ft > last_ft:
                    counts[LATE] += 1
                    drop = True
                else:
                    f_row[m] = r
                    f_t[m] = ft
                    f_code[m] = c
                    hold[m] = t
                    last_ft = ft
                    m += 1
                    continue
            # a row after a fix extends its hold; before the first: the carried fix's
            if m > g0:
                hold[m - 1] = max(hold[m - 1], t) if not math.isnan(hold[m - 1]) else t
            elif has_fix[c]:
                hold_t[c] = t if math.isnan(hold_t[c]) else max(hold_t[c], t)
        # the carried row is the latest row: never move it back in time
        if not (seen[c] and row_t[c] > time[e - 1]):
            r = e - 1
            row_t[c], row_lat[c], row_lon[c] = time[r], lat[r], lon[r]
        seen[c] = True
        if has_lp:
            lp[c] = p_lp
        # a carried run held past frozen_s by this batch's rows
        live = has_fix[c] and not run_frozen[c] and not fix_ground[c]
        if live and hold_t[c] - run_t0[c] > frozen_s:
            run_frozen[c] = True
            fix_flags[c] |= FROZEN
            retro[n_retro] = c
            retro_kind[n_retro] = 0
            retro_pos[n_retro, 0] = fix_lat[c]
            retro_pos[n_retro, 1] = fix_lon[c]
            n_retro += 1
        i = e
    # -- 5. fixes against the fix before them ----------------------------------------------
    f_lat = np.empty(m)
    f_lon = np.empty(m)
    f_baro = np.empty(m)
    f_geo = np.empty(m)
    f_cs = np.empty(m, np.int64)
    flags = np.zeros(m, np.uint8)
    has_prev = np.empty(m, np.bool_)
    brk = np.empty(m, np.bool_)
    dist = np.empty(m)
    pft = np.empty(m)
    plat = np.empty(m)
    plon = np.empty(m)
    pbaro = np.empty(m)
    pgeo = np.empty(m)
    pflags = np.zeros(m, np.uint8)
    pcs = np.empty(m, np.int64)
    first = np.zeros(m, np.bool_)
    tstart = np.empty(m)
    carried_or = np.zeros(m, np.uint8)
    frozen = np.zeros(m, np.bool_)
    same = np.zeros(m, np.bool_)
    g = 0
    while g < m:
        c = f_code[g]
        ge = g
        while ge < m and f_code[ge] == c:
            ge += 1
        first[g] = True
        had = has_fix[c]
        latest_brk = -1
        for k in range(g, ge):
            r = f_row[k]
            f_lat[k], f_lon[k], f_baro[k], f_geo[k] = lat[r], lon[r], baro[r], geo[r]
            f_cs[k] = cs[r]
            if k == g:
                has_prev[k] = had
                pft[k], plat[k], plon[k] = fix_t[c], fix_lat[c], fix_lon[c]
                pbaro[k], pgeo[k], pvel, pcs[k] = fix_baro[c], fix_geo[c], fix_vel[c], fix_cs[c]
            else:
                q = f_row[k - 1]
                has_prev[k] = True
                pft[k], plat[k], plon[k] = f_t[k - 1], lat[q], lon[q]
                pbaro[k], pgeo[k], pvel, pcs[k] = baro[q], geo[q], vel[q], cs[q]
            cos_r = math.cos(lat[r] * _RAD)
            if k == g:
                cos_p = math.cos(plat[k] * _RAD)
            if has_prev[k]:
                dt = f_t[k] - pft[k]
                d = _haversine(plon[k], plat[k], cos_p, lon[r], lat[r], cos_r)
            else:
                dt = math.nan
                d = math.nan
            dist[k] = d
            cos_p = cos_r
            gap = dt > gap_s
            jump = d > max_speed_ms * dt + 1_000.0
            v = vel[r] if math.isnan(pvel) else (pvel if math.isnan(vel[r]) else max(vel[r], pvel))
            speed = (d > 1_000.0) and (d > (speed_factor * v + speed_slack_ms) * dt)
            brk[k] = (not has_prev[k]) or gap or jump
            if brk[k]:
                latest_brk = k
            tstart[k] = f_t[latest_brk] if latest_brk >= 0 else track_t0[c]
            back = np.uint8((JUMP if jump else 0) | (SPEED if speed else 0))
            flags[k] |= back
            if k > g:
                flags[k - 1] |= back
            else:
                carried_or[k] = back
            # runs of identical positions
            same[k] = has_prev[k] and lat[r] == plat[k] and lon[r] == plon[k]
        # each run closed where the next begins; the first may go on from the carried fix
        run_start = g
        for k in range(g + 1, ge + 1):
            if k < ge and same[k]:
                continue
            cont = run_start == g and same[g]
            t0_run = run_t0[c] if cont else time[f_row[run_start]]
            if k == run_start + 1 and not cont:
                # a run of one fix (nearly every fix of a moving aircraft): _close_run's steps
                # for it, written out (the call cost ~30 ns per fix, 40 % of this pass)
                rr = f_row[run_start]
                end_hold = hold[run_start]
                h = time[rr] if math.isnan(end_hold) else max(end_hold, time[rr])
                last_frozen = (h - t0_run > frozen_s) and not ground[rr]
                frozen[run_start] = last_frozen
            else:
                last_frozen = _close_run(
                    run_start, k, t0_run, cont, hold, time, f_row, ground, frozen, frozen_s,
                    run_frozen[c],
                )  # fmt: skip
            run_start = k
        if same[g] and frozen[g] and not run_frozen[c]:  # the first run went on from the carry
            retro[n_retro] = c
            retro_kind[n_retro] = 1
            retro_pos[n_retro, 0] = fix_lat[c]
            retro_pos[n_retro, 1] = fix_lon[c]
            n_retro += 1
            carried_or[g] |= FROZEN
        for k in range(g, ge):
            if frozen[k]:
                flags[k] |= FROZEN
            # the fix right after a frozen run: its segment starts from a stale place
            if k > g and frozen[k - 1]:
                flags[k] |= FROZEN
            if k == g and not same[k] and has_prev[k] and run_frozen[c]:
                flags[k] |= FROZEN
        for k in range(g, ge):
            pflags[k] = (fix_flags[c] if k == g else flags[k - 1]) | carried_or[k]
        # -- carry ---------------------------------------------------------------------------
        r = f_row[ge - 1]
        has_fix[c] = True
        fix_t[c], fix_lat[c], fix_lon[c] = f_t[ge - 1], lat[r], lon[r]
        fix_baro[c], fix_geo[c], fix_vel[c] = baro[r], geo[r], vel[r]
        hold_t[c] = max(hold[ge - 1], time[r]) if not math.isnan(hold[ge - 1]) else time[r]
        fix_flags[c] = flags[ge - 1]
        fix_ground[c] = ground[r]
        fix_cs[c] = cs[r]
        run_t0[c] = t0_run
        run_frozen[c] = last_frozen
        track_t0[c] = tstart[ge - 1]
        g = ge
    return (
        f_code[:m],
        f_t[:m],
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
        counts,
        retro[:n_retro],
        retro_kind[:n_retro],
        retro_pos[:n_retro],
    )


@_jit(inline="always")
def _close_run(a, b, t0_run, cont, hold, time, f_row, ground, frozen, frozen_s, carried_frozen):
    """Mark fixes ``a:b`` (one run of identical positions) frozen if the run, from
    ``t0_run``, is held past ``frozen_s`` while airborne (or continues a frozen carried run);
    returns whether it is."""
    end_hold = hold[b - 1]
    h = time[f_row[b - 1]] if math.isnan(end_hold) else max(end_hold, time[f_row[b - 1]])
    airborne = False
    for k in range(a, b):
        if not ground[f_row[k]]:
            airborne = True
            break
    fr = (h - t0_run > frozen_s) and airborne
    if cont and carried_frozen:
        fr = True
    for k in range(a, b):
        frozen[k] = fr
    return fr


@_jit()
def take2(a, b, o):  # type: ignore[no-untyped-def]
    """``np.concatenate([a, b])[o]`` without the concatenation (``o`` in range)."""
    n = a.size
    out = np.empty(o.size, a.dtype)
    for i in range(o.size):
        j = o[i]
        out[i] = a[j] if j < n else b[j - n]
    return out
