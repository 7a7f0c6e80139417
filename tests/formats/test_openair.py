"""OpenAir reader: every real file in shared/data/openair, hand-checked spot values, bad input.

Expected numbers below were taken from the files' text (counting AC/DC/DB lines, reading the
records by eye), not from the reader's output. Coordinates are written as in the file.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from overflight.errors import ParseError
from overflight.formats.airspace.openair import (
    NM,
    Record,
    iter_airspaces,
    iter_records,
    looks_like_openair,
    parse_limit,
    read_openair,
)
from overflight.model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    Circle,
    Reference,
    Vertex,
    VerticalLimit,
)


def dms(d: float, m: float = 0.0, s: float = 0.0, hemi: str = "N") -> float:
    value = d + m / 60.0 + s / 3600.0
    return -value if hemi in "SW" else value


def vx(lat: tuple[float, ...], lon: tuple[float, ...]) -> Vertex:
    """Vertex from ``(d, m, s, 'N')``-style tuples."""
    return Vertex(dms(*lat), dms(*lon))  # type: ignore[arg-type]


def approx_vertex(v: Vertex, expected: Vertex) -> None:
    assert (v.lat, v.lon) == pytest.approx((expected.lat, expected.lon), abs=1e-9)


def parts(airspaces: Sequence[Airspace]) -> Counter[str]:
    c: Counter[str] = Counter()
    for a in airspaces:
        for polygon in a.polygons:
            if isinstance(polygon.exterior, Circle):
                c["circle"] += 1
            else:
                c.update(type(p).__name__ for p in polygon.exterior)
    return c


def by_name(airspaces: Sequence[Airspace], name: str) -> Airspace:
    [a] = [a for a in airspaces if a.name == name]
    return a


@pytest.fixture(scope="module")
def openair_dir(shared_data: Path) -> Path:
    folder = shared_data / "openair"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    return folder


# -- every real file: counts --------------------------------------------------------------------

# name: (AC blocks, airspaces read, problems, circles, ArcByPoints, ArcByAngles)
COUNTS = {
    # 678 AC; the AC G at line 1142 has no AN
    "germany_2026-03_kemme.txt": (678, 677, 1, 122, 302, 0),
    # 662 AC; 101 blocks have AL/AH "NOTAM" or "BCTA FT" (885 DB in all, 803 in the others,
    # 134 DC in all, 125 in the others); D738 (line 9830) has only 2 distinct points
    "australia_sua_2008_xcsoar.txt": (662, 560, 102, 125, 803, 0),
    "slovenia_2025-05-23_seeyou_v2.openair": (58, 58, 0, 4, 0, 0),
    # 25 AC: no AN (97), V D=-5 (121), AH "Ask on 122.8" (373) skipped; 4 bad AA records
    "winpilot_spec_sample.txt": (25, 22, 7, 5, 1, 14),
    "xcsoar_test_openair.txt": (26, 26, 0, 24, 0, 2),
    "xcsoar_test_openair_2.txt": (4, 4, 0, 0, 0, 2),
    "openaip_fixture_arc-angle-ccw.txt": (1, 1, 0, 0, 0, 1),
    "openaip_fixture_arc-angle-cw.txt": (1, 1, 0, 0, 0, 2),
    "openaip_fixture_arc-cw-ccw.txt": (1, 1, 0, 0, 2, 0),
    "openaip_fixture_circular.txt": (1, 1, 0, 1, 0, 0),
    "openaip_fixture_self-intersecting.txt": (1, 1, 0, 0, 0, 0),
    "openaip_fixture_version-2-commands.txt": (8, 8, 0, 0, 0, 0),
}


def test_every_real_file_is_listed(openair_dir: Path) -> None:
    assert sorted(p.name for p in openair_dir.iterdir() if p.name != "MANIFEST.md") == sorted(
        COUNTS
    )


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_real_file_counts(openair_dir: Path, name: str) -> None:
    n_ac, n_read, n_problems, n_circles, n_db, n_da = COUNTS[name]
    path = openair_dir / name
    text = path.read_bytes().decode("utf-8")
    assert sum(line.startswith("AC") for line in text.splitlines()) == n_ac
    airspaces, problems = read_openair(path)
    assert len(airspaces) == n_read
    assert len(problems) == n_problems, [str(p) for p in problems]
    c = parts(airspaces)
    assert (c["circle"], c["ArcByPoints"], c["ArcByAngles"]) == (n_circles, n_db, n_da)
    for a in airspaces:
        assert a.source == str(path)
        assert a.name and a.kind
        assert text.splitlines()[a.line - 1].startswith("AC")
    for p in problems:
        assert p.path == str(path) and isinstance(p.line, int)
        assert str(p).startswith(f"{path}:{p.line}: ")


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_real_file_heads_look_like_openair(openair_dir: Path, name: str) -> None:
    head = (openair_dir / name).read_bytes()[:8192].decode("utf-8", errors="replace")
    assert looks_like_openair(head)


# -- Germany (Kemme) ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def germany(openair_dir: Path) -> tuple[list[Airspace], list[ParseError]]:
    return read_openair(openair_dir / "germany_2026-03_kemme.txt")


def test_germany_missing_name_is_reported(germany: tuple[list[Airspace], list[ParseError]]) -> None:
    _, [problem] = germany
    assert problem.line == 1142
    assert "missing AN (name)" in problem.reason and "skipped" in problem.reason


def test_germany_classes(germany: tuple[list[Airspace], list[ParseError]]) -> None:
    # grep '^AC' | sort | uniq -c, trailing spaces stripped, minus the AC G without AN
    kinds = Counter(a.kind for a in germany[0])
    assert kinds == {
        "C": 97, "CTR": 66, "D": 82, "G": 5, "Q": 116, "R": 138, "RMZ": 31, "TMZ": 56, "W": 86,
    }  # fmt: skip
    assert all(a.meta["class"] == a.kind and "type" not in a.meta for a in germany[0])


def test_germany_ctr_ingolstadt(germany: tuple[list[Airspace], list[ParseError]]) -> None:
    # lines 4410-4418: AH 3700ft MSL, AL GND, 5 DP with the last closing the ring
    a = by_name(germany[0], "CTR Ingolstadt")
    assert (a.kind, a.line) == ("CTR", 4410)
    assert a.floor.reference is Reference.SFC
    assert (a.ceiling.value, a.ceiling.unit, a.ceiling.reference) == (3700, "ft", Reference.AMSL)
    assert a.ceiling.text == "3700ft MSL"
    ring = a.polygons[0].exterior
    assert isinstance(ring, tuple) and len(ring) == 4
    approx_vertex(ring[0], vx((48, 47, 10), (11, 20, 50, "E")))
    approx_vertex(ring[3], vx((48, 37, 45), (11, 24, 0, "E")))


def test_germany_circle_and_agl_ceiling(germany: tuple[list[Airspace], list[ParseError]]) -> None:
    # lines 114-119: AN EDR Klixbuell HX 125.100, AH 2500ft GND, V X=54:48:22 N 008:51:53 E,
    # DC 0.80
    a = by_name(germany[0], "EDR Klixbuell HX 125.100")
    assert a.kind == "R"
    assert (a.ceiling.value, a.ceiling.reference) == (2500, Reference.AGL)
    circle = a.polygons[0].exterior
    assert isinstance(circle, Circle)
    assert circle.radius_m == pytest.approx(0.8 * 1852)
    assert (circle.center_lat, circle.center_lon) == pytest.approx(
        (dms(54, 48, 22), dms(8, 51, 53)), abs=1e-9
    )
    # lines 9119-9124: PARA Rosenthal EDQP, Q, GND-FL100, DC 2.00
    para = by_name(germany[0], "PARA Rosenthal EDQP 127.455")
    assert (para.kind, str(para.ceiling), para.ceiling.metres()) == ("Q", "FL100", 3048.0)
    assert para.polygons[0].exterior.radius_m == pytest.approx(3704.0)  # type: ignore[union-attr]


def test_germany_db_arc(germany: tuple[list[Airspace], list[ParseError]]) -> None:
    # lines 145-154: DP A; V X=C; DB A, B; DP B; DP D; DP A  -> (arc A->B about C, vertex D)
    a = by_name(germany[0], "EDR4 Wannsee H24")
    arc, corner = a.polygons[0].exterior  # type: ignore[misc]
    assert isinstance(arc, ArcByPoints) and arc.clockwise
    approx_vertex(arc.center, vx((52, 24, 38), (13, 7, 46, "E")))
    approx_vertex(arc.start, vx((52, 22, 40), (13, 8, 15, "E")))
    approx_vertex(arc.end, vx((52, 24, 33), (13, 11, 2, "E")))
    approx_vertex(corner, vx((52, 23, 8), (13, 8, 27, "E")))
    # lines 600-609: V D=- then "DB 52:29:31 N 007:17:48 E , 52:26:00 N 007:03:50 E"
    nordhorn = by_name(germany[0], "EDR37B Nordhorn MON-FRI")
    [arc] = [p for p in nordhorn.polygons[0].exterior if isinstance(p, ArcByPoints)]  # type: ignore[union-attr]
    assert not arc.clockwise
    approx_vertex(arc.end, vx((52, 26, 0), (7, 3, 50, "E")))


# -- Australia ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def australia(openair_dir: Path) -> tuple[list[Airspace], list[ParseError]]:
    return read_openair(openair_dir / "australia_sua_2008_xcsoar.txt")


def test_australia_problems(australia: tuple[list[Airspace], list[ParseError]]) -> None:
    problems = australia[1]
    # 96 "AH NOTAM" (3 of these blocks also have "AL NOTAM") + 3 blocks with only "AL NOTAM"
    assert sum("is set by NOTAM" in p.reason for p in problems) == 99
    [first] = [p for p in problems if p.line == 4565]  # R178: AH NOTAM (AC at 4563)
    assert "AH: altitude 'NOTAM' is set by NOTAM" in first.reason
    assert "'R178: NOTAM' (AC at line 4563) skipped" in first.reason
    assert {p.line for p in problems if "unknown altitude 'BCTA FT'" in p.reason} == {8636, 9050}
    [d738] = [p for p in problems if "distinct point" in p.reason]
    assert d738.line == 9830 and "'D738'" in d738.reason


def test_australia_r364(australia: tuple[list[Airspace], list[ParseError]]) -> None:
    # lines 5842-5847: AC R, AN R364, AH 2000 FT, AL SFC, V X=36:29:18 S 145:59:35 E, DC 1.0
    a = by_name(australia[0], "R364")
    assert a.kind == "R"
    assert a.floor == VerticalLimit.surface("SFC")
    assert (a.ceiling.value, a.ceiling.unit, a.ceiling.reference) == (2000, "ft", Reference.AMSL)
    circle = a.polygons[0].exterior
    assert isinstance(circle, Circle) and circle.radius_m == pytest.approx(NM)
    assert (circle.center_lat, circle.center_lon) == pytest.approx(
        (dms(36, 29, 18, "S"), dms(145, 59, 35)), abs=1e-9
    )


def test_australia_albury_cta_c2(australia: tuple[list[Airspace], list[ParseError]]) -> None:
    # lines 416-439: 4 counter-clockwise DB arcs about 36:04:05 S 146:57:58 E joined by edges;
    # every DP repeats an arc end, so only the arcs remain
    a = by_name(australia[0], "ALBURY_CTA_C2")
    assert (a.kind, a.line) == ("C", 416)
    assert str(a.floor) == "8500 FT" and a.floor.metres() == pytest.approx(8500 * 0.3048)
    assert a.ceiling == VerticalLimit.flight_level(125, "FL125")
    ring = a.polygons[0].exterior
    assert isinstance(ring, tuple) and len(ring) == 4
    assert all(isinstance(p, ArcByPoints) and not p.clockwise for p in ring)
    centre = vx((36, 4, 5, "S"), (146, 57, 58, "E"))
    assert all(p.center == ring[0].center for p in ring)  # type: ignore[union-attr]
    approx_vertex(ring[0].center, centre)  # type: ignore[union-attr]
    approx_vertex(ring[0].start, vx((35, 48, 11, "S"), (147, 0, 28, "E")))  # type: ignore[union-attr]
    approx_vertex(ring[-1].end, vx((35, 20, 30, "S"), (147, 12, 4, "E")))  # type: ignore[union-attr]


def test_australia_odd_altitudes(australia: tuple[list[Airspace], list[ParseError]]) -> None:
    r131a = by_name(australia[0], "R131A")  # line 4137: AH UNL FT
    assert r131a.ceiling.reference is Reference.UNL and r131a.ceiling.text == "UNL FT"
    r321 = by_name(australia[0], "R321")  # line 5630: AH 2900AMSL FT
    assert (r321.ceiling.value, r321.ceiling.unit, r321.ceiling.reference) == (
        2900,
        "ft",
        Reference.AMSL,
    )


# -- Slovenia (SeeYou v2: AY, AF, AG, AA) -------------------------------------------------------


def test_slovenia_types_and_meta(openair_dir: Path) -> None:
    airspaces, _ = read_openair(openair_dir / "slovenia_2025-05-23_seeyou_v2.openair")
    # grep '^AY' | sort | uniq -c ; grep '^AC' | sort | uniq -c
    assert Counter(a.kind for a in airspaces) == {
        "ATZ": 12, "CTR": 4, "MTA": 6, "P": 1, "Q": 2, "R": 6, "TMA": 23, "TMZ": 2, "TRA": 2,
    }  # fmt: skip
    assert Counter(a.meta["class"] for a in airspaces) == {"C": 7, "D": 26, "G": 12, "UNC": 13}
    assert sum("frequency" in a.meta for a in airspaces) == 55
    assert sum("activation" in a.meta for a in airspaces) == 10  # 16 AA lines in 10 blocks
    first = airspaces[0]  # lines 8-13
    assert first.name == "DOLSKO 1 TMA (1/4)"
    assert dict(first.meta) == {
        "class": "D", "type": "TMA", "frequency": "118.480", "station": "Ljubljana Info",
    }  # fmt: skip
    assert (str(first.floor), str(first.ceiling)) == ("FL135", "FL195")
    approx_vertex(first.polygons[0].exterior[0], vx((45, 37, 56), (13, 55, 8, "E")))  # type: ignore[index]
    # lines 2957-2968 and 2970-2977
    gorica = by_name(airspaces, "Nova Gorica TRA")
    assert gorica.meta["activation"] == (
        "2025-05-21T09:00Z/2025-05-21T10:30Z",
        "2025-05-24T15:00Z/2025-05-24T16:30Z",
    )
    koper = by_name(airspaces, "Luka Koper TRA")
    assert (koper.kind, koper.meta["class"]) == ("TRA", "UNC")
    assert koper.polygons[0].exterior.radius_m == pytest.approx(1.56 * 1852)  # type: ignore[union-attr]


# -- WinPilot spec sample -----------------------------------------------------------------------


def test_winpilot_sample(openair_dir: Path) -> None:
    path = openair_dir / "winpilot_spec_sample.txt"
    airspaces, problems = read_openair(path)
    assert [(p.line, p.reason.split(";")[0]) for p in problems] == [
        (97, "missing AN (name)"),
        (121, "V: bad direction '-5' (expected + or -)"),
        (358, "AA: bad activation window 'line2' (expected NONE or start/end)"),
        (363, "AA: bad activation window 'illegal1' (expected NONE or start/end)"),
        (364, "AA: bad activation window 'illegal2/illegal3' (expected NONE or start/end)"),
        (
            365,
            "AA: bad activation window 'illegal4/illegal5/illegal6' (expected NONE or start/end)",
        ),
        (373, "AH: unknown altitude 'Ask on 122.8'"),
    ]
    # lines 61-69: inline comment after the class, AI, AF, AG
    reno = airspaces[0]
    assert (reno.name, reno.kind, reno.id) == ("RENO-C", "C", "Reno-C-1")
    assert (reno.meta["frequency"], reno.meta["station"]) == ("123.456", "Reno Radio")
    # lines 72-86: 3 AT labels, DA 10,270,290 / DA 7,290,320 / DB / V D=- then DA 5,200,270
    reno2 = airspaces[1]
    labels = [c for label in reno2.meta["labels"] for c in label]
    assert labels == pytest.approx(
        [dms(39, 36.8), dms(119, 46.1, hemi="W"), dms(39, 22.8), dms(119, 45.1, hemi="W"),
         dms(39, 29.9), dms(119, 36.1, hemi="W")]
    )  # fmt: skip
    da1, da2, db, da3 = reno2.polygons[0].exterior  # type: ignore[misc]
    assert (da1.radius_m, da1.start_az, da1.end_az, da1.clockwise) == (10 * NM, 270, 290, True)
    assert (da2.radius_m, da2.start_az, da2.end_az) == (7 * NM, 290, 320)
    assert isinstance(db, ArcByPoints) and db.clockwise
    assert (da3.radius_m, da3.start_az, da3.end_az, da3.clockwise) == (5 * NM, 200, 270, False)
    approx_vertex(da1.center, Vertex(dms(39, 29.7), dms(119, 46.5, hemi="W")))
    # lines 87-93: AY CTR -> kind CTR, class C
    beale = airspaces[2]
    assert (beale.name, beale.kind, beale.meta["class"]) == ("BEALE AFB", "CTR", "C")
    # lines 106-113: DA without its own V X= uses the last centre (line 92), as the spec says
    beale2 = airspaces[3]
    assert beale2.name == "BEALE AFB" and beale2.line == 106
    first = beale2.polygons[0].exterior[0]  # type: ignore[index]
    assert isinstance(first, ArcByAngles)
    approx_vertex(first.center, Vertex(dms(39, 8.4), dms(121, 26.1, hemi="W")))
    # terrain (TC, SP, SB, V Z=, DP from line 381) is skipped; the last airspace is Minden West's
    # predecessor LAKE TAHOE with its AA windows (lines 353-368)
    tahoe = by_name(airspaces, "LAKE TAHOE")
    assert tahoe.meta["activation"] == (
        "NONE",
        "2023-12-16T12:00Z/2023-12-16T13:00Z",
        "2024-12-17T00:00Z/2024-12-17T23:05Z",
        "2024-12-17T00:00Z/NONE",
        "NONE/2024-12-18T00:00Z",
    )
    assert airspaces[-1] is tahoe
    # "AH UNLIM (Mon-Fri)" (line 187), "AL 100 Agl", "AH FL 180", "AL 500 ft agl"
    r4807 = by_name(airspaces, "R-4807 A")
    assert r4807.ceiling.reference is Reference.UNL and r4807.ceiling.text == "UNLIM (Mon-Fri)"
    assert str(by_name(airspaces, "R 4812 4804").ceiling) == "FL 180"
    r4816 = by_name(airspaces, "R-4816S")
    assert (r4816.floor.value, r4816.floor.reference) == (500, Reference.AGL)


# -- XCSoar fixtures ----------------------------------------------------------------------------


def test_xcsoar_fixture(openair_dir: Path) -> None:
    airspaces, _ = read_openair(openair_dir / "xcsoar_test_openair.txt")
    assert airspaces[0].meta["frequency"] == "130.125"  # AR 130.125 MHz
    assert airspaces[1].meta["frequency"] == "130.125"  # AF 130.125
    circle = by_name(airspaces, "Circle-Test").polygons[0].exterior
    assert isinstance(circle, Circle) and circle.radius_m == 5 * NM
    assert (circle.center_lat, circle.center_lon) == pytest.approx((1 + 5.5 / 60, 5.5 / 60))
    ccw, cw = by_name(airspaces, "Arc-Test").polygons[0].exterior  # type: ignore[misc]
    assert (ccw.radius_m, ccw.start_az, ccw.end_az, ccw.clockwise) == (15 * NM, 185, 155, False)
    assert (cw.radius_m, cw.start_az, cw.end_az, cw.clockwise) == (25 * NM, 155, 185, True)
    assert (ccw.center.lat, ccw.center.lon) == (1.0, 1.0)
    square = by_name(airspaces, "Polygon-Test").polygons[0].exterior
    c = 1 + 30 / 60 + 30 / 3600
    assert [x for v in square for x in (v.lat, v.lon)] == pytest.approx(  # type: ignore[union-attr]
        [c, -c, c, c, -c, c, -c, -c]
    )
    kinds = [a.kind for a in airspaces[5:22]]
    assert kinds == [*"ABCDEFG", "CTR", "R", "Q", "P", "GP", "W", "TMZ", "RMZ", "C", "C"]
    heights = {a.name: (a.floor, a.ceiling) for a in airspaces if a.name.startswith("Height")}
    floor, ceiling = heights["Height-Test-2"]  # AL 0 / AH FL 65
    assert floor.reference is Reference.SFC and (ceiling.value, ceiling.unit) == (65, "FL")
    floor, ceiling = heights["Height-Test-3"]  # AL 100 Agl / AH UNLIM
    assert (floor.value, floor.reference) == (100, Reference.AGL)
    assert ceiling.reference is Reference.UNL
    floor, ceiling = heights["Height-Test-4"]  # AL 100m / AH UNLIMITED
    assert (floor.value, floor.unit, floor.reference) == (100, "m", Reference.AMSL)
    floor, ceiling = heights["Height-Test-5"]  # AL 100m GND / AH 450m
    assert (floor.value, floor.unit, floor.reference) == (100, "m", Reference.AGL)
    assert ceiling.metres() == 450
    floor, ceiling = heights["Height-Test-6"]  # AL 50 GND / AH 5000 STD
    assert (floor.value, floor.unit, floor.reference) == (50, "ft", Reference.AGL)
    assert (ceiling.value, ceiling.reference) == (50, Reference.FL)


def test_xcsoar_fixture_2(openair_dir: Path) -> None:
    airspaces, _ = read_openair(openair_dir / "xcsoar_test_openair_2.txt")
    tma, gsec, notype, asra = airspaces
    assert (tma.kind, tma.meta["class"], tma.id) == ("TMA", "E", "62e10d61d0d055fccf50f375")
    assert (gsec.kind, gsec.meta["class"]) == ("GSEC", "UNC")
    assert (asra.kind, asra.id) == ("ASRA", "62e10d63d0d055fccf50f3bb")
    assert (notype.kind, "type" in notype.meta) == ("A", False)
    # a second AL/AH replaces the first (lines 33-36)
    assert (str(notype.floor), str(notype.ceiling)) == ("1000 ft", "2000 ft")
    # line 13: "DP 47:22:60 N 007:39:30 E" is 47:23:00 N; the closing DP is dropped
    ring = tma.polygons[0].exterior
    assert len(ring) == 6  # type: ignore[arg-type]
    approx_vertex(ring[5], vx((47, 23, 0), (7, 39, 30, "E")))  # type: ignore[index]


# -- openAIP fixtures ---------------------------------------------------------------------------


def test_openaip_arc_cw_ccw(openair_dir: Path) -> None:
    [a], _ = read_openair(openair_dir / "openaip_fixture_arc-cw-ccw.txt")
    assert (a.name, a.kind, str(a.floor), str(a.ceiling)) == (
        "TMA NICE partie 3",
        "D",
        "2500FT AMSL",
        "FL195",
    )
    cw, ccw = a.polygons[0].exterior  # type: ignore[misc]
    assert cw.clockwise and not ccw.clockwise
    approx_vertex(cw.center, vx((43, 46, 14), (7, 15, 16, "E")))
    approx_vertex(cw.start, vx((43, 32, 48), (8, 24, 29, "E")))
    approx_vertex(cw.end, vx((43, 4, 57), (7, 58, 39, "E")))
    approx_vertex(ccw.center, vx((43, 39, 35), (7, 13, 28, "E")))
    approx_vertex(ccw.start, vx((43, 13, 51), (7, 46, 3, "E")))
    approx_vertex(ccw.end, vx((43, 38, 59), (8, 1, 50, "E")))


def test_openaip_arc_angles(openair_dir: Path) -> None:
    [a], _ = read_openair(openair_dir / "openaip_fixture_arc-angle-cw.txt")
    assert (a.kind, a.ceiling.value, a.ceiling.reference) == ("R", 500, Reference.AGL)
    _, arc1, v2, arc2 = a.polygons[0].exterior  # type: ignore[misc]
    assert (arc1.radius_m, arc1.start_az, arc1.end_az, arc1.clockwise) == (463.0, 303, 123, True)
    assert (arc2.radius_m, arc2.start_az, arc2.end_az, arc2.clockwise) == (463.0, 123, 303, True)
    approx_vertex(arc1.center, vx((45, 6, 41), (9, 41, 6, "E")))
    approx_vertex(arc2.center, vx((45, 5, 27), (9, 39, 59, "E")))
    approx_vertex(v2, vx((45, 5, 19), (9, 40, 17, "E")))
    [b], _ = read_openair(openair_dir / "openaip_fixture_arc-angle-ccw.txt")
    _, arc = b.polygons[0].exterior  # type: ignore[misc]
    assert (arc.radius_m, arc.start_az, arc.end_az, arc.clockwise) == (
        15 * NM,
        90.0,
        270.5,
        False,
    )
    assert (b.floor.reference, b.ceiling.value) == (Reference.SFC, 5000)


def test_openaip_circular_and_self_intersecting(openair_dir: Path) -> None:
    [a], _ = read_openair(openair_dir / "openaip_fixture_circular.txt")
    circle = a.polygons[0].exterior
    assert (a.name, a.kind) == ("ED-R3 Geesthacht H24", "R")
    assert isinstance(circle, Circle) and circle.radius_m == pytest.approx(1.1 * 1852)
    [s], _ = read_openair(openair_dir / "openaip_fixture_self-intersecting.txt")
    ring = s.polygons[0].exterior
    assert len(ring) == 152  # type: ignore[arg-type]  # 153 DP, the last closes the ring
    assert (s.ceiling.value, s.ceiling.unit, s.ceiling.reference) == (1000, "m", Reference.AGL)
    approx_vertex(ring[0], vx((42, 53, 0), (0, 41, 0, "W")))  # type: ignore[index]
    approx_vertex(ring[-1], vx((42, 54, 0), (0, 40, 3, "W")))  # type: ignore[index]


def test_openaip_version_2_commands(openair_dir: Path) -> None:
    airspaces, _ = read_openair(openair_dir / "openaip_fixture_version-2-commands.txt")
    assert {a.name for a in airspaces} == {"TMA Todendorf-Putlos"}
    assert [a.meta.get("transponder") for a in airspaces] == ["7000"] * 3 + [None] + ["7000"] * 4
    assert [a.meta.get("station") for a in airspaces] == [None, None] + [
        "Ground Station Name"
    ] * 5 + ["Todendorf Information"]
    assert all(a.meta.get("frequency", "123.505") == "123.505" for a in airspaces)
    assert airspaces[6].meta["activation"] == (
        "2025-01-01T12:00Z/2025-01-01T13:00Z",
        "2025-01-01T14:00Z/2025-01-01T15:00Z",
        "NONE/2025-02-02T12:00Z",
        "2025-03-03T11:00Z/NONE",
    )
    # order of the records does not matter
    assert len({(a.floor, a.ceiling, a.polygons) for a in airspaces}) == 1


# -- altitudes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "reference"),
    [
        ("FL 65", 65, "FL", Reference.FL),
        ("FL65 ", 65, "FL", Reference.FL),
        ("2000 MSL", 2000, "ft", Reference.AMSL),
        ("1500 ft GND", 1500, "ft", Reference.AGL),
        ("SFC", 0, "ft", Reference.SFC),
        ("GND", 0, "ft", Reference.SFC),
        ("0", 0, "ft", Reference.SFC),
        ("3500ft MSL", 3500, "ft", Reference.AMSL),
        ("1000 AGL", 1000, "ft", Reference.AGL),
        ("100m", 100, "m", Reference.AMSL),
        ("2900AMSL FT", 2900, "ft", Reference.AMSL),
        ("15000ft (Mo-Fri)", 15000, "ft", Reference.AMSL),
        ("5500ft STD", 55, "FL", Reference.FL),
    ],
)
def test_parse_limit_single(text: str, value: float, unit: str, reference: Reference) -> None:
    limit = parse_limit(text)
    assert (limit.value, limit.unit, limit.reference) == (value, unit, reference)
    assert limit.text == text.strip() and not limit.is_compound


@pytest.mark.parametrize("text", ["UNLIM", "UNL FT", "UNLIMITED", "UNLIM (Mon-Fri)", "unl"])
def test_parse_limit_unlimited(text: str) -> None:
    limit = parse_limit(text)
    assert limit.reference is Reference.UNL and math.isinf(limit.metres())


@pytest.mark.parametrize(
    ("text", "first", "other", "rule"),
    [
        ("FL130 but at least 1000 ft AGL", "FL130", (1000, Reference.AGL), "higher"),
        ("FL100 or 1000ft AGL", "FL100", (1000, Reference.AGL), "higher"),
        ("FL100 / 3000ft", "FL100", (3000, Reference.AMSL), "higher"),
        ("FL100/3000ft AGL whichever is lower", "FL100", (3000, Reference.AGL), "lower"),
        ("FL95 but not above 2000 ft AGL", "FL95", (2000, Reference.AGL), "lower"),
        ("FL65 or 1000ft GND, whichever is higher", "FL65", (1000, Reference.AGL), "higher"),
    ],
)
def test_parse_limit_compound(
    text: str, first: str, other: tuple[float, Reference], rule: str
) -> None:
    limit = parse_limit(text)
    head = VerticalLimit.parse(first)
    assert (limit.value, limit.unit, limit.reference) == (head.value, head.unit, head.reference)
    assert limit.other is not None and (limit.other.value, limit.other.reference) == other
    assert limit.rule == rule and limit.text == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NOTAM", "altitude 'NOTAM' is set by NOTAM"),
        ("BCTA FT", "unknown altitude 'BCTA FT'"),
        ("Ask on 122.8", "unknown altitude 'Ask on 122.8'"),
        ("3000 yards", "unknown altitude '3000 yards'"),
        ("", "unknown altitude ''"),
    ],
)
def test_parse_limit_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_limit(text)
    assert reason in str(info.value)


# -- records, encodings, sniffing ---------------------------------------------------------------


def test_iter_records_numbers_lines_and_strips() -> None:
    lines = ["\ufeff* header", "", "  AC C   * comment", "AN Name with * star inside", "dp 1"]
    assert list(iter_records(lines)) == [
        Record(3, "AC", "C"),
        Record(4, "AN", "Name with"),  # " *" starts an inline comment
        Record(5, "DP", "1"),
    ]
    with pytest.raises(ParseError, match=r"^x.bin:2: NUL byte"):
        list(iter_records(["AC C", "A\x00N"], "x.bin"))


P1, P2 = "DP 50:00:00 N 010:00:00 E", "DP 50:10:00 N 010:10:00 E"
GOOD = ["AC R", "AN Good", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E", "DC 1"]


def write(tmp_path: Path, lines: Sequence[str], name: str = "zones.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bom_crlf_latin1_utf16(tmp_path: Path) -> None:
    text = "\r\n".join(["AC Q", "AN Zürich Süd", "AL GND", "AH 3000ft", *GOOD[4:]]) + "\r\n"
    for encoding, prefix in [("utf-8", b"\xef\xbb\xbf"), ("latin-1", b""), ("utf-16", b"")]:
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(prefix + text.encode(encoding))
        [a], problems = read_openair(path)
        assert (a.name, a.kind, a.line, problems) == ("Zürich Süd", "Q", 1, [])
    old_mac = tmp_path / "cr.txt"
    old_mac.write_bytes("\r".join(GOOD).encode())
    [a], _ = read_openair(old_mac)
    assert a.name == "Good" and a.polygons[0].exterior.radius_m == NM  # type: ignore[union-attr]


def test_iter_airspaces_accepts_lines_and_binary_streams() -> None:
    [a] = iter_airspaces(GOOD)
    assert (a.source, a.line) == ("<input>", 1)
    stream = io.BytesIO("\n".join(GOOD).encode())
    [b] = iter_airspaces(stream)
    assert b.name == "Good"


def test_direction_resets_and_centre_carries_over() -> None:
    lines = [
        "AC R", "AN One", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E", "V D=-",
        "DB 50:10:00 N 010:00:00 E, 50:00:00 N 010:10:00 E", "DP 49:50:00 N 010:00:00 E",
        "AC R", "AN Two", "AL GND", "AH FL100",
        "DB 50:10:00 N 010:00:00 E, 50:00:00 N 010:10:00 E", "DP 49:50:00 N 010:00:00 E",
    ]  # fmt: skip
    one, two = iter_airspaces(lines)
    assert not one.polygons[0].exterior[0].clockwise  # type: ignore[index,union-attr]
    assert two.polygons[0].exterior[0].clockwise  # type: ignore[index,union-attr]
    assert two.polygons[0].exterior[0].center == Vertex(50.0, 10.0)  # type: ignore[index,union-attr]


def test_looks_like_openair_rejects_other_formats() -> None:
    assert not looks_like_openair('{"type": "FeatureCollection", "features": []}')
    assert not looks_like_openair("AXCTxxx\nHFDTE271209\nB0208413629150S14559583EA0017800195\n")
    assert not looks_like_openair("time,icao24,lat,lon\n1,abc,50,10\n")
    assert not looks_like_openair("* only comments\n*\n")
    assert not looks_like_openair("")
    assert looks_like_openair("\ufeffAC C\r\nAN X\r\nAL GND\r\nAH FL6")  # last line cut


# -- malformed input: each problem names path and line; the rest still reads -------------------

BAD_CASES = [
    # (lines of the bad airspace, 1-based line within them, reason fragment, airspace skipped)
    (["AC R", "AN Bad", "AL GND", "AH FL100", P1, "DP 50:61:00 N 010:00:00 E", P2], 6,
     "DP: minutes 61 not below 60 in latitude '50:61:00 N'", True),
    (["AC R", "AN Bad", "AL GND", "AH 3000 yards", *GOOD[4:]], 4,
     "AH: unknown altitude '3000 yards'; airspace 'Bad' (AC at line 10) skipped", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "DB 50:00:00 N 010:00:00 E, 50:10:00 N 010:00:00 E"],
     5, "DB: no centre: no V X= record before it", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "DA 5,0,90"], 5, "DA: no centre", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "DC 2"], 5, "DC: no centre", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", P1, P2, P1], 1,
     "boundary has 2 distinct point(s); a polygon needs 3", True),
    (["AC R", "AL GND", "AH FL100", *GOOD[4:]], 1, "missing AN (name); airspace skipped", True),
    (["AC R", "AN Bad", "AH FL100", *GOOD[4:]], 1, "missing AL (floor)", True),
    (["AC", "AN Bad", "AL GND", "AH FL100", *GOOD[4:]], 1, "AC record without a class", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100"], 1, "no boundary: no DP, DA, DB or DC record", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E", "V D=x", "DC 1"], 6,
     "V: bad direction 'x' (expected + or -)", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E", "DA 5,0", "DC 1"], 6,
     "DA: expected radius, start angle, end angle (numbers), got '5,0'", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E", "DC 0"], 6,
     "DC: radius must be positive, got 0 NM", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E", "DC 1",
      "DP 50:00:00 N 010:00:00 E"], 7, "DP: DP after a DC circle in the same airspace", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "V X=50:00:00 N 190:00:00 E", "DC 1"], 5,
     "V X=: longitude '190:00:00 E' beyond 180 degrees", True),
    (["AC R", "AN Bad", "AL GND", "AH FL100", "V X=50:00:00 N 010:00:00 E",
      "DB 50:00:00 N 010:00:00 E", "DC 1"], 6,
     "DB: expected two coordinates separated by ','", True),
    # record-level problems: the airspace itself is kept
    (["AC R", "AN Kept", "AL GND", "AH FL100", "XX something", *GOOD[4:]], 5,
     "unknown record 'XX'", False),
    (["AC R", "AN Kept", "AL GND", "AH FL100", "DY 50:00:00 N 010:00:00 E", *GOOD[4:]], 5,
     "DY (airway segment) records are not supported; record skipped", False),
    (["AC R", "AN Kept", "AL GND", "AH FL100", "AA tomorrow", *GOOD[4:]], 5,
     "AA: bad activation window 'tomorrow'", False),
    (["AC R", "AN Kept", "AL GND", "AH FL100", "AT 99:00:00 N 010:00:00 E", *GOOD[4:]], 5,
     "AT: latitude '99:00:00 N' beyond 90 degrees", False),
    (["AC R", "AN Kept", "AL GND", "AH FL100", "V Q=1", *GOOD[4:]], 5,
     "V: unknown variable 'Q'; record skipped", False),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "line", "reason", "skipped"), BAD_CASES)
def test_malformed_airspace_is_reported_and_the_rest_reads(
    tmp_path: Path, bad: list[str], line: int, reason: str, skipped: bool
) -> None:
    before = ["* header", "AC Q", "AN Before", "AL GND", "AH 2000ft",
              "DP 50:00:00 N 010:00:00 E", "DP 50:00:00 N 011:00:00 E",
              "DP 51:00:00 N 011:00:00 E", ""]  # fmt: skip
    after = ["", "AC D", "AN After", "AL GND", "AH FL65", "DP 51:00:00 N 010:00:00 E",
             "DP 51:00:00 N 011:00:00 E", "DP 52:00:00 N 011:00:00 E"]  # fmt: skip
    path = write(tmp_path, [*before, *bad, *after])
    airspaces, [problem] = read_openair(path)
    bad_line = len(before) + line
    assert (problem.path, problem.line) == (str(path), bad_line)
    assert reason in problem.reason
    assert str(problem).startswith(f"{path}:{bad_line}: ")
    expected = ["Before", "After"] if skipped else ["Before", "Kept", "After"]
    assert [a.name for a in airspaces] == expected
    assert airspaces[-1].line == len(before) + len(bad) + 2
    assert airspaces[-1].polygons[0].exterior[-1] == Vertex(52.0, 11.0)  # type: ignore[index]


def test_records_before_the_first_ac(tmp_path: Path) -> None:
    path = write(tmp_path, ["AN Orphan", "V X=50:00:00 N 010:00:00 E", *GOOD[:5], "DC 1"])
    [a], [problem] = read_openair(path)
    assert (problem.line, problem.reason) == (1, "AN record before any AC record")
    assert a.name == "Good"


def test_strict_mode_raises_the_first_problem(tmp_path: Path) -> None:
    path = write(tmp_path, [*GOOD, "AC R", "AN Bad", "AL GND", "AH FL100", "DC x"])
    with pytest.raises(ParseError, match=r"zones.txt:11: DC: expected radius \(numbers\)"):
        list(iter_airspaces(path))


def test_terrain_records_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [*GOOD, "TC Lake", "SP 0, 1, 0, 0, 255", "SB 200,200,255", "V Z=100",
         "DP 38:56:00 N 120:02:00 W", "DP 38:56:40 N 120:04:00 W"],
    )  # fmt: skip
    [a], problems = read_openair(path)
    assert problems == [] and a.name == "Good"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file: no OpenAir records"),
        (b"\xef\xbb\xbf\r\n* only a comment\r\n\r\n", "empty file: no OpenAir records"),
        (b"AN Name\nDP 50:00:00 N 010:00:00 E\n", "no airspace: no AC record in the file"),
        (b"AC R\nAN Bad\nAL GND\nAH NOTAM\nDC 1\n", "no readable airspace in 1 AC block(s)"),
    ],
)
def test_file_without_airspace_raises(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(ParseError) as info:
        read_openair(path)
    assert (info.value.path, info.value.line) == (str(path), None)
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}: ")


def test_missing_or_unreadable_file_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "zones.txt"
    with pytest.raises(ParseError) as info:
        read_openair(missing)
    assert info.value.path == str(missing)
    assert str(info.value) == f"{missing}: cannot read file: No such file or directory"
    with pytest.raises(ParseError, match="cannot read file"):
        read_openair(tmp_path)  # a directory
    assert isinstance(info.value.__cause__, FileNotFoundError)
