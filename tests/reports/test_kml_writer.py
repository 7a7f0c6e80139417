"""KML/KMZ evidence: read back with overflight's own KML reader (the same fixes) and with
xml.etree (polygons, altitude modes, placemarks); KMZ is a zip holding doc.kml; same bytes on
a second run. Expected values come from the example's source text."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

import overflight
from overflight.analysis.params import CheckOutcome
from overflight.errors import UnsupportedFormatError
from overflight.formats.tracks.kml import read_kml
from overflight.model import Airspace, Polygon, Track, Vertex, VerticalLimit
from overflight.reports.kml import UNL_DRAW_M, kml_bytes, limit_drawing, write_kml

ROOT = Path(__file__).resolve().parents[2]
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
NS = {"k": "http://www.opengis.net/kml/2.2", "gx": "http://www.google.com/kml/ext/2.2"}
WGS84 = Geodesic.WGS84
FT = 0.3048
# from tallinn_airspace.txt
CTR_CEILING_M = 2500 * FT  # "AH 2500ft MSL"
TMA_FLOOR_M = 2500 * FT  # "AL 2500ft MSL"
TMA_CEILING_M = 9500 * FT  # "AH FL95": drawn at its pressure altitude
ARC_CENTRE = (59 + 24 / 60 + 48 / 3600, 24 + 49 / 60 + 57 / 3600)  # "V X=59:24:48 N 024:49:57 E"
ARC_ENDS = ((59.55, 25 + 10 / 60), (59.275, 25 + 10 / 60))  # "DB 59:33:00 N 025:10:00 E, ..."


@pytest.fixture(scope="module")
def case() -> tuple[CheckOutcome, list[Track], list[Airspace]]:
    tracks, _ = overflight.read_tracks(FLIGHTS)
    airspaces, problems = overflight.read_airspaces(AIRSPACE)
    assert not problems
    return overflight.check(tracks, airspaces), tracks, airspaces


@pytest.fixture(scope="module")
def doc(case) -> ET.Element:  # type: ignore[no-untyped-def]
    outcome, tracks, airspaces = case
    return ET.fromstring(kml_bytes(outcome, tracks, airspaces))


def _placemark(doc: ET.Element, name: str) -> ET.Element:
    (pm,) = [p for p in doc.iter(f"{{{NS['k']}}}Placemark") if p.findtext("k:name", "", NS) == name]
    return pm


def _coords(text: str) -> np.ndarray:
    return np.array([[float(v) for v in c.split(",")] for c in text.split()])


# -- tracks --------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_tracks_read_back_with_the_same_fixes(case, tmp_path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks, airspaces = case
    path = tmp_path / f"evidence{suffix}"
    write_kml(outcome, tracks, airspaces, path)
    back, warnings = read_kml(path)
    assert len(back) == len(tracks) == 3
    for t, b in zip(tracks, back, strict=True):
        assert b.id == t.callsign  # the placemark is named by callsign
        np.testing.assert_array_equal(b.time, t.time)
        np.testing.assert_allclose(b.lat, t.lat, atol=1e-8)
        np.testing.assert_allclose(b.lon, t.lon, atol=1e-8)
        # written absolute from alt_geo (the example has it on every fix): read as alt_geo
        np.testing.assert_allclose(b.alt_geo, t.alt_geo, atol=1e-3)
    # the event placemarks are untimed points: skipped by the reader, said in a warning
    assert any("points without a time" in w for w in warnings)


def test_track_without_geometric_altitude_is_written_with_pressure_altitude(tmp_path) -> None:
    t = Track.from_arrays("abc123", time=[0.5, 10.25, 20.0], lat=[60, 60.01, 60.02],
                          lon=[25, 25.01, 25.02], alt_baro=[1000.0, 1100.0, 1200.0])  # fmt: skip
    path = tmp_path / "baro.kml"
    write_kml([], [t], [], path)
    (b,), _ = read_kml(path)
    np.testing.assert_array_equal(b.time, t.time)  # fractional seconds kept (milliseconds)
    np.testing.assert_allclose(b.alt_geo, [1000.0, 1100.0, 1200.0])
    root = ET.parse(path).getroot()
    (trk,) = root.iter(f"{{{NS['gx']}}}Track")
    assert trk.findtext("k:altitudeMode", None, NS) == "absolute"
    assert trk.findtext("k:when", None, NS) == "1970-01-01T00:00:00.500Z"


def test_track_without_any_altitude_is_clamped_to_ground(tmp_path) -> None:
    t = Track.from_arrays("x", time=[0, 10], lat=[60, 60.01], lon=[25, 25.01])
    root = ET.fromstring(kml_bytes([], [t], []))
    (trk,) = root.iter(f"{{{NS['gx']}}}Track")
    assert trk.findtext("k:altitudeMode", None, NS) == "clampToGround"
    assert trk.findtext("gx:coord", None, NS) == "25.00000000 60.00000000"


# -- airspaces -----------------------------------------------------------------------------------
def test_ctr_with_a_ground_floor_is_its_ceiling_extruded_to_the_ground(doc) -> None:  # type: ignore[no-untyped-def]
    pm = _placemark(doc, "TALLINN CTR")
    (poly,) = pm.iter(f"{{{NS['k']}}}Polygon")
    assert poly.findtext("k:extrude", None, NS) == "1"
    assert poly.findtext("k:altitudeMode", None, NS) == "absolute"
    c = _coords(poly.findtext("k:outerBoundaryIs/k:LinearRing/k:coordinates", "", NS))
    assert np.all(c[:, 2] == round(CTR_CEILING_M, 3))
    assert np.array_equal(c[0], c[-1])  # closed ring
    # the DB arc is densified: every point east of 025:10:00 E lies on the arc about the
    # centre, at the radius of its end points
    radii = [WGS84.Inverse(*ARC_CENTRE, *end)["s12"] for end in ARC_ENDS]
    east = c[c[:, 0] > ARC_ENDS[0][1] + 1e-9]
    assert len(east) > 20
    d = np.array([WGS84.Inverse(*ARC_CENTRE, lat, lon)["s12"] for lon, lat in east[:, :2]])
    assert np.all((d > min(radii) - 5.0) & (d < max(radii) + 5.0))
    # the west side is on 024:30:00 E
    assert np.isclose(c[:, 0].min(), 24.5, atol=1e-9)
    desc = pm.findtext("k:description", "", NS)
    assert "Floor: GND (clampToGround" in desc and "Ceiling: 2500ft MSL (absolute, 762 m)" in desc


def test_tma_is_a_volume_between_msl_floor_and_flight_level_ceiling(doc) -> None:  # type: ignore[no-untyped-def]
    pm = _placemark(doc, "TALLINN TMA")
    polys = list(pm.iter(f"{{{NS['k']}}}Polygon"))
    assert {p.findtext("k:altitudeMode", None, NS) for p in polys} == {"absolute"}
    rings = [_coords(p.findtext(".//k:coordinates", "", NS)) for p in polys]
    flat = [r for r in rings if len(set(r[:, 2])) == 1]
    walls = [r for r in rings if len(set(r[:, 2])) == 2]
    assert sorted(r[0, 2] for r in flat) == [round(TMA_FLOOR_M, 3), round(TMA_CEILING_M, 3)]
    # one wall per edge of the (densified) ring, from floor to ceiling
    assert len(walls) == len(flat[0]) - 1
    assert all(set(w[:, 2]) == {round(TMA_FLOOR_M, 3), round(TMA_CEILING_M, 3)} for w in walls)
    desc = pm.findtext("k:description", "", NS)
    assert "FL95 drawn at its pressure altitude, 2895.6 m" in desc
    assert "not a height above sea level" in desc
    data = {d.get("name"): d.findtext("k:value", "", NS) for d in pm.iter(f"{{{NS['k']}}}Data")}
    assert data["floor"] == "2500ft MSL" and data["ceiling"] == "FL95"


def test_agl_limits_are_relative_to_ground_and_mixed_modes_have_no_walls() -> None:
    square = (Vertex(60, 25), Vertex(60, 25.1), Vertex(60.1, 25.1), Vertex(60.1, 25))
    agl = Airspace("AGL BOX", "R", (Polygon(square),), VerticalLimit.parse("500ft AGL"),
                   VerticalLimit.parse("2000ft AGL"))  # fmt: skip
    mixed = Airspace("MIXED", "R", (Polygon(square),), VerticalLimit.parse("1000ft AGL"),
                     VerticalLimit.unlimited())  # fmt: skip
    root = ET.fromstring(kml_bytes([], [], [agl, mixed]))
    polys = list(_placemark(root, "AGL BOX").iter(f"{{{NS['k']}}}Polygon"))
    assert {p.findtext("k:altitudeMode", None, NS) for p in polys} == {"relativeToGround"}
    top = _coords(polys[0].findtext(".//k:coordinates", "", NS))
    assert len(polys) == 2 + len(top) - 1  # top, bottom, a wall per (densified) edge
    assert set(top[:, 2]) == {2000 * FT}
    pm = _placemark(root, "MIXED")
    polys = list(pm.iter(f"{{{NS['k']}}}Polygon"))
    assert [p.findtext("k:altitudeMode", None, NS) for p in polys] == [
        "absolute",
        "relativeToGround",
    ]
    top = _coords(polys[0].findtext(".//k:coordinates", "", NS))
    assert np.all(top[:, 2] == UNL_DRAW_M)
    desc = pm.findtext("k:description", "", NS)
    assert "unlimited: drawn at 20000 m" in desc and "without walls" in desc


@pytest.mark.parametrize(
    ("text", "mode", "alt"),
    [
        ("GND", "clampToGround", 0.0),
        ("2500ft MSL", "absolute", 762.0),
        ("300 m", "absolute", 300.0),
        ("1000ft AGL", "relativeToGround", 304.8),
        ("FL65", "absolute", 1981.2),
        ("UNL", "absolute", UNL_DRAW_M),
    ],
)
def test_limit_drawing(text: str, mode: str, alt: float) -> None:
    d = limit_drawing(VerticalLimit.parse(text))
    assert (d.mode, d.alt_m) == (mode, pytest.approx(alt))
    assert ("pressure altitude" in d.note) == text.startswith("FL")


# -- events --------------------------------------------------------------------------------------
def test_entry_and_exit_placemarks(doc) -> None:  # type: ignore[no-untyped-def]
    names = [p.findtext("k:name", "", NS) for p in doc.iter(f"{{{NS['k']}}}Placemark")]
    (entry,) = [n for n in names if n.startswith("ESEXA entry TALLINN CTR ")]
    (exit_,) = [n for n in names if n.startswith("ESEXA exit TALLINN CTR ")]
    pm = _placemark(doc, entry)
    lon, lat, alt = _coords(pm.findtext("k:Point/k:coordinates", "", NS))[0]
    assert lon == pytest.approx(24.5, abs=1e-7)  # the CTR's west side, 024:30:00 E
    assert pm.findtext("k:Point/k:altitudeMode", None, NS) == "absolute"
    # between the example's fixes: 1500 ft pressure + 75 ft = 1575 ft geometric
    assert alt == pytest.approx(1575 * FT, abs=0.01)
    desc = pm.findtext("k:description", "", NS)
    assert "Entry: 2024-06-15T09:07:04" in desc
    assert "Vertical status: inside" in desc and "Max depth: " in desc
    assert "Via the lateral boundary" in desc
    pm = _placemark(doc, exit_)
    lat = _coords(pm.findtext("k:Point/k:coordinates", "", NS))[0][1]
    assert lat == pytest.approx(59.55, abs=1e-3)  # the CTR's north side, 59:33:00 N
    # lateral passes (ESEXC over the CTR, above its ceiling) are marked as such
    assert any(n.startswith("ESEXC lateral entry TALLINN CTR") for n in names)
    above = _placemark(
        doc, next(n for n in names if n.startswith("ESEXC lateral entry TALLINN CTR"))
    )
    assert "Vertical status: above" in above.findtext("k:description", "", NS)
    # the closest approach of a pass that never entered: ESEXB, ~5.6 km south of the CTR
    desc = _placemark(doc, "ESEXB closest to TALLINN CTR").findtext("k:description", "", NS)
    assert "Lateral distance: 56" in desc


def test_descriptions_escape_names(tmp_path) -> None:
    square = (Vertex(60, 25), Vertex(60, 25.1), Vertex(60.1, 25.1), Vertex(60.1, 25))
    a = Airspace("<b>R&1</b>", "R", (Polygon(square),), VerticalLimit.surface(),
                 VerticalLimit.parse("FL65"), source="x<y>.txt", line=3)  # fmt: skip
    text = kml_bytes([], [], [a]).decode()
    root = ET.fromstring(text)
    desc = _placemark(root, "<b>R&1</b>").findtext("k:description", "", NS)
    assert "x&lt;y&gt;.txt:3" in desc  # HTML-escaped inside the balloon


# -- containers and determinism ------------------------------------------------------------------
def test_kmz_is_a_zip_holding_doc_kml_identical_on_a_second_run(case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome, tracks, airspaces = case
    write_kml(outcome, tracks, airspaces, tmp_path / "a.kmz", provenance={"version": "x"})
    write_kml(outcome, tracks, airspaces, tmp_path / "b.kmz", provenance={"version": "x"})
    write_kml(outcome, tracks, airspaces, tmp_path / "a.kml", provenance={"version": "x"})
    assert (tmp_path / "a.kmz").read_bytes() == (tmp_path / "b.kmz").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.kmz") as z:
        assert z.testzip() is None
        assert z.namelist() == ["doc.kml"]
        data = z.read("doc.kml")
    assert data == (tmp_path / "a.kml").read_bytes()
    root = ET.fromstring(data)
    assert root.tag == f"{{{NS['k']}}}kml"
    vals = {d.get("name"): d.findtext("k:value", "", NS) for d in root.iterfind(
        "k:Document/k:ExtendedData/k:Data", NS)}  # fmt: skip
    assert vals == {"version": '"x"'}


def test_other_extensions_are_refused(tmp_path) -> None:
    with pytest.raises(UnsupportedFormatError, match=r"evidence\.kml\.txt: KML output needs"):
        write_kml([], [], [], tmp_path / "evidence.kml.txt")
    assert not (tmp_path / "evidence.kml.txt").exists()
    assert math.isfinite(UNL_DRAW_M)
