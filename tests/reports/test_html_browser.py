"""The HTML report in a real browser (headless Chromium, networking off): no request leaves the
page, no console error, the map is drawn (track and land colours in a screenshot), hovering a
fix shows its time from the source data, and the timeline and the map are linked.

Screenshots are copied to /tmp/overflight-html/ for looking at them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from overflight.cli.check import check_report, prepare_check, run_check
from overflight.reports._html_data import LAND
from overflight.reports._shapes import INSIDE
from overflight.reports.html import write_html
from overflight.reports.png import TRACK_COLOURS

Image = pytest.importorskip("PIL.Image", reason="Pillow is needed to decode the screenshot")

ROOT = Path(__file__).resolve().parents[2]
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
LOOK = Path("/tmp/overflight-html")


def _rows(callsign: str) -> list[dict[str, str]]:
    with FLIGHTS.open() as fp:
        return [r for r in csv.DictReader(fp) if r["callsign"].strip() == callsign]


def _hms(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%H:%M:%S")


def _crossing(rows: list[dict[str, str]], column: str, value: float) -> float:
    t = np.array([float(r["lastposupdate"]) for r in rows])
    v = np.array([float(r[column]) for r in rows])
    k = int(np.flatnonzero(np.diff(np.sign(v - value)))[0])
    return float(t[k] + (value - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k]))


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    req = prepare_check([FLIGHTS, AIRSPACE], json_path="report.json")
    run = run_check(req)
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_html(path, check_report(req, run), run.outcome, run.loaded.tracks)
    return path


@pytest.fixture()
def opened(browser: Any, page_file: Path) -> Any:
    """The report open offline, with every request, failure and console message recorded."""
    ctx = browser.new_context(offline=True, viewport={"width": 1200, "height": 800})
    page = ctx.new_page()
    log: dict[str, list[str]] = {"requests": [], "failed": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("requestfailed", lambda r: log["failed"].append(f"{r.url} {r.failure}"))
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(f"pageerror: {e}"))
    page.goto(page_file.as_uri())
    page.wait_for_selector("html[data-ready]")
    page.locator("#ovf-map").scroll_into_view_if_needed()
    yield page, log
    ctx.close()


def _colour_count(png: bytes, hex_colour: str) -> int:
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((img == rgb).all(axis=-1).sum())


def _centre(page: Any, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_offline_no_requests_no_errors_and_the_map_is_drawn(opened: Any, page_file: Path) -> None:
    page, log = opened
    shot = page.locator("#ovf-map").screenshot()
    LOOK.mkdir(parents=True, exist_ok=True)
    (LOOK / "map.png").write_bytes(shot)
    page.screenshot(path=str(LOOK / "page.png"), full_page=True)
    allowed = (page_file.as_uri(), "data:", "blob:")
    assert log["requests"] and all(u.startswith(allowed) for u in log["requests"]), log
    assert log["failed"] == [] and log["errors"] == []
    # the track inside the airspace (red) and the land of the basemap are drawn
    assert _colour_count(shot, TRACK_COLOURS[INSIDE]) > 100
    from overflight.formats.coastline import gshhs

    if gshhs.available("h"):
        assert _colour_count(shot, LAND) > 5000
    else:
        assert page.locator(".basemap-note").is_visible()
    # the map has the aspect of the page, not squashed: one timeline per result drawn too
    assert page.locator(".timeline svg polyline").count() >= 6
    assert page.locator("#ovf-map .label").count() >= 10


def test_hover_a_fix_shows_its_time_position_and_distance(opened: Any) -> None:
    page, log = opened
    rows = _rows("ESEXA")
    marks = page.locator('#ovf-map circle.fix[data-track="0"]')
    idx = [int(marks.nth(j).get_attribute("data-i")) for j in range(marks.count())]
    i = min(idx, key=lambda k: abs(k - 120))  # about 09:10, deep inside the CTR
    x, y = _centre(page, f'#ovf-map circle.fix[data-track="0"][data-i="{i}"]')
    page.mouse.move(x, y)
    tip = page.locator("#ovf-tooltip")
    assert tip.is_visible()
    text = tip.inner_text()
    t = float(rows[i]["lastposupdate"])
    assert f"{_hms(t)}.0Z UTC" in text
    assert f"{float(rows[i]['lat']):.5f}°N" in text and f"{float(rows[i]['lon']):.5f}°E" in text
    ft = round(float(rows[i]["baroaltitude"]) / 0.3048)
    assert f"{ft} ft pressure alt." in text
    # inside the CTR at that time: between the crossings of its west and north sides
    assert _crossing(rows, "lon", 24.5) < t < _crossing(rows, "lat", 59.55)
    assert "TALLINN CTR boundary: +" in text and "(laterally inside)" in text
    # linked: the timeline of ESEXA x CTR shows the same moment
    cursor = page.locator('.timeline[data-result="0"] .tl-cursor')
    assert cursor.is_visible()
    assert _hms(t) in page.locator('.timeline[data-result="0"] .tl-readout').text_content()
    assert not page.locator('.timeline[data-result="5"] .tl-cursor').is_visible()  # ESEXC
    assert log["errors"] == []


def _affine(page: Any, rows: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Screen x = a + b lon, y = c + d lat from two fix markers (the map is equirectangular)."""
    marks = page.locator('#ovf-map circle.fix[data-track="0"]')
    first, last = marks.nth(0), marks.nth(marks.count() - 1)
    pts, geo = [], []
    for m in (first, last):
        pts.append([float(m.get_attribute("cx")), float(m.get_attribute("cy"))])
        r = rows[int(m.get_attribute("data-i"))]
        geo.append([float(r["lon"]), float(r["lat"])])
    p, g = np.array(pts), np.array(geo)
    scale = (p[1] - p[0]) / (g[1] - g[0])
    return p[0] - scale * g[0], scale


def test_hover_the_timeline_moves_the_map_highlight(opened: Any) -> None:
    page, log = opened
    rows = _rows("ESEXA")
    svg = page.locator('.timeline[data-result="0"] svg')
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    assert box is not None
    found = []
    for frac in (0.3, 0.7):
        page.mouse.move(box["x"] + frac * box["width"], box["y"] + 0.3 * box["height"])
        hi = page.locator("#ovf-hi")
        assert hi.count() == 1
        i = int(hi.get_attribute("data-i"))
        found.append((i, float(hi.get_attribute("cx")), float(hi.get_attribute("cy"))))
        readout = page.locator('.timeline[data-result="0"] .tl-readout').text_content()
        assert _hms(float(rows[i]["lastposupdate"])) in readout
    (i0, x0, y0), (i1, x1, y1) = found
    assert i1 > i0 + 50  # later in time, farther along the track
    assert abs(x1 - x0) + abs(y1 - y0) > 50  # the highlight moved on the map
    # and it sits on the fix of that time (positions from the CSV, projected like the markers)
    origin, scale = _affine(page, rows)
    for i, x, y in found:
        expect = origin + scale * np.array([float(rows[i]["lon"]), float(rows[i]["lat"])])
        assert abs(expect[0] - x) < 1.0 and abs(expect[1] - y) < 1.0
    assert log["errors"] == []


def test_zoom_buttons_and_wheel_change_the_scale(opened: Any) -> None:
    page, log = opened
    scale = page.locator("#ovf-map .layer-scale text")
    before = scale.text_content()
    page.click(".map-controls .zoom-in")
    page.click(".map-controls .zoom-in")
    zoomed = scale.text_content()
    assert float(zoomed.split()[0]) < float(before.split()[0])
    page.click(".map-controls .reset")
    assert scale.text_content() == before
    x, y = _centre(page, "#ovf-map")
    page.mouse.move(x, y)
    page.mouse.wheel(0, 600)  # zoom out
    page.wait_for_function(f"document.querySelector('#ovf-map .layer-scale text').textContent "
                           f"!== {before!r}")  # fmt: skip
    assert float(scale.text_content().split()[0]) > float(before.split()[0])
    # drag pans: the first fix marker moves by the drag
    m = page.locator("#ovf-map circle.fix").first
    cx0 = float(m.get_attribute("cx"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 80, y, steps=4)
    page.mouse.up()
    cx1 = float(page.locator("#ovf-map circle.fix").first.get_attribute("cx"))
    assert cx1 - cx0 == pytest.approx(80.0, abs=1.5)
    assert log["errors"] == []


def test_print_hides_the_controls(opened: Any) -> None:
    page, _ = opened
    page.emulate_media(media="print")
    assert not page.locator(".map-controls").is_visible()
    assert not page.locator("#ovf-copy").is_visible()
    assert page.locator("#ovf-map").is_visible()


def _open_recording(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    """Open ``path`` offline; ``seen`` collects dialogs, console errors, page errors and any
    request but the file itself."""
    ctx = browser.new_context(offline=True, viewport={"width": 1000, "height": 700})
    page = ctx.new_page()
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(f"dialog {d.message}"), d.dismiss()))
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror {e}"))
    page.on("request", lambda r: None if r.url == path.as_uri() else seen.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-ready]")
    return ctx, page, seen


def test_hostile_names_stay_text(browser: Any, tmp_path: Path) -> None:
    from overflight.analysis.check import check
    from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
    from overflight.reports.json import build_report

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    zone = Airspace(evil, "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
                    VerticalLimit.surface(), VerticalLimit.parse("FL65"))  # fmt: skip
    trk = Track.from_arrays("t1", time=[0, 50, 100], lat=[0, 0, 0], lon=[-0.2, 0, 0.2],
                            alt_baro=[1000, 1000, 1000], callsign=evil)  # fmt: skip
    out = check([trk], [zone])
    path = tmp_path / "evil.html"
    write_html(path, build_report(out, [], tracks=[trk]), out, [trk], basemap=False)
    ctx, page, seen = _open_recording(browser, path)
    assert seen == []
    assert page.locator("img").count() == 0  # the name never became an element
    labels = page.locator("#ovf-map text.label").all_text_contents()
    assert f"{evil}GND – FL65" in labels  # the airspace label (two lines), shown as text
    assert evil in labels  # the track label
    assert evil in page.locator("#verdicts").inner_text()
    ctx.close()


def test_a_report_without_results_runs_clean(browser: Any, tmp_path: Path) -> None:
    from overflight.analysis.params import CheckOutcome, CheckParameters
    from overflight.reports.json import build_report

    empty = CheckOutcome([], CheckParameters())
    path = tmp_path / "empty.html"
    write_html(path, build_report(empty, []), empty, [], basemap=False)
    ctx, page, seen = _open_recording(browser, path)
    assert seen == []
    assert "No track entered an airspace" in page.locator("header").inner_text()
    assert page.locator(".basemap-note").inner_text() == "Basemap turned off."
    ctx.close()
