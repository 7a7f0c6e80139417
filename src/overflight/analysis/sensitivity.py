"""How the verdict moves when the boundary or altitude definition changes.

Each alternative definition that applies is checked with the exact core (``check_pair``):

* ``edges``: boundary edges read as geodesics (aeronautical) or as straight lon/lat lines
  (RFC 7946), always;
* ``altitude``: barometric only or geometric only (the other column replaced by it), when the
  track has both;
* any named alternative boundaries the caller gives (national airspace: treaty limits,
  median lines, coastline source; see ``overflight.national.variants``).

The first row is the definition as given; each row says whether it flips that verdict.

>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
>>> [(r["definition"], r["entered"], r["flips_verdict"]) for r in boundary_sensitivity(trk, zone)]
[('as given', True, False), ('planar edges', True, False)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..model import Airspace, CheckResult, Track
from .check import check_pair
from .params import CheckParameters

__all__ = ["boundary_sensitivity", "flipping_definitions"]


def _row(definition: str, edges: str, altitude: str, res: CheckResult | None) -> dict[str, Any]:
    incs = [
        i
        for i in (res.incursions if res else ())
        if i.vertical == "inside" and i.activation != "inactive"
    ]
    return {
        "definition": definition,
        "edges": edges,
        "altitude": altitude,
        "entered": bool(res is not None and res.entered),
        "duration_s": float(sum(i.duration_s for i in incs)),
        "max_depth_m": max((i.max_depth_m for i in incs), default=None),
    }


def _with_altitude(track: Track, alt: np.ndarray) -> Track:
    return replace(track, alt_baro=alt, alt_geo=alt)


def boundary_sensitivity(
    track: Track,
    airspace: Airspace,
    params: CheckParameters | None = None,
    alternatives: Sequence[tuple[str, Airspace]] = (),
) -> list[dict[str, Any]]:
    """Verdict, total duration inside (s) and maximum depth (m) under each alternative
    definition that applies; ``flips_verdict`` says which change the verdict as given.

    ``alternatives`` are other boundaries of the same airspace, named (for a national airspace
    built from a coastline: another territorial-sea limit, another coastline source...)."""
    params = params or CheckParameters()
    other = "planar" if params.edges == "geodesic" else "geodesic"
    rows = [
        _row("as given", params.edges, "as recorded", check_pair(track, airspace, params)),
        _row(
            f"{other} edges",
            other,
            "as recorded",
            check_pair(track, airspace, replace(params, edges=other)),
        ),
    ]
    if np.isfinite(track.alt_baro).any() and np.isfinite(track.alt_geo).any():
        for name, alt in (("barometric", track.alt_baro), ("geometric", track.alt_geo)):
            res = check_pair(_with_altitude(track, alt), airspace, params)
            rows.append(_row(f"{name} altitude", params.edges, name, res))
    for name, alt in alternatives:
        rows.append(_row(name, params.edges, "as recorded", check_pair(track, alt, params)))
    base = rows[0]["entered"]
    for r in rows:
        r["flips_verdict"] = r["entered"] != base
    return rows


def flipping_definitions(rows: list[dict[str, Any]]) -> list[str]:
    """Names of the alternative definitions that flip the verdict.

    >>> flipping_definitions([{"definition": "planar edges", "flips_verdict": True}])
    ['planar edges']
    """
    return [r["definition"] for r in rows if r["flips_verdict"]]
