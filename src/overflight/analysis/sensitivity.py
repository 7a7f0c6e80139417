"""How the verdict moves when the boundary or altitude definition changes.

Each alternative definition that applies is checked with the exact core (``check_pair``):

* ``edges``: boundary edges read as geodesics (aeronautical) or as straight lon/lat lines
  (RFC 7946), always;
* ``altitude``: barometric only or geometric only (the other column replaced by it), when the
  track has both;
* ``terrain``: AGL limits read as AMSL (terrain at sea level), when the airspace has one
  (without a terrain model the check calls such a vertical position ``unknown``);
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

from ..model import Airspace, CheckResult, Reference, Track, VerticalLimit
from .check import check_pair
from .params import CheckParameters

__all__ = ["boundary_sensitivity", "flipping_definitions", "terrain_alternative"]


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


def _agl_as_amsl(limit: VerticalLimit) -> VerticalLimit:
    other = _agl_as_amsl(limit.other) if limit.other is not None else None
    if limit.reference != Reference.AGL:
        return replace(limit, other=other) if other is not limit.other else limit
    text = f"{limit.text} (taken as AMSL)" if limit.text else None
    return replace(limit, reference=Reference.AMSL, text=text, other=other)


def _has_agl(limit: VerticalLimit | None) -> bool:
    return limit is not None and (limit.reference == Reference.AGL or _has_agl(limit.other))


def terrain_alternative(airspace: Airspace) -> Airspace | None:
    """The airspace with its AGL limits read as AMSL (terrain at sea level), or None when it
    has no AGL limit. Without a terrain model an AGL limit's height is unknown; this is the
    assumption a reader most often makes, so the table says whether it decides the verdict.

    >>> from overflight.model import Circle, Polygon
    >>> zone = Airspace("R", "R", (Polygon(Circle(0.0, 0.0, 1000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.parse("1000ft AGL"))
    >>> terrain_alternative(zone).ceiling.reference.value
    'AMSL'
    """
    if not (_has_agl(airspace.floor) or _has_agl(airspace.ceiling)):
        return None
    return replace(
        airspace, floor=_agl_as_amsl(airspace.floor), ceiling=_agl_as_amsl(airspace.ceiling)
    )


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
    flat = terrain_alternative(airspace)
    if flat is not None:
        res = check_pair(track, flat, params)
        rows.append(_row("AGL limits taken as AMSL (terrain at sea level)", params.edges,
                         "as recorded", res))  # fmt: skip
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
