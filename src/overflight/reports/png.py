"""PNG figures for articles: a map of the airspaces and tracks, and a timeline per result.

matplotlib is an optional dependency (the ``report`` extra); it is imported inside the
functions, with the Agg canvas and no pyplot, so ``import overflight`` never loads it. No
network and no tiles: the map has a lon/lat graticule drawn with the local scale ``cos(lat)``.
Output is deterministic (fixed fonts, no software/date metadata): the same inputs give the
same bytes.

>>> import os, tempfile
>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> from overflight.analysis.check import check
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.parse("FL65"))
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2],
...                         alt_baro=[1000, 1000])
>>> out = check([trk], [zone])
>>> d = tempfile.mkdtemp()
>>> write_map_png(out, [trk], os.path.join(d, "map.png"), width_in=4, dpi=50)
>>> write_timeline_png(out.results[0], trk, os.path.join(d, "tl.png"), width_in=4, dpi=50)
>>> open(os.path.join(d, "map.png"), "rb").read(8) == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analysis.check import prepare_airspace
from ..analysis.params import CheckOutcome, CheckParameters
from ..geometry.distance import boundary_distance
from ..model import FT, CheckResult, Reference, Track, VerticalLimit
from ._figure import Placer, deg, halo, spacing_pt, time_ticks
from ._shapes import (
    INSIDE,
    LATERAL,
    OUTSIDE,
    airspace_rings,
    as_results,
    hhmmss,
    limit_text,
    signed_distance,
    track_pieces,
    unique_airspaces,
    vertical_text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "AIRSPACE_COLOURS",
    "TRACK_COLOURS",
    "map_figure",
    "timeline_figure",
    "write_map_png",
    "write_timeline_png",
]

TRACK_COLOURS = {OUTSIDE: "#1f77b4", LATERAL: "#ff8c00", INSIDE: "#d62728"}
"""Track colour by piece class: outside (blue), laterally inside but above or below (orange),
inside the volume (red)."""
AIRSPACE_COLOURS = ("#4d4d4d", "#6a3d9a", "#1b7837", "#8c510a", "#01665e", "#762a83")
_CLASS_LABEL = {
    OUTSIDE: "track outside",
    LATERAL: "laterally inside, above/below",
    INSIDE: "inside the airspace",
}
_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "axes.linewidth": 0.6,
    "svg.hashsalt": "overflight",
}


def _extent(results: Sequence[CheckResult], tracks: Sequence[Track]) -> tuple[float, ...]:
    lons: list[Any] = []
    lats: list[Any] = []
    for a in unique_airspaces(results):
        for rings in airspace_rings(a, tol_m=50.0, max_len_m=20_000.0):
            lons.append(rings[0][0])
            lats.append(rings[0][1])
    for t in tracks:
        lons.append(t.lon)
        lats.append(t.lat)
    lon = np.concatenate(lons) if lons else np.zeros(1)
    lat = np.concatenate(lats) if lats else np.zeros(1)
    lon0, lon1, lat0, lat1 = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())
    if tracks:
        # a small story in a big airspace (a national airspace, a FIR): frame the tracks
        tlon = np.concatenate([t.lon for t in tracks])
        tlat = np.concatenate([t.lat for t in tracks])
        c = max(math.cos(math.radians(float(np.mean(tlat)))), 0.05)
        half = 0.09  # at least ~20 km across
        t0 = float(tlon.min()), float(tlon.max()), float(tlat.min()), float(tlat.max())
        tw = max(t0[1] - t0[0], 2 * half / c) * c
        th = max(t0[3] - t0[2], 2 * half)
        if (lon1 - lon0) * c * (lat1 - lat0) > 16 * tw * th:
            mx, my = 0.25 * tw / c + half / c, 0.25 * th + half
            lon0, lon1 = max(lon0, t0[0] - mx), min(lon1, t0[1] + mx)
            lat0, lat1 = max(lat0, t0[2] - my), min(lat1, t0[3] + my)
    pad_lat = max(0.05 * (lat1 - lat0), 0.005)
    pad_lon = max(0.05 * (lon1 - lon0), 0.005 / max(math.cos(math.radians(lat0)), 0.05))
    return lon0 - pad_lon, lon1 + pad_lon, lat0 - pad_lat, lat1 + pad_lat


def _segments(lon: Any, lat: Any) -> Any:
    pts = np.column_stack([lon, lat])
    return np.stack([pts[:-1], pts[1:]], axis=1)


def map_figure(
    outcome_or_results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    *,
    width_in: float = 7.0,
    title: str | None = None,
) -> Figure:
    """The map as a matplotlib Figure (Agg canvas): airspaces with names and vertical limits,
    tracks coloured by :data:`TRACK_COLOURS`, entries and exits labelled with their UTC times,
    the deepest point of each incursion and the closest approach of each result without an
    entry. Lon/lat graticule, aspect corrected by ``cos`` of the mean latitude."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    results = as_results(outcome_or_results)
    tracks = list(tracks)
    airspaces = unique_airspaces(results)
    lon0, lon1, lat0, lat1 = _extent(results, tracks)
    coslat = max(math.cos(math.radians(0.5 * (lat0 + lat1))), 0.05)
    ratio = min(max((lat1 - lat0) / ((lon1 - lon0) * coslat), 0.5), 1.3)
    left, right, top, bottom = 0.75, 0.2, 0.45 if title else 0.2, 1.2
    ax_w = width_in - left - right
    ax_h = ax_w * ratio
    height_in = ax_h + top + bottom
    with rc_context(_RC):
        fig = Figure(figsize=(width_in, height_in))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((left / width_in, bottom / height_in, ax_w / width_in, ax_h / height_in))
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect(1.0 / coslat, adjustable="datalim")
        ax.apply_aspect()
        ax.grid(True, color="#d0d0d0", lw=0.5, zorder=0)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: deg(v, "E", "W")))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: deg(v, "N", "S")))
        ax.tick_params(length=3, width=0.5)
        if title:
            ax.set_title(title)
        handles: list[Any] = []
        # airspaces
        outlines = []
        for k, a in enumerate(airspaces):
            col = AIRSPACE_COLOURS[k % len(AIRSPACE_COLOURS)]
            for rings in airspace_rings(a):
                for j, (lo, la) in enumerate(rings):
                    lo_c, la_c = np.append(lo, lo[0]), np.append(la, la[0])
                    ax.plot(lo_c, la_c, color=col, lw=1.1, zorder=2, ls="-" if j == 0 else "--")
                    if j == 0:
                        ax.fill(lo_c, la_c, color=col, alpha=0.06, lw=0, zorder=1)
                    outlines.append((a, col, lo, la))
        # tracks
        pieces = {t.id: track_pieces(t, results) for t in tracks}
        for t in tracks:
            p = pieces[t.id]
            if len(p.time) >= 2:
                cols = [TRACK_COLOURS[int(c)] for c in p.cls]
                lc = LineCollection(_segments(p.lon, p.lat), colors=cols, lw=1.8, zorder=4)
                lc.set_capstyle("round")
                ax.add_collection(lc)
            if len(t) >= 2 and spacing_pt(ax, t) > 6.0:  # fix markers only where they show
                ax.plot(t.lon, t.lat, ls="none", marker="o", ms=1.6, color="#333333", zorder=4.5)
            ax.plot(t.lon[:1], t.lat[:1], ls="none", marker="o", ms=4, mfc="white",
                    mec="#333333", mew=0.8, zorder=5)  # fmt: skip
        present = sorted({int(c) for p in pieces.values() for c in p.cls})
        for c in present:
            handles.append(Line2D([], [], color=TRACK_COLOURS[c], lw=2, label=_CLASS_LABEL[c]))
        # obstacles for label placement: track and outline points in display coordinates
        obst = [np.column_stack([p.lon, p.lat]) for p in pieces.values()]
        obst += [np.column_stack([lo[::4], la[::4]]) for _, _, lo, la in outlines]
        disp = ax.transData.transform(np.concatenate(obst)) if obst else np.empty((0, 2))
        placer = Placer(fig, ax, disp)
        many = len(airspaces) > 1
        marks = _map_events(ax, results, tracks, many, placer)
        handles += marks
        for t in tracks:
            placer.place((float(t.lon[0]), float(t.lat[0])), t.callsign or t.id, fontsize=8.5)
        for k, a in enumerate(airspaces):
            col = AIRSPACE_COLOURS[k % len(AIRSPACE_COLOURS)]
            lo, la = airspace_rings(a, tol_m=50.0, max_len_m=5000.0)[0][0]
            _label_airspace(placer, lo, la, f"{a.name}\n{vertical_text(a)}", col)
        fig.legend(
            handles=handles,
            loc="lower center",
            ncol=3,
            frameon=False,
            bbox_to_anchor=(0.5, 0.22 / height_in),
            handlelength=1.6,
            columnspacing=1.2,
        )
        fig.text(
            1 - 0.1 / width_in,
            0.06 / height_in,
            "WGS84 lon/lat, scale cos(lat) at the map centre; times UTC",
            ha="right",
            va="bottom",
            fontsize=8,
            color="#555555",
        )
    return fig


def _label_airspace(placer: Placer, lo: Any, la: Any, text: str, col: str) -> None:
    """Label an airspace near its outline: the northernmost point first, then points spread
    along the outline, until one is free of clutter."""
    n = len(lo)
    start = int(np.argmax(la))
    idx = [(start + k * n // 16) % n for k in range(16)]
    anchors = [(float(lo[i]), float(la[i])) for i in idx]
    placer.place(anchors, text, leader=False, color=col, fontsize=8.5)


def _map_events(
    ax: Axes, results: Sequence[CheckResult], tracks: Sequence[Track], many: bool, placer: Placer
) -> list[Any]:
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    ids = {t.id for t in tracks}
    kinds: set[str] = set()
    for r in results:
        if r.track_id not in ids:
            continue
        where = f" {r.airspace.name}" if many else ""
        for inc in r.incursions:
            if inc.vertical == "above" or inc.vertical == "below":
                continue
            for point, t, what, edge in (
                (inc.entry_point, inc.entry_time, "entry", inc.starts_inside),
                (inc.exit_point, inc.exit_time, "exit", inc.ends_inside),
            ):
                lat, lon = point
                word = ("start" if what == "entry" else "end") + " (inside)" if edge else what
                ax.plot(lon, lat, marker="o", ms=5, mfc=TRACK_COLOURS[INSIDE], mec="black",
                        mew=0.7, ls="none", zorder=7)  # fmt: skip
                placer.place((lon, lat), f"{word} {hhmmss(t)}{where}")
                kinds.add("event")
            lat, lon = inc.max_depth_point
            ax.plot(lon, lat, marker="D", ms=4.5, mfc="white", mec=TRACK_COLOURS[INSIDE],
                    mew=1.0, ls="none", zorder=7)  # fmt: skip
            placer.place((lon, lat), f"max depth {inc.max_depth_m / 1000:.2f} km")
            kinds.add("depth")
        ca = r.closest_approach
        if ca is not None and not r.entered:
            lat, lon = ca.point
            if ca.laterally_inside:
                if ca.vertical_m is None:
                    continue
                side = next(
                    (
                        p.vertical
                        for p in r.lateral_passes
                        if p.entry_time <= ca.time <= p.exit_time
                    ),
                    "clear of",
                )
                text = f"{ca.vertical_m:.0f} m {side} {r.airspace.name} {hhmmss(ca.time)}"
            else:
                pe = prepare_airspace(r.airspace, CheckParameters()).outline
                _, flon, flat = boundary_distance(np.array([lon]), np.array([lat]), pe)
                ax.plot([lon, flon[0]], [lat, flat[0]], color="black", lw=0.8, ls=(0, (2, 1.5)),
                        zorder=6)  # fmt: skip
                text = f"closest {ca.lateral_m / 1000:.2f} km {hhmmss(ca.time)}"
            ax.plot(lon, lat, marker="s", ms=4.5, mfc="white", mec="black", mew=0.8, ls="none",
                    zorder=7)  # fmt: skip
            placer.place((lon, lat), text)
            kinds.add("closest")
    if "event" in kinds:
        handles.append(Line2D([], [], marker="o", ms=5, mfc=TRACK_COLOURS[INSIDE], mec="black",
                              ls="none", label="entry / exit (UTC)"))  # fmt: skip
    if "depth" in kinds:
        handles.append(Line2D([], [], marker="D", ms=4.5, mfc="white", mec=TRACK_COLOURS[INSIDE],
                              ls="none", label="deepest point"))  # fmt: skip
    if "closest" in kinds:
        handles.append(Line2D([], [], marker="s", ms=4.5, mfc="white", mec="black", ls="none",
                              label="closest approach"))  # fmt: skip
    return handles


# -- timeline -------------------------------------------------------------------------------------
def _limit_line(limit: VerticalLimit) -> tuple[float | None, str]:
    """Height (ft) to draw a limit at, and its label."""
    what = {
        Reference.FL: " (pressure altitude)",
        Reference.AMSL: " (GNSS altitude if known)",
    }.get(limit.reference, "")
    if limit.is_compound or limit.reference in (Reference.AGL, Reference.UNL):
        return None, limit_text(limit)
    return limit.metres() / FT, limit_text(limit) + what


def timeline_figure(result: CheckResult, track: Track, *, width_in: float = 7.0) -> Figure:
    """The timeline as a matplotlib Figure: signed geodesic distance to the boundary (positive
    laterally inside) and altitude against floor and ceiling, entries and exits marked."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    t, sd, cls = signed_distance(result, track)
    t0, t1 = float(t[0]), float(t[-1])
    if t1 <= t0:
        t0, t1 = t0 - 30.0, t1 + 30.0
    with rc_context(_RC):
        fig = Figure(figsize=(width_in, width_in * 0.62))
        FigureCanvasAgg(fig)
        fig.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.17, hspace=0.12)
        ax_d, ax_a = fig.subplots(2, 1, sharex=True)
        name = result.callsign or result.track_id
        fig.suptitle(f"{name} – {result.airspace.name} ({vertical_text(result.airspace)})",
                     fontsize=10)  # fmt: skip
        # distance
        km = sd / 1000.0
        if len(t) >= 2:
            seg = np.stack([np.column_stack([t[:-1], km[:-1]]), np.column_stack([t[1:], km[1:]])],
                           axis=1)  # fmt: skip
            ax_d.add_collection(
                LineCollection(seg, colors=[TRACK_COLOURS[int(c)] for c in cls], lw=1.6)
            )
        else:
            ax_d.plot(t, km, "o", color=TRACK_COLOURS[OUTSIDE])
        ax_d.axhline(0.0, color="black", lw=0.8)
        lo, hi = float(np.nanmin(km)), float(np.nanmax(km))
        pad = max(0.08 * (hi - lo), 0.2)
        ax_d.set_ylim(min(lo, 0.0) - pad, max(hi, 0.0) + pad)
        ax_d.set_xlim(t0, t1)
        ax_d.set_ylabel("to boundary (km)\n+ inside, − outside")
        ax_d.grid(True, color="#e0e0e0", lw=0.5)
        # altitude
        ab, ag = track.alt_baro / FT, track.alt_geo / FT
        if np.isfinite(ab).any():
            ax_a.plot(track.time, ab, color="#333333", lw=1.3, label="pressure altitude")
        if np.isfinite(ag).any():
            ax_a.plot(track.time, ag, color="#777777", lw=1.1, ls="--", label="GNSS altitude")
        vals = np.concatenate([ab[np.isfinite(ab)], ag[np.isfinite(ag)]])
        a_lo, a_hi = (float(vals.min()), float(vals.max())) if vals.size else (0.0, 1000.0)
        lim_lo, lim_hi = a_lo - 1500.0, a_hi + 1500.0
        shown: list[float] = []
        notes: list[str] = []
        band: list[float | None] = []
        for which, limit in (
            ("floor", result.airspace.floor),
            ("ceiling", result.airspace.ceiling),
        ):
            h, label = _limit_line(limit)
            band.append(h)
            if h is None:
                notes.append(f"{which} {label}" + (" (terrain unknown: not drawn)"
                             if limit.reference is Reference.AGL else ""))  # fmt: skip
                continue
            if lim_lo <= h <= lim_hi:
                ls = "-" if which == "floor" else "-."
                ax_a.axhline(h, color=TRACK_COLOURS[INSIDE], lw=1.0, ls=ls)
                ax_a.annotate(f"{which} {label}", (t0, h), xytext=(3, 2),
                              textcoords="offset points", fontsize=8, color=TRACK_COLOURS[INSIDE],
                              va="bottom", path_effects=halo())  # fmt: skip
                shown.append(h)
            else:
                side = "above" if h > lim_hi else "below"
                notes.append(f"{which} {label}, {side} this panel")
        f_h = band[0] if band[0] is not None else -math.inf
        c_h = band[1] if band[1] is not None else math.inf
        ax_a.axhspan(max(f_h, lim_lo - 1e4), min(c_h, lim_hi + 1e4), color=TRACK_COLOURS[INSIDE],
                     alpha=0.07, lw=0)  # fmt: skip
        ylo = min([a_lo, *shown]) - 500.0
        yhi = max([a_hi, *shown]) + 500.0
        ax_a.set_ylim(max(ylo, -2000.0) if shown or vals.size else 0.0, yhi)
        ax_a.set_ylabel("altitude (ft)")
        ax_a.grid(True, color="#e0e0e0", lw=0.5)
        if notes:
            ax_a.text(0.99, 0.97, "\n".join(notes), transform=ax_a.transAxes, ha="right",
                      va="top", fontsize=8, color="#555555", path_effects=halo())  # fmt: skip
        # events
        for inc in (*result.incursions, *result.lateral_passes):
            inside = inc.vertical in ("inside", "unknown") and inc.activation != "inactive"
            col = TRACK_COLOURS[INSIDE if inside else LATERAL]
            for tt, what, edge in ((inc.entry_time, "entry", inc.starts_inside),
                                   (inc.exit_time, "exit", inc.ends_inside)):  # fmt: skip
                if edge:
                    continue
                for ax in (ax_d, ax_a):
                    ax.axvline(tt, color=col, lw=0.9, ls=":")
                word = what if inside else {"entry": "lateral in", "exit": "lateral out"}[what]
                first = what == "entry"
                ax_d.annotate(
                    f"{word} {hhmmss(tt)}",
                    (tt, 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(-3 if first else 3, -3),
                    textcoords="offset points",
                    ha="right" if first else "left",
                    va="top",
                    fontsize=8,
                    color=col,
                    path_effects=halo(),
                )
        time_ticks(ax_a, t0, t1)
        ax_a.set_xlabel("time (UTC)")
        handles = [
            Line2D([], [], color=TRACK_COLOURS[c], lw=2, label=_CLASS_LABEL[c])
            for c in sorted({int(c) for c in cls})
        ]
        handles += ax_a.get_legend_handles_labels()[0]
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False,
                   bbox_to_anchor=(0.5, 0.0), handlelength=1.6, columnspacing=1.0)  # fmt: skip
    return fig


# -- writing --------------------------------------------------------------------------------------
def _save(fig: Figure, path: str | PathLike[str], dpi: float) -> None:
    from matplotlib import rc_context

    with rc_context(_RC):
        fig.savefig(path, dpi=dpi, format="png", metadata={"Software": None})


def write_map_png(
    outcome_or_results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    path: str | PathLike[str],
    *,
    width_in: float = 7.0,
    dpi: float = 200,
    title: str | None = None,
) -> None:
    """Write the map (see :func:`map_figure`) as a PNG ``width_in * dpi`` pixels wide.

    Raises OSError if the file cannot be written; ImportError if matplotlib is missing.
    """
    _save(map_figure(outcome_or_results, tracks, width_in=width_in, title=title), path, dpi)


def write_timeline_png(
    result: CheckResult,
    track: Track,
    path: str | PathLike[str],
    *,
    width_in: float = 7.0,
    dpi: float = 200,
) -> None:
    """Write the timeline (see :func:`timeline_figure`) as a PNG ``width_in * dpi`` pixels
    wide. Raises OSError if the file cannot be written; ImportError if matplotlib is missing."""
    _save(timeline_figure(result, track, width_in=width_in), path, dpi)
