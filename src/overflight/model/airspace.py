"""Airspace: name, class, exact boundary definition, floor and ceiling.

The boundary is kept as it was defined: vertices joined by edges, arcs and circles of a geodesic
radius. Consumers that need points densify it (``overflight.geometry.boundary``).

>>> a = Airspace(
...     name="CTR Example", kind="CTR",
...     polygons=(Polygon(Circle(50.0, 8.0, 5000.0)),),
...     floor=VerticalLimit.surface(), ceiling=VerticalLimit.parse("2500ft"))
>>> a.polygons[0].exterior.radius_m
5000.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .limits import VerticalLimit

__all__ = ["Airspace", "ArcByAngles", "ArcByPoints", "Circle", "Polygon", "Ring", "Vertex"]


def _check_latlon(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0) or not (-540.0 <= lon <= 540.0):
        raise ValueError(f"position out of range: lat={lat}, lon={lon}")


@dataclass(frozen=True)
class Vertex:
    """A boundary vertex (degrees WGS84)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        _check_latlon(self.lat, self.lon)


@dataclass(frozen=True)
class ArcByPoints:
    """An arc about ``center`` from ``start`` to ``end`` (OpenAir ``DB``).

    The radius is the geodesic distance from the centre to ``start``; if ``end`` is at a slightly
    different distance the radius changes linearly with the angle swept.
    """

    center: Vertex
    start: Vertex
    end: Vertex
    clockwise: bool = True


@dataclass(frozen=True)
class ArcByAngles:
    """An arc about ``center`` of geodesic ``radius_m`` from azimuth ``start_az`` to ``end_az``
    (degrees true, as seen from the centre; OpenAir ``DA``)."""

    center: Vertex
    radius_m: float
    start_az: float
    end_az: float
    clockwise: bool = True

    def __post_init__(self) -> None:
        if not self.radius_m > 0:
            raise ValueError(f"arc radius must be positive, got {self.radius_m}")


@dataclass(frozen=True)
class Circle:
    """Every point within geodesic ``radius_m`` of the centre (OpenAir ``DC``)."""

    center_lat: float
    center_lon: float
    radius_m: float

    def __post_init__(self) -> None:
        _check_latlon(self.center_lat, self.center_lon)
        if not self.radius_m > 0:
            raise ValueError(f"circle radius must be positive, got {self.radius_m}")


RingPart = Vertex | ArcByPoints | ArcByAngles
Ring = tuple[RingPart, ...]
"""A closed ring: parts in order; consecutive parts are joined by edges; last joins first."""


@dataclass(frozen=True)
class Polygon:
    """An exterior ring (or a circle) with optional holes."""

    exterior: Ring | Circle
    holes: tuple[Ring | Circle, ...] = ()


@dataclass(frozen=True)
class Airspace:
    """One airspace volume.

    ``kind`` is its class or type as given by the source (``CTR``, ``R``, ``C``, ``TMA``...);
    ``source``/``line`` say where it was read; ``meta`` holds anything else the source gave
    (frequency, station, activation times, openAIP id...).
    """

    name: str
    kind: str
    polygons: tuple[Polygon, ...]
    floor: VerticalLimit
    ceiling: VerticalLimit
    id: str | None = None
    source: str | None = None
    line: int | None = None
    meta: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.polygons:
            raise ValueError(f"airspace {self.name!r} has no boundary")
