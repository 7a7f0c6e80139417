"""Make the ILLUSTRATIVE Gulf of Finland example in examples/vaindloo/ (not a real flight).

Two made-up transits at FL330 and 500 km/h, west to east along the Gulf of Finland between
24.6 E and 27.6 E, passing north of Vaindloo island (59.818 N, 26.361 E):

- ``centre_illustrative.csv`` follows waypoints at the middle of the Estonia-Finland corridor
  (6 NM wide: each state keeps its territorial sea 3 NM back from the median line) as
  overflight builds it from the default coastline, then passes north of Vaindloo;
- ``drift_illustrative.csv`` is the same but drifts 3.5 NM south of that line (0.5 NM past the
  3 NM limit) for a few minutes west of Vaindloo. The geometry is invented: it is not the
  track of the 19 September 2025 flight that Estonia said stayed about twelve minutes.

Run from the repository root: python scripts/make_vaindloo_example.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from overflight.geometry.geodesic import forward, inverse
from overflight.national.build import NM, Corridor, build_national

OUT = Path(__file__).resolve().parent.parent / "examples" / "vaindloo"
T0 = 1_758_268_800 + 3600  # 2025-09-19 09:00:00 UTC (illustrative)
SPEED = 140.0  # m/s, ~500 km/h
ALT = 33_000 * 0.3048


def centre_line() -> np.ndarray:
    """Waypoints at the middle of the Estonia-Finland corridor, every 0.25 degree of longitude
    where the corridor exists (great-circle legs between them)."""
    built = build_national("EST", corridors=[Corridor("FIN", 3 * NM)])
    strip = built.parts["corridors"]
    way = []
    for lon in np.arange(24.625, 27.4, 0.25):
        cut = shapely.intersection(strip, shapely.linestrings([[lon, 59.4], [lon, 60.4]]))
        ys = shapely.get_coordinates(cut)[:, 1]
        if len(ys):
            way.append([lon, (ys.min() + ys.max()) / 2])
    way.append([26.8, 60.02])  # north of Vaindloo, short of Gogland (Russia)
    return np.asarray(way)


def resample(way: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    az, _, d = inverse(way[:-1, 0], way[:-1, 1], way[1:, 0], way[1:, 1])
    cum = np.concatenate([[0.0], np.cumsum(d)])
    s = np.arange(0.0, cum[-1], SPEED * 5.0)  # a fix every 5 s
    k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(d) - 1)
    lon, lat, _ = forward(way[k, 0], way[k, 1], az[k], s - cum[k])
    return s / SPEED, lon, lat


def drift(way: np.ndarray) -> np.ndarray:
    """Push the waypoints south by up to 2 NM around Vaindloo's longitude (smooth bump)."""
    bump = np.exp(-(((way[:, 0] - 26.0) / 0.45) ** 6)) * 3.5 * NM
    lon, lat, _ = forward(way[:, 0], way[:, 1], np.full(len(way), 180.0), bump)
    return np.column_stack([lon, lat])


def write(path: Path, icao: str, callsign: str, way: np.ndarray) -> None:
    t, lon, lat = resample(way)
    rows = [
        "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
        "baroaltitude,geoaltitude,lastposupdate,lastcontact"
    ]
    for ti, lo, la in zip(t, lon, lat, strict=True):
        tt = int(T0 + ti)
        rows.append(
            f"{tt},{icao},{la:.6f},{lo:.6f},{SPEED:.1f},80,0,{callsign:<8},false,false,false,"
            f"7000,{ALT:.1f},{ALT + 150:.1f},{tt},{tt}.4"
        )
    path.write_text("\n".join(rows) + "\n")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    way = centre_line()
    write(OUT / "centre_illustrative.csv", "f00001", "ILLUS1", way)
    write(OUT / "drift_illustrative.csv", "f00002", "ILLUS2", drift(way))


if __name__ == "__main__":
    main()
