"""PNG figures on the bundled Tallinn example: size, track colours where the track is, readable
fonts, times from the example's source data, signed distance, identical bytes on re-runs.

Copies of the figures go to /tmp/overflight-png/ for looking at them."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

import overflight
from overflight.analysis.params import CheckOutcome
from overflight.model import CheckResult, Track

pytest.importorskip("matplotlib", reason="matplotlib (the 'report' extra) is not installed")
from PIL import Image

from overflight.reports._shapes import INSIDE, LATERAL, OUTSIDE, signed_distance
from overflight.reports.png import (
    TRACK_COLOURS,
    map_figure,
    timeline_figure,
    write_map_png,
    write_timeline_png,
)

ROOT = Path(__file__).resolve().parents[2]
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
LOOK = Path("/tmp/overflight-png")
WGS84 = Geodesic.WGS84
# from tallinn_airspace.txt: "DP 59:16:30 N 024:30:00 E" (CTR south-west corner), the CTR's
# west side on 024:30:00 E and its north side on 59:33:00 N
CTR_SW = (59 + 16.5 / 60, 24.5)
CTR_WEST_LON = 24.5
CTR_NORTH_LAT = 59.55


@pytest.fixture(scope="module")
def case() -> tuple[CheckOutcome, list[Track]]:
    tracks, _ = overflight.read_tracks(FLIGHTS)
    airspaces, problems = overflight.read_airspaces(AIRSPACE)
    assert not problems
    return overflight.check(tracks, airspaces), tracks


def _result(outcome: CheckOutcome, callsign: str, airspace: str) -> CheckResult:
    (r,) = [r for r in outcome.results if r.callsign == callsign and r.airspace.name == airspace]
    return r


def _track(tracks: list[Track], callsign: str) -> Track:
    (t,) = [t for t in tracks if t.callsign == callsign]
    return t


def _keep(path: Path) -> None:
    LOOK.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, LOOK / path.name)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _csv_crossing(callsign: str, column: str, value: float) -> float:
    """Time at which ``column`` of the example CSV crosses ``value`` for ``callsign``
    (linear between the two bracketing rows, at each row's ``lastposupdate``, the time of
    its position): independent of overflight."""
    rows = [r for r in csv.DictReader(FLIGHTS.open()) if r["callsign"].strip() == callsign]
    t = np.array([float(r["lastposupdate"]) for r in rows])  # the position time
    v = np.array([float(r[column]) for r in rows])
    k = int(np.flatnonzero(np.diff(np.sign(v - value)))[0])
    return float(t[k] + (value - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k]))


def _hhmmss(t: float) -> str:
    s = round(t) % 86400
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}Z"


def _label_time(texts: list[str], prefix: str, suffix: str = "") -> float:
    """Seconds of the day of the one label ``prefix HH:MM:SSZ suffix``."""
    (hit,) = [t for t in texts if t.startswith(prefix) and t.endswith(suffix)]
    h, m, s = hit[len(prefix) : len(prefix) + 8].split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def _check_times(texts: list[str], suffix: str = "") -> None:
    # west side: the meridian 024:30:00 E, a geodesic: the crossing of that longitude
    t_in = _csv_crossing("ESEXA", "lon", CTR_WEST_LON) % 86400
    assert abs(_label_time(texts, "entry ", suffix) - t_in) <= 0.6
    # north side: the geodesic between two points on 59:33:00 N bulges ~40 m north of the
    # parallel where ESEXA crosses it (~1 s of flight), so the exit is up to 1.5 s later
    t_out = _csv_crossing("ESEXA", "lat", CTR_NORTH_LAT) % 86400
    assert 0.0 <= _label_time(texts, "exit ", suffix) - t_out <= 1.5


def _pixel_has(img: np.ndarray, xy: np.ndarray, colour: str, r: int = 2) -> bool:
    """Whether the exact ``colour`` is within ``r`` pixels of display point ``xy``."""
    h = img.shape[0]
    col, row = round(float(xy[0])), round(h - float(xy[1]))
    patch = img[row - r : row + r + 1, col - r : col + r + 1, :3]
    return bool((patch == np.array(_rgb(colour))).all(axis=-1).any())


def _display(fig, lon: float, lat: float, dpi: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    fig.set_dpi(dpi)
    ax = fig.axes[0]
    return ax.transData.transform([(lon, lat)])[0]


# -- map ----------------------------------------------------------------------------------------
def test_map_png_size_and_track_colours_where_the_tracks_are(case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    path = tmp_path / "tallinn_map.png"
    write_map_png(outcome, tracks, path, width_in=7.0, dpi=200)
    _keep(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    fig = map_figure(outcome, tracks, width_in=7.0)
    w_in, h_in = fig.get_size_inches()
    img = np.asarray(Image.open(path).convert("RGB"))
    assert img.shape[1] == 1400 and w_in == 7.0
    assert img.shape[0] == round(h_in * 200)
    # ESEXA inside the CTR: red half-way between its entry point and its deepest point
    inc = _result(outcome, "ESEXA", "TALLINN CTR").incursions[0]
    lat = 0.5 * (inc.entry_point[0] + inc.max_depth_point[0])
    lon = 0.5 * (inc.entry_point[1] + inc.max_depth_point[1])
    assert _pixel_has(img, _display(fig, lon, lat, 200), TRACK_COLOURS[INSIDE])
    # ESEXB, under the TMA all along (laterally inside, below): orange at its 100th fix
    b = _track(tracks, "ESEXB")
    xy = _display(fig, float(b.lon[100]), float(b.lat[100]), 200)
    assert _pixel_has(img, xy, TRACK_COLOURS[LATERAL])
    assert not _pixel_has(img, xy, TRACK_COLOURS[INSIDE])


def test_map_of_the_ctr_alone_shows_tracks_outside_in_blue(case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    ctr = [r for r in outcome.results if r.airspace.name == "TALLINN CTR"]
    path = tmp_path / "tallinn_ctr_map.png"
    write_map_png(ctr, tracks, path, dpi=150)
    _keep(path)
    img = np.asarray(Image.open(path).convert("RGB"))
    fig = map_figure(ctr, tracks)
    b = _track(tracks, "ESEXB")  # passes ~5.6 km south of the CTR
    xy = _display(fig, float(b.lon[100]), float(b.lat[100]), 150)
    assert _pixel_has(img, xy, TRACK_COLOURS[OUTSIDE])
    assert img.shape[1] == 7 * 150


def test_map_labels_entry_and_exit_with_the_times_of_the_source_data(case) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    fig = map_figure(outcome, tracks)
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    # ESEXA crosses the CTR's west side (024:30:00 E) and north side (59:33:00 N)
    _check_times(texts, " TALLINN CTR")
    assert any(t.startswith("TALLINN CTR\nGND – 2500ft MSL") for t in texts)
    assert any(t.startswith("TALLINN TMA\n2500ft MSL – FL95") for t in texts)
    assert any(t.startswith("closest 5.6") for t in texts)  # ESEXB, ~5.6 km south of the CTR


@pytest.mark.parametrize("which", ["map", "timeline"])
def test_every_text_is_at_least_8_points(case, which: str) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.text import Text

    outcome, tracks = case
    if which == "map":
        fig = map_figure(outcome, tracks)
    else:
        fig = timeline_figure(_result(outcome, "ESEXA", "TALLINN CTR"), _track(tracks, "ESEXA"))
    texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
    assert len(texts) > 10
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 8.0]
    assert not small


def test_map_png_is_byte_identical_on_a_second_run(case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    write_map_png(outcome, tracks, a, dpi=100)
    write_map_png(outcome, tracks, b, dpi=100)
    assert a.read_bytes() == b.read_bytes()
    assert b"Matplotlib" not in a.read_bytes()  # no software stamp


# -- timeline ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("callsign", "airspace"),
    [("ESEXA", "TALLINN CTR"), ("ESEXC", "TALLINN TMA"), ("ESEXC", "TALLINN CTR")],
)
def test_timeline_png_size_and_colours(case, tmp_path, callsign: str, airspace: str) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    r, t = _result(outcome, callsign, airspace), _track(tracks, callsign)
    path = tmp_path / f"timeline_{callsign}_{airspace.replace(' ', '_')}.png"
    write_timeline_png(r, t, path, width_in=7.0, dpi=200)
    _keep(path)
    img = np.asarray(Image.open(path).convert("RGB"))
    _, h_in = timeline_figure(r, t).get_size_inches()
    assert img.shape[:2] == (round(h_in * 200), 1400)
    upper = img[: img.shape[0] * 2 // 3]  # the panels, without the legend row
    colours = {c for c, hexc in TRACK_COLOURS.items()
               if (upper == np.array(_rgb(hexc))).all(axis=-1).sum() > 200}  # fmt: skip
    expected = {
        ("ESEXA", "TALLINN CTR"): {OUTSIDE, INSIDE},
        ("ESEXC", "TALLINN TMA"): {INSIDE},  # inside from start to end
        ("ESEXC", "TALLINN CTR"): {OUTSIDE, LATERAL},  # over the CTR, above its ceiling
    }[(callsign, airspace)]
    assert colours == expected


def test_timeline_marks_entry_exit_and_limits(case) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    fig = timeline_figure(_result(outcome, "ESEXA", "TALLINN CTR"), _track(tracks, "ESEXA"))
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    _check_times(texts)
    assert any(t.startswith("ceiling 2500ft MSL") for t in texts)
    assert "floor GND" in texts
    fig = timeline_figure(_result(outcome, "ESEXC", "TALLINN TMA"), _track(tracks, "ESEXC"))
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    # the example flies at 3500 ft: FL95 is far above the panel and said so, as a pressure alt.
    assert any("ceiling FL95 (pressure altitude), above this panel" in t for t in texts)


def test_signed_distance_sign_and_values(case) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    r, trk = _result(outcome, "ESEXA", "TALLINN CTR"), _track(tracks, "ESEXA")
    t, d, cls = signed_distance(r, trk)
    assert t[0] == trk.time[0] and t[-1] == trk.time[-1] and np.all(np.diff(t) > 0)
    assert cls.shape == (len(t) - 1,)
    # the first fix (59.18 N 24.25 E) is south-west of the CTR's south-west corner: the
    # nearest boundary point is that corner
    g = WGS84.Inverse(float(trk.lat[0]), float(trk.lon[0]), *CTR_SW)
    assert d[0] == pytest.approx(-g["s12"], abs=1.0)
    inc = r.incursions[0]
    inside = (t > inc.entry_time) & (t < inc.exit_time)
    near = (np.abs(t - inc.entry_time) < 1.0) | (np.abs(t - inc.exit_time) < 1.0)
    assert np.all(d[inside] > 0) and np.all(d[~inside & ~near] < 0)
    assert np.all(np.abs(d[near]) < 100.0)  # the boundary, at ~50 m/s
    # dense sampling (500 m) finds the deepest point to within the sampling step
    assert inc.max_depth_m - 300.0 < d.max() <= inc.max_depth_m + 0.01


def test_timeline_png_is_byte_identical_on_a_second_run(case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks = case
    r, t = _result(outcome, "ESEXA", "TALLINN CTR"), _track(tracks, "ESEXA")
    write_timeline_png(r, t, tmp_path / "a.png", dpi=100)
    write_timeline_png(r, t, tmp_path / "b.png", dpi=100)
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_one_fix_track_does_not_break_the_figures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from overflight.model import Airspace, Circle, Polygon, VerticalLimit

    zone = Airspace("R1", "R", (Polygon(Circle(60.0, 25.0, 5000.0)),),
                    VerticalLimit.surface(), VerticalLimit.parse("1000ft AGL"))  # fmt: skip
    trk = Track.from_arrays("one", time=[0.0], lat=[60.0], lon=[25.0], alt_baro=[100.0])
    (r,) = overflight.check([trk], [zone]).results
    write_map_png([r], [trk], tmp_path / "m.png", dpi=50)
    write_timeline_png(r, trk, tmp_path / "t.png", dpi=50)
    fig = timeline_figure(r, trk)
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    assert any("1000ft AGL (terrain unknown: not drawn)" in t for t in texts)
    assert Image.open(tmp_path / "t.png").size[0] == 350
