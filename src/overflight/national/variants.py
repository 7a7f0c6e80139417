"""Alternative definitions of a built national airspace, for the sensitivity table.

A national airspace built by overflight carries its construction in its ``meta``. The claims it
is used for turn on exactly these choices, so the verdict is re-checked under each that applies:

* **treaty limit**: without the agreed corridors it was built with; or, built without any, 3 NM
  back from every median line (as Estonia and Finland do in the Gulf of Finland);
* **median lines**: the full territorial-sea width, ignoring neighbours (overlapping claims);
* **coastline source**: GSHHS high resolution (0.2 km generalised) instead of full.

Straight baselines and limit files given to the original build are not known here and are not
re-applied (the row's name says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import OverflightError
from ..model import Airspace

__all__ = ["construction_of", "national_variants"]


def construction_of(airspace: Airspace) -> Mapping[str, Any] | None:
    """The construction parameters of an airspace built by ``overflight airspace national``
    (as built in memory, or read back from its GeoJSON), else None.

    >>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
    >>> a = Airspace("x", "R", (Polygon(Circle(0, 0, 1000)),), VerticalLimit.surface(),
    ...              VerticalLimit.unlimited())
    >>> construction_of(a) is None
    True
    """
    meta = airspace.meta or {}
    for cand in (meta, (meta.get("properties") or {}).get("overflight") or {}):
        if isinstance(cand, Mapping) and cand.get("construction") == "overflight national":
            return cand
    return None


def national_variants(airspace: Airspace) -> list[tuple[str, Airspace]]:
    """Named alternative boundaries for a built national airspace ([] for any other)."""
    params = construction_of(airspace)
    if params is None:
        return []
    from ..formats.coastline import dcw, gshhs
    from .build import NM, Corridor, build_national
    from .land import Frame, land_by_state

    code, iso2 = str(params["country"]), str(params.get("iso2") or params["country"])
    width = float(params.get("width_m", 12 * NM))
    corridors = [Corridor(c["other"], float(c["offset_m"])) for c in params.get("corridors", [])]
    extra = (
        params.get("straight_baselines") or params.get("limit_areas") or params.get("limit_lines")
    )
    note = " (baselines/limits of the original not re-applied)" if extra else ""
    try:
        frame = Frame.around(dcw.country_bounds(iso2), 2 * width + 60_000.0)
        land = land_by_state(frame)
        out: list[tuple[str, Airspace]] = []
        if corridors:
            alt = build_national(code, width_m=width, land=land)
            out.append(("without the agreed corridors" + note, alt.airspace))
        else:
            neighbours = [n.split()[-1] for n in params.get("notes", []) if "median line with" in n]
            if neighbours:
                c3 = [Corridor(n, 3 * NM) for n in neighbours]
                alt = build_national(code, width_m=width, land=land, corridors=c3)
                out.append(("3 NM back from every median line" + note, alt.airspace))
        if params.get("equidistance", True):
            alt = build_national(code, width_m=width, land=land, equidistance=False,
                                 corridors=corridors)  # fmt: skip
            out.append(("full width, no median lines" + note, alt.airspace))
        if gshhs.available("h"):
            coarse = land_by_state(frame, rings=lambda q: gshhs.land_rings(q, resolution="h"))
            coarse.coast_source = dict(vars(gshhs.source("h")))
            alt = build_national(code, width_m=width, land=coarse, corridors=corridors)
            out.append(("coastline GSHHS high (0.2 km) instead of full" + note, alt.airspace))
    except OverflightError:
        return []
    return out
