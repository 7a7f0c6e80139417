"""The exact limit test of the airspaces near a piece (archive.nearby._in_limits) drops only
pairs (piece, airspace) in which the check finds no incursion: pieces flown through an
airspace just above its ceiling or just below its floor, compared by the check's own
vertical steps, with pressure and geometric altitudes apart and partly missing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.batch import check_jobs
from overflight.archive.index import AirspaceIndex
from overflight.archive.nearby import LIMIT_SLACK_M, Nearby
from overflight.archive.pool import Job
from overflight.formats.airspace.openair_limits import parse_limit
from overflight.model import Airspace, Circle, Polygon, Vertex

FLOORS = ["SFC", "1500ft AMSL", "FL65", "500ft AGL", "FL55 or 2000ft AMSL"]
CEILINGS = ["UNL", "4500ft AMSL", "FL95", "3000ft AGL", "FL125 or 5000ft AMSL whichever is lower"]


def _zone(kind: int, floor: str, ceiling: str) -> Airspace:
    if kind == 0:
        poly = Polygon(Circle(50.0, 10.0, 15_000.0))
    else:
        ring = [(50.1, 9.85), (50.12, 10.15), (49.9, 10.2), (49.88, 9.8)]
        poly = Polygon(tuple(Vertex(a, b) for a, b in ring))
    return Airspace("Z", "R", (poly,), parse_limit(floor), parse_limit(ceiling))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Airspace, Job]:
    zone = _zone(
        draw(st.integers(0, 1)), draw(st.sampled_from(FLOORS)), draw(st.sampled_from(CEILINGS))
    )
    n = draw(st.integers(2, 12))
    # straight across the airspace, west to east, at a steady altitude near one of its limits
    lon = np.linspace(9.6, 10.4, n)
    lat = np.full(n, 50.0) + draw(st.floats(-0.05, 0.05))
    limits = [lim for lim in (zone.floor, zone.ceiling) if lim.reference.name in ("FL", "AMSL")]
    base = limits[draw(st.integers(0, len(limits) - 1))].metres() if limits else 1_000.0
    off = draw(st.sampled_from([-40.0, -3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0, 40.0]))
    wobble = np.array(draw(st.lists(st.floats(0.0, 2.0), min_size=n, max_size=n)))
    baro = base + off + wobble * np.sign(off or 1.0)
    if draw(st.booleans()):  # climbing or descending through the limit instead
        baro = base + off + np.linspace(-1.0, 1.0, n) * draw(st.sampled_from([-80.0, 5.0, 80.0]))
    geo = baro + draw(st.sampled_from([-60.0, 0.0, 45.0]))
    for series in (baro, geo):
        how = draw(st.integers(0, 3))
        if how == 1:
            series[:] = np.nan
        elif how == 2:
            gone = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
            series[gone] = np.nan
        elif how == 3:
            series[draw(st.integers(0, n - 1))] = np.inf
    time = np.arange(n) * 30.0
    job = Job("abc123", None, 0.0, [0], time, lat, lon, baro, geo, np.zeros(n, np.uint8))
    return zone, job


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_dropped_pairs_have_no_incursion(case: tuple[Airspace, Job]) -> None:
    zone, job = case
    index = AirspaceIndex([zone])
    near = Nearby(index).select([(job.lon, job.lat, job.baro, job.geo)])[0]
    rows = check_jobs(index, [job])
    if not near:
        assert rows == []


def test_some_pairs_are_dropped_and_some_kept() -> None:
    """Examples of both outcomes, so that the test above tests something: a piece 3 m above
    a FL95 ceiling (dropped; the band test with its slack keeps it) and one 0.5 m above it,
    within the slack (kept)."""
    zone = _zone(0, "SFC", "FL95")
    index = AirspaceIndex([zone])
    ceiling = zone.ceiling.metres()
    lon, lat = np.linspace(9.6, 10.4, 5), np.full(5, 50.0)
    for above, want in ((3.0, []), (0.5 * LIMIT_SLACK_M, [0]), (-1.0, [0])):
        baro = np.full(5, ceiling + above)
        geo = baro - 60.0  # geometric altitude under the ceiling: not what a flight level reads
        assert Nearby(index).select([(lon, lat, baro, geo)]) == [want]
        job = Job("abc123", None, 0.0, [0], np.arange(5) * 30.0, lat, lon, baro, geo,
                  np.zeros(5, np.uint8))  # fmt: skip
        assert bool(check_jobs(index, [job])) == (above <= 0)
