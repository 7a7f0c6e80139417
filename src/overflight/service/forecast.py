"""Whether and when a projected aircraft enters a zone: the ensemble test of a predicted alert.

:func:`evaluate` tests the nine-member :class:`~overflight.service.predict.Projection` against a
zone's local-plane shape and vertical margins: a hit needs the nominal member inside (laterally
and vertically; an unknown vertical status counts as possibly inside) and at least
``min_confidence`` of the members inside at some sample. :func:`refine` then times the nominal
member's entry between its last sample outside and its first inside to ``step / REFINE_N`` (a
prediction needs no geodesic exactness; the entry alert itself comes from the exact check).

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> from overflight.service.fix import Fix
>>> from overflight.service.predict import Kinematics, ensemble
>>> from overflight.service.zones import ZoneIndex
>>> zone = Airspace("R1", "R", (Polygon(Circle(50.0, 8.2, 5_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> z = ZoneIndex([zone]).zones[0]
>>> k = Kinematics(0.0, 50.0, 8.0, 1000.0, float("nan"), 200.0, 90.0, 0.0, 0.0)
>>> tte, conf, lat, lon = evaluate(z, ensemble(k, 120.0), Fix("a", 0.0, 50.0, 8.0), 0.3)
>>> round(tte), conf  # 14.3 km - 5 km at 200 m/s
(47, 1.0)
"""

from __future__ import annotations

import numpy as np

from .fix import Fix
from .predict import Projection
from .zones import Zone

__all__ = ["REFINE_N", "Hit", "evaluate", "refine"]

REFINE_N = 64
_F = np.linspace(0.0, 1.0, REFINE_N + 1)

Hit = tuple[float, float, float, float]  # time to entry (s), confidence, lat, lon


def evaluate(
    z: Zone, proj: Projection, fix: Fix, min_confidence: float, fine: bool = True
) -> Hit | None:
    """(time_to_entry, confidence, lat, lon) of the nominal member's entry, or None;
    ``fine``: time it between samples (:func:`refine`), else at the first sample inside."""
    inside = z.contains(proj.lat.ravel(), proj.lon.ravel()).reshape(proj.lat.shape)
    if not inside[proj.nominal].any():
        return None
    fm, cm = z.margins(proj.alt_baro, proj.alt_geo)
    with np.errstate(invalid="ignore"):
        vert = ~((fm < 0) | (cm < 0))  # NaN (unknown) counts as possibly inside
    ok = inside & vert[None, :]
    if not ok[proj.nominal].any():
        return None
    conf = float(ok.any(axis=1).mean())
    if conf < min_confidence:
        return None
    j = int(np.argmax(ok[proj.nominal]))
    if not fine:
        n = proj.nominal
        return float(proj.t[j]), conf, float(proj.lat[n, j]), float(proj.lon[n, j])
    tte, lat, lon = refine(z, proj, fix, j)
    return tte, conf, lat, lon


def refine(z: Zone, proj: Projection, fix: Fix, j: int) -> tuple[float, float, float]:
    """(time_to_entry, lat, lon) of the nominal member between sample ``j - 1`` (the fix
    itself for ``j = 0``), outside, and sample ``j``, inside, in ``REFINE_N`` steps."""
    n = proj.nominal
    if j == 0:
        a = (0.0, fix.lat, fix.lon, fix.alt_baro, fix.alt_geo)
    else:
        a = (
            float(proj.t[j - 1]),
            float(proj.lat[n, j - 1]),
            float(proj.lon[n, j - 1]),
            float(proj.alt_baro[j - 1]),
            float(proj.alt_geo[j - 1]),
        )
    b = (
        float(proj.t[j]),
        float(proj.lat[n, j]),
        float(proj.lon[n, j]),
        float(proj.alt_baro[j]),
        float(proj.alt_geo[j]),
    )
    dlon = (b[2] - a[2] + 180.0) % 360.0 - 180.0
    lat = a[1] + _F * (b[1] - a[1])
    lon = a[2] + _F * dlon
    ok = z.contains(lat, lon)
    fm, cm = z.margins(a[3] + _F * (b[3] - a[3]), a[4] + _F * (b[4] - a[4]))
    with np.errstate(invalid="ignore"):
        ok &= ~((fm < 0) | (cm < 0))
    i = int(np.argmax(ok)) if ok.any() else REFINE_N
    tte = a[0] + float(_F[i]) * (b[0] - a[0])
    return tte, float(lat[i]), float((lon[i] + 180.0) % 360.0 - 180.0)
