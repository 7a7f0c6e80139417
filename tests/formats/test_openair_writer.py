"""OpenAir writer: round trips of every real OpenAir file and of generated airspaces.

The reader (tested on its own against the files' text in test_openair.py) reads the original
file and the written one; both must agree: count, names, classes, limits (text-equal or
value-equal), every coordinate within the DMS rounding (0.05 arc second with one decimal of
seconds), arcs and circles equal in centre, radius and direction.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import footprints

from overflight.errors import GeometryError
from overflight.formats.airspace.openair import iter_airspaces, read_openair
from overflight.formats.airspace.openair_writer import format_limit, openair_lines, write_openair
from overflight.model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    Circle,
    Polygon,
    Reference,
    Vertex,
    VerticalLimit,
)

DMS_TOL = 0.05 / 3600.0 + 1e-9  # degrees: half a tenth of an arc second, plus float noise
RADIUS_TOL_M = 1e-3  # radii are written in NM with six decimals (0.9 mm)
ANGLE_TOL = 1e-6


def _same_limit(a: VerticalLimit, b: VerticalLimit) -> bool:
    if a.text and a.text == b.text:
        return True
    values = (a.value, a.unit, a.reference, a.rule) == (b.value, b.unit, b.reference, b.rule)
    if a.other is None or b.other is None:
        return values and a.other is b.other
    return values and _same_limit(a.other, b.other)


def _close_vertex(a: Vertex, b: Vertex) -> None:
    assert abs(a.lat - b.lat) <= DMS_TOL, (a, b)
    dlon = (a.lon - b.lon + 180.0) % 360.0 - 180.0
    assert abs(dlon) <= DMS_TOL, (a, b)


def _close_ring(a: object, b: object) -> None:
    if isinstance(a, Circle):
        assert isinstance(b, Circle)
        _close_vertex(Vertex(a.center_lat, a.center_lon), Vertex(b.center_lat, b.center_lon))
        assert b.radius_m == pytest.approx(a.radius_m, abs=RADIUS_TOL_M)
        return
    assert isinstance(a, tuple) and isinstance(b, tuple)
    assert [type(p) for p in a] == [type(p) for p in b]
    for p, q in zip(a, b, strict=True):
        if isinstance(p, Vertex):
            _close_vertex(p, q)
        elif isinstance(p, ArcByPoints):
            assert isinstance(q, ArcByPoints) and p.clockwise == q.clockwise
            for u, v in ((p.center, q.center), (p.start, q.start), (p.end, q.end)):
                _close_vertex(u, v)
        else:
            assert isinstance(p, ArcByAngles) and isinstance(q, ArcByAngles)
            assert p.clockwise == q.clockwise
            _close_vertex(p.center, q.center)
            assert q.radius_m == pytest.approx(p.radius_m, abs=RADIUS_TOL_M)
            assert q.start_az == pytest.approx(p.start_az, abs=ANGLE_TOL)
            assert q.end_az == pytest.approx(p.end_az, abs=ANGLE_TOL)


def _assert_round_trip(original: list[Airspace], again: list[Airspace]) -> None:
    assert len(again) == len(original)
    for a, b in zip(original, again, strict=True):
        assert (b.name, b.kind, b.id) == (a.name, a.kind, a.id)
        assert b.meta.get("class") == a.meta.get("class")
        for key in ("frequency", "station", "transponder", "activation"):
            assert b.meta.get(key) == a.meta.get(key), key
        assert _same_limit(a.floor, b.floor), (a.name, a.floor, b.floor)
        assert _same_limit(a.ceiling, b.ceiling), (a.name, a.ceiling, b.ceiling)
        assert len(b.polygons) == len(a.polygons) == 1
        _close_ring(a.polygons[0].exterior, b.polygons[0].exterior)


def _openair_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "openair").iterdir() if p.is_file())


def test_every_real_openair_file_round_trips(shared_data: Path) -> None:
    files = _openair_files(shared_data)
    assert len(files) == 12
    for path in files:
        original, _ = read_openair(path)
        out = io.StringIO()
        blocks = write_openair(original, out)
        assert blocks == len(original)
        problems: list = []
        again = list(iter_airspaces(out.getvalue().splitlines(), problems=problems))
        assert problems == [], path.name
        _assert_round_trip(original, again)


def test_germany_file_counts_survive(shared_data: Path, tmp_path: Path) -> None:
    original, _ = read_openair(shared_data / "openair" / "germany_2026-03_kemme.txt")
    target = tmp_path / "germany.txt"
    write_openair(original, target, header=["effective from 19th March 2026"])
    text = target.read_text(encoding="utf-8")
    # MANIFEST: 678 AC blocks, 122 DC, 302 DB in the source; the reader skips one block
    assert text.startswith("* effective from 19th March 2026\n")
    assert sum(line.startswith("AC ") for line in text.splitlines()) == 677
    assert sum(line.startswith("DC ") for line in text.splitlines()) == 122
    assert sum(line.startswith("DB ") for line in text.splitlines()) == 302
    again, problems = read_openair(target)
    assert problems == []
    _assert_round_trip(original, again)


def test_slovenia_v2_records_are_written(shared_data: Path) -> None:
    original, _ = read_openair(shared_data / "openair" / "slovenia_2025-05-23_seeyou_v2.openair")
    first = openair_lines(original[0])
    # the file's first airspace, lines 8-15 of its text (coordinates 45:37:56N 13:55:08E)
    assert first[:8] == [
        "AC D",
        "AY TMA",
        "AN DOLSKO 1 TMA (1/4)",
        "AF 118.480",
        "AG Ljubljana Info",
        "AL FL135",
        "AH FL195",
        "DP 45:37:56.0 N 013:55:08.0 E",
    ]
    assert any(
        line.startswith("AA ") for a in original for line in openair_lines(a)
    )  # activation windows of the NOTAM-based file


def _square(lat: float = 59.4, lon: float = 24.7) -> tuple[Vertex, ...]:
    return (Vertex(lat, lon), Vertex(lat, lon + 0.2), Vertex(lat + 0.1, lon + 0.2))


def test_multipolygon_becomes_blocks_and_holes_refused() -> None:
    limits = (VerticalLimit.surface("GND"), VerticalLimit.parse("FL65"))
    two = Airspace("TWO", "R", (Polygon(_square()), Polygon(_square(60.0))), *limits)
    lines = openair_lines(two)
    assert [line for line in lines if line.startswith("AC ")] == ["AC R", "AC R"]
    assert [line for line in lines if line.startswith("AN ")] == ["AN TWO", "AN TWO"]
    holed = Airspace("HOLE", "R", (Polygon(_square(), holes=(_square(59.42, 24.75),)),), *limits)
    with pytest.raises(GeometryError, match=r"airspace 'HOLE': OpenAir cannot hold holes \(1\)"):
        openair_lines(holed)


def test_coordinates_are_dms_and_longitudes_wrapped() -> None:
    ring = (Vertex(-36.488333, 145.993056), Vertex(-36.5, 190.0), Vertex(-36.6, 146.0))
    a = Airspace("S", "R", (Polygon(ring),), VerticalLimit.surface(), VerticalLimit.unlimited())
    dps = [line for line in openair_lines(a) if line.startswith("DP")]
    assert dps == [
        "DP 36:29:18.0 S 145:59:35.0 E",
        "DP 36:30:00.0 S 170:00:00.0 W",
        "DP 36:36:00.0 S 146:00:00.0 E",
    ]
    assert next(line for line in openair_lines(a, decimals=0) if line.startswith("DP")) == (
        "DP 36:29:18 S 145:59:35 E"
    )


def test_arc_records_and_direction() -> None:
    c = Vertex(53.5, 10.0)
    ring = (
        Vertex(53.6, 10.0),
        ArcByPoints(c, Vertex(53.6, 10.1), Vertex(53.5, 10.2), clockwise=True),
        ArcByAngles(c, 2.5 * 1852.0, 90.0, 180.0, clockwise=False),
    )
    a = Airspace("A", "Q", (Polygon(ring),), VerticalLimit.surface(), VerticalLimit.unlimited())
    assert openair_lines(a)[4:] == [
        "DP 53:36:00.0 N 010:00:00.0 E",
        "V X=53:30:00.0 N 010:00:00.0 E",
        "V D=+",
        "DB 53:36:00.0 N 010:06:00.0 E, 53:30:00.0 N 010:12:00.0 E",
        "V D=-",
        "DA 2.5, 90, 180",
    ]


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (VerticalLimit.surface(), "SFC"),
        (VerticalLimit(0.0, "ft", Reference.SFC, ""), "GND"),
        (VerticalLimit.unlimited(""), "UNL"),
        (VerticalLimit(95.0, "FL", Reference.FL, ""), "FL95"),
        (VerticalLimit(2500.0, "ft", Reference.AMSL, "junk text"), "2500ft AMSL"),
        (VerticalLimit(300.0, "m", Reference.AGL), "300m AGL"),
        (VerticalLimit.surface("SFC (default)"), "SFC (default)"),
        (
            VerticalLimit(
                130.0,
                "FL",
                Reference.FL,
                other=VerticalLimit(1000.0, "ft", Reference.AGL),
                rule="higher",
            ),
            "FL130 or 1000ft AGL",
        ),
        (
            VerticalLimit(
                5000.0,
                "ft",
                Reference.AMSL,
                other=VerticalLimit(65.0, "FL", Reference.FL),
                rule="lower",
            ),
            "5000ft AMSL but not above FL65",
        ),
    ],
)
def test_format_limit_reads_back(limit: VerticalLimit, text: str) -> None:
    from overflight.formats.airspace.openair import parse_limit

    assert format_limit(limit) == text
    assert _same_limit(parse_limit(text), limit)


_names = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd", "Zs"), whitelist_characters="-/()"
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s)
_limits = st.sampled_from(
    [
        VerticalLimit.surface("GND"),
        VerticalLimit.parse("2500ft AMSL"),
        VerticalLimit(1000.0, "ft", Reference.AGL),
        VerticalLimit(65.0, "FL", Reference.FL),
        VerticalLimit.unlimited("UNL"),
    ]
)


@given(footprints(), _names, st.sampled_from(["R", "D", "CTR", "C"]), _limits, _limits)
def test_generated_airspaces_round_trip(
    fp: object, name: str, cls: str, floor: VerticalLimit, ceiling: VerticalLimit
) -> None:
    a = Airspace(name, cls, (fp.polygon,), floor, ceiling, meta={"class": cls})  # type: ignore[attr-defined]
    out = io.StringIO()
    write_openair([a], out)
    again = list(iter_airspaces(out.getvalue().splitlines()))
    _assert_round_trip([a], again)
    assert out.getvalue().startswith(f"AC {cls}\nAN {name}\n")
